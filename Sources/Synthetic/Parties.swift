import Declarations

/// A Chinese exporter and its lasting trade relationships.
struct Exporter: Sendable {
    var id: [UInt8]
    var name: [UInt8]          // CSV-encoded
    var lines: [Int]           // tariff lines it ships
    var lineChoice: WeightedChoice
    var consignees: [Int]      // regular consignees; the first is always an old one
    var consigneeChoice: WeightedChoice
    var group: Int?            // the controlled group it deals in, if any
}

/// A foreign consignee.
struct Consignee: Sendable {
    var id: [UInt8]
    var name: String
    var field: [UInt8]         // CSV-encoded name
    var country: String
    var firstActive: CivilDate
    var tradingHouse: Bool
}

/// An entry of the restricted-party list (`restricted_parties.csv`).
struct ListedParty: Sendable {
    var name: String
    var country: String
    var list: String
    /// For an alias: the index of the primary entry.
    var aliasOf: Int?
}
