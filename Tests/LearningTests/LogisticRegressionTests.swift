import Foundation
@testable import Learning
import LinearAlgebra
import TestSupport
import Testing

/// Rows with known coefficients: y ~ Bernoulli(σ(b0 + x·b)).
func logisticData(n: Int, coefficients: [Double], intercept: Double, seed: UInt64) throws -> (Matrix, [Double]) {
    var rng = SeededRandom(seed: seed)
    let d = coefficients.count
    var e = [Double](repeating: 0, count: n * d)
    var y = [Double](repeating: 0, count: n)
    for i in 0..<n {
        var z = intercept
        for j in 0..<d {
            let x = rng.normal()
            e[i + j * n] = x
            z += coefficients[j] * x
        }
        y[i] = Double.random(in: 0..<1, using: &rng) < 1 / (1 + exp(-z)) ? 1 : 0
    }
    return (try Matrix(rows: n, columns: d, columnMajor: e), y)
}

@Suite("LogisticRegression: IRLS over LAPACK")
struct LogisticRegressionTests {
    @Test("recovers the coefficients that generated the data", arguments: [
        ([1.0, -2.0, 0.5], -1.0), ([0.0, 3.0], 0.5), ([-0.7], -2.0),
    ])
    func recovers(coefficients: [Double], intercept: Double) throws {
        let (x, y) = try logisticData(n: 40_000, coefficients: coefficients, intercept: intercept, seed: 11)
        let m = try LogisticRegression.fit(x, y, lambda: 1e-6)
        #expect(abs(m.intercept - intercept) < 0.08, "intercept \(m.intercept)")
        for (w, c) in zip(m.weights, coefficients) { #expect(abs(w - c) < 0.08, "weight \(w) for \(c)") }
        #expect(m.iterations < 15)
    }

    @Test("at the solution the penalised gradient is zero", arguments: [0.01, 1.0, 100.0])
    func stationary(lambda: Double) throws {
        let (x, y) = try logisticData(n: 5_000, coefficients: [1, -1, 2, 0], intercept: 0.3, seed: 5)
        let m = try LogisticRegression.fit(x, y, lambda: lambda)
        let z = try m.logits(x)
        var g = [Double](repeating: 0, count: x.columns + 1)
        for i in 0..<x.rows {
            let r = y[i] - 1 / (1 + exp(-z[i]))
            g[0] += r
            for j in 0..<x.columns { g[j + 1] += r * x[i, j] }
        }
        for j in 0..<x.columns { g[j + 1] -= lambda * m.weights[j] }
        #expect(g.allSatisfy { abs($0) < 1e-4 * Double(x.rows) }, "gradient \(g)")
    }

    @Test("separable data gives finite weights under the penalty, larger λ smaller weights")
    func separable() throws {
        let n = 200
        let xs = (0..<n).map { Double($0) / Double(n) - 0.5 }
        let x = try Matrix(rows: n, columns: 1, columnMajor: xs)
        let y = xs.map { $0 > 0 ? 1.0 : 0.0 }
        let loose = try LogisticRegression.fit(x, y, lambda: 0.1), tight = try LogisticRegression.fit(x, y, lambda: 10)
        #expect(loose.weights[0].isFinite && loose.weights[0] > tight.weights[0] && tight.weights[0] > 0)
    }
}
