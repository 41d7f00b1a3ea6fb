import CBLAS

/// The least-squares solution of an overdetermined system `A X ≈ B` with `A`
/// of full column rank, by QR factorisation.
///
/// Several right-hand sides share one factorisation: the corridor baselines of
/// the diversion detector fit many series on one design this way.
public struct LeastSquares: Sendable, Codable, Hashable {
    /// The coefficients, `A.columns × B.columns`.
    public let coefficients: Matrix
    /// Residual sum of squares per right-hand side (zero when `A` is square).
    public let residualSumOfSquares: [Double]

    /// Solves `min ‖A X − B‖₂` column by column of `B`.
    ///
    /// The corresponding LAPACK routine is `dgels`.
    /// - Throws: `.dimensionMismatch` when `A` has fewer rows than columns or `B`
    ///   has a different number of rows; `.nonFinite` for NaN or infinity;
    ///   `.singular(index:)` when `A` is rank deficient: LAPACK's `info > 0`, or a
    ///   pivot of the triangular factor below `m·ε·max|Rᵢᵢ|`.
    public init(_ a: Matrix, _ b: Matrix) throws(LinearAlgebraError) {
        guard a.rows >= a.columns else {
            throw .dimensionMismatch(operation: "LeastSquares (gels)", detail: "A is \(a.rows)×\(a.columns); need at least as many rows as columns")
        }
        guard b.rows == a.rows else {
            throw .dimensionMismatch(operation: "LeastSquares (gels)", detail: "A has \(a.rows) rows, B has \(b.rows)")
        }
        guard a.elements.allSatisfy({ $0.isFinite }), b.elements.allSatisfy({ $0.isFinite }) else {
            throw .nonFinite(operation: "LeastSquares (gels)")
        }
        let m = a.rows, n = a.columns, nrhs = b.columns
        var qr = a
        var rhs = b
        if m > 0, n > 0, nrhs > 0 {
            let info = LAPACKE_dgels(
                LAPACK_COL_MAJOR, CChar(UInt8(ascii: "N")), LapackInt(m), LapackInt(n), LapackInt(nrhs),
                &qr.elements, LapackInt(m), &rhs.elements, LapackInt(m))
            if info < 0 { throw .invalidArgument(routine: "dgels", position: Int(-info)) }
            if info > 0 { throw .singular(index: Int(info)) }
            // dgels only reports an exactly zero pivot of R; a rank-deficient A in
            // floating point leaves a pivot at rounding level instead. Treat a
            // pivot below m·ε·max|Rᵢᵢ| as zero, as numerical-rank tests do.
            var largest = 0.0
            for i in 0..<n { largest = Swift.max(largest, abs(qr.elements[i + i * m])) }
            let cutoff = Double(m) * Double.ulpOfOne * largest
            for i in 0..<n where abs(qr.elements[i + i * m]) <= cutoff {
                throw .singular(index: i + 1)
            }
        }
        var coef = Matrix(rows: n, columns: nrhs)
        var rss = Array(repeating: 0.0, count: nrhs)
        for j in 0..<nrhs {
            for i in 0..<n { coef.elements[i + j * n] = rhs.elements[i + j * m] }
            // dgels leaves the residual's rotated components in rows n..<m.
            var s = 0.0
            for i in n..<m { s += rhs.elements[i + j * m] * rhs.elements[i + j * m] }
            rss[j] = s
        }
        self.coefficients = coef
        self.residualSumOfSquares = rss
    }

    /// Convenience for one right-hand side: the coefficient vector.
    public static func solve(_ a: Matrix, _ b: [Double]) throws(LinearAlgebraError) -> [Double] {
        let rhs = try Matrix(rows: b.count, columns: 1, columnMajor: b)
        return try LeastSquares(a, rhs).coefficients.elements
    }
}
