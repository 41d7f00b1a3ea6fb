import Detectors

/// Stable 64-bit hashing for profile keys: the same on every machine and run
/// (Swift's `Hasher` is seeded per process, so it cannot key a model file).
enum StableHash {
    /// FNV-1a 64 of `bytes`, started from `seed`.
    static func bytes<C: Collection>(_ bytes: C, seed: UInt64 = 0xCBF2_9CE4_8422_2325) -> UInt64 where C.Element == UInt8 {
        var h = seed
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return finalize(h)
    }

    static func string(_ s: String, seed: UInt64 = 0xCBF2_9CE4_8422_2325) -> UInt64 { bytes(s.utf8, seed: seed) }

    /// Combines two hashes (order matters): the key of a cross of fields.
    @inline(__always)
    static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 {
        finalize(a &* 0x9E37_79B9_7F4A_7C15 ^ (b &+ 0x632B_E59B_D9B4_E019))
    }

    /// The SplitMix64 finaliser: every input bit reaches every output bit.
    @inline(__always)
    static func finalize(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): the seeded generator of folds, initial weights and batches.
/// Shared with `Scoring`'s exploration picks (`package` access).
package struct SeededGenerator {
    var state: UInt64
    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return StableHash.finalize(state)
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u = max(uniform(), 0x1p-60), v = uniform()
        return (-2 * Math.log(u)).squareRoot() * Math.cos(2 * Double.pi * v)
    }

    /// Uniform in 0..<n.
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// Fisher–Yates shuffle.
    mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, below(i + 1)) }
    }
}
