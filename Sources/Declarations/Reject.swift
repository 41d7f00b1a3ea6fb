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
        var out: [UInt8] = []
        Reject.escape(raw, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `escapedRaw`'s bytes, appended to `out`: printable ASCII as it is (one
    /// test a byte, no `String` per byte: a million rejects' records took 7 s),
    /// valid UTF-8 sequences as they are, the rest escaped.
    static func escape(_ raw: [UInt8], into out: inout [UInt8]) {
        raw.withUnsafeBytes { escape($0, into: &out) }
    }

    /// `escape` of bytes read in place (a packed reject's, `RejectStore.View`).
    static func escape(_ raw: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        out.reserveCapacity(out.count + raw.count + 16)
        let n = raw.count
        var i = 0
        while i < n {
            // A run of printable ASCII is copied at once.
            var end = i
            while end < n, raw[end] >= 0x20 && raw[end] < 0x7F && raw[end] != 0x5C { end += 1 }
            if end > i {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[i..<end]))
                i = end
                continue
            }
            let b = raw[i]
            // A valid multi-byte UTF-8 sequence is kept whole.
            let width = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            if width > 1, n - i >= width, String(validating: raw[i..<(i + width)], as: UTF8.self) != nil {
                out.append(contentsOf: raw[i..<(i + width)])
                i += width
                continue
            }
            switch b {
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "x"), hex[Int(b >> 4)], hex[Int(b & 15)]])
            }
            i += 1
        }
    }
}
