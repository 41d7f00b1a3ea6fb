import CSVCore
import Foundation
import TestSupport
import Testing

/// The KCS files (`Fixtures.kcs`: $KCS_DIR, else ../shared/datasets/kcs beside this repository or the one it was cloned from).
enum KCS {
    static var train: String { get throws { try Fixtures.kcs("df_syn_train_eng.csv") } }
    static var valid: String { get throws { try Fixtures.kcs("df_syn_valid_eng.csv") } }
    static var mapping: String { Fixtures.url("mappings/kcs-imports.json").path }

    /// The validation file without its Fraud and Critical Fraud columns (the last two).
    static func unlabelled(into dir: TemporaryDirectory) throws -> String {
        let text = try String(contentsOfFile: valid, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map { line -> String in
            var fields = line.split(separator: ",", omittingEmptySubsequences: false)
            fields.removeLast(2)
            return fields.joined(separator: ",")
        }
        #expect(lines[0].hasSuffix("Item Price"))
        let path = dir.file("valid-unlabelled.csv")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func precision(_ json: String, at cutoff: String) throws -> Double {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let cutoffs = object["cutoffs"] as! [[String: Any]]
        return try #require(cutoffs.first { $0["name"] as? String == cutoff }?["precision"] as? Double)
    }
}

@Suite("learning from inspection outcomes, end to end")
struct LearningCLITests {
    @Test("KCS: fit on 2020 with outcomes, score 2021-Q1 without them, precision@5% ≥ 0.87 by evaluate")
    func kcsNightly() throws {
        let tmp = try TemporaryDirectory("cli-kcs-learn")
        defer { tmp.remove() }
        let fit = try BuiltBinary.run(["fit", KCS.train, "--mapping", KCS.mapping, "--model", tmp.file("m.json")])
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stderr.contains("outcome_model"))
        let today = try KCS.unlabelled(into: tmp)
        let score = try BuiltBinary.run(["score", today, "--mapping", KCS.mapping, "--model", tmp.file("m.json"), "--out", tmp.file("out"), "--quiet"])
        #expect(score.status == 0, "\(score.stderr)")
        let ranked = try CSVTable.read(tmp.file("out") + "/ranked.csv")
        #expect(ranked.rows.count == 8_134)
        #expect(ranked.header.contains("outcome_model"))
        let reasons = try #require(ranked.header.firstIndex(of: "reasons"))
        #expect(ranked.rows[0][reasons].contains("inspected found positive"), "\(ranked.rows[0][reasons])")
        let summary = try String(contentsOfFile: tmp.file("out") + "/summary.md", encoding: .utf8)
        #expect(summary.contains("| `outcome_model` | run |"))
        #expect(summary.contains("## Outcome model") && summary.contains("Time-ordered validation: fitted on"), "\(summary)")
        #expect(fit.stderr.contains("outcome model: logistic m="), "\(fit.stderr)")
        let eval = try BuiltBinary.run(["evaluate", "--ranked", tmp.file("out") + "/ranked.csv", "--labels", KCS.valid, "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        let p5 = try KCS.precision(eval.stdout, at: "5%")
        #expect(p5 >= 0.87, "precision@5% \(p5)")
    }

    @Test("evaluate --split-date: fit before the date, measure after it")
    func timeOrdered() throws {
        let r = try BuiltBinary.run(["evaluate", "--split-date", "2021-01-01", KCS.train, KCS.valid, "--mapping", KCS.mapping,
                                     "--no-network", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("fitted on 37385 rows before 2021-01-01"), "\(r.stdout)")
        #expect(r.stdout.contains("scored 8134 labelled rows"))
        let line = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("top 5%") })
        let precision = try #require(Double(line.split(separator: " ", omittingEmptySubsequences: true)[3]))
        #expect(precision >= 0.87, "\(line)")
        let bad = try BuiltBinary.run(["evaluate", "--split-date", "2021-13-01", KCS.valid, "--mapping", KCS.mapping, "--quiet"])
        #expect(bad.status == 64 && bad.stderr.contains("YYYY-MM-DD"), "\(bad.stderr)")
        let late = try BuiltBinary.run(["evaluate", "--split-date", "2030-01-01", KCS.valid, "--mapping", KCS.mapping, "--quiet"])
        #expect(late.status == 65 && late.stderr.contains("pick a date inside the data"), "\(late.stderr)")
    }

    @Test("scan --labels on generated data learns from the planted patterns; same seed, same report")
    func labelsOnGenerated() throws {
        let (tmp, data) = try BuiltBinary.generated("cli-labels", rows: 8000, seed: 5)
        defer { tmp.remove() }
        let args = ["scan", data + "/declarations.csv", "--parties", data + "/restricted_parties.csv", "--labels", data + "/labels.csv", "--quiet"]
        let a = try BuiltBinary.run(args + ["--out", tmp.file("a")])
        #expect(a.status == 0, "\(a.stderr)")
        let summary = try String(contentsOfFile: tmp.file("a") + "/summary.md", encoding: .utf8)
        #expect(summary.contains("| `outcome_model` | run |"), "\(summary)")
        #expect(try BuiltBinary.run(args + ["--out", tmp.file("b")]).status == 0)
        #expect(FileManager.default.contents(atPath: tmp.file("a") + "/ranked.csv") == FileManager.default.contents(atPath: tmp.file("b") + "/ranked.csv"))
        let eval = try BuiltBinary.run(["evaluate", "--ranked", tmp.file("a") + "/ranked.csv", "--labels", data + "/labels.csv", "--json"])
        #expect(try KCS.precision(eval.stdout, at: "1%") > 0.5, "\(eval.stdout)")
        let missing = try BuiltBinary.run(["scan", data + "/declarations.csv", "--labels", tmp.file("nope.csv"), "--out", tmp.file("c"), "--quiet"])
        #expect(missing.status == 65 && missing.stderr.contains("nope.csv"), "\(missing.stderr)")
        try Data("declaration_id,outcome\nX1,1\nX2,maybe\n".utf8).write(to: URL(fileURLWithPath: tmp.file("bad.csv")))
        let bad = try BuiltBinary.run(["scan", data + "/declarations.csv", "--labels", tmp.file("bad.csv"), "--out", tmp.file("d"), "--quiet"])
        #expect(bad.status == 65 && bad.stderr.contains("bad.csv:3") && bad.stderr.contains("'maybe' is not 0 or 1"), "\(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: tmp.file("d")), "no report from unreadable labels")
    }
}
