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
    /// `=`, `+`, `-`, `@`, tab or CR) gets a leading `'`.
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
        if !atRecordStart { buffer.append(dialect.delimiter) }
        atRecordStart = false
        buffer.append(contentsOf: cell)
    }

    /// `field(encoded:)` for bytes in place.
    public mutating func field(encoded cell: UnsafeRawBufferPointer) {
        if !atRecordStart { buffer.append(dialect.delimiter) }
        atRecordStart = false
        buffer.append(contentsOf: cell)
    }

    /// `field(encoded:)` for a whole array.
    public mutating func field(encoded cell: [UInt8]) { field(encoded: cell[...]) }

    /// `value` encoded as one cell of `dialect` (for `field(encoded:)`).
    public static func encodedCell(_ value: String, neutralise: Bool = false, dialect: Dialect = .comma) -> [UInt8] {
        var w = CSVWriter(dialect: dialect)
        w.field(text: value, neutralise: neutralise)
        return w.buffer
    }

    /// The one place a field's bytes are written: delimiter, quoting, doubled quotes.
    private mutating func append<C: Collection>(_ value: C, neutralise: Bool) where C.Element == UInt8 {
        if !atRecordStart { buffer.append(dialect.delimiter) }
        atRecordStart = false
        let formula = neutralise && value.first.map(CSVWriter.startsFormula) == true
        if formula || CSVWriter.needsQuotes(value, dialect: dialect) {
            buffer.append(dialect.quote)
            if formula { buffer.append(UInt8(ascii: "'")) }
            for b in value {
                if b == dialect.quote { buffer.append(b) }
                buffer.append(b)
            }
            buffer.append(dialect.quote)
        } else {
            buffer.append(contentsOf: value)
        }
    }

    /// Whether a cell starting with `b` would run as a spreadsheet formula (`=`, `+`, `-`, `@`, tab, CR).
    @inline(__always)
    static func startsFormula(_ b: UInt8) -> Bool {
        switch b {
        case 0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D: true
        default: false
        }
    }

    /// Appends an integer field.
    public mutating func field(int value: Int) {
        if !atRecordStart { buffer.append(dialect.delimiter) }
        atRecordStart = false
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var v = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat { d[n] = UInt8(48 + v % 10); v /= 10; n += 1 } while v > 0
            while n > 0 { n -= 1; buffer.append(d[n]) }
        }
    }

    /// Appends a number field rounded to `places` decimals, trailing zeros dropped
    /// (`24.5743`, `1`, `0.5`); non-finite values are written as empty fields.
    public mutating func field(decimal value: Double, places: Int = 4) {
        if !atRecordStart { buffer.append(dialect.delimiter) }
        atRecordStart = false
        _ = CSVWriter.appendDecimal(value, places: places, to: &buffer)
    }

    /// Appends `value` rounded to `places` decimals, trailing zeros dropped, as
    /// ASCII. Returns false, appending nothing, for non-finite values and
    /// magnitudes of 1e15 or more. The one number format of every report file.
    @discardableResult
    public static func appendDecimal(_ value: Double, places: Int, to buffer: inout [UInt8]) -> Bool {
        guard value.isFinite, abs(value) < 1e15 else { return false }
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = Int((value * Double(scale)).rounded())
        let whole = (scaled / scale).magnitude
        var frac = UInt64((scaled % scale).magnitude)
        if scaled < 0 { buffer.append(UInt8(ascii: "-")) }
        appendDigits(UInt64(whole), count: digitCount(UInt64(whole)), to: &buffer)
        guard frac != 0 else { return true }
        var width = places
        while frac % 10 == 0 { frac /= 10; width -= 1 }
        buffer.append(UInt8(ascii: "."))
        appendDigits(frac, count: width, to: &buffer)
        return true
    }

    private static let powersOf10: [UInt64] = (0..<20).map { (0..<$0).reduce(UInt64(1)) { r, _ in r &* 10 } }

    /// Decimal digits of `v` (at least 1).
    @inline(__always)
    static func digitCount(_ v: UInt64) -> Int {
        var n = 1
        while n < 20 && v >= powersOf10[n] { n += 1 }
        return n
    }

    /// The last `count` decimal digits of `v`, most significant first (leading zeros kept).
    /// Written right to left into a small local buffer (a division by the constant 10
    /// is a multiply; a division by a table power is not) and appended in one call.
    /// `count` is at most 20 (the digits of a UInt64; `places` past 18 overflow the scale first).
    @inline(__always)
    static func appendDigits(_ v: UInt64, count: Int, to buffer: inout [UInt8]) {
        precondition(count <= 20, "a UInt64 has at most 20 decimal digits")
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { d in
            var x = v
            var i = count
            while i > 0 {
                i -= 1
                d[i] = UInt8(truncatingIfNeeded: 48 &+ x % 10)
                x /= 10
            }
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[0..<count]))
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
