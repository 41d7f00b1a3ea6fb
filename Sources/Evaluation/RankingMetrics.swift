/// Measures of a ranking against ground truth, as customs targeting is judged:
/// a ranked list under an inspection budget.
///
/// Inputs are in rank order (best first). `k` cut-offs are counts of rows.
public enum RankingMetrics {
    /// Precision among the first `k` rows: positives in the top k / k.
    public static func precision(at k: Int, positives: [Bool]) -> Double {
        let k = min(k, positives.count)
        guard k > 0 else { return 0 }
        var hits = 0
        for i in 0..<k where positives[i] { hits += 1 }
        return Double(hits) / Double(k)
    }

    /// Recall among the first `k` rows: positives in the top k / all positives.
    public static func recall(at k: Int, positives: [Bool]) -> Double {
        let total = positives.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard total > 0 else { return 0 }
        let k = min(k, positives.count)
        var hits = 0
        for i in 0..<k where positives[i] { hits += 1 }
        return Double(hits) / Double(total)
    }

    /// Average precision: the mean of precision@rank over the ranks of the positives.
    public static func averagePrecision(positives: [Bool]) -> Double {
        var hits = 0
        var sum = 0.0
        for (i, p) in positives.enumerated() where p {
            hits += 1
            sum += Double(hits) / Double(i + 1)
        }
        return hits == 0 ? 0 : sum / Double(hits)
    }

    /// Area under the ROC curve from scores (higher = more suspicious), with tied
    /// scores sharing their average rank (Mann–Whitney U). `nil` when either
    /// class is empty.
    public static func rocAUC(scores: [Double], positives: [Bool]) -> Double? {
        precondition(scores.count == positives.count, "scores and labels differ in length")
        let nPos = positives.reduce(0) { $0 + ($1 ? 1 : 0) }
        let nNeg = positives.count - nPos
        guard nPos > 0, nNeg > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let averageRank = Double(i + j) / 2 + 1
            for k in i...j where positives[order[k]] { rankSum += averageRank }
            i = j + 1
        }
        let u = rankSum - Double(nPos) * Double(nPos + 1) / 2
        return u / (Double(nPos) * Double(nNeg))
    }

    /// Share of all revenue found in the first `k` rows.
    public static func revenue(at k: Int, revenue: [Double]) -> Double? {
        let total = revenue.reduce(0, +)
        guard total > 0 else { return nil }
        return revenue.prefix(max(0, k)).reduce(0, +) / total
    }

    /// The number of rows in the top `fraction` of `n` (at least 1 when n > 0).
    public static func count(fraction: Double, of n: Int) -> Int {
        guard n > 0 else { return 0 }
        return min(n, max(1, Int((fraction * Double(n)).rounded(.up))))
    }
}
