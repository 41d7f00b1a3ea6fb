#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Input encodings: UTF-8 is read as is; GB18030 (common in Chinese customs
/// systems) and Windows-1252 (the "Latin-1" of European exports: é as one
/// byte 0xE9) are decoded with iconv; anything else that is not UTF-8 is
/// refused with the position of the first bad byte.
public enum InputEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case gb18030
    case windows1252 = "windows-1252"

    /// The name iconv knows it by.
    var iconvName: String {
        switch self {
        case .utf8: "UTF-8"
        case .gb18030: "GB18030"
        case .windows1252: "WINDOWS-1252"
        }
    }

    /// Also accepted for `--encoding`: the names feeds and tools use.
    public init?(name: String) {
        switch name.lowercased() {
        case "utf-8", "utf8": self = .utf8
        case "gb18030", "gbk", "gb2312": self = .gb18030
        case "windows-1252", "cp1252", "latin1", "latin-1", "iso-8859-1": self = .windows1252
        default: return nil
        }
    }

    /// Refuses a file that is mostly not UTF-8: more than 1% of the first MiB's
    /// lines (at least 3) hold invalid sequences. A few bad rows in a UTF-8 file
    /// are left to be rejected row by row.
    static func check(_ b: UnsafeRawBufferPointer, file: String) throws(IngestError) {
        let sample = UnsafeRawBufferPointer(rebasing: b[0..<min(b.count, 1 << 20)])
        // Valid as a whole, the common case: one fast pass, not a line at a time (which was a tenth of
        // reading a folder of small files, each its own whole sample).
        if UTF8Validation.firstInvalid(sample) == nil { return }
        var lines = 1, badLines = 0
        var first: (line: Int, column: Int, byte: UInt8)?
        var i = 0
        while i < sample.count {
            let lineEnd = (i..<sample.count).first { sample[$0] == 0x0A } ?? sample.count
            let line = UnsafeRawBufferPointer(rebasing: sample[i..<lineEnd])
            if let bad = UTF8Validation.firstInvalid(line), !(lineEnd == sample.count && sample.count < b.count && bad > line.count - 4) {
                badLines += 1
                if first == nil { first = (lines, bad + 1, line[bad]) }
            }
            i = lineEnd + 1
            lines += 1
        }
        if let first, badLines >= 3, Double(badLines) > 0.01 * Double(lines) {
            throw .encoding(file: file, line: first.line, column: first.column, byte: first.byte,
                            // Single bytes first: a lone é (0xE9) before a letter also reads as a GB18030 pair,
                            // but Chinese text is runs of high bytes, never one alone.
                            guess: looksLikeSingleByte(sample) ? "Windows-1252" : looksLikeGB18030(sample) ? "GB18030" : "")
        }
    }

    /// Whether the non-ASCII bytes read as GB18030 double-byte characters.
    static func looksLikeGB18030(_ b: UnsafeRawBufferPointer) -> Bool {
        var pairs = 0, other = 0
        var i = 0
        while i < b.count {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            if c >= 0x81 && c <= 0xFE && i + 1 < b.count {
                let d = b[i + 1]
                if (d >= 0x40 && d <= 0xFE && d != 0x7F) { pairs += 1; i += 2; continue }
                if d >= 0x30 && d <= 0x39 && i + 3 < b.count { pairs += 1; i += 4; continue }
            }
            other += 1
            i += 1
        }
        return pairs > 0 && other * 10 < pairs
    }

    /// Whether the non-ASCII bytes stand alone between ASCII ones, as in a
    /// single-byte encoding (Windows-1252: "Café" as 43 61 66 E9).
    static func looksLikeSingleByte(_ b: UnsafeRawBufferPointer) -> Bool {
        var alone = 0, runs = 0
        var i = 0
        while i < b.count {
            guard b[i] >= 0x80 else { i += 1; continue }
            var j = i
            while j < b.count && b[j] >= 0x80 { j += 1 }
            if j - i == 1 { alone += 1 } else { runs += 1 }
            i = j
        }
        return alone > 0 && runs * 10 < alone
    }

    /// Decodes `encoding` to UTF-8 with iconv.
    static func decode(_ b: UnsafeRawBufferPointer, from encoding: InputEncoding, file: String) throws(IngestError) -> [UInt8] {
        let name = encoding.iconvName
        let cd = iconv_open("UTF-8", name)
        guard cd != iconv_t(bitPattern: -1) else { throw .unreadable(file: file, reason: "iconv cannot convert \(name) on this system") }
        defer { iconv_close(cd) }
        var out = [UInt8](repeating: 0, count: b.count * 3 / 2 + 16)
        var produced = 0
        var inLeft = b.count
        var inPtr = UnsafeMutablePointer<CChar>(mutating: b.baseAddress?.assumingMemoryBound(to: CChar.self))
        while inLeft > 0 {
            if out.count - produced < 64 { out.append(contentsOf: repeatElement(0, count: out.count)) }
            var outLeft = out.count - produced
            let r = out.withUnsafeMutableBytes { o -> Int in
                var outPtr: UnsafeMutablePointer<CChar>? = o.baseAddress!.assumingMemoryBound(to: CChar.self) + produced
                let before = outLeft
                let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                produced += before - outLeft
                return r
            }
            if r == -1 {
                if errno == E2BIG { continue }
                let offset = b.count - inLeft
                var line = 1
                for k in 0..<offset where b[k] == 0x0A { line += 1 }
                throw .undecodable(file: file, line: line, reason: "not valid \(name) at byte \(offset)",
                                   hint: "check --encoding: the file may be UTF-8 or another encoding; convert it with iconv first")
            }
        }
        out.removeSubrange(produced...)
        return out
    }
}
