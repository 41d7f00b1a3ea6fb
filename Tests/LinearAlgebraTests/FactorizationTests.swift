import LinearAlgebra
import TestSupport
import Testing

@Suite("LAPACK factorisations")
struct FactorizationTests {
    @Test("L Lᵀ reproduces A and solves match", arguments: [1, 2, 5, 17, 64] as [Int])
    func choleskyIdentity(n: Int) throws {
        var rng = SeededRandom(seed: UInt64(100 + n))
        let a = Oracle.randomSPD(n, using: &rng)
        let chol = try Cholesky(a)
        #expect(relativeError(Oracle.product(chol.lower, chol.lower.transposed()), a) < 1e-13)
        let b = Oracle.randomMatrix(rows: n, columns: 3, using: &rng)
        let x = try chol.solve(b)
        #expect(relativeError(Oracle.product(a, x), b) < 1e-11)
    }

    struct BadMatrix: Sendable, CustomTestStringConvertible {
        var name: String
        var rows: [[Double]]
        var minor: Int
        var testDescription: String { name }
    }

    @Test("matrices that are not positive definite give the typed error", arguments: [
        BadMatrix(name: "negative first pivot", rows: [[-1, 0], [0, 1]], minor: 1),
        BadMatrix(name: "zero matrix", rows: [[0, 0], [0, 0]], minor: 1),
        BadMatrix(name: "singular (rank 1)", rows: [[1, 1], [1, 1]], minor: 2),
        BadMatrix(name: "indefinite", rows: [[1, 2], [2, 1]], minor: 2),
    ])
    func notPositiveDefinite(_ c: BadMatrix) throws {
        #expect(throws: LinearAlgebraError.notPositiveDefinite(minor: c.minor)) {
            try Cholesky(try Matrix(c.rows))
        }
    }

    @Test("NaN or infinity in the lower triangle is a typed error", arguments: [
        [[1, 0], [0, Double.nan]], [[Double.nan, 0], [0, 1]], [[1, 0], [Double.infinity, 1]],
    ])
    func nonFinite(_ rows: [[Double]]) throws {
        #expect(throws: LinearAlgebraError.nonFinite(operation: "Cholesky (potrf)")) {
            try Cholesky(try Matrix(rows))
        }
    }

    @Test("eigenvectors are orthonormal and A V = V Λ", arguments: [1, 3, 8, 40] as [Int])
    func eigenIdentity(n: Int) throws {
        var rng = SeededRandom(seed: UInt64(200 + n))
        let b = Oracle.randomMatrix(rows: n, columns: n, using: &rng)
        let a = Oracle.product(b, b.transposed())  // symmetric PSD
        let e = try SymmetricEigen(a)
        #expect(zip(e.values, e.values.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(relativeError(Oracle.product(e.vectors.transposed(), e.vectors), .identity(n)) < 1e-13)
        let av = Oracle.product(a, e.vectors)
        let vl = Oracle.product(e.vectors, .diagonal(e.values))
        #expect(relativeError(av, vl) < 1e-12)
    }

    @Test("eigendecomposition refuses NaN")
    func eigenNaN() throws {
        #expect(throws: LinearAlgebraError.nonFinite(operation: "SymmetricEigen (syevd)")) {
            try SymmetricEigen(try Matrix([[1, .nan], [.nan, 1]]))
        }
    }

    @Test("least squares recovers exact coefficients and several right-hand sides share one QR")
    func leastSquaresExact() throws {
        var rng = SeededRandom(seed: 300)
        let design = Oracle.randomMatrix(rows: 30, columns: 4, using: &rng)
        let truth = Oracle.randomMatrix(rows: 4, columns: 3, using: &rng)
        let y = Oracle.product(design, truth)
        let ls = try LeastSquares(design, y)
        #expect(relativeError(ls.coefficients, truth) < 1e-12)
        #expect(ls.residualSumOfSquares.allSatisfy { $0 < 1e-20 })
    }

    @Test("least squares residual is orthogonal to the design")
    func leastSquaresNormalEquations() throws {
        var rng = SeededRandom(seed: 301)
        let design = Oracle.randomMatrix(rows: 25, columns: 3, using: &rng)
        let y = (0..<25).map { _ in rng.normal() }
        let beta = try LeastSquares.solve(design, y)
        let fitted = try BLAS.gemv(design, beta)
        let resid = zip(y, fitted).map { $0 - $1 }
        let dtr = try BLAS.gemv(design, resid, transA: .transpose)
        #expect(dtr.allSatisfy { abs($0) < 1e-12 })
        let rss = resid.map { $0 * $0 }.reduce(0, +)
        #expect(Approximate.equal(try LeastSquares(design, try Matrix(rows: 25, columns: 1, columnMajor: y)).residualSumOfSquares[0], rss, relative: 1e-10))
    }

    @Test("rank-deficient least squares gives the typed error")
    func leastSquaresSingular() throws {
        let design = try Matrix([[1, 2], [2, 4], [3, 6]])
        #expect(throws: LinearAlgebraError.singular(index: 2)) {
            try LeastSquares.solve(design, [1, 2, 3])
        }
        #expect(throws: LinearAlgebraError.nonFinite(operation: "LeastSquares (gels)")) {
            try LeastSquares.solve(.identity(2), [1, .infinity])
        }
    }
}
