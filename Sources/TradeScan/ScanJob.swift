import Declarations
import Detectors
import Foundation
import Report
import Scoring

/// What scan and score return: the accounting, the scores and where the report went.
public struct RunResult: Sendable {
    public var ingest: IngestResult
    /// Detector name → scores (row order of the table).
    public var scores: [(name: String, scores: [Double])]
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
        var clock = StageClock(log: options.log)
        let ingest = try Jobs.read(inputs, options: options)
        clock.lap("ingest")
        guard ingest.rejectRate <= options.maxRejectRate else {
            return try ReportFolder.writeRejected(ingest, options: options, out: out, stages: clock.stages)
        }
        let previous = try options.previous.map(PreviousFlags.read(folder:))
        let (suite, scores) = try DetectorSuite.fit(ingest.table, controls: options.controls, parties: options.parties,
                                                    weights: options.weights) { clock.lap($0) }
        return try ReportFolder.write(ingest: ingest, suite: suite, scores: scores, previous: previous, options: options,
                                      out: out, clock: &clock, command: "scan")
    }
}

/// `tradescan fit`: read history, fit every detector, write the model file.
public enum FitJob {
    public struct Result: Sendable {
        public var ingest: IngestResult
        public var detectors: [String]
        public var skipped: [(name: String, reason: String)]
        public var bytes: Int
        public var reported: Bool
        public var seconds: [(stage: String, seconds: Double)]
    }

    public static func run(_ inputs: [String], options: RunOptions, model path: String) throws -> Result {
        var clock = StageClock(log: options.log)
        let ingest = try Jobs.read(inputs, options: options)
        clock.lap("ingest")
        guard ingest.rejectRate <= options.maxRejectRate else {
            return Result(ingest: ingest, detectors: [], skipped: [], bytes: 0, reported: false, seconds: clock.stages)
        }
        let (suite, _) = try DetectorSuite.fit(ingest.table, controls: options.controls, parties: options.parties,
                                               weights: options.weights) { clock.lap($0) }
        let bytes = try ModelFile.encode(suite)
        try AtomicFile.write(bytes, to: path)
        clock.lap("write model")
        return Result(ingest: ingest, detectors: suite.names, skipped: suite.skipped, bytes: bytes.count, reported: true, seconds: clock.stages)
    }
}

/// `tradescan score`: read today's feed, score it with a fitted model, report.
public enum ScoreJob {
    public static func run(_ inputs: [String], model path: String, options: RunOptions, out: String) throws -> RunResult {
        var clock = StageClock(log: options.log)
        var suite = try ModelFile.decode(try InputFile.read(path), source: path)
        if !options.weights.isEmpty { suite.risk = try suite.risk.reweighted(options.weights) }
        clock.lap("read model")
        let ingest = try Jobs.read(inputs, options: options)
        clock.lap("ingest")
        guard ingest.rejectRate <= options.maxRejectRate else {
            return try ReportFolder.writeRejected(ingest, options: options, out: out, stages: clock.stages)
        }
        try ModelFile.check(suite, against: ingest.table, source: path)
        let previous = try options.previous.map(PreviousFlags.read(folder:))
        let scores = suite.score(ingest.table) { clock.lap($0) }
        return try ReportFolder.write(ingest: ingest, suite: suite, scores: scores, previous: previous, options: options,
                                      out: out, clock: &clock, command: "score with model \(path)")
    }
}

enum Jobs {
    /// Ingest with the progress bar hooked in.
    static func read(_ inputs: [String], options: RunOptions) throws -> IngestResult {
        var ingestOptions = options.ingest
        if let log = options.log {
            let sizes = ((try? Ingest.expand(inputs)) ?? []).map { path -> Int in
                ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
            }
            ingestOptions.progress = { log.ingest($0, fileSizes: sizes) }
        }
        return try Ingest.read(inputs, options: ingestOptions)
    }
}

/// One file written so that readers see the old file or the whole new one.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        let file = try OutputFile(path: temp.path)
        do {
            try file.write(bytes)
            try file.close()
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw error
        }
        guard rename(temp.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temp)
            throw OutputFileError(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
