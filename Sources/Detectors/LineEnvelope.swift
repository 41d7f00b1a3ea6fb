/// An upper bound on the best log density any of a set of lines gives a value,
/// by bucket of the value: lines are normal densities of log USD/kg, each
/// `-½((x − median) / scale)² − ln scale`, and the bound is the largest of
/// them over a whole bucket.
///
/// goods_code's likelihood ratio compares a row's own line with every
/// controlled line. Most rows fit their own line better than any controlled
/// line could at their value: one bound read then settles the row, instead of
/// a division per controlled line (`FittedGoodsCode.bestControlledLine`, the
/// oracle, settles the rest and is what the bound is tested against).
struct LineEnvelope: Sendable {
    /// Bucket `i + 1` covers `low + i·step …< low + (i + 1)·step`; bucket 0
    /// everything below `low`, the last one everything from `high` up.
    private let low: Double, inverseStep: Double, buckets: Int
    private let bounds: [Double]

    /// Buckets between the lines' lowest and highest medians, widened by
    /// `margin` log units each side.
    init(median: [Double], scale: [Double], logScale: [Double], buckets: Int = 4_096, margin: Double = 10) {
        precondition(median.count == scale.count && median.count == logScale.count && buckets > 0)
        let lo = (median.min() ?? 0) - margin, hi = (median.max() ?? 0) + margin
        let step = (hi - lo) / Double(buckets)
        low = lo
        inverseStep = 1 / step
        self.buckets = buckets
        // Each bucket's bound covers a quarter step beyond its edges, so a value
        // that rounding puts in the bucket beside its own is still covered.
        let pad = step / 4
        bounds = (0...(buckets + 1)).map { b in
            let a = b == 0 ? -Double.infinity : lo + Double(b - 1) * step - pad
            let z = b == buckets + 1 ? Double.infinity : lo + Double(b) * step + pad
            return LineEnvelope.largest(from: a, to: z, median: median, scale: scale, logScale: logScale)
        }
    }

    /// The largest log density of any line over `a … b`: each line's peak where
    /// its median lies inside, else its value at the nearer end.
    static func largest(from a: Double, to b: Double, median: [Double], scale: [Double], logScale: [Double]) -> Double {
        var best = -Double.infinity
        for k in median.indices {
            let nearest = min(max(median[k], a), b)
            let z = (nearest - median[k]) / scale[k]
            best = max(best, -0.5 * z * z - logScale[k])
        }
        return best
    }

    /// The bound for value `x` (+∞ for NaN: nothing is ruled out).
    @inline(__always)
    func bound(_ x: Double) -> Double {
        let t = (x - low) * inverseStep
        guard !t.isNaN else { return .infinity }
        let b = t < 0 ? 0 : t >= Double(buckets) ? buckets + 1 : Int(t) + 1
        return bounds[b]
    }

    /// True when no line can give `x` a log density above `own`: the bound
    /// lies below it by more than rounding in computing either could explain.
    @inline(__always)
    func rulesOut(_ x: Double, above own: Double) -> Bool {
        let u = bound(x)
        return u < own - 1e-9 * (1 + abs(u) + abs(own))
    }
}
