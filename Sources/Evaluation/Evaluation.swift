import CSVCore
import Declarations

/// The result of `tradescan evaluate`.
public struct EvaluationReport: Sendable, Codable, Equatable {
    public struct Cutoff: Sendable, Codable, Equatable {
        /// "100", "1000", "1%", "5%", "10%".
        public var name: String
        public var rows: Int
        public var precision: Double
        public var recall: Double
        public var revenue: Double?
    }
    public struct PatternRecall: Sendable, Codable, Equatable {
        public var pattern: String
        public var rows: Int
        public var recallAt1Percent: Double
        public var recallAt5Percent: Double
    }

    public var rankedRows: Int
    public var positives: Int
    public var baseRate: Double
    public var cutoffs: [Cutoff]
    public var averagePrecision: Double
    public var rocAUC: Double?
    public var patterns: [PatternRecall]
    /// Ground-truth keys not found in the ranking.
    public var unmatchedLabels: Int
    public var unmatchedExamples: [String]
    /// Keys that appear more than once in the ranking (later copies ignored).
    public var duplicateRanked: Int
    public var duplicateExamples: [String]
    /// How labels were matched: "declaration_id,item_no" or "declaration_id".
    public var matchedOn: String
}

/// Ground truth for one ranked row.
public struct Truth: Sendable {
    public var positive: Bool
    public var pattern: String?
    public var revenue: Double?

    public init(positive: Bool, pattern: String?, revenue: Double?) {
        self.positive = positive
        self.pattern = pattern
        self.revenue = revenue
    }
}

/// Builds an `EvaluationReport` from a ranking and ground truth.
public enum Evaluator {
    /// - Parameters:
    ///   - keys: ranked rows' keys, in rank order.
    ///   - scores: their risk scores (higher = more suspicious).
    ///   - truth: ground truth by key.
    public static func evaluate(keys: [String], scores: [Double], truth: [String: Truth], matchedOn: String) -> EvaluationReport {
        var seen = Set<String>()
        var positives: [Bool] = []
        var kept: [Double] = []
        var patterns: [String?] = []
        var revenue: [Double] = []
        var hasRevenue = false
        var duplicates = 0
        var duplicateExamples: [String] = []
        positives.reserveCapacity(keys.count)
        for (key, score) in zip(keys, scores) {
            guard seen.insert(key).inserted else {
                duplicates += 1
                if duplicateExamples.count < 5 { duplicateExamples.append(key) }
                continue
            }
            let t = truth[key]
            positives.append(t?.positive ?? false)
            kept.append(score)
            patterns.append(t?.positive == true ? t?.pattern : nil)
            if let r = t?.revenue { hasRevenue = true; revenue.append(r) } else { revenue.append(0) }
        }
        let unmatchedKeys = truth.filter { $0.value.positive && !seen.contains($0.key) }.map(\.key).sorted()
        let n = positives.count
        let cutoffSpecs: [(String, Int)] = [
            ("100", min(100, n)), ("1000", min(1000, n)),
            ("1%", RankingMetrics.count(fraction: 0.01, of: n)),
            ("5%", RankingMetrics.count(fraction: 0.05, of: n)),
            ("10%", RankingMetrics.count(fraction: 0.10, of: n)),
        ]
        let cutoffs = cutoffSpecs.map { name, k in
            EvaluationReport.Cutoff(
                name: name, rows: k,
                precision: RankingMetrics.precision(at: k, positives: positives),
                recall: RankingMetrics.recall(at: k, positives: positives),
                revenue: hasRevenue ? RankingMetrics.revenue(at: k, revenue: revenue) : nil)
        }
        var perPattern: [EvaluationReport.PatternRecall] = []
        let names = Set(patterns.compactMap { $0 }).sorted()
        if !(names.count == 1 && names[0] == "outcome") {
            for name in names {
                let mask = patterns.map { $0 == name }
                perPattern.append(EvaluationReport.PatternRecall(
                    pattern: name, rows: mask.filter { $0 }.count,
                    recallAt1Percent: RankingMetrics.recall(at: RankingMetrics.count(fraction: 0.01, of: n), positives: mask),
                    recallAt5Percent: RankingMetrics.recall(at: RankingMetrics.count(fraction: 0.05, of: n), positives: mask)))
            }
        }
        let pos = positives.filter { $0 }.count
        return EvaluationReport(
            rankedRows: n, positives: pos, baseRate: n == 0 ? 0 : Double(pos) / Double(n),
            cutoffs: cutoffs,
            averagePrecision: RankingMetrics.averagePrecision(positives: positives),
            rocAUC: RankingMetrics.rocAUC(scores: kept, positives: positives),
            patterns: perPattern,
            unmatchedLabels: unmatchedKeys.count, unmatchedExamples: Array(unmatchedKeys.prefix(5)),
            duplicateRanked: duplicates, duplicateExamples: duplicateExamples, matchedOn: matchedOn)
    }
}
