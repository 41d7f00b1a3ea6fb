/// One 8-digit tariff line of the generated world and the distributions its
/// declarations are drawn from.
struct TariffLine: Sendable {
    /// The 8-digit code.
    var code: String
    /// Index into `ControlledGroup.all`, or nil for an ordinary line.
    var group: Int?
    /// The unit quantities are declared in.
    var unit: QuantityUnit
    /// ln(USD per kg): median and log-spread.
    var lnUSDPerKg: Double
    var lnUSDPerKgSigma: Double
    /// kg per unit for count units (median, log-spread); kg lines use 1.
    var kgPerUnit: Double
    var kgPerUnitSigma: Double
    /// ln(kg per shipment): median and spread.
    var lnShipmentKg: Double
    var lnShipmentKgSigma: Double
    /// Gross/net weight ratio: median and spread of (ratio − 1) on a log scale.
    var packaging: Double
    var packagingSigma: Double
    /// Relative frequency among lines.
    var popularity: Double
    /// Description stems and qualifiers; a description is a stem plus optional qualifiers.
    var stems: [String]
    var qualifiers: [String]
    /// Descriptions that name a controlled material legitimately (decoys).
    var decoys: [String] = []
}

/// Units of quantity on a declaration.
enum QuantityUnit: String, Sendable {
    case kg = "KG", pcs = "PCS", set = "SET", m2 = "M2", litre = "L", pair = "PR"

    /// Whether the unit counts items (so kg per unit is a meaningful ratio).
    var isCount: Bool { self == .pcs || self == .set || self == .pair }
}
