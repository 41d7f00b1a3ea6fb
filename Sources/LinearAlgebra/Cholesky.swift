import CBLAS
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The Cholesky factorisation `A = L Lᵀ` of a symmetric positive definite matrix.
///
/// Fit once, then solve many right-hand sides or whiten whole batches with one
/// triangular solve each. Only the lower triangle of the input is read.
public struct Cholesky: Sendable, Codable, Hashable {
    /// The lower-triangular factor `L` (upper triangle zero).
    public let lower: Matrix

    /// Factorises `a`.
    ///
    /// The corresponding LAPACK routine is `dpotrf`.
    /// - Throws: `.dimensionMismatch` when `a` is not square;
    ///   `.notPositiveDefinite(minor:)` when a leading minor is not positive;
    ///   `.nonFinite` when the lower triangle holds NaN or infinity. Never traps
    ///   on bad data.
    public init(_ a: Matrix) throws(LinearAlgebraError) {
        guard a.isSquare else {
            throw .dimensionMismatch(operation: "Cholesky (potrf)", detail: "matrix is \(a.rows)×\(a.columns), not square")
        }
        let n = a.rows
        // LAPACKE would reject NaN in the read triangle as "argument 4"; say what it is.
        for j in 0..<n {
            for i in j..<n where !a.elements[i + j * n].isFinite {
                throw .nonFinite(operation: "Cholesky (potrf)")
            }
        }
        var l = a
        if n > 0 {
            let info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, Triangle.lower.lapack, LapackInt(n), &l.elements, LapackInt(n))
            try LinearAlgebraError.check(potrfInfo: info, routine: "dpotrf")
        }
        l.zeroStrictTriangle(.upper)
        self.lower = l
    }

    /// The order of the factorised matrix.
    public var dimension: Int { lower.rows }

    /// `ln det A = 2 Σ ln Lᵢᵢ`.
    public var logDeterminant: Double {
        var s = 0.0
        for i in 0..<dimension { s += log(lower.elements[i + i * dimension]) }
        return 2 * s
    }

    /// Solves `A X = B` for `X` (`B` is `n × nrhs`).
    ///
    /// The corresponding LAPACK routine is `dpotrs`.
    /// - Throws: `.dimensionMismatch` for a wrong row count, `.nonFinite` for NaN
    ///   or infinity in `b`.
    public func solve(_ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        guard b.rows == dimension else {
            throw .dimensionMismatch(operation: "Cholesky.solve (potrs)", detail: "A is \(dimension)×\(dimension), B has \(b.rows) rows")
        }
        guard b.elements.allSatisfy({ $0.isFinite }) else { throw .nonFinite(operation: "Cholesky.solve (potrs)") }
        var x = b
        guard dimension > 0, b.columns > 0 else { return x }
        let info = LAPACKE_dpotrs(
            LAPACK_COL_MAJOR, Triangle.lower.lapack, LapackInt(dimension), LapackInt(b.columns),
            lower.elements, LapackInt(dimension), &x.elements, LapackInt(dimension))
        if info < 0 { throw .invalidArgument(routine: "dpotrs", position: Int(-info)) }
        return x
    }

    /// Solves `A x = b` for one vector.
    public func solve(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
        let m = try Matrix(rows: b.count, columns: 1, columnMajor: b)
        return try solve(m).elements
    }

    /// Whitens the rows of `x`: returns `Z = X L⁻ᵀ` for an `n × d` batch, so that
    /// the squared norm of row `i` of `Z` is `xᵢᵀ A⁻¹ xᵢ`.
    ///
    /// One triangular solve over the whole batch. The corresponding BLAS routine
    /// is `dtrsm` (side right, lower, transposed). A row holding NaN yields NaN in
    /// that row only; other rows are unaffected.
    public func whitenRows(_ x: Matrix) throws(LinearAlgebraError) -> Matrix {
        var z = x
        try whitenRowsInPlace(&z)
        return z
    }

    /// In-place form of `whitenRows(_:)` for callers that own a scratch batch.
    public func whitenRowsInPlace(_ x: inout Matrix) throws(LinearAlgebraError) {
        guard x.columns == dimension else {
            throw .dimensionMismatch(operation: "Cholesky.whitenRows (trsm)", detail: "factor is \(dimension)×\(dimension), batch has \(x.columns) columns")
        }
        guard x.rows > 0, dimension > 0 else { return }
        cblas_dtrsm(
            CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit,
            blasint(x.rows), blasint(dimension), 1, lower.elements, blasint(dimension),
            &x.elements, blasint(x.rows))
    }

    /// The diagonal of `A⁻¹`: `(A⁻¹)ⱼⱼ = ‖L⁻¹ eⱼ‖²`, from one triangular solve of the identity.
    public var inverseDiagonal: [Double] {
        let n = dimension
        guard n > 0 else { return [] }
        var e = Matrix.identity(n)
        cblas_dtrsm(
            CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit,
            blasint(n), blasint(n), 1, lower.elements, blasint(n), &e.elements, blasint(n))
        return (0..<n).map { j in (0..<n).reduce(0.0) { $0 + e[$1, j] * e[$1, j] } }
    }
}
