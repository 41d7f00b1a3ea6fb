import CSVCore
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Decimal numbers from text, exactly as `strtod` reads them, fast.
///
/// The fast path (Clinger): at most 19 significant digits whose value fits in
/// 2^53 and a decimal exponent within ±22 give the correctly rounded double by
/// one multiplication or division by an exact power of ten. Anything else
/// falls back to `strtod` on a copy, so results are bit-identical to it.
/// Accepted syntax: optional sign, digits with an optional separator, an
/// optional exponent; no spaces, no hex, no inf/nan.
public struct DecimalParser: Sendable {
    /// The decimal separator (`.` by default, `,` in many European feeds).
    public var decimalSeparator: UInt8
    /// A thousands separator to skip between digits, or nil.
    public var thousandsSeparator: UInt8?

    /// Whether `plain` may read fields as vectors (`DecimalWords`): the CPU
    /// can (read once here: a static costs a lazy-initialisation check per call).
    let words: Bool
    /// 10^k for k in 0...22 (`PowersOfTen`), as a table: a switch compiles to
    /// an indirect jump, mispredicted whenever a column's numbers change their
    /// count of decimals. Held here: a static table costs a lazy-initialisation
    /// check per call.
    private let powers: [Double] = (0...PowersOfTen.largestExact).map { PowersOfTen.exact($0) }

    public init(decimalSeparator: UInt8 = UInt8(ascii: "."), thousandsSeparator: UInt8? = nil) {
        self.decimalSeparator = decimalSeparator
        self.thousandsSeparator = thousandsSeparator
        words = DecimalWords.available
    }

    /// The value of `bytes`, or nil when it is not a number.
    @inline(__always)
    public func parse(_ bytes: UnsafeRawBufferPointer) -> Double? {
        if let v = plain(bytes) { return v }
        return general(bytes)
    }

    /// The common shape alone: an optional minus, digits, optionally the
    /// separator and more digits, 19 digits at most in all, nothing else. It
    /// takes the same mantissa and exponent as `general` (leading zeros add
    /// nothing to the mantissa; every fraction digit lowers the exponent), so
    /// the results are the same bits. nil: not this shape (`general` decides).
    ///
    /// Unsigned fields of up to sixteen bytes are read as vectors
    /// (`DecimalWords`) where the CPU can; the rest byte by byte
    /// (`plainScalar`, also the twin the vector path is tested against).
    @inline(__always)
    func plain(_ b: UnsafeRawBufferPointer) -> Double? {
        let n = b.count
        guard words && n >= 1 && n <= 16 && b[0] != UInt8(ascii: "-") && decimalSeparator &- UInt8(ascii: "0") > 9 else { return plainScalar(b) }
        guard let (m, fraction) = DecimalWords.digits(b, separator: decimalSeparator), m <= 1 << 53 else { return nil }
        if m == 0 { return 0.0 }
        return Double(m) / powers[fraction]
    }

    /// `plain`, one byte at a time: a single test per digit.
    @inline(__always)
    func plainScalar(_ b: UnsafeRawBufferPointer) -> Double? {
        let n = b.count
        var i = 0
        let negative = n > 0 && b[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        let start = i
        var m: UInt64 = 0
        while i < n {
            let d = b[i] &- UInt8(ascii: "0")
            if d > 9 { break }
            m = m &* 10 &+ UInt64(d)
            i += 1
        }
        let whole = i - start
        var fraction = 0
        if i < n && b[i] == decimalSeparator {
            i += 1
            let f = i
            while i < n {
                let d = b[i] &- UInt8(ascii: "0")
                if d > 9 { break }
                m = m &* 10 &+ UInt64(d)
                i += 1
            }
            fraction = i - f
        }
        guard i == n, whole + fraction > 0, whole + fraction <= 19, m <= 1 << 53 else { return nil }
        if m == 0 { return negative ? -0.0 : 0.0 }
        let v = Double(m) / powers[fraction]
        return negative ? -v : v
    }

    /// `parse` without the vector path: what runs where the CPU lacks
    /// AVX-512, and the twin the ingest benchmarks set beside it.
    public func parseScalar(_ bytes: UnsafeRawBufferPointer) -> Double? {
        if let v = plainScalar(bytes) { return v }
        return general(bytes)
    }

    /// Every accepted syntax: signs, thousands separators, exponents, long mantissas.
    func general(_ bytes: UnsafeRawBufferPointer) -> Double? {
        let n = bytes.count
        guard n > 0 else { return nil }
        var i = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") { negative = true; i = 1 } else if bytes[0] == UInt8(ascii: "+") { i = 1 }
        var mantissa: UInt64 = 0
        var digits = 0          // significant digits taken into the mantissa
        var anyDigit = false
        var exponent = 0
        var dropped = false     // digits beyond 19 (fast path impossible)
        // Integer part.
        while i < n {
            let b = bytes[i]
            if b >= 48 && b <= 57 {
                anyDigit = true
                if mantissa == 0 && b == 48 { i += 1; continue }
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(b - 48); digits += 1 } else { exponent += 1; dropped = true }
                i += 1
            } else if let t = thousandsSeparator, b == t, anyDigit, i + 1 < n, bytes[i + 1] >= 48, bytes[i + 1] <= 57 {
                i += 1
            } else {
                break
            }
        }
        // Fraction.
        if i < n && bytes[i] == decimalSeparator {
            i += 1
            var fractionDigit = false
            while i < n {
                let b = bytes[i]
                guard b >= 48 && b <= 57 else { break }
                fractionDigit = true
                if mantissa == 0 && b == 48 { exponent -= 1; i += 1; continue }
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(b - 48); digits += 1; exponent -= 1 } else { dropped = true }
                i += 1
            }
            anyDigit = anyDigit || fractionDigit
        }
        guard anyDigit else { return nil }
        // Exponent.
        if i < n && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            var expNegative = false
            if i < n && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) { expNegative = bytes[i] == UInt8(ascii: "-"); i += 1 }
            var e = 0
            var expDigit = false
            while i < n, bytes[i] >= 48, bytes[i] <= 57 {
                expDigit = true
                if e < 100_000 { e = e * 10 + Int(bytes[i] - 48) }
                i += 1
            }
            guard expDigit else { return nil }
            exponent += expNegative ? -e : e
        }
        guard i == n else { return nil }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if !dropped && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            var v = Double(mantissa)
            v = exponent < 0 ? v / powers[-exponent] : v * powers[exponent]
            return negative ? -v : v
        }
        return slowPath(bytes)
    }

    /// strtod on a normalised, NUL-terminated copy.
    func slowPath(_ bytes: UnsafeRawBufferPointer) -> Double? {
        var copy = [CChar]()
        copy.reserveCapacity(bytes.count + 1)
        for b in bytes {
            if let t = thousandsSeparator, b == t { continue }
            copy.append(CChar(bitPattern: b == decimalSeparator ? UInt8(ascii: ".") : b))
        }
        copy.append(0)
        return copy.withUnsafeBufferPointer { buf -> Double? in
            var end: UnsafeMutablePointer<CChar>? = nil
            let v = strtod(buf.baseAddress!, &end)
            guard let end, end - UnsafeMutablePointer(mutating: buf.baseAddress!) == buf.count - 1 else { return nil }
            return v
        }
    }

    public func parse(_ text: String) -> Double? {
        var t = text
        return t.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }
}
