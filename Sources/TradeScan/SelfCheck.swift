import LinearAlgebra

/// A small BLAS/LAPACK computation with known exact answers, run on demand to
/// prove that the numerical stack is installed, linked and correct on this
/// machine (`tradescan self-check`).
public struct SelfCheck: Sendable {
    /// One computation and its verdict.
    public struct Check: Sendable, Hashable {
        /// What was computed, with the routine that computed it.
        public var name: String
        /// The result, formatted for reading.
        public var result: String
        /// The exact answer, formatted the same way.
        public var expected: String
        /// Largest absolute error against the exact answer.
        public var maxError: Double
        /// Whether `maxError` is within tolerance and nothing threw.
        public var passed: Bool
    }

    /// The checks, in the order run.
    public var checks: [Check]
    /// OpenBLAS's description of itself.
    public var configuration: BLASConfiguration

    /// `true` when every check passed.
    public var passed: Bool { checks.allSatisfy(\.passed) }

    /// Tolerance on absolute error; the inputs are small integers with exact answers.
    public static let tolerance = 1e-10

    /// Runs every check. Never throws: a failure is recorded as a failed check.
    public static func run() -> SelfCheck {
        var checks: [Check] = []
        func record(_ name: String, expected: [Double], _ compute: () throws(LinearAlgebraError) -> [Double]) {
            do {
                let got = try compute()
                let err = got.count == expected.count
                    ? zip(got, expected).map { abs($0 - $1) }.max() ?? 0
                    : .infinity
                checks.append(Check(
                    name: name, result: format(got), expected: format(expected),
                    maxError: err, passed: err <= tolerance))
            } catch {
                checks.append(Check(
                    name: name, result: "error: \(error)", expected: format(expected),
                    maxError: .infinity, passed: false))
            }
        }

        // A = L Lᵀ with L = [[2,0,0],[6,1,0],[-8,5,3]] (a textbook example with an exact factor).
        let spd = try! Matrix([[4, 12, -16], [12, 37, -43], [-16, -43, 98]])
        record("gemm: [[1,2],[3,4]] × [[5,6],[7,8]]", expected: [19, 22, 43, 50]) { () throws(LinearAlgebraError) in
            let p = try BLAS.gemm(try Matrix([[1, 2], [3, 4]]), try Matrix([[5, 6], [7, 8]]))
            return p.rowList.flatMap { $0 }
        }
        record("potrf: Cholesky factor of [[4,12,-16],[12,37,-43],[-16,-43,98]]",
               expected: [2, 0, 0, 6, 1, 0, -8, 5, 3]) { () throws(LinearAlgebraError) in
            try Cholesky(spd).lower.rowList.flatMap { $0 }
        }
        record("potrs: solve A x = A·(1,2,3)", expected: [1, 2, 3]) { () throws(LinearAlgebraError) in
            let b = try BLAS.gemv(spd, [1, 2, 3])
            return try Cholesky(spd).solve(b)
        }
        record("syevd: eigenvalues of [[2,1,0],[1,2,0],[0,0,5]]", expected: [1, 3, 5]) { () throws(LinearAlgebraError) in
            try SymmetricEigen(try Matrix([[2, 1, 0], [1, 2, 0], [0, 0, 5]])).values
        }
        record("gels: line through (t, 1 + 2t), t = 0…4", expected: [1, 2]) { () throws(LinearAlgebraError) in
            let design = try Matrix((0..<5).map { [1, Double($0)] })
            return try LeastSquares.solve(design, (0..<5).map { 1 + 2 * Double($0) })
        }
        record("potrf + trsm: Mahalanobis² of (0,0), (2,0), (0,3) against μ = 0, Σ = diag(1, 9)",
               expected: [0, 4, 1]) { () throws(LinearAlgebraError) in
            let batch = try Matrix([[0, 0], [2, 0], [0, 3]])
            return try Mahalanobis.squaredDistances(batch, location: [0, 0], scatter: .diagonal([1, 9]))
        }
        record("syrk + merge: covariance of (1,2), (3,6), (5,10), merged from two batches",
               expected: [4, 8, 8, 16]) { () throws(LinearAlgebraError) in
            var m = Moments(batch: try Matrix([[1, 2]]))
            try m.add(try Matrix([[3, 6], [5, 10]]))
            return (m.covariance() ?? Matrix(rows: 0, columns: 0)).rowList.flatMap { $0 }
        }
        return SelfCheck(checks: checks, configuration: BLASThreading.configuration)
    }

    private static func format(_ values: [Double]) -> String {
        "[" + values.map { v in
            let r = v.rounded()
            return abs(v - r) < 1e-9 ? String(Int(r)) : String(v)
        }.joined(separator: ", ") + "]"
    }
}
