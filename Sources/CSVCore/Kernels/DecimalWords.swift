import CSVKernelsC
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Decimal fields of up to sixteen bytes read as one vector: the digits of
/// `123.45` checked and converted without a loop per byte
/// (`tradescan_decimal16`, AVX-512 on 16-byte vectors).
///
/// The byte loop (a multiply-add per digit, a test per byte) mispredicts its
/// exits, because the lengths of a column's numbers vary. Here one compare
/// finds the bytes that are not digits, one compress drops the separator, and
/// the right-aligned digits become a number by three multiply-adds.
/// `DecimalParser.plainScalar` is the twin this is tested against, and what
/// runs where the CPU lacks AVX-512 (`available`).
public enum DecimalWords {
    /// Whether the vector path runs: the CPU has AVX-512 (BW, VL, VBMI2) and
    /// the environment does not set `TRADESCAN_SCALAR_DECIMALS` (the switch that
    /// rules the kernel out of a run: every number then goes the scalar way).
    public static let available: Bool = tradescan_have_avx512_decimal() != 0 && getenv("TRADESCAN_SCALAR_DECIMALS") == nil

    /// The shape `digits`, `digits sep digits`, `digits sep` or `sep digits`
    /// in 1...16 bytes, with at least one digit: all its digits as one integer,
    /// and how many of them follow the separator. nil for any other shape (a
    /// sign, a second separator, any other byte) or length. Reads only `b`.
    /// `separator` must not be a digit; call only where `available`.
    @inlinable @inline(__always)
    public static func digits(_ b: UnsafeRawBufferPointer, separator: UInt8) -> (mantissa: UInt64, fraction: Int)? {
        guard let p = b.baseAddress else { return nil }
        var mantissa: UInt64 = 0
        var fraction: Int32 = 0
        guard tradescan_decimal16(p.assumingMemoryBound(to: UInt8.self), b.count, separator, &mantissa, &fraction) != 0 else { return nil }
        return (mantissa, Int(fraction))
    }
}
