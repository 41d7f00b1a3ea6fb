import Evaluation
import Foundation

/// `tradescan evaluate`: a ranking file against ground truth.
public enum EvaluateJob {
    /// Reads both files and measures the ranking.
    public static func run(ranked: String, labels: String, by column: String = "risk_score") throws -> EvaluationReport {
        let rankedData = try InputFile.read(ranked)
        let ranking = try rankedData.withUnsafeBytes { try EvaluationInputs.ranking(bytes: $0, source: ranked, scoreColumn: column) }
        let labelData = try InputFile.read(labels)
        let (truth, matchedOn) = try labelData.withUnsafeBytes {
            try EvaluationInputs.truth(bytes: $0, source: labels, useItems: ranking.items != nil)
        }
        let keys: [String]
        if let items = ranking.items, matchedOn.hasSuffix("item_no") {
            keys = zip(ranking.ids, items).map { $0 + "\u{1F}" + $1 }
        } else {
            keys = ranking.ids
        }
        var report = Evaluator.evaluate(keys: keys, scores: ranking.scores, truth: truth, matchedOn: matchedOn)
        report.unmatchedExamples = report.unmatchedExamples.map { $0.replacingOccurrences(of: "\u{1F}", with: "/") }
        report.duplicateExamples = report.duplicateExamples.map { $0.replacingOccurrences(of: "\u{1F}", with: "/") }
        return report
    }
}

/// Whole-file reads for side files, memory-mapped where the system allows.
public enum InputFile {
    public static func read(_ path: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw InputFileError(path: path, reason: (error as NSError).localizedDescription)
        }
    }
}

/// A file that could not be opened.
public struct InputFileError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): error: cannot read the file (\(reason)); check the path" }
}
