/// The powers of ten a double holds exactly: 10^0 … 10^22. Number parsing
/// (`DecimalParser`) and the number format (`DecimalDigits`) both scale by them.
public enum PowersOfTen {
    /// The largest k with 10^k exact in a double.
    public static let largestExact = 22

    /// 10^k for k in 0...22, exactly: constants, where a loop of multiplies is a
    /// chain of up to 22 dependent steps.
    @inlinable @inline(__always)
    public static func exact(_ k: Int) -> Double {
        precondition(k >= 0 && k <= 22, "10^\(k) is not exact in a double")
        switch k {
        case 0: return 1e0; case 1: return 1e1; case 2: return 1e2; case 3: return 1e3; case 4: return 1e4
        case 5: return 1e5; case 6: return 1e6; case 7: return 1e7; case 8: return 1e8; case 9: return 1e9
        case 10: return 1e10; case 11: return 1e11; case 12: return 1e12; case 13: return 1e13; case 14: return 1e14
        case 15: return 1e15; case 16: return 1e16; case 17: return 1e17; case 18: return 1e18; case 19: return 1e19
        case 20: return 1e20; case 21: return 1e21
        default: return 1e22
        }
    }

    /// 10^k as an integer, k in 0...19 (10^19 is the largest a `UInt64` holds).
    @inlinable @inline(__always)
    public static func integer(_ k: Int) -> UInt64 {
        precondition(k >= 0 && k <= 19, "10^\(k) does not fit a UInt64")
        switch k {
        case 0: return 1; case 1: return 10; case 2: return 100; case 3: return 1_000; case 4: return 10_000
        case 5: return 100_000; case 6: return 1_000_000; case 7: return 10_000_000; case 8: return 100_000_000
        case 9: return 1_000_000_000; case 10: return 10_000_000_000; case 11: return 100_000_000_000
        case 12: return 1_000_000_000_000; case 13: return 10_000_000_000_000; case 14: return 100_000_000_000_000
        case 15: return 1_000_000_000_000_000; case 16: return 10_000_000_000_000_000
        case 17: return 100_000_000_000_000_000; case 18: return 1_000_000_000_000_000_000
        default: return 10_000_000_000_000_000_000
        }
    }
}
