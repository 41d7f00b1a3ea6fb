import CSVCore
import Foundation
import TestSupport
import Testing

@Suite("tradescan generate and evaluate, end to end")
struct GenerateEvaluateCLITests {
    @Test("generate writes the folder atomically and deterministically; evaluate scores hand-made rankings")
    func generateThenEvaluate() throws {
        let tmp = try TemporaryDirectory("cli")
        defer { tmp.remove() }
        let out = tmp.file("data")
        let args = ["generate", "--rows", "30000", "--seed", "9", "--out", out]
        let first = try BuiltBinary.run(args)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.isEmpty, "stdout is for data")
        #expect(first.stderr.contains("generated 30000 rows"))
        let firstBytes = try Data(contentsOf: URL(fileURLWithPath: out + "/declarations.csv"))
        // Again into the same folder: replaced whole, identical, no temporary folders left behind.
        let second = try BuiltBinary.run(args + ["--threads", "1"])
        #expect(second.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/declarations.csv")) == firstBytes)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        for name in ["declarations.csv", "labels.csv", "restricted_parties.csv", "README.md"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + name), "\(name)")
        }

        // Hand-made rankings from the labels: perfect, reversed.
        let labels = try CSVTable.read(out + "/labels.csv")
        let decl = try CSVTable(bytes: [UInt8](firstBytes))
        let positive = Set(labels.rows.map { $0[0] + "/" + $0[1] })
        let keys = decl.rows.map { ($0[0], $0[1]) }
        func write(_ name: String, _ order: [(String, String)]) throws -> String {
            var w = CSVWriter()
            w.record(["rank", "declaration_id", "item_no", "risk_score"])
            for (i, k) in order.enumerated() { w.record([String(i + 1), k.0, k.1, String(Double(order.count - i))]) }
            let path = tmp.file(name)
            try Data(w.buffer).write(to: URL(fileURLWithPath: path))
            return path
        }
        let perfectOrder = keys.filter { positive.contains($0.0 + "/" + $0.1) } + keys.filter { !positive.contains($0.0 + "/" + $0.1) }
        let perfect = try BuiltBinary.run(["evaluate", "--ranked", try write("perfect.csv", perfectOrder), "--labels", out + "/labels.csv", "--json"])
        #expect(perfect.status == 0, "\(perfect.stderr)")
        let p = try JSONSerialization.jsonObject(with: Data(perfect.stdout.utf8)) as! [String: Any]
        #expect(p["averagePrecision"] as? Double == 1)
        #expect(p["rocAUC"] as? Double == 1)
        #expect(p["positives"] as? Int == labels.rows.count)
        let cut = (p["cutoffs"] as! [[String: Any]]).first { $0["name"] as? String == "100" }!
        #expect(cut["precision"] as? Double == 1)

        let reversed = try BuiltBinary.run(["evaluate", "--ranked", try write("reversed.csv", perfectOrder.reversed()), "--labels", out + "/labels.csv"])
        #expect(reversed.status == 0)
        #expect(reversed.stdout.contains("ROC AUC 0.000"))
        #expect(reversed.stdout.contains("top 100         100      0.000"))
    }

    @Test("bad arguments exit 64, unreadable inputs exit 65 with file and line")
    func errors() throws {
        let tmp = try TemporaryDirectory("cli-errors")
        defer { tmp.remove() }
        #expect(try BuiltBinary.run(["generate", "--rows", "0", "--out", tmp.file("x")]).status == 64)
        #expect(try BuiltBinary.run(["generate", "--rows", "10", "--from", "2024-13-01", "--out", tmp.file("x")]).status == 64)
        let missing = try BuiltBinary.run(["generate", "--rows", "10", "--out", tmp.file("no/such/dir")])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("does not exist"))
        try Data("declaration_id,risk_score\n1,high\n".utf8).write(to: URL(fileURLWithPath: tmp.file("r.csv")))
        try Data("declaration_id,pattern\n1,undervaluation\n".utf8).write(to: URL(fileURLWithPath: tmp.file("l.csv")))
        let bad = try BuiltBinary.run(["evaluate", "--ranked", tmp.file("r.csv"), "--labels", tmp.file("l.csv")])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("r.csv:2: error: risk_score 'high' is not a finite number"))
        let absent = try BuiltBinary.run(["evaluate", "--ranked", tmp.file("none.csv"), "--labels", tmp.file("l.csv")])
        #expect(absent.status == 65)
        #expect(absent.stderr.contains("none.csv: error: cannot read the file"))
    }
}
