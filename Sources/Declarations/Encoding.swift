#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Input encodings: UTF-8 is read as is; GB18030 (common in Chinese customs
/// systems) is decoded with iconv; anything else that is not UTF-8 is refused
/// with the position of the first bad byte.
public enum InputEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case gb18030

    /// Refuses a file that is mostly not UTF-8: more than 1% of the first MiB's
    /// lines (at least 3) hold invalid sequences. A few bad rows in a UTF-8 file
    /// are left to be rejected row by row.
    static func check(_ b: UnsafeRawBufferPointer, file: String) throws(IngestError) {
        let sample = UnsafeRawBufferPointer(rebasing: b[0..<min(b.count, 1 << 20)])
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
                            guess: looksLikeGB18030(sample) ? "GB18030" : "")
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

    /// Decodes GB18030 to UTF-8 with iconv.
    static func decodeGB18030(_ b: UnsafeRawBufferPointer, file: String) throws(IngestError) -> [UInt8] {
        let cd = iconv_open("UTF-8", "GB18030")
        guard cd != iconv_t(bitPattern: -1) else { throw .unreadable(file: file, reason: "iconv cannot convert GB18030 on this system") }
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
                throw .undecodable(file: file, line: line, reason: "not valid GB18030 at byte \(offset)",
                                   hint: "check --encoding: the file may be UTF-8 or another encoding; convert it with iconv first")
            }
        }
        out.removeSubrange(produced...)
        return out
    }
}
