import CSVCore
import Foundation
import TestSupport
import Testing

@Suite("tradescan validate, end to end")
struct ValidateCLITests {
    @Test("accounting on stdout, rejects.csv and summary.md written, exit 65 beyond the reject rate")
    func validate() throws {
        let tmp = try TemporaryDirectory("cli-validate")
        defer { tmp.remove() }
        let data = tmp.file("data")
        #expect(try BuiltBinary.run(["generate", "--rows", "20000", "--seed", "2", "--dirty", "--out", data]).status == 0)
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
