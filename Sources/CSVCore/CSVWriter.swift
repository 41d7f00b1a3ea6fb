/// Appends CSV records to a byte buffer with RFC 4180 quoting.
///
/// A field is quoted when it holds the delimiter, a quote, CR or LF, or starts or
/// ends with a space; quotes inside are doubled. Records end with LF. The bytes
/// live in a `ByteBuffer`, so a writer cannot be copied; `removeAll()` reuses
/// its memory for the next block of records.
public struct CSVWriter: ~Copyable {
    /// The bytes written so far.
    public var bytes: ByteBuffer { _read { yield out } }
    /// Where the bytes are written (internal, so the hot field writers can be inlined into callers).
    @usableFromInline var out: ByteBuffer
    /// The dialect written.
    public let dialect: Dialect
    @usableFromInline var atRecordStart = true

    public init(dialect: Dialect = .comma, capacity: Int = 0) {
        self.dialect = dialect
        out = ByteBuffer(capacity: capacity)
    }

    /// A copy of the bytes written so far.
    public var buffer: [UInt8] { out.array }

    /// The bytes written so far, in place.
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try out.withBytes(body)
    }

    /// Forgets what was written, keeping the memory.
    public mutating func removeAll() {
        out.removeAll()
        atRecordStart = true
    }

    /// Makes room for `extra` more bytes: a caller that reserves a record's
    /// worst case once makes the field appends after it plain stores.
    @inline(__always)
    public mutating func reserve(_ extra: Int) { out.reserve(extra) }

    /// Appends one field (its UTF-8 is appended directly, no copy).
    public mutating func field<S: StringProtocol>(_ value: S) {
        append(value.utf8, neutralise: false)
    }

    /// Appends one field of text through its contiguous UTF-8 (the fast path for
    /// `String`); with `neutralise`, formula-like cells get a leading `'` as in `field(raw:)`.
    public mutating func field(text value: String, neutralise: Bool = false) {
        var value = value
        value.withUTF8 { append($0, neutralise: neutralise) }
    }

    /// Appends one field given as UTF-8 bytes.
    public mutating func field(bytes value: inout [UInt8]) {
        append(value, neutralise: false)
    }

    /// Appends one field given as raw UTF-8 (quoted when needed). With
    /// `neutralise`, a field a spreadsheet would run as a formula (starting with
    /// `=`, `+`, `-`, `@`, tab or CR), or starting with `'`, gets a leading `'`.
    public mutating func field(raw value: UnsafeRawBufferPointer, neutralise: Bool = false) {
        append(value, neutralise: neutralise)
    }

    /// Appends one field given as a slice of UTF-8 bytes (quoted when needed;
    /// `neutralise` as in `field(raw:)`).
    public mutating func field(slice value: ArraySlice<UInt8>, neutralise: Bool = false) {
        append(value, neutralise: neutralise)
    }

    /// Appends a cell already encoded for this dialect (quoted and escaped as
    /// `field(...)` would write it, without the delimiter): the fast path for
    /// values rendered once and written many times.
    public mutating func field(encoded cell: ArraySlice<UInt8>) {
        delimit()
        out.append(contentsOf: cell)
    }

    /// `field(encoded:)` for bytes in place.
    @inlinable @inline(__always)
    public mutating func field(encoded cell: UnsafeRawBufferPointer) {
        delimit()
        out.append(cell)
    }

    /// `field(encoded:)` for a static string (ASCII that needs no quoting:
    /// lane names, flags, the empty field): no reference count per use.
    @inlinable @inline(__always)
    public mutating func field(static cell: StaticString) {
        delimit()
        out.append(cell)
    }

    /// `field(encoded:)` for a whole array.
    public mutating func field(encoded cell: [UInt8]) { field(encoded: cell[...]) }

    /// `value` encoded as one cell of `dialect` (for `field(encoded:)`).
    public static func encodedCell(_ value: String, neutralise: Bool = false, dialect: Dialect = .comma) -> [UInt8] {
        var w = CSVWriter(dialect: dialect)
        w.field(text: value, neutralise: neutralise)
        return w.buffer
    }

    /// The delimiter before every field but a record's first.
    @inlinable @inline(__always)
    mutating func delimit() {
        if !atRecordStart { out.append(dialect.delimiter) }
        atRecordStart = false
    }

    /// The one place a field's bytes are written: delimiter, quoting, doubled quotes.
    private mutating func append<C: Collection>(_ value: C, neutralise: Bool) where C.Element == UInt8 {
        delimit()
        let formula = neutralise && value.first.map(CSVWriter.startsFormula) == true
        if formula || CSVWriter.needsQuotes(value, dialect: dialect) {
            out.reserve(2 * value.count + 3)
            out.append(dialect.quote)
            if formula { out.append(UInt8(ascii: "'")) }
            for b in value {
                if b == dialect.quote { out.append(b) }
                out.append(b)
            }
            out.append(dialect.quote)
        } else {
            out.append(contentsOf: value)
        }
    }

    /// Whether a cell starting with `b` gets a leading `'` when neutralised:
    /// one a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR),
    /// and one that already starts with `'`, so that reading back
    /// (`unneutralised`) drops exactly one and gives the value as it was.
    @inline(__always)
    public static func startsFormula(_ b: UInt8) -> Bool {
        switch b {
        case 0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D, 0x27: true
        default: false
        }
    }

    /// `value` as a cell safe to open in a spreadsheet: with a leading `'` when
    /// it starts with a formula character or `'` (what `neutralise` does to a field).
    public static func neutralised(_ value: String) -> String {
        value.utf8.first.map(startsFormula) == true ? "'" + value : value
    }

    /// A neutralised cell read back: its value as it was before `neutralised`.
    public static func unneutralised(_ cell: String) -> String {
        cell.utf8.first == UInt8(ascii: "'") ? String(cell.dropFirst()) : cell
    }

    /// Appends an integer field.
    @inlinable @inline(__always)
    public mutating func field(int value: Int) {
        delimit()
        out.append(int: value)
    }

    /// Appends a number field rounded to `places` decimals, trailing zeros dropped
    /// (`24.5743`, `1`, `0.5`); magnitudes of 1e15 or more (which that format does
    /// not cover: a sum of many large weights) as the shortest number that reads
    /// back (`2.5e+16`), and non-finite values as empty fields.
    @inlinable @inline(__always)
    public mutating func field(decimal value: Double, places: Int = 4) {
        delimit()
        if !out.append(decimal: value, places: places) && value.isFinite { appendLarge(value) }
    }

    /// A finite number the fixed format does not cover, out of line.
    @usableFromInline @inline(never)
    mutating func appendLarge(_ value: Double) {
        out.reserve(DecimalDigits.maxBytes)
        out.written += DecimalDigits.writeShortest(value, to: out.base + out.written)
    }

    /// Appends `value` as `DecimalDigits.write(_:places:to:)` spells it to an
    /// array. Returns false, appending nothing, for non-finite values and
    /// magnitudes of 1e15 or more.
    @discardableResult
    public static func appendDecimal(_ value: Double, places: Int, to buffer: inout [UInt8]) -> Bool {
        DecimalDigits.append(value, places: places, to: &buffer)
    }

    /// Appends a whole record.
    public mutating func record<S: StringProtocol>(_ fields: [S]) {
        for f in fields { field(f) }
        endRecord()
    }

    /// Appends an empty line (between records; readers count it as a blank line).
    public mutating func blankLine() {
        precondition(atRecordStart, "a blank line goes between records")
        out.append(0x0A)
    }

    /// Ends the current record with LF.
    @inlinable
    public mutating func endRecord() {
        out.append(0x0A)
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
