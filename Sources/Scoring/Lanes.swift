import Learning

/// Inspection lanes by budget: the top `inspectRate` of rows red, the next
/// `amberRate` amber, the rest green. `explore` fills that share of the red
/// lane with seeded random picks from the rest of the list, marked as
/// exploration: they keep a targeting system honest when patterns drift
/// (their outcomes are an unbiased sample of what the model passed over).
public struct LanePolicy: Sendable, Codable, Equatable {
    public var inspectRate: Double
    public var amberRate: Double
    public var explore: Double
    public var seed: UInt64

    public init(inspectRate: Double = 0.01, amberRate: Double = 0.04, explore: Double = 0, seed: UInt64 = 1) {
        self.inspectRate = inspectRate
        self.amberRate = amberRate
        self.explore = explore
        self.seed = seed
    }
}

public enum Lane: UInt8, Sendable, CaseIterable {
    case green, amber, red
    public var name: String { staticName.description }

    /// The name as a static string: written per row of ranked.csv without a
    /// reference count (a shared `String` or array is retained and released
    /// per use, an atomic on a cache line every rendering thread writes).
    public var staticName: StaticString {
        switch self {
        case .green: "green"
        case .amber: "amber"
        case .red: "red"
        }
    }
}

/// The lane of every row, and which red rows are exploration picks.
public struct Lanes: Sendable {
    public var lane: [Lane]
    public var explored: [Bool]
    public var redCount: Int
    public var amberCount: Int
    public var exploredCount: Int

    /// Lanes for rows in `ranking` order (highest risk first).
    public init(ranking: [Int], policy: LanePolicy) {
        let n = ranking.count
        lane = Array(repeating: .green, count: n)
        explored = Array(repeating: false, count: n)
        let red = n == 0 ? 0 : min(n, Int((Double(n) * policy.inspectRate).rounded(.up)))
        let picks = min(red, Int((Double(red) * policy.explore).rounded()))
        let targeted = red - picks
        for k in 0..<targeted { lane[ranking[k]] = .red }
        // Floyd's sampling of `picks` distinct positions in targeted..<n: seeded, no n-sized scratch.
        var rng = SeededGenerator(seed: policy.seed)
        var chosen = Set<Int>()
        let span = n - targeted
        if picks > 0 {
            for j in (span - picks)..<span {
                let t = Int(rng.next() % UInt64(j + 1))
                chosen.insert(chosen.contains(t) ? j : t)
            }
        }
        for p in chosen {
            let row = ranking[targeted + p]
            lane[row] = .red
            explored[row] = true
        }
        var amber = n == 0 ? 0 : min(n - red, Int((Double(n) * policy.amberRate).rounded(.up)))
        var k = targeted
        while amber > 0 && k < n {
            let row = ranking[k]
            if lane[row] == .green { lane[row] = .amber; amber -= 1 }
            k += 1
        }
        redCount = red
        exploredCount = chosen.count
        amberCount = lane.reduce(0) { $0 + ($1 == .amber ? 1 : 0) }
    }
}
