/// Dates from text in one of a list of formats.
///
/// Formats use `%Y` (4-digit year), `%y` (2-digit year, 2000+), `%m` and `%d`
/// (1 or 2 digits), `%b` (English month abbreviation) and literal characters:
/// `%Y-%m-%d` (the default, ISO 8601), `%d/%m/%Y`, `%m/%d/%Y`, `%Y%m%d`,
/// `%d.%m.%Y`. A trailing time (`T…` or ` hh:mm…`) after a complete date is ignored.
public struct DateParser: Sendable {
    public let formats: [[UInt8]]

    public init(formats: [String] = ["%Y-%m-%d"]) {
        self.formats = formats.map { Array($0.utf8) }
    }

    /// Whether `format` is one this parser understands.
    public static func isValid(format: String) -> Bool {
        let f = Array(format.utf8)
        var i = 0
        var hasY = false, hasM = false, hasD = false
        while i < f.count {
            if f[i] == UInt8(ascii: "%") {
                guard i + 1 < f.count else { return false }
                switch f[i + 1] {
                case UInt8(ascii: "Y"), UInt8(ascii: "y"): hasY = true
                case UInt8(ascii: "m"), UInt8(ascii: "b"): hasM = true
                case UInt8(ascii: "d"): hasD = true
                default: return false
                }
                i += 2
            } else {
                i += 1
            }
        }
        return hasY && hasM && hasD
    }

    /// The date, or nil when no format matches or the date does not exist.
    @inline(__always)
    public func parse(_ bytes: UnsafeRawBufferPointer) -> CivilDate? {
        // ISO fast path.
        if bytes.count >= 10, formats.count >= 1, formats[0] == DateParser.iso,
           bytes[4] == 45, bytes[7] == 45, bytes.count == 10 || bytes[10] == UInt8(ascii: "T") || bytes[10] == 32 {
            var ok = true
            @inline(__always) func digit(_ i: Int) -> Int {
                let b = bytes[i]
                if b < 48 || b > 57 { ok = false }
                return Int(b &- 48)
            }
            let y = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3)
            let m = digit(5) * 10 + digit(6)
            let d = digit(8) * 10 + digit(9)
            if ok { return CivilDate(year: y, month: m, day: d) }
        }
        for f in formats {
            if let date = DateParser.match(bytes, format: f) { return date }
        }
        return nil
    }

    /// The formats feeds commonly use, tried on a date no configured format reads.
    static let common = ["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d", "%d.%m.%Y", "%Y.%m.%d", "%Y%m%d", "%d-%m-%Y",
                         "%m-%d-%Y", "%d-%b-%Y", "%d %b %Y", "%b %d %Y", "%d-%b-%y", "%d/%m/%y", "%m/%d/%y"].map { Array($0.utf8) }

    /// The common formats (not already this parser's) that read `bytes`, for
    /// a bad date's message: `2023-01-31` under `%d/%m/%Y` "reads as %Y-%m-%d";
    /// `03/04/2024` reads as `%d/%m/%Y` or `%m/%d/%Y` (the feed's other dates decide).
    public func suggestions(_ bytes: UnsafeRawBufferPointer) -> [String] {
        DateParser.common.filter { f in !formats.contains(f) && DateParser.match(bytes, format: f) != nil }
            .map { String(decoding: $0, as: UTF8.self) }
    }

    static let iso = Array("%Y-%m-%d".utf8)
    static let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"].map { Array($0.utf8) }

    static func match(_ b: UnsafeRawBufferPointer, format f: [UInt8]) -> CivilDate? {
        var i = 0, k = 0
        var y: Int?, m: Int?, d: Int?
        func number(maxDigits: Int, minDigits: Int) -> Int? {
            var v = 0, count = 0
            while count < maxDigits, i < b.count, b[i] >= 48, b[i] <= 57 { v = v * 10 + Int(b[i] - 48); i += 1; count += 1 }
            return count >= minDigits ? v : nil
        }
        while k < f.count {
            if f[k] == UInt8(ascii: "%"), k + 1 < f.count {
                switch f[k + 1] {
                case UInt8(ascii: "Y"): y = number(maxDigits: 4, minDigits: 4)
                case UInt8(ascii: "y"): y = number(maxDigits: 2, minDigits: 2).map { 2000 + $0 }
                case UInt8(ascii: "m"): m = number(maxDigits: 2, minDigits: 1)
                case UInt8(ascii: "d"): d = number(maxDigits: 2, minDigits: 1)
                case UInt8(ascii: "b"):
                    guard i + 3 <= b.count else { return nil }
                    let word = (0..<3).map { b[i + $0] >= 97 ? b[i + $0] - 32 : b[i + $0] }
                    guard let idx = months.firstIndex(of: word) else { return nil }
                    m = idx + 1
                    i += 3
                default: return nil
                }
                k += 2
                guard (f[k - 1] == UInt8(ascii: "b")) || (f[k - 1] == UInt8(ascii: "Y") ? y != nil : f[k - 1] == UInt8(ascii: "y") ? y != nil : f[k - 1] == UInt8(ascii: "m") ? m != nil : d != nil) else { return nil }
            } else {
                guard i < b.count, b[i] == f[k] else { return nil }
                i += 1
                k += 1
            }
        }
        if i < b.count && !(b[i] == UInt8(ascii: "T") || b[i] == 32) { return nil }
        guard let y, let m, let d else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }
}
