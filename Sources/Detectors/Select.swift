import Declarations

/// Order statistics in linear expected time (quickselect), for robust fits.
public enum Select {
    /// The `k`-th smallest (0-based) of `values`; reorders `values`.
    public static func kth(_ values: inout [Double], _ k: Int) -> Double {
        precondition(k >= 0 && k < values.count, "k out of range")
        // safe: every index stays in lo...hi, inside the buffer (the pivot stops both scans).
        return values.withUnsafeMutableBufferPointer { v in
            var lo = 0, hi = v.count - 1
            var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
            while lo < hi {
                // A pseudo-random pivot (fixed sequence: deterministic) avoids quadratic cases.
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let p = v[lo + Int((seed >> 33) % UInt64(hi - lo + 1))]
                var i = lo, j = hi
                while i <= j {
                    while v[i] < p { i += 1 }
                    while v[j] > p { j -= 1 }
                    if i <= j { v.swapAt(i, j); i += 1; j -= 1 }
                }
                if k <= j { hi = j } else if k >= i { lo = i } else { return v[k] }
            }
            return v[k]
        }
    }

    /// `kth(&copy, k)` of a copy of `values`, on `threads` cores: where a
    /// score column's background is taken, one 10M-row selection ran alone on
    /// one core while the other idled. From 4096 values it also pays on one core.
    ///
    /// An evenly spaced sample (4096 values, or one in 16 of fewer than
    /// 65,536), sorted, brackets the k-th value with a margin of four standard
    /// errors of its rank; one pass (over ranges on every core, for a large
    /// array on several) counts the values below the bracket and keeps those
    /// in it; the k-th is then selected among the kept ones. When the bracket
    /// misses (an unlucky sample), the values hold a NaN, or the
    /// answer is a zero (whose sign the selection's order decides), it falls
    /// back to `kth` of the whole copy, so the result is always that.
    public static func kthOfCopy(_ values: [Double], _ k: Int, threads: Int) -> Double {
        precondition(k >= 0 && k < values.count, "k out of range")
        let n = values.count
        func whole() -> Double {
            var copy = values
            return kth(&copy, k)
        }
        // On one core too, from 4096 values: one pass and a small selection cost less
        // than a copy and a selection of the whole (the robust fits' C-steps).
        let parallel = threads > 1 && n >= 1 << 16
        guard parallel || n >= 4096 else { return whole() }
        let step = n / min(4096, n / 16)
        var sample = stride(from: 0, to: n, by: step).map { values[$0] }
        guard !sample.contains(where: \.isNaN) else { return whole() }
        sample.sort()
        let s = sample.count, q = Double(k) / Double(n - 1)
        let at = q * Double(s - 1), margin = 4 * (Double(s) * q * (1 - q)).squareRoot() + 4
        let loAt = max(0, Int(at - margin)), hiAt = min(s - 1, Int((at + margin).rounded(.up)))
        let lo = sample[loAt], hi = sample[hiAt]
        // Room for the values the bracket is expected to keep (its share of the sample, and a margin):
        // kept values appended one by one reallocated their array again and again.
        let expected = (hiAt - loAt + 3) * n / s
        /// Counts the values of `range` below the bracket and keeps those in it.
        @Sendable func pass(_ range: Range<Int>, capacity: Int) -> (below: Int, inside: [Double], nan: Bool) {
            var below = 0, inside: [Double] = [], nan = false
            inside.reserveCapacity(capacity)
            values.withUnsafeBufferPointer { v in
                for i in range {
                    let x = v[i]
                    if x < lo { below &+= 1 } else if x <= hi { inside.append(x) } else if x.isNaN { nan = true }
                }
            }
            return (below, inside, nan)
        }
        var (below, inside, nan) = (0, [Double](), false)
        if parallel {
            let parts = threads * 4
            let counts = Parallel.map(0..<parts, threads: threads) { p in pass((n * p / parts)..<(n * (p + 1) / parts), capacity: expected / parts) }
            below = counts.reduce(0) { $0 + $1.below }
            inside = counts.flatMap(\.inside)
            nan = counts.contains(where: \.nan)
        } else {
            (below, inside, nan) = pass(0..<n, capacity: expected)
        }
        guard !nan, k >= below, k - below < inside.count else { return whole() }
        let v = kth(&inside, k - below)
        return v == 0 ? whole() : v
    }

    /// What `values.sorted()[k]` is, in linear expected time: the `k`-th smallest,
    /// and when that is a zero, the zero (`+0.0` or `-0.0`) the standard library's
    /// stable sort puts at `k` (zeros keep their order). `values` holds no NaN.
    public static func sortedValue(_ values: [Double], at k: Int) -> Double {
        var copy = values
        let v = kth(&copy, k)
        guard v == 0 else { return v }
        var below = 0
        for x in values where x < 0 { below += 1 }
        var seen = 0
        for x in values where x == 0 {
            if seen == k - below { return x }
            seen += 1
        }
        return v
    }

    /// The median (upper for even counts) of `values`.
    public static func median(_ values: [Double]) -> Double {
        var v = values
        return kth(&v, v.count / 2)
    }
}
