/// Typed failures of the linear-algebra layer.
///
/// LAPACK reports problems through an integer `info`; the wrappers turn every
/// non-zero `info` into one of these cases, so callers never see a raw code and
/// bad data never traps.
public enum LinearAlgebraError: Error, Sendable, Hashable {
    /// The operands' shapes do not fit the operation (`detail` says how).
    case dimensionMismatch(operation: String, detail: String)
    /// Cholesky factorisation failed: the leading minor of this order (1-based)
    /// is not positive definite (LAPACK `info > 0` from `dpotrf`).
    case notPositiveDefinite(minor: Int)
    /// A triangular factor has an exact zero on its diagonal at this 1-based
    /// index, so the system has no unique solution (`dgels` `info > 0`, or a zero
    /// pivot found before `dtrsm`).
    case singular(index: Int)
    /// An iterative algorithm did not converge (`dsyevd` `info > 0`); `count` is
    /// LAPACK's `info`, the number of off-diagonal elements that did not converge.
    case failedToConverge(routine: String, count: Int)
    /// LAPACK rejected an argument (`info < 0`): a bug in the wrapper, reported
    /// rather than trapped. `position` is the 1-based argument index.
    case invalidArgument(routine: String, position: Int)
    /// An input contained NaN or infinity where a finite value is required.
    case nonFinite(operation: String)
}

extension LinearAlgebraError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .dimensionMismatch(operation, detail):
            return "\(operation): dimension mismatch: \(detail)"
        case let .notPositiveDefinite(minor):
            return "matrix is not positive definite (leading minor of order \(minor) is not positive); "
                + "check for constant or collinear features, or add a ridge to the diagonal"
        case let .singular(index):
            return "matrix is singular (zero pivot at position \(index)); the columns are linearly dependent"
        case let .failedToConverge(routine, count):
            return "\(routine) failed to converge (\(count) off-diagonal elements did not converge)"
        case let .invalidArgument(routine, position):
            return "\(routine) rejected argument \(position) (internal error, please report)"
        case let .nonFinite(operation):
            return "\(operation): input contains NaN or infinity"
        }
    }
}

extension LinearAlgebraError {
    /// Maps a LAPACK `info` for routines whose `info > 0` means "not positive definite".
    static func check(potrfInfo info: Int32, routine: String) throws(LinearAlgebraError) {
        if info < 0 { throw .invalidArgument(routine: routine, position: Int(-info)) }
        if info > 0 { throw .notPositiveDefinite(minor: Int(info)) }
    }
}

/// LAPACKE's `lapack_int` (a C macro, so not imported): 32-bit on Debian's LP64 build.
typealias LapackInt = Int32
