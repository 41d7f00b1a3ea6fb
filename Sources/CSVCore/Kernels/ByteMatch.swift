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
