import CSVCore
import Foundation

/// A minimal JSON writer onto bytes: objects, strings (escaped per RFC 8259,
/// plus `<`, `>` and `&` so the text is safe to embed in HTML), numbers.
struct JSONBytes: ~Copyable {
    var bytes = ByteBuffer()

    /// A copy of the bytes written.
    var buffer: [UInt8] { bytes.array }

    /// Forgets what was written, keeping the memory.
    mutating func removeAll() { bytes.removeAll() }

    mutating func raw(_ s: StaticString) { bytes.append(s) }

    /// Bytes already encoded as JSON, from an array.
    mutating func raw(bytes encoded: [UInt8]) { bytes.append(contentsOf: encoded) }

    /// Bytes already encoded as JSON (see `encoded(_:)`).
    mutating func raw(encoded: UnsafeRawBufferPointer) { bytes.append(encoded) }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { string(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// A string given as UTF-8 bytes: plain runs copied whole, found eight
    /// bytes at a time (`ByteMatch.firstJSONSpecial`), the bytes between them escaped.
    mutating func string(utf8 u: UnsafeRawBufferPointer) {
        bytes.reserve(u.count + 2)
        bytes.append(UInt8(ascii: "\""))
        var start = 0
        while true {
            let i = ByteMatch.firstJSONSpecial(in: u, from: start)
            bytes.append(UnsafeRawBufferPointer(rebasing: u[start..<i]))
            guard i < u.count else { break }
            escape(u[i])
            start = i + 1
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `s` as one JSON string, quotes included (for `raw(encoded:)`).
    static func encoded(_ s: String) -> [UInt8] {
        var j = JSONBytes()
        j.string(s)
        return j.bytes.array
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
            bytes.append(hex[Int(b >> 4)])
            bytes.append(hex[Int(b & 15)])
        }
    }

    mutating func key(_ k: String) {
        string(k)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func number(_ v: Double) {
        if !bytes.append(decimal: v, places: 4) {
            if v.isFinite { bytes.append(contentsOf: Format.decimal(v).utf8) } else { raw("null") }
        }
    }

    /// `Format.decimal(v, places:)` as a JSON string; nothing when that text is empty.
    /// Returns whether anything was written.
    @discardableResult
    mutating func decimalString(_ v: Double, places: Int) -> Bool {
        guard v.isFinite else { return false }
        guard DecimalDigits.covers(v, places: places) else {
            string(Format.decimal(v, places: places))
            return true
        }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(decimal: v, places: places)
        bytes.append(UInt8(ascii: "\""))
        return true
    }

    mutating func int(_ v: Int) { bytes.append(int: v) }
    mutating func bool(_ v: Bool) { v ? raw("true") : raw("false") }
    mutating func comma() { bytes.append(UInt8(ascii: ",")) }
}

/// Number formatting shared by the report files.
public enum Format {
    /// At most `places` decimal places, no trailing zeros ("12", "0.5", "3.1416"):
    /// the numbers of ranked.csv (`CSVWriter.appendDecimal`). Magnitudes of 1e15
    /// or more, which that format does not cover (bad data: 1e308 USD), are
    /// written as the shortest number that reads back ("1e+308"), not as three
    /// hundred digits.
    public static func decimal(_ v: Double, places: Int = 4) -> String {
        guard v.isFinite else { return "" }
        var bytes: [UInt8] = []
        if CSVWriter.appendDecimal(v, places: places, to: &bytes) { return String(decoding: bytes, as: UTF8.self) }
        return "\(v)"   // a finite value the format refuses is 1e15 or more
    }
}
