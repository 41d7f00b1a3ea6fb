import Evaluation
import TestSupport
import Testing

@Suite("evaluate: inputs and report")
struct EvaluatorTests {
    func ranking(_ text: String) throws -> EvaluationInputs.Ranking {
        try Array(text.utf8).withUnsafeBytes { try EvaluationInputs.ranking(bytes: $0, source: "ranked.csv") }
    }
    func truth(_ text: String, items: Bool = true) throws -> ([String: Truth], String) {
        try Array(text.utf8).withUnsafeBytes { try EvaluationInputs.truth(bytes: $0, source: "truth.csv", useItems: items) }
    }

    @Test("ranked rows are ordered by rank, ids kept as exact strings")
    func order() throws {
        let r = try ranking("declaration_id,risk_score,rank\n007,0.1,3\n7,0.9,1\n0007,0.5,2\n")
        #expect(r.ids == ["7", "0007", "007"])
        #expect(r.scores == [0.9, 0.5, 0.1])
        #expect(r.items == nil)
    }

    @Test("ids ranked.csv neutralised for spreadsheets read back as they were")
    func neutralisedIDs() throws {
        let r = try ranking("rank,declaration_id,item_no,risk_score\n1,'-100,1,0.9\n2,'+200,1,0.5\n3,''quoted,1,0.4\n4,300,1,0.1\n")
        #expect(r.ids == ["-100", "+200", "'quoted", "300"])
        let (truth, _) = try truth("declaration_id,item_no,pattern\n-100,1,x\n'quoted,1,y\n")
        let keys = Set(zip(r.ids, r.items ?? []).map { $0 + "\u{1F}" + $1 })
        #expect(truth.count == 2 && truth.keys.allSatisfy(keys.contains), "every label is in the ranking: \(truth.keys)")
    }

    @Test("without a rank column, rows are ordered by score")
    func noRank() throws {
        let r = try ranking("declaration_id,item_no,risk_score\nA,1,0.2\nB,1,0.7\n")
        #expect(r.ids == ["B", "A"])
        #expect(r.items == ["1", "1"])
    }

    @Test("bad inputs name the file and line", arguments: [
        ("id,risk_score\n1,0.5\n", "ranked.csv:1: error: no declaration_id column"),
        ("declaration_id,risk_score\n1,abc\n", "ranked.csv:2: error: risk_score 'abc' is not a finite number"),
        ("declaration_id,risk_score,rank\n1,0.5,first\n", "ranked.csv:2: error: rank 'first' is not a number"),
        ("declaration_id,risk_score\n1,0.5\n2\n", "ranked.csv:3: error: 1 fields, the header has 2"),
    ])
    func badRanking(text: String, message: String) {
        do {
            _ = try ranking(text)
            Issue.record("expected an error")
        } catch {
            let text = String(describing: error)
            #expect(text.hasPrefix(message), "\(text)")
        }
    }

    @Test("labels and outcome files give the same positives; duplicates and unmatched labels are reported")
    func report() throws {
        let r = try ranking("rank,declaration_id,item_no,risk_score\n1,A,1,0.9\n2,B,1,0.8\n3,A,1,0.7\n4,C,2,0.1\n")
        let keys = zip(r.ids, r.items!).map { $0 + "\u{1F}" + $1 }
        let (labels, on) = try truth("declaration_id,item_no,pattern\nB,1,undervaluation\nZ,1,restricted_party\nC,2,undervaluation\n")
        #expect(on == "declaration_id,item_no")
        let report = Evaluator.evaluate(keys: keys, scores: r.scores, truth: labels, matchedOn: on)
        #expect(report.rankedRows == 3)
        #expect(report.positives == 2)
        #expect(report.duplicateRanked == 1)
        #expect(report.unmatchedLabels == 1)
        #expect(report.cutoffs.first { $0.name == "100" }?.precision == 2.0 / 3)
        #expect(report.patterns.map(\.pattern) == ["undervaluation"])

        let (outcomes, _) = try truth("Declaration ID,item_no,Fraud,raised_tax\nA,1,0,0\nB,1,1,100\nC,2,1,300\n")
        let r2 = Evaluator.evaluate(keys: keys, scores: r.scores, truth: outcomes, matchedOn: on)
        #expect(r2.positives == 2)
        #expect(r2.patterns.isEmpty)
        #expect(r2.cutoffs.first { $0.name == "1%" }?.revenue == 0)      // top 1 row of 3 is A: no revenue
        #expect(r2.cutoffs.first { $0.name == "100" }?.revenue == 1)
    }

    @Test("an outcome that is not 0 or 1 is an error with its line")
    func badOutcome() {
        #expect(throws: EvaluationError.self) { try truth("declaration_id,fraud\nA,2\n") }
        #expect(throws: EvaluationError.self) { try truth("declaration_id,colour\nA,red\n") }
    }
}
