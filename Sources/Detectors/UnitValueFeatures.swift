import CSVCore
import Declarations
import LinearAlgebra

/// The features of the unit-value detector, per row, on a log scale:
/// 0. ln(USD per kg);
/// 1. ln(kg per unit of quantity): kg per piece for count units, ≈ 0 when the
///    quantity is itself in kg (a quantity that disagrees with the net weight
///    stands out), density-like for litres or m²;
/// 2. ln(packaging share + 0.5%), the packaging share being (gross − net) / net
///    (0 when gross is not above net). Packaging varies multiplicatively (2% for
///    bulk sacks, 20% for cartons, more for crates), so its logarithm is near
///    normal where ln(gross / net) has a long right tail that made ordinary
///    heavy packing look as rare as a false weight; the 0.5% start keeps
///    unpacked goods finite. Gross below net is physically impossible and is
///    scored apart (`FittedUnitValue.grossBelowNetScore`).
/// ln(USD per unit) is feature 0 + feature 1: it carries no extra information
/// for the distance, so it is used in explanations only. A missing value is NaN.
enum UnitValueFeatures {
    static let count = 3
    static let names = ["USD/kg", "kg per unit", "gross/net weight"]
    /// Where the packaging-share logarithm starts (see feature 2).
    static let packagingStart = 0.005

    /// The least spread (standard deviation, on the feature's log scale) a
    /// group's fitted scatter keeps for each feature: a deviation must also be
    /// large enough to matter. A line whose packaging barely varies (steel
    /// coils at 1% ± a quarter) would otherwise make 2% packaging a 5σ event;
    /// with 0.3, 5σ is (share + 0.5%) 4.5 times the usual (at 1% packaging,
    /// about 6 times the share; gross 3–10× net, the false weights, is far
    /// beyond). Likewise kg per unit that is off by a few percent (a quantity
    /// in kg rounded against the net weight, a piece or litre weight a little
    /// heavier) is not a false weight; 0.15 puts 5σ at twice or half. USD/kg
    /// has none: prices spread far wider, and a tight price line's small
    /// deviations are the signal.
    /// Measured on generated data (seeds 7, 11, 3; README "Quality"): the
    /// packaging floor turned about a hundred ordinary rows of the top 1% into
    /// planted ones (precision@1% +0.005, undervaluation recall@1% +0.02–0.03).
    static let spreadFloors: [Double] = [0, 0.15, 0.3]

    /// ln(packaging share + `packagingStart`) of a gross and net weight (both > 0).
    @inline(__always)
    static func packaging(gross: Double, net: Double) -> Double {
        Math.log(max(gross - net, 0) / net + packagingStart)
    }

    /// The gross/net ratio a packaging feature value stands for.
    static func grossOverNet(packaging f: Double) -> Double { 1 + max(0, Math.exp(f) - packagingStart) }

    /// Units whose quantity counts pieces.
    static let countUnits: Set<String> = ["PCS", "PC", "SET", "SETS", "PR", "PAIR", "PAIRS", "NO", "NOS", "U", "EA", "UNIT", "UNITS", "NAR", "NPR"]
    static let massUnits: Set<String> = ["KG", "KGM", "KGS", "KILOGRAM"]

    /// The unit class of each row of a table, decided once per distinct unit (no per-row array).
    struct Classes {
        let codes: CodeColumn?
        let ofCode: [Int]

        init(_ table: DeclarationTable) {
            let units = table.text(.quantityUnit)
            codes = units?.codes
            ofCode = units.map { u in (0..<u.values.count).map { unitClass(u.values.string(UInt32($0))) } } ?? []
        }

        /// Row `r`'s class (3, unknown, without a unit column).
        subscript(r: Int) -> Int { codes.map { ofCode[Int($0[r])] } ?? 3 }
    }

    /// 0 mass, 1 count, 2 other (volume, area…), 3 unknown.
    static func unitClass(_ unit: String) -> Int {
        let u = unit.uppercased()
        if massUnits.contains(u) { return 0 }
        if countUnits.contains(u) { return 1 }
        return u.isEmpty ? 3 : 2
    }

