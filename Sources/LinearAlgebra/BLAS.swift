import CBLAS

/// Level 2 and 3 BLAS on `Matrix`, with dimensions checked before the call.
///
/// The functions return new matrices; `Matrix` is a value type, so an input is
/// never modified behind the caller's back.
public enum BLAS {
    /// `C = alpha * op(A) * op(B) + beta * C`.
    ///
    /// The corresponding BLAS routine is `dgemm`.
    /// - Parameter c: the matrix added to the product, scaled by `beta`; `nil`
    ///   means zero (and `beta` is ignored).
    /// - Throws: `LinearAlgebraError.dimensionMismatch` when the inner
    ///   dimensions differ or `c` has the wrong shape.
    public static func gemm(
        _ a: Matrix, _ b: Matrix,
        transA: Transpose = .none, transB: Transpose = .none,
        alpha: Double = 1, beta: Double = 0, adding c: Matrix? = nil
    ) throws(LinearAlgebraError) -> Matrix {
        let m = transA == .none ? a.rows : a.columns
        let k = transA == .none ? a.columns : a.rows
        let kb = transB == .none ? b.rows : b.columns
        let n = transB == .none ? b.columns : b.rows
        guard k == kb else {
            throw .dimensionMismatch(
                operation: "gemm",
                detail: "op(A) is \(m)×\(k) but op(B) is \(kb)×\(n)")
        }
        var result: Matrix
        var effectiveBeta = 0.0
        if let c {
            guard c.rows == m, c.columns == n else {
                throw .dimensionMismatch(
                    operation: "gemm",
                    detail: "C is \(c.rows)×\(c.columns), product is \(m)×\(n)")
            }
            result = c
            effectiveBeta = beta
        } else {
            result = Matrix(rows: m, columns: n)
        }
        guard m > 0, n > 0 else { return result }
        if k == 0 {
            // dgemm with k = 0 only scales C; do it here to avoid lda = 0 corner cases.
            for i in result.elements.indices { result.elements[i] *= effectiveBeta }
            return result
        }
        cblas_dgemm(
            CblasColMajor, transA.cblas, transB.cblas,
            blasint(m), blasint(n), blasint(k),
            alpha, a.elements, blasint(Swift.max(1, a.rows)),
            b.elements, blasint(Swift.max(1, b.rows)),
            effectiveBeta, &result.elements, blasint(Swift.max(1, m)))
        return result
    }

    /// `y = alpha * op(A) * x + beta * y`.
    ///
    /// The corresponding BLAS routine is `dgemv`.
    /// - Parameter y: the vector added, scaled by `beta`; `nil` means zero.
    public static func gemv(
        _ a: Matrix, _ x: [Double], transA: Transpose = .none,
        alpha: Double = 1, beta: Double = 0, adding y: [Double]? = nil
    ) throws(LinearAlgebraError) -> [Double] {
        let m = transA == .none ? a.rows : a.columns
        let k = transA == .none ? a.columns : a.rows
        guard x.count == k else {
            throw .dimensionMismatch(operation: "gemv", detail: "op(A) is \(m)×\(k) but x has \(x.count) elements")
        }
        var result: [Double]
        var effectiveBeta = 0.0
        if let y {
            guard y.count == m else {
                throw .dimensionMismatch(operation: "gemv", detail: "y has \(y.count) elements, op(A) has \(m) rows")
            }
            result = y
            effectiveBeta = beta
        } else {
            result = Array(repeating: 0, count: m)
        }
        guard m > 0 else { return result }
        if k == 0 {
            for i in result.indices { result[i] *= effectiveBeta }
            return result
        }
        cblas_dgemv(
            CblasColMajor, transA.cblas, blasint(a.rows), blasint(a.columns),
            alpha, a.elements, blasint(Swift.max(1, a.rows)), x, 1,
            effectiveBeta, &result, 1)
        return result
    }

