import Detectors
import LinearAlgebra

/// L2-regularised logistic regression fitted by Newton's method (IRLS).
///
/// Each step solves `(Xᵀ W X + λ I) Δ = Xᵀ (y − p) − λ β` by Cholesky (LAPACK
/// `dpotrf`/`dpotrs`); `Xᵀ W X` is one `dsyrk` over the rows scaled by `√w`.
/// The intercept is not penalised. A step that does not raise the penalised
/// log-likelihood is halved. Columns of `X` should be standardised.
public struct LogisticRegression: Codable, Sendable, Equatable {
    public var intercept: Double
    public var weights: [Double]
    /// Newton steps taken.
    public var iterations: Int

    public init(intercept: Double, weights: [Double], iterations: Int = 0) {
        self.intercept = intercept
        self.weights = weights
        self.iterations = iterations
    }

    /// Fits on `x` (n × d, column-major) and `y` (0 or 1).
    public static func fit(_ x: Matrix, _ y: [Double], lambda: Double = 1, maxIterations: Int = 30,
                           tolerance: Double = 1e-7) throws(LinearAlgebraError) -> LogisticRegression {
        precondition(y.count == x.rows, "one label per row")
        let n = x.rows, d = x.columns
        let xa = try Matrix(rows: n, columns: d + 1, columnMajor: [Double](repeating: 1, count: n) + x.elements)
        var beta = [Double](repeating: 0, count: d + 1)
        let mean = y.reduce(0, +) / Double(max(n, 1))
        beta[0] = Math.log(max(mean, 1e-6) / max(1 - mean, 1e-6))

        func objective(_ b: [Double]) throws(LinearAlgebraError) -> (value: Double, z: [Double]) {
            let z = try BLAS.gemv(xa, b)
            var ll = 0.0
            for i in 0..<n { ll += y[i] * z[i] - softplus(z[i]) }
            var pen = 0.0
            for j in 1..<b.count { pen += b[j] * b[j] }
            return (ll - 0.5 * lambda * pen, z)
        }

        var (current, z) = try objective(beta)
        var iterations = 0
        var scaled = xa.elements
        for _ in 0..<maxIterations {
            iterations += 1
            var residual = [Double](repeating: 0, count: n)
            var root = [Double](repeating: 0, count: n)
            for i in 0..<n {
                let p = sigmoid(z[i])
                residual[i] = y[i] - p
                root[i] = max(p * (1 - p), 1e-10).squareRoot()
            }
            for j in 0...d {
                let o = j * n
                for i in 0..<n { scaled[o + i] = xa.elements[o + i] * root[i] }
            }
            var h = BLAS.syrk(try Matrix(rows: n, columns: d + 1, columnMajor: scaled))
            var g = try BLAS.gemv(xa, residual, transA: .transpose)
            for j in 0..<d {
                h[j + 1, j + 1] += lambda
                g[j + 1] -= lambda * beta[j + 1]
            }
            h[0, 0] += 1e-9
            let step = try Cholesky(h).solve(g)
            var t = 1.0
            var accepted = false
            for _ in 0..<12 {
                let candidate = zip(beta, step).map { $0 + t * $1 }
                let (value, zc) = try objective(candidate)
                if value >= current - 1e-12 {
                    beta = candidate
                    z = zc
                    let gain = value - current
                    current = value
                    accepted = true
                    if gain < tolerance * (1 + abs(value)) { return LogisticRegression(intercept: beta[0], weights: Array(beta[1...]), iterations: iterations) }
                    break
                }
                t /= 2
            }
            if !accepted { break }
        }
        return LogisticRegression(intercept: beta[0], weights: Array(beta[1...]), iterations: iterations)
    }

    /// Log-odds per row of `x` (n × d).
    public func logits(_ x: Matrix) throws(LinearAlgebraError) -> [Double] {
        try BLAS.gemv(x, weights, beta: 1, adding: [Double](repeating: intercept, count: x.rows))
    }
}

@inline(__always) func sigmoid(_ z: Double) -> Double {
    z >= 0 ? 1 / (1 + Math.exp(-z)) : { let e = Math.exp(z); return e / (1 + e) }()
}

/// `log(1 + eᶻ)` without overflow.
@inline(__always) func softplus(_ z: Double) -> Double {
    z > 30 ? z : (z < -30 ? Math.exp(z) : Math.log1p(Math.exp(z)))
}
