import Benchmark
import Foundation
import Synthetic

/// Generated benchmark data: `Benchmarks/data/bench-ROWS-vN` (git-ignored),
/// written once by the project's seeded generator (seed 1). N is
/// `Generator.outputVersion`, so a generator change regenerates instead of
/// reusing stale files.
public enum BenchData {
    /// With `dirty`, the generator's `--dirty` feed (`bench-ROWS-dirty-vN`): bad rows of every
    /// kind, stray quotes and repeated keys, listed in its bad_rows.csv.
    /// With `freeText`, the generator's `--free-text` feed (`bench-ROWS-freetext-vN`): nearly every
    /// description distinct, consignees under several spellings.
    public static func folder(rows: Int, dirty: Bool = false, freeText: Bool = false) -> String {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data/bench-\(rows)\(dirty ? "-dirty" : "")\(freeText ? "-freetext" : "")-v\(Generator.outputVersion)").path
        if !FileManager.default.fileExists(atPath: dir + "/declarations.csv") {
            try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            _ = try! Generator.run(GeneratorOptions(rows: rows, seed: 1, dirty: dirty, freeText: freeText), into: dir)
        }
        return dir
    }

    /// The rows of a dirty folder's bad_rows.csv that ingest must reject, by the generator's
    /// own account (`DirtyKind.expectedHandling`).
    public static func expectedRejects(dirtyFolder dir: String) -> Int {
        let text = try! String(contentsOfFile: dir + "/bad_rows.csv", encoding: .utf8)
        return text.split(separator: "\n").dropFirst().count { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            return fields.count > 3 && DirtyKind(rawValue: String(fields[3]))?.expectedHandling == "reject"
        }
    }

    /// The declarations file of `folder(rows:)`.
    public static func declarations(rows: Int) -> String { folder(rows: rows) + "/declarations.csv" }

    public static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? 0
    }
}

/// The domain rates every benchmark reports beside wall clock.
public enum Rate {
    public static let rows = BenchmarkMetric.custom("rows_per_s", polarity: .prefersLarger, useScalingFactor: false)
    public static let megabytes = BenchmarkMetric.custom("MB_per_s", polarity: .prefersLarger, useScalingFactor: false)

    public static func seconds(since start: ContinuousClock.Instant) -> Double {
        let e = start.duration(to: .now)
        return Double(e.components.seconds) + Double(e.components.attoseconds) * 1e-18
    }

    /// Records `count / seconds since start` as `metric`.
    public static func report(_ b: Benchmark, _ metric: BenchmarkMetric, count: Double, since start: ContinuousClock.Instant) {
        b.measurement(metric, Int(count / seconds(since: start)))
    }
}

/// The tolerances `Scripts/bench.sh --check` applies against the committed
/// static thresholds (`Benchmarks/Thresholds`, p90 of each metric):
///
/// - malloc counts: the hard gate, 10% (they are exact and repeatable here);
/// - wall clock: loose, 2× (launches on this VM vary up to 1.8×);
/// - peak resident memory: 30%;
/// - rates (rows/s, MB/s, …): half.
///
/// Every metric a benchmark records gets a tolerance: package-benchmark
/// compares a metric without one strictly, so any change would fail.
public enum Tolerances {
    public static func `for`(_ metrics: [BenchmarkMetric]) -> [BenchmarkMetric: BenchmarkThresholds] {
        var t: [BenchmarkMetric: BenchmarkThresholds] = [:]
        for m in metrics {
            let percent: Double
            switch m {
            case .mallocCountTotal: percent = 10
            case .wallClock, .cpuTotal: percent = 100
            case .peakMemoryResident: percent = 30
            default: percent = 50
            }
            t[m] = BenchmarkThresholds(relative: [.p50: percent, .p90: percent])
        }
        return t
    }

    /// A configuration with these tolerances for `metrics`.
    public static func configuration(_ metrics: [BenchmarkMetric], maxSeconds: Int, maxIterations: Int) -> Benchmark.Configuration {
        Benchmark.Configuration(metrics: metrics, maxDuration: .seconds(maxSeconds), maxIterations: maxIterations,
                                thresholds: Tolerances.for(metrics))
    }
}
