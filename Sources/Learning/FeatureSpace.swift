import Declarations
import Detectors
import LinearAlgebra

/// A numeric feature taken from the table.
public enum NumericSource: Codable, Hashable, Sendable {
    case logValue, logNetKg, logUnitValue, logQuantity, logValuePerQuantity
    /// An extra column whose values are numbers (a tax rate, a duty).
    case extra(String)

    public var label: String {
        switch self {
        case .logValue: "log value (USD)"
        case .logNetKg: "log net kg"
        case .logUnitValue: "log value per kg"
        case .logQuantity: "log quantity"
        case .logValuePerQuantity: "log value per unit"
        case let .extra(name): name
        }
    }

    /// The numeric sources `table` has. An extra column counts when at least 95%
    /// of its non-empty distinct values read as numbers.
    static func available(in table: DeclarationTable) -> [NumericSource] {
        var out: [NumericSource] = [.logValue]
        let kg = table.numbers(.netWeightKg) != nil, qty = table.numbers(.quantity) != nil
        if kg { out += [.logNetKg, .logUnitValue] }
        if qty { out += [.logQuantity, .logValuePerQuantity] }
        for e in table.extras {
            let values = (0..<e.column.values.count).map { e.column.values.string(UInt32($0)) }.filter { !$0.isEmpty }
            guard values.count > 1 else { continue }
            let numeric = values.filter { Double($0) != nil }.count
            if Double(numeric) >= 0.95 * Double(values.count) { out.append(.extra(e.name)) }
        }
        return out
    }

    /// One value per row (NaN where missing).
    func values(_ table: DeclarationTable) -> [Double] {
        let v = table.valueUSD
        func log1p(_ x: Double) -> Double { x.isFinite && x >= 0 ? Math.log1p(x) : .nan }
        switch self {
        case .logValue: return v.map(log1p)
        case .logNetKg: return (table.numbers(.netWeightKg) ?? []).map(log1p)
        case .logUnitValue:
            guard let kg = table.numbers(.netWeightKg) else { return [] }
            return zip(v, kg).map { log1p($0) - log1p($1) }
        case .logQuantity: return (table.numbers(.quantity) ?? []).map(log1p)
        case .logValuePerQuantity:
            guard let q = table.numbers(.quantity) else { return [] }
            return zip(v, q).map { log1p($0) - log1p($1) }
        case let .extra(name):
            guard let c = table.extras.first(where: { $0.name == name })?.column else { return [] }
            let byCode = (0..<c.values.count).map { Double(c.values.string(UInt32($0))) ?? .nan }
            return c.codes.map { byCode[Int($0)] }
        }
    }
}

/// What a feature column is, for explanations.
public enum FeatureKind: Codable, Hashable, Sendable {
    /// Profile `index`'s smoothed outcome rate (log-odds) or its log count.
    case profileRate(Int), profileCount(Int)
    case numeric(NumericSource)
    /// A detector's score (capped at `FeatureSpace.scoreCap`).
    case detector(String)
}

/// The fitted map from a table (and the detectors' scores) to standardised
/// features: risk profiles, numeric features and detector scores.
public struct FeatureSpace: Codable, Sendable {
    public var profiles: [RiskProfile]
    /// Smoothing `m` of the profile rates, and the prior rate they shrink to.
    public var smoothing: Double
    public var prior: Double
    public var numeric: [NumericSource]
    public var detectors: [String]
    public var kinds: [FeatureKind]
    /// Per feature: mean and scale on the training rows (x ↦ (x − mean) / scale; missing ↦ 0).
    public var means: [Double]
    public var scales: [Double]

    /// Detector scores above this count as this (a few are +inf-like for hard facts).
    public static let scoreCap = 30.0

    public var count: Int { kinds.count }

    /// A row's smoothed rate for `(count, positives)`, as log-odds.
    @inline(__always)
    func rateLogit(_ s: (count: Double, positives: Double)) -> Double {
        let p = (s.positives + prior * smoothing) / (s.count + smoothing)
        let c = min(max(p, 1e-4), 1 - 1e-4)
        return Math.log(c / (1 - c))
    }

    /// Raw (unstandardised) columns for `rows`: per profile rate and count, then numeric, then detectors.
    /// `scores` are the detectors' scores of the whole table.
    func rawColumns(_ table: DeclarationTable, rows: some Collection<Int>, scores: [String: [Double]],
                    hashers: [CategoricalSource: SourceHasher]) -> [[Double]] {
        var columns: [[Double]] = []
        columns.reserveCapacity(kinds.count)
        for profile in profiles {
            let stats = (profile.spec.keys(rows: rows, hashers: hashers) ?? []).map(profile.lookup)
            columns.append(stats.count == rows.count ? stats.map(rateLogit) : [Double](repeating: .nan, count: rows.count))
            columns.append(stats.count == rows.count ? stats.map { Math.log1p($0.count) } : [Double](repeating: .nan, count: rows.count))
        }
        columns += otherColumns(table, rows: rows, scores: scores)
        return columns
    }

    /// Numeric and detector columns for `rows`.
    /// `numericValues` are `numeric`'s values of the whole table when the caller has them (explainers call per row).
    func otherColumns(_ table: DeclarationTable, rows: some Collection<Int>, scores: [String: [Double]],
                      numericValues: [[Double]]? = nil) -> [[Double]] {
        var columns: [[Double]] = []
        for (k, n) in numeric.enumerated() {
            let v = numericValues?[k] ?? n.values(table)
            columns.append(v.count == table.count ? rows.map { v[$0] } : [Double](repeating: .nan, count: rows.count))
        }
        for d in detectors {
            let s = scores[d]
            columns.append(rows.map { r in
                guard let x = s?[r] else { return 0 }
                return x.isFinite ? min(max(x, -Self.scoreCap), Self.scoreCap) : (x > 0 ? Self.scoreCap : 0)
            })
        }
        return columns
    }

    /// Means and scales from `columns` (every row).
    mutating func standardise(from columns: [[Double]]) {
        let rows = columns.first.map { Array($0.indices) } ?? []
        means = []
        scales = []
        for c in columns {
            var s = 0.0, n = 0.0
            for r in rows where c[r].isFinite { s += c[r]; n += 1 }
            let mean = n > 0 ? s / n : 0
            var v = 0.0
            for r in rows where c[r].isFinite { v += (c[r] - mean) * (c[r] - mean) }
            let sd = n > 1 ? (v / (n - 1)).squareRoot() : 0
            means.append(mean)
            scales.append(sd > 1e-12 ? sd : 1)
        }
    }

    /// The standardised matrix of raw `columns` (rows × features, column-major).
    func matrix(_ columns: [[Double]]) throws(LinearAlgebraError) -> Matrix {
        let n = columns.first?.count ?? 0
        var e = [Double](repeating: 0, count: n * columns.count)
        for (j, c) in columns.enumerated() {
            let o = j * n, m = means[j], s = scales[j]
            for i in 0..<n {
                let x = c[i]
                e[o + i] = x.isFinite ? (x - m) / s : 0
            }
        }
        return try Matrix(rows: n, columns: columns.count, columnMajor: e)
    }

    /// The standardised value of feature `j` for a raw value.
    @inline(__always)
    func standardised(_ j: Int, _ x: Double) -> Double { x.isFinite ? (x - means[j]) / scales[j] : 0 }
}
