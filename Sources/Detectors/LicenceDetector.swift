import Declarations

/// Licences: a controlled line (rule in force on the declaration date, the
/// destination in scope, the net weight at or over the threshold) declared
/// without a licence number, or with one that is not a licence number (fewer
/// than 6 letters and digits, or other characters). Score: 1 + log10(net /
/// threshold) for a missing or malformed licence, 0 otherwise.
public struct LicenceDetector: Detector {
    public typealias Fitted = FittedLicence
    public static let requiredFields: [CanonicalField] = [.licenceNumber, .netWeightKg]
    public var controls: ControlsTable
    public init(controls: ControlsTable = .standard) { self.controls = controls }
    public func fit(_ table: DeclarationTable) throws -> FittedLicence { FittedLicence(controls: controls) }
}

public struct FittedLicence: FittedDetector {
    public static let name = "licence"
    public var controls: ControlsTable

    struct Finding {
        var rule: ControlsTable.Rule
        var net: Double
        var licence: String
    }

    static func wellFormed(_ s: String) -> Bool {
        let alnum = s.unicodeScalars.filter { ("0"..."9").contains($0) || ("A"..."Z").contains($0) || ("a"..."z").contains($0) }.count
        return alnum >= 6 && s.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("A"..."Z").contains($0) || ("a"..."z").contains($0) || $0 == "-" || $0 == "/" }
    }

    func finding(_ table: DeclarationTable, _ r: Int, codeRules: [[ControlsTable.Rule]]) -> Finding? {
        guard let hs = table.text(.hsCode) else { return nil }
        let rules = codeRules[Int(hs.codes[r])]
        guard !rules.isEmpty, let licence = table.text(.licenceNumber), let net = table.numbers(.netWeightKg)?[r] else { return nil }
        let date = CivilDate(daysSinceEpoch: Int(table.date[r]))
        let dest = (table.countries(.destination)?[r]).flatMap { $0 == 0 ? nil : $0 } ?? table.countries(.counterparty)?[r] ?? 0
        let destination = CountryCodes.alpha2(dest)
        for rule in rules where rule.inForce(on: date) && rule.applies(to: destination) {
            if let t = rule.thresholdKg, !(net >= t) { continue }
            let l = licence.string(r)
            if l.isEmpty || !FittedLicence.wellFormed(l) { return Finding(rule: rule, net: net, licence: l) }
        }
        return nil
    }

    /// Licence rules per tariff-code dictionary entry (dense: one array lookup per row).
    func codeRules(_ table: DeclarationTable) -> [[ControlsTable.Rule]] {
        guard let hs = table.text(.hsCode) else { return [] }
        return (0..<hs.values.count).map { c in
            let code = hs.values.string(UInt32(c))
            return controls.rules.filter { $0.kind == .licence && $0.covers(code: code) }
        }
    }

    public func anomalyScores(_ table: DeclarationTable) -> [Double] {
        let rules = codeRules(table)
        return (0..<table.count).map { r in
            guard let f = finding(table, r, codeRules: rules) else { return 0 }
            return 1 + Math.log(max(1, f.net / max(f.rule.thresholdKg ?? 1, 1e-9))) / Math.log(10)
        }
    }

    public func explainer(_ table: DeclarationTable) -> @Sendable (Int) -> [Reason] {
        let rules = codeRules(table)
        let model = self
        return { model.reasons(table, row: $0, codeRules: rules) }
    }

    public func reasons(_ table: DeclarationTable, row r: Int) -> [Reason] {
        reasons(table, row: r, codeRules: codeRules(table))
    }

    func reasons(_ table: DeclarationTable, row r: Int, codeRules: [[ControlsTable.Rule]]) -> [Reason] {
        guard let f = finding(table, r, codeRules: codeRules) else { return [] }
        let kg = String(Int(f.net.rounded()))
        let over = f.rule.thresholdKg.map { " over the \(Int($0)) kg threshold" } ?? ""
        let what = f.licence.isEmpty ? "no licence number" : "licence number \"\(f.licence)\" is malformed"
        return [Reason(detector: Self.name, text: "\(f.rule.group) under licence since \(f.rule.from): \(kg) kg\(over), \(what)",
                       strength: 1, evidence: ["group": f.rule.group, "since": f.rule.from.description, "net_kg": kg, "licence": f.licence])]
    }
}
