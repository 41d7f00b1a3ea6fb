import Declarations
import Foundation
import Report
import Scoring

/// `tradescan score`: read today's feed, score it with a fitted model, report.
public enum ScoreJob {
    public static func run(_ inputs: [String], model path: String, options: RunOptions, out: String) throws -> RunResult {
        try AtomicDirectory.checkReplaceable(out, files: AtomicDirectory.reportFiles)   // before the work, not after it
        var clock = StageClock(log: options.log)
        var suite = try ModelFile.decode(try InputFile.read(path), source: path)
        if !options.weights.isEmpty { suite.risk = try suite.risk.reweighted(options.weights) }
        clock.lap("read model")
        let ingest = try Jobs.read(inputs, options: options, output: out)
        clock.lap("ingest")
        guard ingest.rejectRate <= options.maxRejectRate else {
            return try ReportFolder.writeRejected(ingest, options: options, out: out, stages: clock.stages)
        }
        try ModelFile.check(suite, against: ingest.table, source: path)
        let previous = try options.previous.map(PreviousFlags.read(folder:))
        let scores = try suite.score(ingest.table, stage: { clock.lap($0) }, part: { clock.part($0, seconds: $1) })
        return try ReportFolder.write(ingest: ingest, suite: suite, scores: scores, previous: previous, options: options,
                                      out: out, clock: &clock, command: "score with model \(path)")
    }
}
