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
        let codes: [UInt32]?
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
        switch j {
        case 0: return net > 0 && usd >= 0 ? Math.log(max(usd, 0.01) / net) : .nan
        case 1: return net > 0 && quantity > 0 ? Math.log(net / quantity) : .nan
        default: return net > 0 && gross > 0 ? packaging(gross: gross, net: net) : .nan
        }
    }

    /// The feature vector of row `r` (USD/kg missing for a declared sample).
    static func row(_ t: DeclarationTable, _ r: Int, declaredSample: Bool = false) -> [Double] {
        let usd = t.valueUSD[r]
        let net = t.numbers(.netWeightKg)?[r] ?? .nan
        let gross = t.numbers(.grossWeightKg)?[r] ?? .nan
        let quantity = t.numbers(.quantity)?[r] ?? .nan
        var f = [Double](repeating: .nan, count: count)
        if net > 0 && usd >= 0 && !declaredSample { f[0] = Math.log(max(usd, 0.01) / net) }
        if net > 0 && quantity > 0 { f[1] = Math.log(net / quantity) }
        if net > 0 && gross > 0 { f[2] = packaging(gross: gross, net: net) }
        return f
    }
}
