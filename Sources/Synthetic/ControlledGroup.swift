import Declarations

/// One group of export-controlled goods in the generated world, with the dates
/// and thresholds of ../shared/DOMAIN.md.
struct ControlledGroup: Sendable {
    /// Short code used in licence numbers and labels: GA, GE, GR, SB, SH, RE.
    var code: String
    /// What an officer would call it.
    var name: String
    /// The licence requirement starts on this date.
    var controlFrom: CivilDate
    /// From this date exports to the United States are not permitted (nil: no such clause).
    var usBanFrom: CivilDate?
    /// Shipments of at least this many kg need a licence after `controlFrom`.
    var thresholdKg: Double
    /// Third countries whose imports surge after the US ban (transshipment corridors).
    var surgeCountries: [String]
    /// Ordinary codes the goods are hidden under in false declarations, with the
    /// hinting descriptions used there.
    var coverCodes: [String]
    var hintDescriptions: [String]
}

extension ControlledGroup {
    static func date(_ s: String) -> CivilDate { CivilDate(iso: s)! }

    /// The controlled groups, in a fixed order.
    static let all: [ControlledGroup] = [
        ControlledGroup(
            code: "GA", name: "gallium", controlFrom: date("2023-08-01"), usBanFrom: date("2024-12-03"),
            thresholdKg: 50, surgeCountries: ["TH", "MY"], coverCodes: ["76012000", "80011000", "26209900"],
            hintDescriptions: [
                "low melting point metal ingot 99.99%", "metal ingot Ga 4N", "grey metal ingots 5N (Ga)",
                "gallium bearing alloy", "镓 metal ingot", "rare metal ingot 99.999%", "Ga ingot, 1kg bars",
                "silvery metal 6N ingots"]),
        ControlledGroup(
            code: "GE", name: "germanium", controlFrom: date("2023-08-01"), usBanFrom: date("2024-12-03"),
            thresholdKg: 50, surgeCountries: ["VN"], coverCodes: ["81089000", "28046900", "26209900"],
            hintDescriptions: [
                "Ge metal ingot zone refined", "germanium bearing residue", "锗 ingot 5N", "metal ingot 50 ohm·cm Ge",
                "GeO2 powder 99.999%", "semiconductor metal ingot 5N", "zone refined ingot (germanium)",
                "infrared grade metal blanks Ge"]),
        ControlledGroup(
            code: "GR", name: "graphite", controlFrom: date("2023-12-01"), usBanFrom: nil,
            thresholdKg: 2000, surgeCountries: [], coverCodes: ["38029000", "25309000"],
            hintDescriptions: [
                "spherical graphite SG-17 99.95%", "carbon powder (natural flake graphite)", "石墨 powder",
                "anode material spheroidized graphite", "flake carbon +194 mesh 94%C", "expandable graphite 80 mesh",
                "high purity carbon powder 99.99% C", "graphite powder battery grade"]),
        ControlledGroup(
            code: "SB", name: "antimony", controlFrom: date("2024-09-15"), usBanFrom: date("2024-12-03"),
            thresholdKg: 1000, surgeCountries: ["MX", "TH"], coverCodes: ["78019900", "26209900", "80011000"],
            hintDescriptions: [
                "Sb ingot 99.65%", "antimony regulus", "锑锭 99.85%", "metal ingot (Sb)", "Sb2O3 99.8% powder",
                "lead-antimony alloy ingot 90% Sb", "stibium metal", "white metal ingots 99.65% Sb"]),
        ControlledGroup(
            code: "SH", name: "superhard materials", controlFrom: date("2024-09-15"), usBanFrom: date("2024-12-03"),
            thresholdKg: 10, surgeCountries: ["AE"], coverCodes: ["68042200", "25132000"],
            hintDescriptions: [
                "synthetic diamond micropowder 0-1 micron", "diamond powder W5", "polycrystalline diamond micron powder",
                "abrasive powder (diamond) 1-2um", "金刚石 micropowder", "superhard abrasive powder", "CVD diamond dust",
                "micron diamond powder MBD"]),
        ControlledGroup(
            code: "RE", name: "medium and heavy rare earths", controlFrom: date("2025-04-04"), usBanFrom: nil,
            thresholdKg: 100, surgeCountries: [], coverCodes: ["28469011", "25309000"],
            hintDescriptions: [
                "rare earth oxide Dy2O3 99.5%", "Tb4O7 powder", "镝铁 alloy", "terbium bearing oxide mix",
                "yttrium oxide 5N", "rare earth compound (Dy/Tb)", "oxide powder 99.9% Sm2O3", "heavy rare earth oxide"]),
    ]

    /// Index into `all` by code.
    static func index(of code: String) -> Int { all.firstIndex { $0.code == code }! }

    /// Whether the licence rule is in force on `date`.
    func controlled(on date: CivilDate) -> Bool { date >= controlFrom }

    /// Whether exports to the US are banned on `date`.
    func bansUS(on date: CivilDate) -> Bool { usBanFrom.map { date >= $0 } ?? false }
}
