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
