import Declarations

/// What the transshipment detectors read from a table, resolved once per
/// distinct value rather than once per row: each row's controlled item group,
/// where the goods go, and who sends and takes them.
struct TradeContext: Sendable {
    /// Item groups of the controls table, in table order.
    let groups: [String]
    /// Per row: index into `groups`, or -1 when no rule covers the tariff code
    /// (read through the tariff codes: no memory per row).
    let group: PerCode<Int16>
    /// Per row: the destination country (destination, else counterparty country;
    /// 0 unknown). The table's own column when it has no gaps.
    let destination: [UInt16]
    /// Per row: a dense consignee number; `consigneeKeys[n]` is its key
    /// (the row's counterparty id when it has one, else "name:" and the name's
    /// party key, `PartyName.key`: a name's spellings are one consignee).
    let consignee: PartyNumbers
    let consigneeKeys: [String]
    /// Per row: a dense exporter/importer number (trader id, else the name's party, as for
    /// consignees); nil without either field.
    let trader: PartyNumbers?
    let traderKeys: [String]

    /// `consigneeParties`: the counterparty names' parties when the caller has them
    /// (`TableFacts.counterpartyParties`, which party screening reads too).
    init(_ table: DeclarationTable, controls: ControlsTable, consigneeParties: PartyResolution? = nil) {
        groups = controls.groups
        group = TradeContext.itemGroups(table, controls: controls)
        let dest = table.countries(.destination), cp = table.countries(.counterparty)
        if let dest, cp == nil || !dest.contains(0) {
            destination = dest
        } else {
            destination = (0..<table.count).map { r in
                if let d = dest?[r], d != 0 { return d }
                return cp?[r] ?? 0
            }
        }
        (consignee, consigneeKeys) = TradeContext.partyKeys(id: table.text(.counterpartyID), name: table.text(.counterpartyName),
                                                            parties: consigneeParties)
        (trader, traderKeys) = TradeContext.traders(table)
    }

    /// Per row: the index in `controls.groups` of the item group of the first
    /// rule covering its tariff code, or -1. One pass over the distinct codes, not the rows.
    static func itemGroups(_ table: DeclarationTable, controls: ControlsTable) -> PerCode<Int16> {
        guard let hs = table.text(.hsCode) else { return PerCode(constant: -1) }
        let groups = controls.groups
        let byCode: [Int16] = (0..<hs.values.count).map { c in
            let code = hs.values.string(UInt32(c))
            guard let rule = controls.rules.first(where: { $0.covers(code: code) }) else { return -1 }
            return Int16(groups.firstIndex(of: rule.group)!)
        }
        return PerCode(codes: hs.codes, values: byCode)
    }

    /// Per row: a dense trader number, and the numbers' keys (`partyKeys`); nil
    /// without a trader column. The names are keyed only when some row has no
    /// id: otherwise no row reads them (a name's party key is the costly part).
    static func traders(_ table: DeclarationTable) -> (PartyNumbers?, [String]) {
        let id = table.text(.traderID), name = table.text(.traderName)
        let idless = id.map { col in (0..<col.values.count).contains { col.values.bytes(UInt32($0)).isEmpty } } ?? true
        let t = partyKeys(id: id, name: idless ? name : nil)
        return (id == nil && name == nil ? nil : t.0, t.1)
    }

    /// Dense party numbers: the id when the row has one, else the name's party
    /// (`PartyResolution`: its spellings are one party), "name:" and its key, so an id
    /// never collides with a name. Keys are numbered in first-seen order of
    /// the dictionary codes, so they do not depend on row order beyond interning.
    static func partyKeys(id: TextColumn?, name: TextColumn?, parties: PartyResolution? = nil) -> (PartyNumbers, [String]) {
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
        let nameNumbers: [Int32]? = name.map { col in
            let parties = parties ?? PartyResolution(col.values)
            return parties.party.map { number("name:" + parties.keys[Int($0)]) }
        }
        let empty = number("")
        let rows = PartyNumbers(id: id.map { PerCode(codes: $0.codes, values: idNumbers!) },
                                name: name.map { PerCode(codes: $0.codes, values: nameNumbers!) }, empty: empty)
        return (rows, keys)
    }
}

/// A per-row value read through a text column's dictionary codes: the value of
/// the row's code, from a table of one entry per distinct value. It costs no
/// memory per row (the codes are the table's own); at 10M rows each per-row
/// array it replaces took 20–40 MB.
struct PerCode<Value: Sendable>: Sendable {
    /// nil: every row reads `values[0]`.
    private let codes: CodeColumn?
    private let values: [Value]

    init(codes: CodeColumn, values: [Value]) {
        self.codes = codes
        self.values = values
    }

    init(constant: Value) {
        codes = nil
        values = [constant]
    }

    @inline(__always)
    subscript(r: Int) -> Value { values[codes.map { Int($0[r]) } ?? 0] }
}

/// Dense party numbers per row: the id's number when the row has an id (the
/// id's entry is −1 when it is empty), else the name's, else the number of "".
struct PartyNumbers: Sendable {
    let id: PerCode<Int32>?
    let name: PerCode<Int32>?
    let empty: Int32

    @inline(__always)
    subscript(r: Int) -> Int32 {
        if let id {
            let n = id[r]
            if n >= 0 { return n }
        }
        return name?[r] ?? empty
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
