import CSVCore
import Foundation

/// A minimal JSON writer onto bytes: objects, strings (escaped per RFC 8259,
/// plus `<`, `>` and `&` so the text is safe to embed in HTML), numbers.
struct JSONBytes {
    var buffer: [UInt8] = []

    mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { buffer.append(contentsOf: $0) }
    }

    mutating func string(_ s: String) {
        var s = s
        buffer.append(UInt8(ascii: "\""))
        s.withUTF8 { u in
            var start = 0
            for i in 0..<u.count {
                let b = u[i]
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b == UInt8(ascii: "<")
                    || b == UInt8(ascii: ">") || b == UInt8(ascii: "&") else { continue }
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: u[start..<i]))
                escape(b)
                start = i + 1
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: u[start...]))
        }
        buffer.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ b: UInt8) {
        switch b {
        case UInt8(ascii: "\""): raw("\\\"")
        case UInt8(ascii: "\\"): raw("\\\\")
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        default:
            let hex = Array("0123456789abcdef".utf8)
            raw("\\u00")
            buffer.append(hex[Int(b >> 4)])
            buffer.append(hex[Int(b & 15)])
        }
    }

    mutating func key(_ k: String) {
        string(k)
        buffer.append(UInt8(ascii: ":"))
    }

    mutating func number(_ v: Double) {
        if !CSVWriter.appendDecimal(v, places: 4, to: &buffer) {
            if v.isFinite { buffer.append(contentsOf: Format.decimal(v).utf8) } else { raw("null") }
        }
    }

    mutating func int(_ v: Int) { buffer.append(contentsOf: String(v).utf8) }
    mutating func bool(_ v: Bool) { v ? raw("true") : raw("false") }
    mutating func comma() { buffer.append(UInt8(ascii: ",")) }
}

/// Number formatting shared by the report files.
public enum Format {
    /// At most `places` decimal places, no trailing zeros ("12", "0.5", "3.1416"):
    /// the numbers of ranked.csv (`CSVWriter.appendDecimal`), with a fixed-point
    /// fallback for magnitudes of 1e15 or more.
    public static func decimal(_ v: Double, places: Int = 4) -> String {
        guard v.isFinite else { return "" }
        var bytes: [UInt8] = []
        if CSVWriter.appendDecimal(v, places: places, to: &bytes) { return String(decoding: bytes, as: UTF8.self) }
        return String(format: "%.\(places)f", v)
    }

    /// Thousands separators for counts in prose ("1,000,000").
    public static func count(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, ch) in s.reversed().enumerated() {
            if i > 0 && i % 3 == 0 && ch != "-" { out.append(",") }
            out.append(ch)
        }
        return String(out.reversed())
    }
}