    /// The Gram matrix `alpha * Aᵀ A` (`transA == .transpose`, the default) or
    /// `alpha * A Aᵀ` (`.none`), with both triangles filled.
    ///
    /// The corresponding BLAS routine is `dsyrk`; only one triangle is computed
    /// and then mirrored.
    public static func syrk(_ a: Matrix, transA: Transpose = .transpose, alpha: Double = 1) -> Matrix {
        let n = transA == .none ? a.rows : a.columns
        let k = transA == .none ? a.columns : a.rows
        var c = Matrix(rows: n, columns: n)
        guard n > 0, k > 0 else { return c }
        cblas_dsyrk(
            CblasColMajor, CblasUpper, transA.cblas, blasint(n), blasint(k),
            alpha, a.elements, blasint(Swift.max(1, a.rows)), 0, &c.elements, blasint(n))
        c.symmetrize(from: .upper)
        return c
    }

    /// Accumulates `C += alpha * Aᵀ A` into the upper triangle of `c` in place
    /// (the lower triangle is left untouched; call `symmetrize(from: .upper)`).
    ///
    /// The corresponding BLAS routine is `dsyrk` with `beta = 1`. Used by
    /// streaming accumulators that add many batches before reading the result.
    public static func syrkUpdate(_ c: inout Matrix, _ a: Matrix, alpha: Double = 1) throws(LinearAlgebraError) {
        guard c.rows == a.columns, c.columns == a.columns else {
            throw .dimensionMismatch(
                operation: "syrk", detail: "C is \(c.rows)×\(c.columns) but Aᵀ A is \(a.columns)×\(a.columns)")
        }
        guard a.columns > 0, a.rows > 0 else { return }
        cblas_dsyrk(
            CblasColMajor, CblasUpper, CblasTrans, blasint(a.columns), blasint(a.rows),
            alpha, a.elements, blasint(a.rows), 1, &c.elements, blasint(a.columns))
    }
}

extension Transpose {
    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

extension Triangle {
    var cblas: CBLAS_UPLO { self == .upper ? CblasUpper : CblasLower }
    /// LAPACKE's `uplo` character.
    var lapack: CChar { CChar(UInt8(ascii: self == .upper ? "U" : "L")) }
}

/// Which side of `B` a triangular matrix multiplies in `trsm`.
public enum Side: Sendable, Hashable {
    /// Solve `op(A) X = alpha B`.
    case left
    /// Solve `X op(A) = alpha B`.
    case right
}

extension BLAS {
    /// Solves a triangular system with many right-hand sides:
    /// `op(A) X = alpha B` (`.left`) or `X op(A) = alpha B` (`.right`).
    ///
    /// The corresponding BLAS routine is `dtrsm`. BLAS does not check for a zero
    /// pivot, so this wrapper does and throws `.singular(index:)` instead of
    /// returning infinities.
    /// - Parameter triangle: which triangle of `a` holds the matrix; the other is ignored.
    public static func trsm(
        _ a: Matrix, _ triangle: Triangle, _ b: Matrix,
        transA: Transpose = .none, side: Side = .left, alpha: Double = 1
    ) throws(LinearAlgebraError) -> Matrix {
        guard a.isSquare else {
            throw .dimensionMismatch(operation: "trsm", detail: "A is \(a.rows)×\(a.columns), not square")
        }
        let needed = side == .left ? b.rows : b.columns
        guard needed == a.rows else {
            throw .dimensionMismatch(
                operation: "trsm",
                detail: "A is \(a.rows)×\(a.rows), B is \(b.rows)×\(b.columns) (side \(side))")
        }
        for i in 0..<a.rows where a.elements[i + i * a.rows] == 0 {
            throw .singular(index: i + 1)
        }
        var x = b
        guard b.rows > 0, b.columns > 0 else { return x }
        cblas_dtrsm(
            CblasColMajor, side == .left ? CblasLeft : CblasRight, triangle.cblas, transA.cblas, CblasNonUnit,
            blasint(b.rows), blasint(b.columns), alpha, a.elements, blasint(a.rows),
            &x.elements, blasint(b.rows))
        return x
    }
}
