import LinearAlgebra
import TestSupport

/// Plain triple-loop reference implementations the BLAS wrappers are checked against.
enum Oracle {
    static func product(_ a: Matrix, _ b: Matrix) -> Matrix {
        var c = Matrix(rows: a.rows, columns: b.columns)
        for i in 0..<a.rows {
            for j in 0..<b.columns {
                var s = 0.0
                for k in 0..<a.columns { s += a[i, k] * b[k, j] }
                c[i, j] = s
            }
        }
        return c
    }

    static func randomMatrix(rows: Int, columns: Int, using rng: inout SeededRandom) -> Matrix {
        var m = Matrix(rows: rows, columns: columns)
        for i in 0..<rows { for j in 0..<columns { m[i, j] = Double.random(in: -1...1, using: &rng) } }
        return m
    }

    /// A random symmetric positive definite matrix `B Bᵀ + n I`.
    static func randomSPD(_ n: Int, using rng: inout SeededRandom) -> Matrix {
        let b = randomMatrix(rows: n, columns: n, using: &rng)
        var a = product(b, b.transposed())
        for i in 0..<n { a[i, i] += Double(n) }
        return a
    }

    /// Rows drawn from a correlated Gaussian: `x = μ + z Cᵀ` with `z` standard normal.
    static func correlatedRows(_ n: Int, mixing c: Matrix, location: [Double], using rng: inout SeededRandom) -> Matrix {
        let d = c.rows
        var x = Matrix(rows: n, columns: d)
        for i in 0..<n {
            let z = (0..<d).map { _ in rng.normal() }
            for r in 0..<d {
                var s = location[r]
                for k in 0..<d { s += c[r, k] * z[k] }
                x[i, r] = s
            }
        }
        return x
    }

    /// Concatenates the rows of several batches.
    static func stack(_ parts: [Matrix]) -> Matrix {
        let d = parts.first?.columns ?? 0
        let rows = parts.flatMap { p in (0..<p.rows).map { p.row($0) } }
        return rows.isEmpty ? Matrix(rows: 0, columns: d) : try! Matrix(rows)
    }

    /// Rows `range` of `m`.
    static func rows(_ m: Matrix, _ range: Range<Int>) -> Matrix {
        range.isEmpty ? Matrix(rows: 0, columns: m.columns) : try! Matrix(range.map { m.row($0) })
    }
}

/// Largest |a − b| over all elements, relative to the largest |b|.
func relativeError(_ a: Matrix, _ b: Matrix) -> Double {
    precondition(a.rows == b.rows && a.columns == b.columns)
    return Approximate.normwiseRelativeError(a.elements, b.elements)
}
