import LinearAlgebra

/// Baselines for many monthly series that share one calendar, fitted together:
/// level, trend and annual seasonality by least squares on the months before an
/// event, one QR factorisation (LAPACK `dgels`) for every series.
///
/// The model for series `s` in month `m` is
/// `y = β₀ + β₁·t + β₂·sin(2πm/12) + β₃·cos(2πm/12)` with `t` in years from the
/// event month. With fewer than 14 months the seasonal terms are dropped, with
/// fewer than 6 the trend too, and fewer than 3 months give no baseline. After the
/// event the trend is extrapolated at most 12 months (a baseline that keeps
/// climbing for years invents the flows it is compared with).
public struct CorridorBaseline: Sendable, Codable, Equatable {
    /// Month index (year·12 + month − 1) of the event; months before it are fitted.
    public var eventMonth: Int
    /// 1 (level), 2 (level, trend) or 4 (level, trend, seasonality).
    public var terms: Int
    /// Per series: the coefficients (`terms` of them).
    public var coefficients: [[Double]]
    /// Per series: the residual standard deviation, floored at `sigmaFloor`.
    public var sigma: [Double]
    /// Months fitted.
    public var fittedMonths: Int

    public static let sigmaFloor = 0.25

    /// The number of terms a pre-event span of `months` months supports (0: none).
    public static func terms(forMonths months: Int) -> Int {
        months >= 14 ? 4 : months >= 6 ? 2 : months >= 3 ? 1 : 0
    }

    /// The design row of month `m`.
    public static func design(month m: Int, eventMonth: Int, terms: Int) -> [Double] {
        let t = Double(min(m - eventMonth, 12)) / 12
        let angle = 2 * Double.pi * Double(m % 12) / 12
        return Array([1, t, Math.sin(angle), Math.cos(angle)].prefix(terms))
    }

    /// Fits every series on months `firstMonth ..< eventMonth`.
    /// - Parameter series: per series, one value per month from `firstMonth`
    ///   (at least up to the event month).
    /// - Returns: nil when fewer than 3 months precede the event.
    public static func fit(_ series: [[Double]], firstMonth: Int, eventMonth: Int) throws(LinearAlgebraError) -> CorridorBaseline? {
        let n = eventMonth - firstMonth
        let p = terms(forMonths: n)
        guard p > 0, !series.isEmpty else { return nil }
        var a = [Double](repeating: 0, count: n * p)
        for i in 0..<n {
            let row = design(month: firstMonth + i, eventMonth: eventMonth, terms: p)
            for j in 0..<p { a[i + j * n] = row[j] }
        }
        var b = [Double](repeating: 0, count: n * series.count)
        for (s, y) in series.enumerated() {
            precondition(y.count >= n, "series \(s) is shorter than the pre-event span")
            for i in 0..<n { b[i + s * n] = y[i] }
        }
        let solution = try LeastSquares(try Matrix(rows: n, columns: p, columnMajor: a), try Matrix(rows: n, columns: series.count, columnMajor: b))
        let c = solution.coefficients
        let coefficients = (0..<series.count).map { s in (0..<p).map { c[$0, s] } }
        let dof = Double(max(1, n - p))
        let sigma = solution.residualSumOfSquares.map { Swift.max(sigmaFloor, ($0 / dof).squareRoot()) }
        return CorridorBaseline(eventMonth: eventMonth, terms: p, coefficients: coefficients, sigma: sigma, fittedMonths: n)
    }

    /// The baseline of series `s` in month `m`.
    public func predict(series s: Int, month m: Int) -> Double {
        let row = CorridorBaseline.design(month: m, eventMonth: eventMonth, terms: terms)
        var v = 0.0
        for j in 0..<terms { v += row[j] * coefficients[s][j] }
        return v
    }

    /// How far `observed` sits above the baseline, in residual standard deviations.
    public func z(series s: Int, month m: Int, observed: Double) -> Double {
        (observed - predict(series: s, month: m)) / sigma[s]
    }
}
