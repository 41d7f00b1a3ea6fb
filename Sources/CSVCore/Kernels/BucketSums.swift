/// Dot products of one sparse vector with many dense ones at once.
///
/// The dense vectors are held bucket-major: entry `b · width + j` is bucket
/// `b` of vector `j`, so a sparse vector's nonzero bucket reads one contiguous
/// run of `width` entries. `sums` adds `weight · run` into eight running sums
/// at a time, kept in registers over all the sparse vector's buckets, where a
/// loop over the runs one by one loaded and stored every sum at every bucket.
///
/// Each sum takes its terms in the sparse vector's order, one multiply and one
/// add each (never fused), as `scalar` does: the two give the same bits.
public enum BucketSums {
    /// Sums are computed eight at a time: a table's `width` is a multiple of this.
    public static let block = 8

    /// `out[j] = Σ_i vector[i].1 · table[vector[i].0 · width + j]` for j in 0..<width,
    /// terms added in the order of `vector`. `width` is a multiple of `block`;
    /// every bucket lies within the table.
    @inlinable
    public static func sums(_ vector: UnsafeBufferPointer<(Int, Double)>, table: UnsafeBufferPointer<Double>, width: Int,
                            into out: UnsafeMutableBufferPointer<Double>) {
        precondition(width % block == 0 && out.count >= width, "a width in whole blocks, and room for every sum")
        guard let t = table.baseAddress else {
            for j in 0..<width { out[j] = 0 }
            return
        }
        for (b, _) in vector { precondition(b >= 0 && (b + 1) * width <= table.count, "a bucket within the table") }
        let raw = UnsafeRawPointer(t)
        var j = 0
        while j < width {
            var s = SIMD8<Double>(repeating: 0)
            for (b, w) in vector {
                // safe: (b + 1) · width ≤ table.count, checked above, and j + 8 ≤ width.
                let run = raw.loadUnaligned(fromByteOffset: (b &* width &+ j) &* 8, as: SIMD8<Double>.self)
                s = s + SIMD8<Double>(repeating: w) * run
            }
            for k in 0..<block { out[j + k] = s[k] }
            j += block
        }
    }

    /// `sums`, one term at a time: the oracle of the blocked loop.
    public static func scalar(_ vector: [(Int, Double)], table: [Double], width: Int) -> [Double] {
        var out = [Double](repeating: 0, count: width)
        for (b, w) in vector {
            for j in 0..<width { out[j] += w * table[b * width + j] }
        }
        return out
    }
}
