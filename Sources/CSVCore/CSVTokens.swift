/// Field bounds of a tokenized buffer, flat and index-based (no strings).
///
/// Positions are byte offsets into the tokenized buffer (0-based). Lines are
/// 1-based and count every LF, including those inside quoted fields. A record's
/// fields are `fieldStart[recordFields[r]] ..< fieldStart[recordFields[r + 1]]`.
public struct CSVTokens: Sendable, Equatable {
    /// Per field: first byte of the content (after an opening quote).
    public var fieldStart: [Int] = []
    /// Per field: one past the last byte of the content (before a closing quote,
    /// and before a CR of a CRLF ending).
    public var fieldEnd: [Int] = []
    /// Per field: `FieldFlags` bits.
    public var fieldFlags: [FieldFlags] = []
    /// Per record, the index of its first field; one extra entry at the end.
    public var recordFields: [Int] = [0]
    /// Per record: byte offset of its first byte.
    public var recordOffset: [Int] = []
    /// Per record: the 1-based line its first byte is on.
    public var recordLine: [Int] = []
    /// Per record: `RecordFlags` bits.
    public var recordFlags: [RecordFlags] = []
    /// Blank lines skipped (empty, or a lone CR before LF).
    public var blankLines = 0
    /// Lines in the buffer (LF count, plus one if the last line has no LF).
    public var lineCount = 0
    /// Bytes skipped at the start (3 for a UTF-8 BOM, else 0).
    public var bomLength = 0

    public init() {}

    /// Number of records (the header, if any, included).
    public var recordCount: Int { recordOffset.count }

    /// The field indices of record `r`.
    public func fields(ofRecord r: Int) -> Range<Int> { recordFields[r]..<recordFields[r + 1] }

    /// Appends the records of `other` (a later piece of the same input).
    public mutating func append(_ other: CSVTokens) {
        let shift = fieldStart.count
        fieldStart.append(contentsOf: other.fieldStart)
        fieldEnd.append(contentsOf: other.fieldEnd)
        fieldFlags.append(contentsOf: other.fieldFlags)
        recordFields.append(contentsOf: other.recordFields.dropFirst().map { $0 + shift })
        recordOffset.append(contentsOf: other.recordOffset)
        recordLine.append(contentsOf: other.recordLine)
        recordFlags.append(contentsOf: other.recordFlags)
        blankLines += other.blankLines
        lineCount += other.lineCount
    }

    /// The number of fields of record `r`.
    public func fieldCount(ofRecord r: Int) -> Int { recordFields[r + 1] - recordFields[r] }
}

/// Facts about one field found while tokenizing.
public struct FieldFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The field was enclosed in quotes.
    public static let quoted = FieldFlags(rawValue: 1)
    /// The content holds doubled quotes that must be unescaped.
    public static let escapedQuote = FieldFlags(rawValue: 2)
    /// A quote appeared inside an unquoted field, or text followed a closing
    /// quote; the bytes are kept literally.
    public static let strayQuote = FieldFlags(rawValue: 4)
}

/// Facts about one record found while tokenizing.
public struct RecordFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// A quoted field was still open at the end of the input.
    public static let unterminatedQuote = RecordFlags(rawValue: 1)
    /// Some field has `FieldFlags.strayQuote`.
    public static let strayQuote = RecordFlags(rawValue: 2)
}
