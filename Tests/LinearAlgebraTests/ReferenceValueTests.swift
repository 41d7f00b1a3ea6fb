import LinearAlgebra
import TestSupport
import Testing

/// Results checked against values computed independently with mpmath at 60 digits
/// (Scripts/reference/linear_algebra_reference.py → Fixtures/linear-algebra/reference.json).
@Suite("reference values (mpmath)")
struct ReferenceValueTests {
    struct Reference: Decodable {
        struct SPD: Decodable {
            var a: [[Double]]
            var cholesky_lower: [[Double]]
            var rhs: [Double]
            var solution: [Double]
            var log_determinant: Double
            var eigenvalues: [Double]
        }
        struct NotPD: Decodable { var a: [[Double]]; var first_bad_minor: Int }
        struct LSQ: Decodable {
            var design: [[Double]]
            var target: [Double]
            var coefficients: [Double]
            var residual_sum_of_squares: Double
        }
        struct Gemm: Decodable { var a: [[Double]]; var b: [[Double]]; var product: [[Double]] }
        struct MomentsRef: Decodable {
            var data: [[Double]]
            var mean: [Double]
            var covariance: [[Double]]
            var probes: [[Double]]
            var mahalanobis_squared: [Double]
        }
        var spd: SPD
        var not_positive_definite: NotPD
        var least_squares: LSQ
        var gemm: Gemm
        var moments: MomentsRef
    }

    let ref: Reference = try! Fixtures.json("linear-algebra/reference.json")

    @Test("potrf factor, potrs solution and log-determinant")
    func cholesky() throws {
        let a = try Matrix(ref.spd.a)
        let chol = try Cholesky(a)
        #expect(relativeError(chol.lower, try Matrix(ref.spd.cholesky_lower)) < 1e-14)
        #expect(Approximate.equal(try chol.solve(ref.spd.rhs), ref.spd.solution, relative: 1e-13))
        #expect(Approximate.equal(chol.logDeterminant, ref.spd.log_determinant, relative: 1e-13))
    }

    @Test("syevd eigenvalues")
    func eigenvalues() throws {
        let e = try SymmetricEigen(try Matrix(ref.spd.a))
        #expect(Approximate.normwiseRelativeError(e.values, ref.spd.eigenvalues) < 1e-14)
    }

    @Test("potrf reports the first leading minor that is not positive")
    func notPositiveDefinite() throws {
        #expect(throws: LinearAlgebraError.notPositiveDefinite(minor: ref.not_positive_definite.first_bad_minor)) {
            try Cholesky(try Matrix(ref.not_positive_definite.a))
        }
    }

    @Test("gels coefficients and residual sum of squares")
    func leastSquares() throws {
        let ls = try LeastSquares(
            try Matrix(ref.least_squares.design),
            try Matrix(rows: ref.least_squares.target.count, columns: 1, columnMajor: ref.least_squares.target))
        #expect(Approximate.equal(ls.coefficients.elements, ref.least_squares.coefficients, relative: 1e-12))
        #expect(Approximate.equal(ls.residualSumOfSquares[0], ref.least_squares.residual_sum_of_squares, relative: 1e-11))
    }

    @Test("gemm product")
    func gemm() throws {
        let p = try BLAS.gemm(try Matrix(ref.gemm.a), try Matrix(ref.gemm.b))
        #expect(relativeError(p, try Matrix(ref.gemm.product)) < 1e-15)
    }

    @Test("moments of data far from zero, and Mahalanobis distances of probes")
    func moments() throws {
        let data = try Matrix(ref.moments.data)
        let m = Moments(batch: data)
        #expect(Approximate.equal(m.mean, ref.moments.mean, relative: 1e-15))
        let cov = try #require(m.covariance())
        #expect(relativeError(cov, try Matrix(ref.moments.covariance)) < 1e-10)
        let d2 = try Mahalanobis.squaredDistances(try Matrix(ref.moments.probes), location: m.mean, scatter: cov)
        #expect(Approximate.equal(d2, ref.moments.mahalanobis_squared, relative: 1e-8))
    }
}
