/// Squared Mahalanobis distances against a fixed (location, scatter) pair,
/// computed for whole batches.
///
/// With `Σ = L Lᵀ` (Cholesky), `d²(x) = (x − μ)ᵀ Σ⁻¹ (x − μ) = ‖L⁻¹(x − μ)‖²`.
/// A batch `X` (`n × d`) is centred, whitened by one triangular solve
/// `Z = (X − 1μᵀ) L⁻ᵀ` (BLAS `dtrsm`) and reduced to row sums of squares. There is
/// no per-row loop over BLAS calls: the scatter is factorised once, at `init`, and
/// each batch costs one `dtrsm`.
public struct Mahalanobis: Sendable, Codable, Hashable {
    /// The location `μ`.
    public let location: [Double]
    /// The Cholesky factor of the scatter `Σ`.
    public let factor: Cholesky

    /// Prepares scoring against `location` and `scatter`.
    ///
    /// The corresponding LAPACK routine is `dpotrf` (once).
    /// - Throws: `.dimensionMismatch` when the shapes disagree;
    ///   `.notPositiveDefinite` when the scatter is singular or indefinite.
    public init(location: [Double], scatter: Matrix) throws(LinearAlgebraError) {
        guard scatter.isSquare, scatter.rows == location.count else {
            throw .dimensionMismatch(
                operation: "Mahalanobis",
                detail: "location has \(location.count) elements, scatter is \(scatter.rows)×\(scatter.columns)")
        }
        self.location = location
        self.factor = try Cholesky(scatter)
    }

    /// Number of features.
    public var dimension: Int { location.count }

    /// Squared distances of the `n` rows of `batch` (`n × d`), in row order.
    ///
    /// The corresponding BLAS routine is `dtrsm`, called once for the batch.
    public func squaredDistances(_ batch: Matrix) throws(LinearAlgebraError) -> [Double] {
        var z = try centred(batch, operation: "Mahalanobis.squaredDistances")
        try factor.whitenRowsInPlace(&z)
        return Self.rowSquares(z)
    }

    /// Squared distances and, per row and feature, the standardised residual of
    /// that feature given all the others:
    /// `rᵢⱼ = (Σ⁻¹(xᵢ − μ))ⱼ / √(Σ⁻¹)ⱼⱼ`, which is standard normal under a normal
    /// model. It tells how far feature `j` lies from what the row's other features
    /// predict, so it points at the one feature that is off where the distance
    /// only says that something is.
    ///
    /// The corresponding BLAS routine is `dtrsm`: the whitening solve, then one
    /// more with `Lᵀ` for the whole batch.
    public func distancesAndResiduals(_ batch: Matrix) throws(LinearAlgebraError) -> (squared: [Double], residuals: Matrix) {
        var z = try centred(batch, operation: "Mahalanobis.distancesAndResiduals")
        try factor.whitenRowsInPlace(&z)
        let squared = Self.rowSquares(z)
        guard z.rows > 0, dimension > 0 else { return (squared, z) }
        // Z L⁻¹ = (X − 1μᵀ) Σ⁻¹: one more solve turns whitened rows into precision-weighted residuals.
        var w = try BLAS.trsm(factor.lower, .lower, z, transA: .none, side: .right)
        let scale = factor.inverseDiagonal.map { 1 / $0.squareRoot() }
        let n = w.rows
        w.elements.withUnsafeMutableBufferPointer { buf in
            for j in 0..<dimension { for i in (j * n)..<((j + 1) * n) { buf[i] *= scale[j] } }
        }
        return (squared, w)
    }

    private func centred(_ batch: Matrix, operation: String) throws(LinearAlgebraError) -> Matrix {
        guard batch.columns == dimension else {
            throw .dimensionMismatch(operation: operation, detail: "batch has \(batch.columns) columns, model has \(dimension)")
        }
        let n = batch.rows
        var z = batch
        z.elements.withUnsafeMutableBufferPointer { buf in
            for j in 0..<dimension {
                let mu = location[j]
                for i in (j * n)..<((j + 1) * n) { buf[i] -= mu }
            }
        }
        return z
    }

    private static func rowSquares(_ z: Matrix) -> [Double] {
        let n = z.rows
        var out = Array(repeating: 0.0, count: n)
        z.elements.withUnsafeBufferPointer { zb in
            out.withUnsafeMutableBufferPointer { ob in
                for j in 0..<z.columns {
                    let base = j * n
                    for i in 0..<n {
                        let v = zb[base + i]
                        ob[i] += v * v
                    }
                }
            }
        }
        return out
    }

    /// One-shot form: factorise `scatter` once and score the whole batch.
    public static func squaredDistances(
        _ batch: Matrix, location: [Double], scatter: Matrix
    ) throws(LinearAlgebraError) -> [Double] {
        try Mahalanobis(location: location, scatter: scatter).squaredDistances(batch)
    }
}
