import Declarations

/// Goods declared as samples of no commercial value, in a sample-sized quantity.
///
/// Their declared value is nominal by nature (a few dollars for a machine or a
/// kilogram of powder), so a price far below the line's says nothing about
/// undervaluation or the goods' identity: the unit-value detector leaves the
/// USD/kg feature out for them, and the goods-code detector its value
/// likelihood ratio. Everything else (weights, text, licences, routing, parties)
/// still counts, so calling goods a sample hides nothing but their price, and
/// only for a quantity a sample can have.
///
/// A description declares a sample when it holds the word "sample" or
/// "samples", the phrase "no commercial value", the token "NCV", or 样品 / 样本
/// (case-insensitive, whole words for the Latin forms). Sample-sized means a
/// net weight of at most `maximumKg`, or at most `maximumUnits` pieces when the
/// quantity counts pieces.
public enum DeclaredSample {
    public static let maximumKg = 30.0
    public static let maximumUnits = 5.0

    /// Whether `description` declares a sample.
    public static func declares(_ description: String) -> Bool {
        let lower = description.lowercased()
        if lower.contains("样品") || lower.contains("样本") || lower.contains("no commercial value") { return true }
        var word = ""
        for s in lower.unicodeScalars {
            if s.properties.isAlphabetic || ("0"..."9").contains(s) {
                word.unicodeScalars.append(s)
            } else {
                if word == "sample" || word == "samples" || word == "ncv" { return true }
                word = ""
            }
        }
        return word == "sample" || word == "samples" || word == "ncv"
    }

    /// Whether a net weight (kg) and quantity in `unitClass` (`UnitValueFeatures.unitClass`) are sample-sized.
    public static func sampleSized(netKg: Double, quantity: Double, unitClass: Int) -> Bool {
        if netKg > 0 && netKg <= maximumKg { return true }
        return unitClass == 1 && quantity > 0 && quantity <= maximumUnits
    }

    /// Whether row `r` of `table` is a declared, sample-sized sample (for explaining one row).
    public static func row(_ table: DeclarationTable, _ r: Int) -> Bool {
        guard let desc = table.text(.description), declares(desc.string(r)) else { return false }
        return sampleSized(netKg: table.numbers(.netWeightKg)?[r] ?? .nan, quantity: table.numbers(.quantity)?[r] ?? .nan,
                           unitClass: UnitValueFeatures.unitClass(table.text(.quantityUnit)?.string(r) ?? ""))
    }

    /// Per row of `table`: declared as a sample, in a sample-sized quantity
    /// (all false without a description column). Decided once per distinct description.
    public static func rows(_ table: DeclarationTable) -> [Bool] {
        guard let desc = table.text(.description) else { return [Bool](repeating: false, count: table.count) }
        let declaring = (0..<desc.values.count).map { declares(desc.values.string(UInt32($0))) }
        guard declaring.contains(true) else { return [Bool](repeating: false, count: table.count) }
        let net = table.numbers(.netWeightKg), quantity = table.numbers(.quantity)
        let units = table.text(.quantityUnit)
        let classOfUnit = (0..<(units?.values.count ?? 0)).map { UnitValueFeatures.unitClass(units!.values.string(UInt32($0))) }
        return (0..<table.count).map { r in
            guard declaring[Int(desc.codes[r])] else { return false }
            return sampleSized(netKg: net?[r] ?? .nan, quantity: quantity?[r] ?? .nan,
                               unitClass: units.map { classOfUnit[Int($0.codes[r])] } ?? 3)
        }
    }
}