    /// Feature `j` of row `r` from already fetched columns (no allocation).
    @inline(__always)
    static func feature(_ j: Int, usd: Double, net: Double, gross: Double, quantity: Double) -> Double {
        let f: Double
        switch j {
        case 0: f = net > 0 && usd >= 0 ? Math.log(max(usd, 0.01) / net) : .nan
        case 1: f = net > 0 && quantity > 0 ? Math.log(net / quantity) : .nan
        default: f = net > 0 && gross > 0 ? packaging(gross: gross, net: net) : .nan
        }
        // A ratio of absurd values (1e308 USD over 1e-300 kg) overflows to an infinite
        // logarithm, which no fit can take (∞ − ∞): held at ±`extreme`, still the most
        // extreme value there is, and finite.
        return f.isNaN ? f : min(max(f, -extreme), extreme)
    }

    /// Where features are held: beyond the logarithm of any finite ratio of doubles (about ±745).
    static let extreme = 1_500.0

    /// The columns the features are read from, fetched from the table once.
    struct Source {
        let usd: [Double]
        let net: [Double]?, gross: [Double]?, quantity: [Double]?

        init(_ t: DeclarationTable) {
            usd = t.valueUSD
            net = t.numbers(.netWeightKg)
            gross = t.numbers(.grossWeightKg)
            quantity = t.numbers(.quantity)
        }

        /// Feature `j` of row `r` (USD/kg missing for a declared sample).
        @inline(__always)
        func feature(_ j: Int, _ r: Int, declaredSample: Bool) -> Double {
            if j == 0 && declaredSample { return .nan }
            return UnitValueFeatures.feature(j, usd: usd[r], net: net?[r] ?? .nan, gross: gross?[r] ?? .nan, quantity: quantity?[r] ?? .nan)
        }
    }

    /// Every row's three features, computed once in row order.
    ///
    /// A group's rows lie all over the table, so reading its features straight
    /// from the table's columns costs a cache miss in each of five columns per
    /// row (USD, net, gross, quantity, declared sample), with three logarithms
    /// between the misses: at 10M rows about 200 ns a row. Computed here in
    /// row order on every core, read back a group at a time, a row costs one
    /// miss. Same values as `Source.feature`, so the same fits and scores.
    struct Rows: Sendable {
        struct Values: Sendable {
            var usdPerKg: Double, kgPerUnit: Double, packaging: Double
        }
        let values: [Values]

        /// Where a fit leaves them for the scoring of its table (`TableFacts.stash`).
        static let factsKey = "unit_value.features"

        init(_ source: Source, declaredSample: [Bool]) {
            values = Parallel.rows(source.usd.count) { r in
                Values(usdPerKg: source.feature(0, r, declaredSample: declaredSample[r]),
                       kgPerUnit: source.feature(1, r, declaredSample: false),
                       packaging: source.feature(2, r, declaredSample: false))
            }
        }

        @inline(__always)
        static func feature(_ v: Values, _ j: Int) -> Double { j == 0 ? v.usdPerKg : j == 1 ? v.kgPerUnit : v.packaging }
    }

    /// Features `features` of `rows`, column-major as a matrix lays them out
    /// (feature `features[c]` of `rows[i]` at `i + c × rows.count`); NaN where missing.
    ///
    /// A group's rows lie far apart in the table (10M rows of 24 bytes), so each
    /// read misses the cache: the row `prefetchDistance` places ahead is asked
    /// for, and the misses overlap instead of following one another.
    static func columns<R: BinaryInteger>(_ all: Rows, rows: [R], features: [Int]) -> [Double] {
        let n = rows.count
        var out = [Double](repeating: .nan, count: n * features.count)
        all.values.withUnsafeBufferPointer { values in
            out.withUnsafeMutableBufferPointer { out in
                for i in 0..<n {
                    if i &+ prefetchDistance < n { Prefetch.read(values, at: Int(rows[i &+ prefetchDistance])) }
                    let v = values[Int(rows[i])]
                    for (c, j) in features.enumerated() { out[i + c * n] = Rows.feature(v, j) }
                }
            }
        }
        return out
    }

    /// Rows ahead a loop over scattered rows asks the cache for.
    static let prefetchDistance = 16

    /// The feature vector of row `r` (USD/kg missing for a declared sample).
    static func row(_ t: DeclarationTable, _ r: Int, declaredSample: Bool = false) -> [Double] {
        let source = Source(t)
        return (0..<count).map { source.feature($0, r, declaredSample: declaredSample) }
    }
}
