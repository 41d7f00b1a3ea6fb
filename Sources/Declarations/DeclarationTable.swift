/// Text fields of the canonical record kept as interned codes.
public enum TextField: Int, CaseIterable, Sendable {
    case traderID, traderName, declarantID, counterpartyID, counterpartyName, endUser
    case hsCode, description, quantityUnit, currency, incoterm, transportMode, port, licenceNumber

    public var canonical: CanonicalField {
        switch self {
        case .traderID: .traderID
        case .traderName: .traderName
        case .declarantID: .declarantID
        case .counterpartyID: .counterpartyID
        case .counterpartyName: .counterpartyName
        case .endUser: .endUser
        case .hsCode: .hsCode
        case .description: .description
        case .quantityUnit: .quantityUnit
        case .currency: .currency
        case .incoterm: .incoterm
        case .transportMode: .transportMode
        case .port: .port
        case .licenceNumber: .licenceNumber
        }
    }
}

/// Country fields, as `CountryCodes` codes.
public enum CountryField: Int, CaseIterable, Sendable {
    case counterparty, origin, dispatch, destination, trading, finalDestination

    public var canonical: CanonicalField {
        switch self {
        case .counterparty: .counterpartyCountry
        case .origin: .originCountry
        case .dispatch: .dispatchCountry
        case .destination: .destinationCountry
        case .trading: .tradingCountry
        case .finalDestination: .finalDestinationCountry
        }
    }
}

/// Numeric fields (NaN where a row has no value).
public enum NumberField: Int, CaseIterable, Sendable {
    case quantity, netWeightKg, grossWeightKg, value, revenue

    public var canonical: CanonicalField {
        switch self {
        case .quantity: .quantity
        case .netWeightKg: .netWeightKg
        case .grossWeightKg: .grossWeightKg
        case .value: .value
        case .revenue: .revenue
        }
    }
}

/// A text column: one code per row into a dictionary of distinct values.
public struct TextColumn: Sendable {
    /// Per row: the code of its value in `values` (1, 2 or 4 bytes, as the dictionary needs).
    public var codes = CodeColumn()
    public var values = ByteInterner()
    public init() {}

    /// The value of row `r`.
    public func string(_ r: Int) -> String { values.string(codes[r]) }
}

/// Declarations as columns (struct of arrays). Text is interned: a row costs a
/// few bytes per field however long its description; memory grows with the
/// table, not with the text.
///
/// Columns for fields a feed does not provide are `nil`; detectors that need
/// them are skipped.
public struct DeclarationTable: Sendable {
    public internal(set) var count = 0
    /// Input files, by `fileIndex`.
    public internal(set) var files: [String] = []
    /// Per row: the file it came from and the 1-based line it starts on.
    public internal(set) var fileIndex = CodeColumn()
    public internal(set) var line: [UInt32] = []

    /// Declaration numbers, as read (leading zeros kept).
    public internal(set) var declarationID = StringColumn()
    /// Per row of a chunk's table: `keyHash(_:)`, for the merge to find repeated
    /// keys. Empty in a merged table (80 MB at 10M rows): `keyHash(_:)` recomputes.
    var chunkKeyHashes: [UInt64] = []
    /// Goods line within the declaration (1 when the feed has no item numbers).
    public internal(set) var itemNo: [Int32] = []
    /// Days since 1970-01-01.
    public internal(set) var date: [Int32] = []
    /// 0 export, 1 import.
    public internal(set) var flow: [UInt8] = []
    /// Declared value converted to US dollars by the month's rate.
    public internal(set) var valueUSD: [Double] = []
    /// 1 positive, 0 negative, −1 unknown; nil when the feed has no outcome.
    public internal(set) var outcome: [Int8]?

    public internal(set) var text: [TextColumn?] = Array(repeating: nil, count: TextField.allCases.count)
    public internal(set) var countries: [[UInt16]?] = Array(repeating: nil, count: CountryField.allCases.count)
    public internal(set) var numbers: [[Double]?] = Array(repeating: nil, count: NumberField.allCases.count)
    /// Extra columns named in the mapping, as text.
    public internal(set) var extras: [(name: String, column: TextColumn)] = []

    public init() {}

    /// A 64-bit hash of row `r`'s key (declaration_id, item_no): duplicate
    /// detection, sampling order and folds use it.
    @inline(__always)
    public func keyHash(_ r: Int) -> UInt64 {
        declarationID.hash(r) ^ DeclarationTable.itemHash(itemNo[r])
    }

    /// The key hash of a declaration id's bytes and an item number.
    @inline(__always)
    static func keyHash(id: UnsafeRawBufferPointer, item: Int32) -> UInt64 {
        ByteInterner.hash(id) ^ itemHash(item)
    }

    /// The item number's part of a key hash.
    @inline(__always)
    static func itemHash(_ item: Int32) -> UInt64 { UInt64(UInt32(bitPattern: item)) &* 0x9E37_79B9_7F4A_7C15 }

    public func text(_ f: TextField) -> TextColumn? { text[f.rawValue] }
    public func countries(_ f: CountryField) -> [UInt16]? { countries[f.rawValue] }
    public func numbers(_ f: NumberField) -> [Double]? { numbers[f.rawValue] }

    /// Bytes the columns take (codes and numbers, plus the distinct values).
    public var byteCount: Int {
        var b = fileIndex.count * fileIndex.bytesPerCode + line.count * 4 + itemNo.count * 4 + date.count * 4 + flow.count + valueUSD.count * 8
        b += (outcome?.count ?? 0)
        b += declarationID.byteCount
        for c in text.compactMap({ $0 }) + extras.map(\.column) { b += c.codes.count * c.codes.bytesPerCode + c.values.arena.count + c.values.offsets.count * 8 }
        for c in countries.compactMap({ $0 }) { b += c.count * 2 }
        for c in numbers.compactMap({ $0 }) { b += c.count * 8 }
        return b
    }

    /// Fields present (columns or constants) in every file read.
    public internal(set) var present: Set<CanonicalField> = []
}

extension DeclarationTable {
    /// Replaces the outcome column (1 positive, 0 negative, −1 unknown; one per row).
    public mutating func setOutcome(_ values: [Int8]) {
        precondition(values.count == count, "one outcome per row")
        outcome = values
        present.insert(.outcome)
    }

    /// Whether the table has a column for `field` (from the feed or a mapping constant).
    public func has(_ field: CanonicalField) -> Bool {
        if let t = TextField.allCases.first(where: { $0.canonical == field }) { return text(t) != nil }
        if let c = CountryField.allCases.first(where: { $0.canonical == field }) { return countries(c) != nil }
        if let n = NumberField.allCases.first(where: { $0.canonical == field }) { return numbers(n) != nil }
        switch field {
        case .outcome: return outcome != nil
        case .declarationID, .itemNo, .declarationDate, .flow: return true
        default: return false
        }
    }
}
