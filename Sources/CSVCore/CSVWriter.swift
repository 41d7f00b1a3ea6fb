/// Appends CSV records to a byte buffer with RFC 4180 quoting.
///
/// A field is quoted when it holds the delimiter, a quote, CR or LF, or starts or
/// ends with a space; quotes inside are doubled. Records end with LF.
public struct CSVWriter: Sendable {
    /// The bytes written so far.
    public var buffer: [UInt8] = []
    /// The dialect written.
    public let dialect: Dialect
    private var atRecordStart = true

    public init(dialect: Dialect = .comma, capacity: Int = 0) {
        self.dialect = dialect
        buffer.reserveCapacity(capacity)
    }

    /// Appends one field (its UTF-8 is appended directly, no copy).
    public mutating func field<S: StringProtocol>(_ value: S) {
        if !atRecordStart { buffer.append(dialect.delimiter) }
        atRecordStart = false
        let utf8 = value.utf8
        if CSVWriter.needsQuotes(utf8, dialect: dialect) {
            buffer.append(dialect.quote)
            for b in utf8 {
                if b == dialect.quote { buffer.append(b) }
                buffer.append(b)
            }
            buffer.append(dialect.quote)
        } else {
            buffer.append(contentsOf: utf8)
        }
    }

    /// Appends one field given as UTF-8 bytes.
    public mutating func field(bytes value: inout [UInt8]) {
        if !atRecordStart { buffer.append(dialect.delimiter) }
        atRecordStart = false
        if CSVWriter.needsQuotes(value, dialect: dialect) {
            buffer.append(dialect.quote)
            for b in value {
                if b == dialect.quote { buffer.append(b) }
                buffer.append(b)
            }
            buffer.append(dialect.quote)
        } else {
            buffer.append(contentsOf: value)
        }
    }

    /// Appends a whole record.
    public mutating func record<S: StringProtocol>(_ fields: [S]) {
        for f in fields { field(f) }
        endRecord()
    }

    /// Ends the current record with LF.
    public mutating func endRecord() {
        buffer.append(0x0A)
        atRecordStart = true
    }

    /// Whether `value` must be quoted in `dialect`.
    public static func needsQuotes<C: Collection>(_ value: C, dialect: Dialect) -> Bool where C.Element == UInt8 {
        guard let first = value.first else { return false }
        if first == 0x20 { return true }
        var last: UInt8 = 0
        for b in value {
            if b == dialect.delimiter || b == dialect.quote || b == 0x0A || b == 0x0D { return true }
            last = b
        }
        return last == 0x20
    }
}
