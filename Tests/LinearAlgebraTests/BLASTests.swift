import LinearAlgebra
import TestSupport
import Testing

@Suite("BLAS wrappers")
struct BLASTests {
    @Test("gemm matches the triple loop for every transpose combination", arguments: [
        (Transpose.none, Transpose.none), (.transpose, .none), (.none, .transpose), (.transpose, .transpose),
    ])
    func gemmTransposes(transA: Transpose, transB: Transpose) throws {
        var rng = SeededRandom(seed: 11)
        let a0 = Oracle.randomMatrix(rows: 7, columns: 5, using: &rng)
        let b0 = Oracle.randomMatrix(rows: 5, columns: 4, using: &rng)
        let a = transA == .none ? a0 : a0.transposed()
        let b = transB == .none ? b0 : b0.transposed()
        let got = try BLAS.gemm(a, b, transA: transA, transB: transB)
        #expect(relativeError(got, Oracle.product(a0, b0)) < 1e-14)
    }

    @Test("gemm adds beta·C")
    func gemmBeta() throws {
        var rng = SeededRandom(seed: 12)
        let a = Oracle.randomMatrix(rows: 3, columns: 3, using: &rng)
        let c = Oracle.randomMatrix(rows: 3, columns: 3, using: &rng)
        let got = try BLAS.gemm(a, .identity(3), alpha: 2, beta: -1, adding: c)
        for k in got.elements.indices {
            #expect(Approximate.equal(got.elements[k], 2 * a.elements[k] - c.elements[k], relative: 1e-15, absolute: 1e-15))
        }
    }

    @Test("gemv matches the triple loop, transposed or not")
    func gemv() throws {
        var rng = SeededRandom(seed: 13)
        let a = Oracle.randomMatrix(rows: 6, columns: 4, using: &rng)
        let x = (0..<4).map { _ in Double.random(in: -1...1, using: &rng) }
        let y = (0..<6).map { _ in Double.random(in: -1...1, using: &rng) }
        let ax = Oracle.product(a, try Matrix(rows: 4, columns: 1, columnMajor: x)).elements
        #expect(Approximate.equal(try BLAS.gemv(a, x), ax, relative: 1e-14, absolute: 1e-15))
        let aty = Oracle.product(a.transposed(), try Matrix(rows: 6, columns: 1, columnMajor: y)).elements
        #expect(Approximate.equal(try BLAS.gemv(a, y, transA: .transpose), aty, relative: 1e-14, absolute: 1e-15))
    }

    @Test("syrk gives the symmetric Gram matrix")
    func syrk() throws {
        var rng = SeededRandom(seed: 14)
        let a = Oracle.randomMatrix(rows: 9, columns: 4, using: &rng)
        let g = BLAS.syrk(a)
        #expect(relativeError(g, Oracle.product(a.transposed(), a)) < 1e-14)
        #expect(g == g.transposed())
        let h = BLAS.syrk(a, transA: .none)
        #expect(relativeError(h, Oracle.product(a, a.transposed())) < 1e-14)
    }

    @Test("trsm solves lower and upper systems on either side")
    func trsm() throws {
        var rng = SeededRandom(seed: 15)
        let l = try Cholesky(Oracle.randomSPD(4, using: &rng)).lower
        let b = Oracle.randomMatrix(rows: 4, columns: 3, using: &rng)
        let x = try BLAS.trsm(l, .lower, b)
        #expect(relativeError(Oracle.product(l, x), b) < 1e-13)
        let u = l.transposed()
        let xu = try BLAS.trsm(u, .upper, b)
        #expect(relativeError(Oracle.product(u, xu), b) < 1e-13)
        let bt = b.transposed()  // 3×4: X Lᵀ = B
        let xr = try BLAS.trsm(l, .lower, bt, transA: .transpose, side: .right)
        #expect(relativeError(Oracle.product(xr, l.transposed()), bt) < 1e-13)
    }

    @Test("trsm with a zero pivot throws singular instead of returning infinities")
    func trsmSingular() throws {
        let l = try Matrix([[1, 0], [2, 0]])
        #expect(throws: LinearAlgebraError.singular(index: 2)) {
            try BLAS.trsm(l, .lower, .identity(2))
        }
    }

    struct ShapeCase: Sendable, CustomTestStringConvertible {
        var name: String
        var call: @Sendable () throws -> Void
        var testDescription: String { name }
    }

    @Test("shape mismatches are typed errors, never traps", arguments: [
        ShapeCase(name: "gemm inner") { _ = try BLAS.gemm(Matrix(rows: 2, columns: 3), Matrix(rows: 2, columns: 3)) },
        ShapeCase(name: "gemm C") { _ = try BLAS.gemm(.identity(2), .identity(2), adding: Matrix(rows: 3, columns: 2)) },
        ShapeCase(name: "gemv x") { _ = try BLAS.gemv(.identity(2), [1, 2, 3]) },
        ShapeCase(name: "gemv y") { _ = try BLAS.gemv(.identity(2), [1, 2], adding: [1]) },
        ShapeCase(name: "syrk update") { var c = Matrix.identity(3); try BLAS.syrkUpdate(&c, Matrix(rows: 4, columns: 2)) },
        ShapeCase(name: "trsm") { _ = try BLAS.trsm(.identity(3), .lower, Matrix(rows: 2, columns: 2)) },
        ShapeCase(name: "potrf square") { _ = try Cholesky(Matrix(rows: 2, columns: 3)) },
        ShapeCase(name: "potrs rows") { _ = try Cholesky(.identity(2)).solve([1, 2, 3]) },
        ShapeCase(name: "syevd square") { _ = try SymmetricEigen(Matrix(rows: 3, columns: 2)) },
        ShapeCase(name: "gels wide") { _ = try LeastSquares(Matrix(rows: 2, columns: 3), Matrix(rows: 2, columns: 1)) },
        ShapeCase(name: "gels rhs") { _ = try LeastSquares(.identity(3), Matrix(rows: 2, columns: 1)) },
        ShapeCase(name: "moments add") { var m = Moments(dimension: 3); try m.add(Matrix(rows: 2, columns: 2)) },
        ShapeCase(name: "moments merge") { var m = Moments(dimension: 3); try m.merge(Moments(dimension: 2)) },
        ShapeCase(name: "mahalanobis init") { _ = try Mahalanobis(location: [0, 0], scatter: .identity(3)) },
        ShapeCase(name: "mahalanobis batch") { _ = try Mahalanobis(location: [0, 0], scatter: .identity(2)).squaredDistances(.identity(3)) },
        ShapeCase(name: "matrix storage") { _ = try Matrix(rows: 2, columns: 2, columnMajor: [1, 2, 3]) },
        ShapeCase(name: "ragged rows") { _ = try Matrix([[1, 2], [3]]) },
    ])
    func shapeMismatch(_ c: ShapeCase) {
        do {
            try c.call()
            Issue.record("expected a dimension mismatch")
        } catch {
            guard case .dimensionMismatch? = error as? LinearAlgebraError else {
                Issue.record("expected dimensionMismatch, got \(error)")
                return
            }
        }
    }
}
