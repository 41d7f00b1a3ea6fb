import Benchmark
import Foundation
import Synthetic

/// `tradescan generate` throughput: rows and MB written per second on all cores.
/// Checks its answer: every row written, about 1% planted, every pattern present.
let benchmarks: @Sendable () -> Void = {
    let rows = 500_000
    let rowsPerSecond = BenchmarkMetric.custom("rows_per_s", polarity: .prefersLarger, useScalingFactor: false)
    let megabytesPerSecond = BenchmarkMetric.custom("MB_per_s", polarity: .prefersLarger, useScalingFactor: false)
    let config = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident, rowsPerSecond, megabytesPerSecond],
        maxDuration: .seconds(10), maxIterations: 5)

    Benchmark("generate_500k_rows", configuration: config) { benchmark in
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tradescan-bench-generate").path
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let start = ContinuousClock.now
        let summary = try Generator.run(GeneratorOptions(rows: rows, seed: 1), into: dir)
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        benchmark.measurement(rowsPerSecond, Int(Double(rows) / seconds))
        benchmark.measurement(megabytesPerSecond, Int(Double(summary.bytes) / seconds / 1e6))
        let planted = summary.patternCounts.values.reduce(0, +)
        precondition(summary.rows == rows && planted > rows / 130 && planted < rows / 80, "wrong answer: \(planted) planted of \(rows)")
        precondition(summary.patternCounts.count == Pattern.allCases.count, "a pattern is missing")
        blackHole(summary)
    }
}
