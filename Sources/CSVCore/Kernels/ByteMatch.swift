/// The places of one byte value in a byte array, eight bytes at a time.
///
/// A ranking pass picks the rows of one id range out of a byte a row (ten
/// passes over 10M bytes at 10M rows); a byte-at-a-time loop was a quarter of
/// the ranking's time. `forEachScalar` is the twin and the tests' oracle.
public enum ByteMatch {
    /// Calls `body(i)` for each `i` in `range`, ascending, where `bytes[i] == value`.
    @inlinable
    public static func forEach(in bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, equalTo value: UInt8, _ body: (Int) -> Void) {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "range outside the bytes")
        guard let base = bytes.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101, low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let pattern = ones &* UInt64(value)
        var i = range.lowerBound
        while i &+ 8 <= range.upperBound {
            // Bytes equal to `value` are the zero bytes of x; the high bit of each
            // zero byte of x, exactly (no carry crosses a byte: the low seven bits
            // are added apart from the high one).
            let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ pattern
            var zeros = ~(((x & low7) &+ low7) | x | low7)
            while zeros != 0 {
                body(i &+ zeros.trailingZeroBitCount >> 3)
                zeros &= zeros &- 1
            }
            i &+= 8
        }
        while i < range.upperBound {
            if base[i] == value { body(i) }
            i &+= 1
        }
    }

    /// `forEach` a byte at a time.
    public static func forEachScalar(in bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, equalTo value: UInt8, _ body: (Int) -> Void) {
        for i in range where bytes[i] == value { body(i) }
    }
}

extension ByteMatch {
    /// Whether `b` must be escaped in a JSON string that is also safe inside
    /// HTML: a control byte (below 0x20), `"`, `\`, `<`, `>` or `&`.
    @inlinable @inline(__always)
    public static func isJSONSpecial(_ b: UInt8) -> Bool {
        b < 0x20 || b == 0x22 || b == 0x5C || b == 0x3C || b == 0x3E || b == 0x26
    }

    /// The first place at or after `start` in `bytes` holding a byte
    /// `isJSONSpecial` names, or `bytes.count` when none does: eight bytes a
    /// step. ranked.jsonl's strings (reasons, names, evidence: about 300 MB at
    /// 10M rows) are nearly all plain text, and a test per byte was most of
    /// writing them. `firstJSONSpecialScalar` is the twin and the tests' oracle.
    @inlinable
    public static func firstJSONSpecial(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let n = bytes.count
        let ones: UInt64 = 0x0101_0101_0101_0101, low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        /// The high bit of each zero byte of y, exactly (no carry crosses a byte).
        @inline(__always) func zeroBytes(_ y: UInt64) -> UInt64 { ~(((y & low7) &+ low7) | y | low7) }
        var i = start
        while i &+ 8 <= n {
            let x = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let hits = zeroBytes(x & (ones &* 0xE0)) | zeroBytes(x ^ (ones &* 0x22)) | zeroBytes(x ^ (ones &* 0x5C))
                | zeroBytes(x ^ (ones &* 0x3C)) | zeroBytes(x ^ (ones &* 0x3E)) | zeroBytes(x ^ (ones &* 0x26))
            if hits != 0 { return i &+ hits.trailingZeroBitCount >> 3 }
            i &+= 8
        }
        while i < n {
            if isJSONSpecial(base.load(fromByteOffset: i, as: UInt8.self)) { return i }
            i &+= 1
        }
        return n
    }

    /// `firstJSONSpecial` a byte at a time.
    public static func firstJSONSpecialScalar(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var i = start
        while i < bytes.count && !isJSONSpecial(bytes[i]) { i += 1 }
        return i
    }
}
