import CSVCore
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

    /// `wellFormed(_:)` on UTF-8 bytes (no String per value; a non-ASCII byte is never allowed).
    static func wellFormed(_ bytes: ArraySlice<UInt8>) -> Bool {
        var alnum = 0
        for b in bytes {
            let isAlnum = (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
            guard isAlnum || b == UInt8(ascii: "-") || b == UInt8(ascii: "/") else { return false }
            if isAlnum { alnum += 1 }
        }
        return alnum >= 6
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

    /// The score of a finding: 1, plus log10 of how many times over its threshold the weight is.
    static func score(net: Double, threshold: Double?) -> Double {
        1 + Math.log(max(1, net / max(threshold ?? 1, 1e-9))) / Math.log(10)
    }

    /// `finding`'s score for one row (0 without a finding).
    func slowScore(_ table: DeclarationTable, _ r: Int, codeRules: [[ControlsTable.Rule]]) -> Double {
        finding(table, r, codeRules: codeRules).map { FittedLicence.score(net: $0.net, threshold: $0.rule.thresholdKg) } ?? 0
    }

    /// Every row's score, as `slowScore` gives it (tested equal on every row), on every
    /// core: rules as `CodeRules`, each distinct licence number judged once.
    public func anomalyScores(_ table: DeclarationTable) -> [Double] {
        guard let hs = table.text(.hsCode), let licence = table.text(.licenceNumber), let net = table.numbers(.netWeightKg) else {
            return [Double](repeating: 0, count: table.count)
        }
        let rules = CodeRules(hs, controls: controls) { $0.kind == .licence }
        let valid = (0..<licence.values.count).map { c in
            let b = licence.values.bytes(UInt32(c))
            return !b.isEmpty && FittedLicence.wellFormed(b)
        }
        let destination = table.countries(.destination), counterparty = table.countries(.counterparty)
        return Parallel.rows(table.count) { r in
            let candidates = rules.range(hs.codes[r])
            guard !candidates.isEmpty else { return 0 }
            let day = table.date[r], kg = net[r]
            let d = destination.flatMap { $0[r] == 0 ? nil : $0[r] } ?? counterparty?[r] ?? 0
            for k in candidates where rules.rules[k].inForce(day: day) && rules.rules[k].applies(to: d) {
                if let t = rules.rules[k].thresholdKg, !(kg >= t) { continue }
                if !valid[Int(licence.codes[r])] { return FittedLicence.score(net: kg, threshold: rules.rules[k].thresholdKg) }
            }
            return 0
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
        let kg = ProseNumber.whole(f.net)
        let over = f.rule.thresholdKg.map { " over the \(Int($0)) kg threshold" } ?? ""
        let what = f.licence.isEmpty ? "no licence number" : "licence number \"\(f.licence)\" is malformed"
        return [Reason(detector: Self.name, text: "\(f.rule.group) under licence since \(f.rule.from): \(kg) kg\(over), \(what)",
                       strength: 1, evidence: ["group": f.rule.group, "since": f.rule.from.description, "net_kg": kg, "licence": f.licence])]
    }
}
