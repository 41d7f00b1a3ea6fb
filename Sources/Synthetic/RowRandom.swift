/// Counter-based randomness: every row, block and entity draws from its own
/// stream, keyed by (seed, stream, index). Any row can be generated without the
/// rows before it, so chunks run in parallel and the output never depends on how
/// the work was split.
struct RowRandom: RandomNumberGenerator {
    private var state: UInt64

    /// A generator for entity `index` of `stream` under `seed`.
    init(seed: UInt64, stream: Stream, index: UInt64) {
        state = RowRandom.mix(seed ^ RowRandom.mix(stream.rawValue &* 0xD1B5_4A32_D192_ED03 ^ RowRandom.mix(index &+ 0x632B_E59B_D9B4_E019)))
    }

    /// Named streams so that adding draws to one never shifts another.
    enum Stream: UInt64 {
        case world = 1, blockPlan, row, declaration, dirty, party, line, corridor, variant, freeText
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return RowRandom.mix(state)
    }

    /// SplitMix64's finaliser: a bijective 64-bit mix.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in [lo, hi).
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }

    /// Uniform integer in `0..<n` (n > 0).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// `true` with probability `p`.
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// A standard normal deviate (Box–Muller, one of the pair).
    mutating func normal() -> Double {
        let u1 = max(unit(), 0x1p-60)
        let u2 = unit()
        return (-2 * Math.log(u1)).squareRoot() * Math.cos(2 * Double.pi * u2)
    }

    /// A random element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// Alias-free weighted choice over a fixed set: cumulative weights and a binary search.
struct WeightedChoice: Sendable {
    private let cumulative: [Double]

    init(_ weights: [Double]) {
        precondition(!weights.isEmpty, "no weights")
        var c: [Double] = []
        c.reserveCapacity(weights.count)
        var s = 0.0
        for w in weights { s += max(0, w); c.append(s) }
        precondition(s > 0, "weights sum to zero")
        cumulative = c.map { $0 / s }
    }

    var count: Int { cumulative.count }

    /// An index drawn with probability proportional to its weight.
    func draw(_ rng: inout RowRandom) -> Int {
        let u = rng.unit()
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

/// The few libm functions the generator needs, without Foundation.
enum Math {
    #if canImport(Glibc)
    static func log(_ x: Double) -> Double { Glibc.log(x) }
    static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    static func cos(_ x: Double) -> Double { Glibc.cos(x) }
    static func sin(_ x: Double) -> Double { Glibc.sin(x) }
    static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
    #else
    static func log(_ x: Double) -> Double { Darwin.log(x) }
    static func exp(_ x: Double) -> Double { Darwin.exp(x) }
    static func cos(_ x: Double) -> Double { Darwin.cos(x) }
    static func sin(_ x: Double) -> Double { Darwin.sin(x) }
    static func pow(_ x: Double, _ y: Double) -> Double { Darwin.pow(x, y) }
    #endif
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
