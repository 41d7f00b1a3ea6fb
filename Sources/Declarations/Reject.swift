/// One rejected row: where it is, what is wrong, and the raw record.
public struct Reject: Sendable, Equatable {
    public var fileIndex: Int
    /// 1-based line where the record starts.
    public var line: Int
    /// 0-based byte offset of the record in its file.
    public var byteOffset: Int
    /// 1-based column (byte) of the offending field within its line (1 for whole-record problems).
    public var column: Int
    /// 0-based data record within the file, header excluded.
    public var record: Int
    /// The header name of the offending field ("" for whole-record problems).
    public var field: String
    public var reason: RejectReason
    public var message: String
    /// The record's bytes, capped at 1 KiB.
    public var raw: [UInt8]

    /// The raw record as printable text: invalid UTF-8 and control bytes
    /// escaped as `\xNN`, line breaks as `\n`, `\r`.
    public var escapedRaw: String {
        var out = ""
        var bytes = raw[...]
        while !bytes.isEmpty {
            // Longest valid UTF-8 prefix, byte by byte.
            let b = bytes.first!
            let width = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            if width > 1, bytes.count >= width, let s = String(validating: bytes.prefix(width), as: UTF8.self) {
                out += s
                bytes = bytes.dropFirst(width)
                continue
            }
            switch b {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x5C: out += "\\\\"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(b))
            default: out += "\\x" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)
            }
            bytes = bytes.dropFirst()
        }
        return out
    }
}
