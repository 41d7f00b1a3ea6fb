import Benchmark
import BenchmarkSupport
import Declarations
import Detectors
import Foundation
import Learning

/// Training the outcome model on the KCS data (../shared/datasets/kcs): fit on
/// 2020 (37,385 rows, with the time-ordered validation that picks smoothing,
/// network and blend, then the refit on all history), in rows/s, with peak
/// resident memory and allocations. The answer is checked: scored on 2021-Q1,
/// precision@5% must be at least 0.87 (the target).
let benchmarks: @Sendable () -> Void = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    // $KCS_DIR when set (as Scripts/kcs.sh and the tests read it), else ../shared/datasets/kcs.
    let kcs = ProcessInfo.processInfo.environment["KCS_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        ?? root.deletingLastPathComponent().appendingPathComponent("shared/datasets/kcs").path
    let mapping = try! JSONDecoder().decode(MappingFile.self, from: Data(contentsOf: root.appendingPathComponent("Fixtures/mappings/kcs-imports.json")))
    let train = try! Ingest.read([kcs + "/df_syn_train_eng.csv"], options: IngestOptions(mapping: mapping)).table
    let valid = try! Ingest.read([kcs + "/df_syn_valid_eng.csv"], options: IngestOptions(mapping: mapping)).table
    let unitValue = try! UnitValueDetector().fit(train)
    let trainScores = ["unit_value": unitValue.anomalyScores(train)]
    let validScores = ["unit_value": unitValue.anomalyScores(valid)]
    let zero = [Double](repeating: 0, count: train.count)

    func precision(at fraction: Double, _ scores: [Double], _ outcome: [Int8]) -> Double {
        let k = Int((Double(scores.count) * fraction).rounded())
        let top = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }.prefix(k)
        return Double(top.filter { outcome[$0] > 0 }.count) / Double(k)
    }

    let config = Tolerances.configuration([.wallClock, .peakMemoryResident, .mallocCountTotal, Rate.rows], maxSeconds: 30, maxIterations: 3)
    func report(_ b: Benchmark, _ start: ContinuousClock.Instant, rows: Int) {
        Rate.report(b, Rate.rows, count: Double(rows), since: start)
    }

    for network in [true, false] {
        Benchmark(network ? "outcome_model_fit_kcs" : "outcome_model_fit_kcs_logistic_only", configuration: config) { b in
            var options = OutcomeModel.Options()
            options.network = network
            let start = ContinuousClock.now
            let (model, _) = try OutcomeModel.fit(train, outcome: train.outcome!, scores: trainScores, unsupervised: zero, options: options)
            report(b, start, rows: train.count)
            let p5 = precision(at: 0.05, try model.scores(valid, detectorScores: validScores), valid.outcome!)
            precondition(p5 >= 0.87, "wrong answer: precision@5% \(p5)")
            blackHole(model)
        }
    }

    let model = try! OutcomeModel.fit(train, outcome: train.outcome!, scores: trainScores, unsupervised: zero).0
    Benchmark("outcome_model_score_kcs", configuration: config) { b in
        let start = ContinuousClock.now
        let s = try model.scores(valid, detectorScores: validScores)
        report(b, start, rows: valid.count)
        precondition(precision(at: 0.05, s, valid.outcome!) >= 0.87, "wrong answer")
        blackHole(s)
    }
}
