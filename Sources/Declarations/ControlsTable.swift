import CSVCore

/// Export controls as data: which goods (by tariff-code prefix and by words in
/// descriptions) need a licence, or may not go to a destination, from when to when.
///
/// Columns: `item_group, code_prefixes (;-separated), keywords (;-separated),
/// valid_from, valid_to (empty: open), destination_scope (all, or ;-separated
/// ISO codes), rule (licence | banned), quantity_threshold_kg (empty: any
/// quantity), source_note`. The default table holds the controls of
/// shared/DOMAIN.md; `--controls FILE` replaces it, `--controls +FILE` extends it.
public struct ControlsTable: Sendable, Codable {
    public struct Rule: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable { case licence, banned }
        public var group: String
        public var prefixes: [String]
        public var keywords: [String]
        public var from: CivilDate
        public var to: CivilDate?
        /// nil: every destination.
        public var destinations: Set<String>?
        public var kind: Kind
        public var thresholdKg: Double?
        public var note: String
        /// 1-based line in its file.
        public var line: Int

        /// Whether the rule is in force on `date`.
        public func inForce(on date: CivilDate) -> Bool { date >= from && (to.map { date <= $0 } ?? true) }

        /// Whether `code` (a declared tariff code) falls under the rule: one is a
        /// prefix of the other (an 8-digit declared line containing a controlled
        /// 10-digit national line counts, conservatively).
        public func covers(code: String) -> Bool {
            prefixes.contains { code.hasPrefix($0) || $0.hasPrefix(code) }
        }

        /// Whether a shipment to `country` (alpha-2) is in the rule's scope.
        public func applies(to country: String) -> Bool { destinations.map { $0.contains(country) } ?? true }
    }

    public var rules: [Rule]
    public var source: String

    /// The item groups, in table order, without repeats.
    public var groups: [String] {
        var seen = Set<String>()
        return rules.map(\.group).filter { seen.insert($0).inserted }
    }

    /// Parses a controls CSV; errors name the file and line.
    public init(csv bytes: [UInt8], source: String) throws(CSVTableError) {
        let t = try CSVTable(bytes: bytes, source: source)
        let need = ["item_group", "code_prefixes", "keywords", "valid_from", "valid_to", "destination_scope", "rule", "quantity_threshold_kg", "source_note"]
        var col: [String: Int] = [:]
        for name in need {
            guard let i = t.column(name) else {
                throw CSVTableError(source: source, line: 1, message: "missing column \(name); expected \(need.joined(separator: ","))")
            }
            col[name] = i
        }
        var rules: [Rule] = []
        for (row, line) in zip(t.rows, t.lines) {
            func field(_ n: String) -> String { row[col[n]!].trimmingSpaces.description }
            func list(_ n: String) -> [String] { field(n).split(separator: ";").map { String(String($0).trimmingSpaces) }.filter { !$0.isEmpty } }
            let group = field("item_group")
            guard !group.isEmpty else { throw CSVTableError(source: source, line: line, message: "item_group is empty") }
            let prefixes = list("code_prefixes").map { String($0.filter(\.isNumber)) }
            guard !prefixes.isEmpty || !list("keywords").isEmpty else {
                throw CSVTableError(source: source, line: line, message: "a rule needs code_prefixes or keywords")
            }
            guard let from = CivilDate(iso: field("valid_from")) else {
                throw CSVTableError(source: source, line: line, message: "valid_from '\(field("valid_from"))' is not YYYY-MM-DD")
            }
            var to: CivilDate? = nil
            if !field("valid_to").isEmpty {
                guard let d = CivilDate(iso: field("valid_to")), d >= from else {
                    throw CSVTableError(source: source, line: line, message: "valid_to '\(field("valid_to"))' is not a date on or after valid_from")
                }
                to = d
            }
            var destinations: Set<String>? = nil
            let scope = field("destination_scope")
            if !scope.isEmpty && scope.lowercased() != "all" {
                var set = Set<String>()
                for c in list("destination_scope") {
                    guard let code = CountryCodes.code(c) else {
                        throw CSVTableError(source: source, line: line, message: "destination '\(c)' is not a country")
                    }
                    set.insert(CountryCodes.alpha2(code))
                }
                destinations = set
            }
            guard let kind = Rule.Kind(rawValue: field("rule").lowercased()) else {
                throw CSVTableError(source: source, line: line, message: "rule '\(field("rule"))' must be licence or banned")
            }
            var threshold: Double? = nil
            if !field("quantity_threshold_kg").isEmpty {
                guard let v = Double(field("quantity_threshold_kg")), v >= 0 else {
                    throw CSVTableError(source: source, line: line, message: "quantity_threshold_kg '\(field("quantity_threshold_kg"))' is not a non-negative number")
                }
                threshold = v
            }
            rules.append(Rule(group: group, prefixes: prefixes, keywords: list("keywords"), from: from, to: to,
                              destinations: destinations, kind: kind, thresholdKg: threshold, note: field("source_note"), line: line))
        }
        self.rules = rules
        self.source = source
    }

    /// The default table (shared/DOMAIN.md).
    public static let standard: ControlsTable = {
        do { return try ControlsTable(csv: Array(defaultCSV.utf8), source: "built-in controls table") } catch {
            preconditionFailure("the built-in controls table is malformed: \(error)")
        }
    }()

    /// The default table's text, for `tradescan controls`.
    public static var defaultText: String { defaultCSV }

    /// This table with `other`'s rules added (`--controls +FILE`).
    public func extended(with other: ControlsTable) -> ControlsTable {
        var t = self
        t.rules += other.rules
        t.source = source + " + " + other.source
        return t
    }

    /// Licence rules covering `code`, in force on `date`, whose scope includes `destination`.
    public func licenceRules(code: String, date: CivilDate, destination: String) -> [Rule] {
        rules.filter { $0.kind == .licence && $0.inForce(on: date) && $0.applies(to: destination) && $0.covers(code: code) }
    }

    /// Whether any rule (in force or not) covers `code`: the code is a controlled line.
    public func isControlled(code: String) -> Bool { rules.contains { $0.covers(code: code) } }
}
