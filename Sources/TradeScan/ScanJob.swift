import Declarations
import Detectors
import Foundation
import Report
import Scoring

/// What scan and score return: the accounting, the scores and where the report went.
public struct RunResult: Sendable {
    public var ingest: IngestResult
    /// Detector name → scores (row order of the table).
    public var scores: [(name: String, scores: ScoreColumn)]
    /// Detectors skipped and why.
    public var skipped: [(name: String, reason: String)]
    /// Row indices, highest risk first.
    public var ranking: [Int]
    public var risk: [Double]
    public var lanes: Lanes?
    /// Whether the reject rate allowed a report.
    public var reported: Bool
    public var seconds: [(stage: String, seconds: Double)]
}

/// `tradescan scan`: read, fit every detector whose fields exist, score, rank, report.
public enum ScanJob {
    public static func run(_ inputs: [String], options: RunOptions, out: String) throws -> RunResult {
        try AtomicDirectory.checkReplaceable(out, files: AtomicDirectory.reportFiles)   // before the work, not after it
        var clock = StageClock(log: options.log)
        let ingest = try Jobs.read(inputs, options: options, output: out)
        clock.lap("ingest")
        guard ingest.rejectRate <= options.maxRejectRate else {
            return try ReportFolder.writeRejected(ingest, options: options, out: out, stages: clock.stages)
        }
        let previous = try options.previous.map(PreviousFlags.read(folder:))
        let (suite, scores) = try DetectorSuite.fit(ingest.table, controls: options.controls, parties: options.parties,
                                                    weights: options.weights, learning: options.learning,
                                                    stage: { clock.lap($0) }, part: { clock.part($0, seconds: $1) })
        return try ReportFolder.write(ingest: ingest, suite: suite, scores: scores, previous: previous, options: options,
                                      out: out, clock: &clock, command: "scan")
    }
}

/// Ingest with the progress bar hooked in.
enum Jobs {
    /// Reads `inputs`. With `writesRejects`, the rejected rows are kept for
    /// rejects.csv, those beyond what memory holds spilled beside `output` (the
    /// report folder), on the disk the results go to; else only counted, with
    /// the first of each reason as an example.
    static func read(_ inputs: [String], options: RunOptions, output: String? = nil, writesRejects: Bool = true) throws -> IngestResult {
        var ingestOptions = options.ingest
        ingestOptions.spillDirectory = ingestOptions.spillDirectory ?? output.map(spillDirectory(beside:))
        ingestOptions.keepRejectRows = writesRejects
        if let log = options.log {
            let sizes = ((try? Ingest.expand(inputs)) ?? []).map { path -> Int in
                ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
            }
            ingestOptions.progress = { log.ingest($0, fileSizes: sizes) }
        }
        var result = try Ingest.read(inputs, options: ingestOptions)
        if let labels = options.labels {
            let applied = try Labels.apply(labels, to: &result.table)
            options.log?.info("labels \(labels): \(applied.matched) keys matched (\(applied.positives) positive rows), \(applied.unmatched) not in the feed")
        }
        return result
    }

    /// The folder that holds `output` (made absolute, a symbolic link followed).
    static func spillDirectory(beside output: String) -> String {
        AtomicDirectory.resolved(output).deletingLastPathComponent().path
    }
}
