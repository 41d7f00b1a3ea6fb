import LinearAlgebra
import TestSupport
import Testing

@Suite("batched Mahalanobis distances")
struct MahalanobisTests {
    static let mixing = try! Matrix([[3, 0, 0], [1, 0.5, 0], [-2, 0.1, 0.05]])

    func fitted(_ n: Int, seed: UInt64) throws -> (Matrix, [Double], Matrix) {
        var rng = SeededRandom(seed: seed)
        let x = Oracle.correlatedRows(n, mixing: Self.mixing, location: [10, -4, 2e3], using: &rng)
        let m = Moments(batch: x)
        return (x, m.mean, try #require(m.covariance()))
    }

    @Test("the location has distance 0")
    func locationIsZero() throws {
        let (_, mu, cov) = try fitted(100, seed: 1)
        let d = try Mahalanobis.squaredDistances(try Matrix([mu]), location: mu, scatter: cov)
        #expect(d == [0])
    }

    @Test("batch result equals a per-row solve Σ y = x − μ")
    func matchesPerRow() throws {
        let (x, mu, cov) = try fitted(80, seed: 2)
        let model = try Mahalanobis(location: mu, scatter: cov)
        let batch = try model.squaredDistances(x)
        let chol = try Cholesky(cov)
        for i in 0..<x.rows {
            let diff = zip(x.row(i), mu).map { $0 - $1 }
            let y = try chol.solve(diff)
            let d2 = zip(diff, y).map { $0 * $1 }.reduce(0, +)
            #expect(Approximate.equal(batch[i], d2, relative: 1e-9, absolute: 1e-12), "row \(i)")
        }
    }

    @Test("residuals given the other features equal (Σ⁻¹(x − μ))ⱼ / √(Σ⁻¹)ⱼⱼ from an explicit solve")
    func residualsMatchPerRow() throws {
        let (x, mu, cov) = try fitted(80, seed: 6)
        let model = try Mahalanobis(location: mu, scatter: cov)
        let (squared, residuals) = try model.distancesAndResiduals(x)
        #expect(Approximate.equal(squared, try model.squaredDistances(x), relative: 1e-12, absolute: 1e-12))
        let chol = try Cholesky(cov)
        let inverse = try chol.solve(Matrix.identity(3))
        #expect(Approximate.equal(chol.inverseDiagonal, (0..<3).map { inverse[$0, $0] }, relative: 1e-10))
        for i in 0..<x.rows {
            let diff = zip(x.row(i), mu).map { $0 - $1 }
            let y = try chol.solve(diff)
            for j in 0..<3 {
                let expected = y[j] / inverse[j, j].squareRoot()
                #expect(Approximate.equal(residuals[i, j], expected, relative: 1e-8, absolute: 1e-10), "row \(i) feature \(j)")
            }
        }
    }

    @Test("a shift in one feature shows in that feature's residual, not the others'")
    func residualPointsAtTheFeature() throws {
        let (_, mu, cov) = try fitted(2000, seed: 7)
        let chol = try Cholesky(cov)
        let sd = chol.inverseDiagonal.map { 1 / $0.squareRoot() }   // conditional standard deviations
        var x = mu
        x[1] += 6 * sd[1]
        let (_, r) = try Mahalanobis(location: mu, scatter: cov).distancesAndResiduals(try Matrix([x]))
        #expect(abs(r[0, 1] - 6) < 1e-9, "\(r)")
        #expect(abs(r[0, 1]) > abs(r[0, 0]) && abs(r[0, 1]) > abs(r[0, 2]))
    }

    @Test("distances are invariant under an affine change of the data", arguments: [3, 4, 5] as [UInt64])
    func affineInvariance(seed: UInt64) throws {
        let (x, mu, cov) = try fitted(60, seed: seed)
        var rng = SeededRandom(seed: seed &+ 1000)
        // y = A x + b with a well-conditioned random A.
        var a = Oracle.randomMatrix(rows: 3, columns: 3, using: &rng)
        for i in 0..<3 { a[i, i] += 3 }
        let b = [5.0, -7.0, 1e4]
        var y = try BLAS.gemm(x, a, transB: .transpose)
        for i in 0..<y.rows { for j in 0..<3 { y[i, j] += b[j] } }
        let mu2 = zip(try BLAS.gemv(a, mu), b).map { $0 + $1 }
        let cov2 = try BLAS.gemm(try BLAS.gemm(a, cov), a, transB: .transpose)
        let before = try Mahalanobis.squaredDistances(x, location: mu, scatter: cov)
        let after = try Mahalanobis.squaredDistances(y, location: mu2, scatter: cov2)
        #expect(Approximate.equal(before, after, relative: 1e-8, absolute: 1e-10))
        // And the re-estimated moments of y give the same distances too.
        let m2 = Moments(batch: y)
        let refit = try Mahalanobis.squaredDistances(y, location: m2.mean, scatter: try #require(m2.covariance()))
        #expect(Approximate.equal(before, refit, relative: 1e-7, absolute: 1e-9))
    }

    @Test("sample distances average d·(n−1)/n around their own mean")
    func averageDistance() throws {
        // Σᵢ d²ᵢ = (n−1)·d exactly when scored against the sample mean and covariance.
        let (x, mu, cov) = try fitted(500, seed: 9)
        let d = try Mahalanobis.squaredDistances(x, location: mu, scatter: cov)
        #expect(Approximate.equal(d.reduce(0, +), Double(x.rows - 1) * 3, relative: 1e-9))
    }

    @Test("a scatter that is not positive definite is a typed error")
    func singularScatter() throws {
        let cov = try Matrix([[1, 1, 0], [1, 1, 0], [0, 0, 1]])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(minor: 2)) {
            try Mahalanobis(location: [0, 0, 0], scatter: cov)
        }
    }

    @Test("an empty batch gives no distances")
    func emptyBatch() throws {
        let model = try Mahalanobis(location: [0, 0], scatter: .identity(2))
        #expect(try model.squaredDistances(Matrix(rows: 0, columns: 2)) == [])
    }
}
