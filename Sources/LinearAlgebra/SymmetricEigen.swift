import CBLAS

/// The eigendecomposition `A = V diag(λ) Vᵀ` of a real symmetric matrix.
///
/// Used for principal axes, conditioning checks and the consistency steps of
/// robust scatter estimators. Only the lower triangle of the input is read.
public struct SymmetricEigen: Sendable, Codable, Hashable {
    /// Eigenvalues in ascending order.
    public let values: [Double]
    /// Orthonormal eigenvectors; column `j` belongs to `values[j]`.
    public let vectors: Matrix

    /// Decomposes `a`.
    ///
    /// The corresponding LAPACK routine is `dsyevd` (divide and conquer).
    /// - Throws: `.dimensionMismatch` when `a` is not square; `.nonFinite` when it
    ///   holds NaN or infinity; `.failedToConverge` when LAPACK's `info > 0`.
    public init(_ a: Matrix) throws(LinearAlgebraError) {
        guard a.isSquare else {
            throw .dimensionMismatch(operation: "SymmetricEigen (syevd)", detail: "matrix is \(a.rows)×\(a.columns), not square")
        }
        // dsyevd's behaviour on NaN is undefined (it may loop or return garbage).
        guard a.elements.allSatisfy({ $0.isFinite }) else { throw .nonFinite(operation: "SymmetricEigen (syevd)") }
        let n = a.rows
        var v = a
        var w = Array(repeating: 0.0, count: n)
        if n > 0 {
            let info = LAPACKE_dsyevd(
                LAPACK_COL_MAJOR, CChar(UInt8(ascii: "V")), Triangle.lower.lapack,
                LapackInt(n), &v.elements, LapackInt(n), &w)
            if info < 0 { throw .invalidArgument(routine: "dsyevd", position: Int(-info)) }
            if info > 0 { throw .failedToConverge(routine: "dsyevd", count: Int(info)) }
        }
        self.values = w
        self.vectors = v
    }

    /// Ratio of the largest to the smallest absolute eigenvalue (infinity when singular).
    public var conditionNumber: Double {
        guard let lo = values.map(abs).min(), let hi = values.map(abs).max() else { return 1 }
        return lo == 0 ? .infinity : hi / lo
    }
}
