import Benchmark
import BenchmarkSupport
import LinearAlgebra

/// Batched BLAS against a per-row loop on the same data: the reason the
/// detectors score whole groups with one triangular solve.
///
/// Data: 200,000 rows × 4 features from a fixed linear mix of a seeded
/// pseudo-random source (no files). Each benchmark checks its answer: scored
/// against the sample mean and covariance, squared distances sum to (n − 1)·d.
let benchmarks: @Sendable () -> Void = {
    let n = 200_000
    let d = 4
    let data = Data.rows(n, d)
    let moments = Moments(batch: data)
    let location = moments.mean
    let scatter = moments.covariance()!
    let expectedSum = Double(n - 1) * Double(d)

    let config = Tolerances.configuration([.wallClock, .mallocCountTotal, Rate.rows], maxSeconds: 3, maxIterations: 50)

    func report(_ benchmark: Benchmark, rows: Int, since start: ContinuousClock.Instant) {
        Rate.report(benchmark, Rate.rows, count: Double(rows), since: start)
    }

    func check(_ distances: [Double]) {
        let sum = distances.reduce(0, +)
        precondition(abs(sum - expectedSum) <= 1e-6 * expectedSum, "wrong answer: Σd² = \(sum), expected \(expectedSum)")
    }

    Benchmark("mahalanobis_batched_trsm", configuration: config) { benchmark in
        let start = ContinuousClock.now
        let model = try Mahalanobis(location: location, scatter: scatter)
        let distances = try model.squaredDistances(data)
        report(benchmark, rows: n, since: start)
        check(distances)
        blackHole(distances)
    }

    Benchmark("mahalanobis_per_row_potrs", configuration: config) { benchmark in
        let start = ContinuousClock.now
        let chol = try Cholesky(scatter)
        var distances = [Double](repeating: 0, count: n)
        var diff = [Double](repeating: 0, count: d)
        for i in 0..<n {
            for j in 0..<d { diff[j] = data[i, j] - location[j] }
            let y = try chol.solve(diff)
            var s = 0.0
            for j in 0..<d { s += diff[j] * y[j] }
            distances[i] = s
        }
        report(benchmark, rows: n, since: start)
        check(distances)
        blackHole(distances)
    }

    Benchmark("moments_batches_of_8192", configuration: config) { benchmark in
        let batches = Data.batches(of: data, size: 8192)
        let start = ContinuousClock.now
        var m = Moments(dimension: d)
        for b in batches { try m.add(b) }
        report(benchmark, rows: n, since: start)
        precondition(m.count == n && zip(m.mean, location).allSatisfy { abs($0 - $1) < 1e-9 * (1 + abs($1)) },
                     "wrong answer: merged mean \(m.mean) vs \(location)")
        blackHole(m)
    }
}

enum Data {
    /// Deterministic correlated rows: a fixed mix of SplitMix64 uniforms.
    static func rows(_ n: Int, _ d: Int) -> Matrix {
        var state: UInt64 = 0x5EED
        func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) * 0x1p-53 - 0.5
        }
        var m = Matrix(rows: n, columns: d)
        for i in 0..<n {
            let u = (0..<d).map { _ in uniform() }
            for j in 0..<d {
                var s = Double(j) * 10
                for k in 0...j { s += u[k] * Double(k + 1) }
                m[i, j] = s
            }
        }
        return m
    }

    static func batches(of m: Matrix, size: Int) -> [Matrix] {
        stride(from: 0, to: m.rows, by: size).map { start in
            let end = min(start + size, m.rows)
            var b = Matrix(rows: end - start, columns: m.columns)
            for j in 0..<m.columns { for i in start..<end { b[i - start, j] = m[i, j] } }
            return b
        }
    }
}
