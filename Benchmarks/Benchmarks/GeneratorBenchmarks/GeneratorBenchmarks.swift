import Benchmark
import BenchmarkSupport
import Foundation
import Synthetic

/// `tradescan generate` throughput: rows and MB written per second on all cores.
/// Checks its answer: every row written, about 1% planted, every pattern present.
let benchmarks: @Sendable () -> Void = {
    let rows = 500_000
    let config = Tolerances.configuration([.wallClock, .mallocCountTotal, .peakMemoryResident, Rate.rows, Rate.megabytes],
                                          maxSeconds: 10, maxIterations: 5)

    Benchmark("generate_500k_rows", configuration: config) { benchmark in
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tradescan-bench-generate").path
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let start = ContinuousClock.now
        let summary = try Generator.run(GeneratorOptions(rows: rows, seed: 1), into: dir)
        Rate.report(benchmark, Rate.rows, count: Double(rows), since: start)
        Rate.report(benchmark, Rate.megabytes, count: Double(summary.bytes) / 1e6, since: start)
        let planted = summary.patternCounts.values.reduce(0, +)
        precondition(summary.rows == rows && planted > rows / 130 && planted < rows / 80, "wrong answer: \(planted) planted of \(rows)")
        precondition(summary.patternCounts.count == Pattern.allCases.count, "a pattern is missing")
        blackHole(summary)
    }
}
