import LinearAlgebra

/// Baselines for many monthly series that share one calendar, fitted together:
/// level, trend and annual seasonality by least squares on the months before an
/// event, one QR factorisation (LAPACK `dgels`) for all the series of one model size.
///
/// The model for series `s` in month `m` is
/// `y = β₀ + β₁·t + β₂·sin(2πm/12) + β₃·cos(2πm/12)` with `t` in years from the
/// event month. A series gets the terms its data supports: seasonality needs 14
/// months with a nonzero value before the event, a trend 6, else the level alone
/// (lumpy flows, a shipment every few months, would otherwise fit a season out of
/// noise). Fewer than 3 months before the event give no baseline. After the
/// event the trend is extrapolated at most 12 months (a baseline that keeps
/// climbing for years invents the flows it is compared with).
public struct CorridorBaseline: Sendable, Codable, Equatable {
    /// Month index (year·12 + month − 1) of the event; months before it are fitted.
    public var eventMonth: Int
    /// Per series: 1 (level), 2 (level, trend) or 4 (level, trend, seasonality).
    public var terms: [Int]
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
        let most = terms(forMonths: n)
        guard most > 0, !series.isEmpty else { return nil }
        for (s, y) in series.enumerated() { precondition(y.count >= n, "series \(s) is shorter than the pre-event span") }
        let termsOf = series.map { y in Swift.max(1, Swift.min(most, terms(forMonths: y.prefix(n).filter { $0 != 0 }.count))) }
        var coefficients = [[Double]](repeating: [], count: series.count)
        var sigma = [Double](repeating: sigmaFloor, count: series.count)
        for p in [1, 2, 4] {
            let members = series.indices.filter { termsOf[$0] == p }
            guard !members.isEmpty else { continue }
            var a = [Double](repeating: 0, count: n * p)
            for i in 0..<n {
                let row = design(month: firstMonth + i, eventMonth: eventMonth, terms: p)
                for j in 0..<p { a[i + j * n] = row[j] }
            }
            var b = [Double](repeating: 0, count: n * members.count)
            for (k, s) in members.enumerated() { for i in 0..<n { b[i + k * n] = series[s][i] } }
            let solution = try LeastSquares(try Matrix(rows: n, columns: p, columnMajor: a), try Matrix(rows: n, columns: members.count, columnMajor: b))
            let dof = Double(Swift.max(1, n - p))
            for (k, s) in members.enumerated() {
                coefficients[s] = (0..<p).map { solution.coefficients[$0, k] }
                sigma[s] = Swift.max(sigmaFloor, (solution.residualSumOfSquares[k] / dof).squareRoot())
            }
        }
        return CorridorBaseline(eventMonth: eventMonth, terms: termsOf, coefficients: coefficients, sigma: sigma, fittedMonths: n)
    }

    /// The baseline of series `s` in month `m`.
    public func predict(series s: Int, month m: Int) -> Double {
        let row = CorridorBaseline.design(month: m, eventMonth: eventMonth, terms: terms[s])
        var v = 0.0
        for j in 0..<terms[s] { v += row[j] * coefficients[s][j] }
        return v
    }

    /// How far `observed` sits above the baseline, in residual standard deviations.
    public func z(series s: Int, month m: Int, observed: Double) -> Double {
        (observed - predict(series: s, month: m)) / sigma[s]
    }
}
