/// Approximate comparison of computed floating-point results.
///
/// Tests never compare computed floats with `==`; they state a tolerance.
public enum Approximate {
    /// `|a − b| <= absolute + relative · max(|a|, |b|)`.
    public static func equal(_ a: Double, _ b: Double, relative: Double = 1e-12, absolute: Double = 0) -> Bool {
        if a == b { return true }
        guard a.isFinite, b.isFinite else { return false }
        return abs(a - b) <= absolute + relative * max(abs(a), abs(b))
    }

    /// Element-wise `equal` over two sequences of the same length.
    public static func equal(_ a: [Double], _ b: [Double], relative: Double = 1e-12, absolute: Double = 0) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { equal($0, $1, relative: relative, absolute: absolute) }
    }

    /// The largest element-wise error relative to the largest magnitude in `reference`
    /// (a norm-wise relative error, the usual measure for matrix results).
    public static func normwiseRelativeError(_ value: [Double], _ reference: [Double]) -> Double {
        precondition(value.count == reference.count, "lengths differ")
        let scale = reference.map(abs).max() ?? 0
        let err = zip(value, reference).map { abs($0 - $1) }.max() ?? 0
        return scale == 0 ? err : err / scale
    }
}
