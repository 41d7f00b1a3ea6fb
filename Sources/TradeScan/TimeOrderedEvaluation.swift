import Declarations
import Evaluation
import Scoring

/// `tradescan evaluate --split-date DATE <inputs…>`: fit on the rows before
/// DATE, score the rows from DATE on, and measure the ranking of those with a
/// known outcome against it. Nothing from DATE on is seen by the fit.
public enum TimeOrderedEvaluation {
    public struct Result: Sendable {
        public var report: EvaluationReport
        public var historyRows: Int
        public var historyPositives: Int
        public var scoredRows: Int
        public var splitDate: String
        public var detectors: [String]
        public var chosen: String?
    }

    public static func run(_ inputs: [String], split: String, options: RunOptions) throws -> Result {
        guard let date = CivilDate(iso: split) else {
            throw TimeOrderedEvaluationError.badDate(split)
        }
        let ingest = try Jobs.read(inputs, options: options, writesRejects: false)   // measures, no rejects.csv
        let table = ingest.table
        guard let outcome = table.outcome else { throw TimeOrderedEvaluationError.noOutcome }
        let cut = Int32(date.daysSinceEpoch)
        let history = table.rows(where: table.date.map { $0 < cut })
        let later = table.rows(where: table.date.indices.map { table.date[$0] >= cut && outcome[$0] >= 0 })
        guard history.count > 0, later.count > 0 else {
            throw TimeOrderedEvaluationError.emptySide(before: history.count, after: later.count, split: split)
        }
        let (suite, _) = try DetectorSuite.fit(history, controls: options.controls, parties: options.parties,
                                               weights: options.weights, learning: options.learning)
        let scores = try suite.score(later)
        let risk = suite.risk.risk(scores.columns)
        let ranking = Ranking.order(risk: risk, table: later)
        let laterOutcome = later.outcome ?? []
        let revenue = later.numbers(.revenue)
        var truth: [String: Truth] = [:]
        var keys: [String] = []
        for r in ranking {
            let key = later.declarationID.string(r) + "\u{1F}" + String(later.itemNo[r])
            keys.append(key)
            let rev = revenue.map { $0[r] }.flatMap { $0.isFinite ? $0 : nil }
            truth[key] = Truth(positive: laterOutcome[r] > 0, pattern: laterOutcome[r] > 0 ? "outcome" : nil, revenue: rev)
        }
        let report = Evaluator.evaluate(keys: keys, scores: ranking.map { risk[$0] }, truth: truth, matchedOn: "declaration_id,item_no")
        return Result(report: report, historyRows: history.count,
                      historyPositives: history.outcome?.filter { $0 > 0 }.count ?? 0, scoredRows: later.count,
                      splitDate: date.description, detectors: suite.names, chosen: suite.outcome?.validation?.chosen)
    }
}

public enum TimeOrderedEvaluationError: Error, CustomStringConvertible {
    case badDate(String)
    case noOutcome
    case emptySide(before: Int, after: Int, split: String)

    public var description: String {
        switch self {
        case let .badDate(s): "error: --split-date '\(s)' is not a date; write YYYY-MM-DD"
        case .noOutcome: "error: the inputs have no outcome column; map one (e.g. \"outcome\": \"Fraud\") or pass --labels FILE"
        case let .emptySide(before, after, split):
            "error: --split-date \(split) leaves \(before) rows before it and \(after) labelled rows from it on; pick a date inside the data"
        }
    }
}
