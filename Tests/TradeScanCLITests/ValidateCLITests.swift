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
