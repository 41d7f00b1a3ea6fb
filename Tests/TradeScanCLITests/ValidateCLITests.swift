import CSVCore
import Foundation
import TestSupport
import Testing

@Suite("tradescan validate, end to end")
struct ValidateCLITests {
    @Test("accounting on stdout, rejects.csv and summary.md written, exit 65 beyond the reject rate")
    func validate() throws {
        let (tmp, data) = try BuiltBinary.generated("cli-validate", rows: 20000, seed: 2, dirty: true)
        defer { tmp.remove() }
        let out = tmp.file("v")
        let ok = try BuiltBinary.run(["validate", data + "/declarations.csv", "--out", out, "--verbose"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("20001 records read = "))
        #expect(ok.stdout.contains("declaration_date           ← column 3 \"export_date\" (auto)"))
        #expect(ok.stdout.contains("FX: built-in table"))
        let rejects = try CSVTable.read(out + "/rejects.csv")
        #expect(rejects.header == ["file", "line", "byte_offset", "column", "record", "field", "reason", "message", "raw"])
        #expect(rejects.rows.count > 20)
        #expect(!rejects.rows.contains { ["=", "+", "-", "@"].contains($0[7].first.map(String.init) ?? "") }, "formula cells neutralised")
        let summary = try String(contentsOfFile: out + "/summary.md", encoding: .utf8)
        #expect(summary.contains("| total |"))

        let strict = try BuiltBinary.run(["validate", data + "/declarations.csv", "--max-reject-rate", "0.0001"])
        #expect(strict.status == 65)
        #expect(strict.stderr.contains("more than --max-reject-rate"))

        let failing = try BuiltBinary.run(["validate", data + "/declarations.csv", "--on-error", "fail"])
        #expect(failing.status == 65)
        #expect(failing.stderr.contains(": error: "))
        #expect(failing.stderr.contains("hint: "))
    }

    @Test("a feed read with the wrong date format: the first bad row of each reason shown like a compiler error, the format that reads it named")
    func wrongDateFormat() throws {
        let tmp = try TemporaryDirectory("cli-validate-dates")
        defer { tmp.remove() }
        let rows = (1...40).map { "D\($0),2024-03-\(String(format: "%02d", $0 % 28 + 1)),28259090,100,USD" }
            + ["D41,2024-03-05,28259090,100"]   // a field short
        try Data(("declaration_id,declaration_date,hs_code,value,currency\n" + rows.joined(separator: "\n") + "\n").utf8)
            .write(to: URL(fileURLWithPath: tmp.file("d.csv")))
        try Data(#"{ "date_formats": ["%d/%m/%Y"] }"#.utf8).write(to: URL(fileURLWithPath: tmp.file("m.json")))
        let r = try BuiltBinary.run(["validate", tmp.file("d.csv"), "--mapping", tmp.file("m.json")])
        #expect(r.status == 65)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        // The commonest reason first, at its file, line and column, with the fix.
        #expect(lines.first == "first rejected row of each reason (pass --out DIR to write all 41 to rejects.csv):", "\(r.stderr)")
        #expect(lines.contains(tmp.file("d.csv") + ":2:4: error: declaration_date '2024-03-02' is not a date in %d/%m/%Y; it reads as %Y-%m-%d (record 0, field \"declaration_date\")"), "\(r.stderr)")
        #expect(lines.contains("  … and 39 more bad_date"))
        #expect(lines.contains(tmp.file("d.csv") + ":42:1: error: 4 fields, the header has 5 (record 40)"), "\(r.stderr)")
        #expect(lines.firstIndex { $0.contains("bad_date") }! < lines.firstIndex { $0.contains("4 fields") }!)
        // No --out: the error says how to get rejects.csv instead of pointing at one that was not written.
        #expect(lines.last == "error: 100.0000% of records were rejected, more than --max-reject-rate 1.0000%; pass --out DIR to write them to rejects.csv")
        let written = try BuiltBinary.run(["validate", tmp.file("d.csv"), "--mapping", tmp.file("m.json"), "--out", tmp.file("v")])
        #expect(written.stderr.contains("(all 41 are in rejects.csv):"))
        #expect(written.stderr.contains("see \(tmp.file("v"))/rejects.csv"))
        let quiet = try BuiltBinary.run(["validate", tmp.file("d.csv"), "--mapping", tmp.file("m.json"), "--quiet"])
        #expect(!quiet.stderr.contains("first rejected row"))
        // The hidden piece size the fuzzers set is checked like any option.
        let tiny = try BuiltBinary.run(["validate", tmp.file("d.csv"), "--chunk-size", "100"])
        #expect(tiny.status == 64 && tiny.stderr.contains("--chunk-size must be 4096 bytes or more"), "\(tiny.stderr)")
    }

    @Test("a file with a header and no rows: the accounting's figures each in their place")
    func noRows() throws {
        let tmp = try TemporaryDirectory("cli-validate-empty")
        defer { tmp.remove() }
        // 8 MB of blank lines under the header: 0 rows, a read rate far above the seconds it takes.
        let header = "declaration_id,declaration_date,hs_code,value,currency\n"
        try Data((header + String(repeating: "\n", count: 8 << 20)).utf8).write(to: URL(fileURLWithPath: tmp.file("d.csv")))
        let clock = ContinuousClock()
        let started = clock.now
        let r = try BuiltBinary.run(["validate", tmp.file("d.csv"), "--out", tmp.file("v")])
        let wall = started.duration(to: clock.now)
        let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("0 records read = 0 accepted + 0 rejected; 1 header line, \(8 << 20) blank lines"))
        // An Int 0 among the format's Doubles once shifted them: the seconds showed the MB/s.
        let line = r.stdout.split(separator: "\n").first { $0.hasPrefix("reject rate") }.map(String.init) ?? ""
        #expect(line.hasPrefix("reject rate 0.0000%; table 0 rows, 0 bytes/row; "), "\(line)")
        let figures = line.split(separator: ";").last.map { $0.split(separator: " ") } ?? []
        let seconds = figures.count == 4 ? Double(figures[0]) : nil, rate = figures.count == 4 ? Double(figures[2]) : nil
        #expect(seconds != nil && seconds! <= wallSeconds, "\(line), the run took \(wallSeconds) s")
        #expect(rate != nil && rate! > 0, "\(line)")
        let summary = try String(contentsOfFile: tmp.file("v/summary.md"), encoding: .utf8)
        #expect(summary.contains("Table: 0 rows, 0 bytes per row. Read in "), "\(summary)")
        let read = summary.components(separatedBy: "Read in ").last?.split(separator: " ").first.flatMap { Double($0) }
        #expect(read != nil && read! <= wallSeconds, "\(summary)")
    }

    @Test("standard input, a mapping file, and usage errors")
    func stdinAndErrors() throws {
        let csv = "Declaration ID,Date,HS6 Code,Item Price,Fraud\n001,2020-01-02,071080,1000,1\n002,2020-01-03,071290,2000,0\n"
        let tmp = try TemporaryDirectory("cli-validate-stdin")
        defer { tmp.remove() }
        try Data(#"{"flow": "import", "fields": {"currency": {"constant": "KRW"}}}"#.utf8).write(to: URL(fileURLWithPath: tmp.file("m.json")))
        let r = try BuiltBinary.run(["validate", "-", "--mapping", tmp.file("m.json")], stdin: Data(csv.utf8))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("<stdin>: 2 records read = 2 accepted + 0 rejected"))
        let noCurrency = try BuiltBinary.run(["validate", "-"], stdin: Data(csv.utf8))
        #expect(noCurrency.status == 65)
        #expect(noCurrency.stderr.contains("no column for the required field currency"))
        #expect(try BuiltBinary.run(["validate", "x.csv", "--on-error", "explode"]).status == 64)
        let missing = try BuiltBinary.run(["validate", tmp.file("nope.csv")])
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("no such file or folder"))
    }
}
