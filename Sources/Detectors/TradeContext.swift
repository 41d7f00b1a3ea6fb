import Declarations

/// What the transshipment detectors read from a table, resolved once per
/// distinct value rather than once per row: each row's controlled item group,
/// where the goods go, and who sends and takes them.
struct TradeContext: Sendable {
    /// Item groups of the controls table, in table order.
    let groups: [String]
    /// Per row: index into `groups`, or -1 when no rule covers the tariff code.
    let group: [Int16]
    /// Per row: the destination country (destination, else counterparty country; 0 unknown).
    let destination: [UInt16]
    /// Per row: a dense consignee number; `consigneeKeys[n]` is its key
    /// (the counterparty id when the feed has one, else the name). Two bytes a
    /// row while there are at most 65,536 parties.
    let consignee: CodeColumn
    let consigneeKeys: [String]
    /// Per row: a dense exporter/importer number (trader id, else name); nil without either field.
    let trader: CodeColumn?
    let traderKeys: [String]

    init(_ table: DeclarationTable, controls: ControlsTable) {
        let groups = controls.groups
        self.groups = groups
        // One pass over the distinct tariff codes, not the rows.
        if let hs = table.text(.hsCode) {
            let byCode: [Int16] = (0..<hs.values.count).map { c in
                let code = hs.values.string(UInt32(c))
                guard let rule = controls.rules.first(where: { $0.covers(code: code) }) else { return -1 }
                return Int16(groups.firstIndex(of: rule.group)!)
            }
            group = hs.codes.map { byCode[Int($0)] }
        } else {
            group = Array(repeating: -1, count: table.count)
        }
        let dest = table.countries(.destination), cp = table.countries(.counterparty)
        destination = (0..<table.count).map { r in
            if let d = dest?[r], d != 0 { return d }
            return cp?[r] ?? 0
        }
        (consignee, consigneeKeys) = TradeContext.partyKeys(id: table.text(.counterpartyID), name: table.text(.counterpartyName), count: table.count)
        let t = TradeContext.partyKeys(id: table.text(.traderID), name: table.text(.traderName), count: table.count)
        trader = table.text(.traderID) == nil && table.text(.traderName) == nil ? nil : t.0
        traderKeys = t.1
    }

    /// Row `r`'s party key as `partyKeys` numbers it: the id when the row has one,
    /// else "name:" and the name, else "".
    static func partyKey(id: TextColumn?, name: TextColumn?, row r: Int) -> String {
        if let id, !id.values.bytes(id.codes[r]).isEmpty { return id.string(r) }
        if let name { return "name:" + name.string(r) }
        return ""
    }

    /// Dense party numbers: the id when the row has one, else the name ("name:" prefixed
    /// so an id never collides with a name). Keys are numbered in first-seen order of
    /// the dictionary codes, so they do not depend on row order beyond interning.
    static func partyKeys(id: TextColumn?, name: TextColumn?, count: Int) -> (CodeColumn, [String]) {
        var keys: [String] = []
        var index: [String: Int32] = [:]
        func number(_ key: String) -> Int32 {
            if let n = index[key] { return n }
            let n = Int32(keys.count)
            keys.append(key)
            index[key] = n
            return n
        }
        let idNumbers: [Int32]? = id.map { col in (0..<col.values.count).map { c in col.values.bytes(UInt32(c)).isEmpty ? -1 : number(col.values.string(UInt32(c))) } }
        let nameNumbers: [Int32]? = name.map { col in (0..<col.values.count).map { c in number("name:" + col.values.string(UInt32(c))) } }
        let empty = number("")
        let rows = CodeColumn(count: count, largest: UInt32(keys.count - 1)) { r in
            if let id, let n = idNumbers?[Int(id.codes[r])], n >= 0 { return UInt32(n) }
            if let name, let n = nameNumbers?[Int(name.codes[r])] { return UInt32(n) }
            return UInt32(empty)
        }
        return (rows, keys)
    }
}

/// The dates each controlled item group's rules begin, from the controls table.
struct ControlCalendar: Sendable, Codable, Equatable {
    struct Group: Sendable, Codable, Equatable {
        var name: String
        /// The first licence rule's start (nil: the group has none).
        var licenceFrom: CivilDate?
        /// The first destination-specific ban's start and its destinations.
        var banFrom: CivilDate?
        var restricted: Set<String>
        /// The event diversion is measured against: the ban when there is one, else the licence.
        var event: CivilDate? { banFrom ?? licenceFrom }
    }
    var groups: [Group]

    init(_ controls: ControlsTable) {
        groups = controls.groups.map { name in
            let rules = controls.rules.filter { $0.group == name }
            let licence = rules.filter { $0.kind == .licence }.map(\.from).min()
            let bans = rules.filter { $0.kind == .banned && $0.destinations != nil }
            let banFrom = bans.map(\.from).min()
            let restricted = bans.reduce(into: Set<String>()) { $0.formUnion($1.destinations ?? []) }
            return Group(name: name, licenceFrom: licence, banFrom: banFrom, restricted: restricted)
        }
    }
}
