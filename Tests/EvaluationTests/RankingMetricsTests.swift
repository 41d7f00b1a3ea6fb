import Evaluation
import TestSupport
import Testing

@Suite("ranking metrics")
struct RankingMetricsTests {
    /// 1000 rows, 50 positives.
    static let labels: [Bool] = (0..<1000).map { $0 % 20 == 7 }

    @Test("a perfect ranking: precision 1 up to the positives, recall 1 after, AP and AUC 1")
    func perfect() {
        let ranked = Self.labels.sorted { $0 && !$1 }
        let scores = ranked.indices.map { Double(1000 - $0) }
        #expect(RankingMetrics.precision(at: 50, positives: ranked) == 1)
        #expect(RankingMetrics.precision(at: 100, positives: ranked) == 0.5)
        #expect(RankingMetrics.recall(at: 50, positives: ranked) == 1)
        #expect(RankingMetrics.recall(at: 10, positives: ranked) == 0.2)
        #expect(RankingMetrics.averagePrecision(positives: ranked) == 1)
        #expect(RankingMetrics.rocAUC(scores: scores, positives: ranked) == 1)
    }

    @Test("a reversed ranking: nothing found before the negatives run out, AUC 0")
    func reversed() {
        let ranked = Self.labels.sorted { !$0 && $1 }
        let scores = ranked.indices.map { Double(1000 - $0) }
        #expect(RankingMetrics.precision(at: 950, positives: ranked) == 0)
        #expect(RankingMetrics.recall(at: 950, positives: ranked) == 0)
        #expect(RankingMetrics.recall(at: 1000, positives: ranked) == 1)
        #expect(RankingMetrics.rocAUC(scores: scores, positives: ranked) == 0)
        // AP = mean over the positives at ranks 951…1000 of k/(950+k).
        var sum = 0.0
        for k in 1...50 { sum += Double(k) / Double(950 + k) }
        let ap = sum / 50
        #expect(Approximate.equal(RankingMetrics.averagePrecision(positives: ranked), ap, relative: 1e-12))
    }

    @Test("a random ranking scores near the base rate", arguments: [1, 2, 3] as [UInt64])
    func random(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let n = 200_000
        let positives = (0..<n).map { _ in Double.random(in: 0..<1, using: &rng) < 0.05 }
        let scores = (0..<n).map { _ in Double.random(in: 0..<1, using: &rng) }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        let ranked = order.map { positives[$0] }
        let auc = RankingMetrics.rocAUC(scores: scores, positives: positives)!
        #expect(abs(auc - 0.5) < 0.01, "seed \(seed): AUC \(auc)")
        let p = RankingMetrics.precision(at: RankingMetrics.count(fraction: 0.05, of: n), positives: ranked)
        #expect(abs(p - 0.05) < 0.01, "seed \(seed): precision@5% \(p)")
        #expect(abs(RankingMetrics.recall(at: n / 10, positives: ranked) - 0.1) < 0.02)
    }

    @Test("tied scores share their rank: all equal gives AUC 0.5")
    func ties() {
        #expect(RankingMetrics.rocAUC(scores: [1, 1, 1, 1], positives: [true, false, true, false]) == 0.5)
        #expect(RankingMetrics.rocAUC(scores: [2, 1, 1, 0], positives: [true, true, false, false]) == 0.875)
        #expect(RankingMetrics.rocAUC(scores: [1, 2], positives: [true, true]) == nil)
    }

    @Test("average precision on a small known case")
    func apKnown() {
        #expect(Approximate.equal(RankingMetrics.averagePrecision(positives: [true, false, true]), (1 + 2.0 / 3) / 2))
        #expect(RankingMetrics.averagePrecision(positives: [false, false]) == 0)
    }

    @Test("cut-offs of a fraction round up and stay within the list", arguments: [
        (0.01, 1000, 10), (0.01, 150, 2), (0.05, 3, 1), (0.10, 0, 0), (1.0, 7, 7),
    ])
    func counts(fraction: Double, n: Int, expected: Int) {
        #expect(RankingMetrics.count(fraction: fraction, of: n) == expected)
    }

    @Test("revenue@k is the share of revenue in the top k")
    func revenue() {
        #expect(RankingMetrics.revenue(at: 2, revenue: [10, 30, 0, 60]) == 0.4)
        #expect(RankingMetrics.revenue(at: 2, revenue: [0, 0]) == nil)
    }
}
