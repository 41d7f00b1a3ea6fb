import Declarations
import Foundation
import Scoring

/// `tradescan fit`: read history, fit every detector, write the model file.
public enum FitJob {
    public struct Result: Sendable {
        public var ingest: IngestResult
        public var detectors: [String]
        public var skipped: [(name: String, reason: String)]
        public var bytes: Int
        public var reported: Bool
        public var seconds: [(stage: String, seconds: Double)]
        /// What the outcome model's time-ordered validation chose (nil: no outcome model).
        public var outcomeChoice: String?
    }

    public static func run(_ inputs: [String], options: RunOptions, model path: String) throws -> Result {
        try checkReplaceable(model: path, inputs: inputs)   // before the work, not after it
        var clock = StageClock(log: options.log)
        let ingest = try Jobs.read(inputs, options: options, writesRejects: false)   // a model, no rejects.csv
        clock.lap("ingest")
        guard ingest.rejectRate <= options.maxRejectRate else {
            return Result(ingest: ingest, detectors: [], skipped: [], bytes: 0, reported: false, seconds: clock.stages, outcomeChoice: nil)
        }
        // A model of nothing would score every later feed 0 without a word.
        guard ingest.table.count > 0 else {
            throw IngestError.noInput("no rows to fit on: \(ingest.recordsRead) records read, none accepted; fit needs history (see rejects with 'tradescan validate')")
        }
        let (suite, _) = try DetectorSuite.fit(ingest.table, controls: options.controls, parties: options.parties,
                                               weights: options.weights, learning: options.learning,
                                               stage: { clock.lap($0) }, part: { clock.part($0, seconds: $1) })
        let bytes = try ModelFile.encode(suite)
        try AtomicFile.write(bytes, to: path)
        clock.lap("write model")
        return Result(ingest: ingest, detectors: suite.names, skipped: suite.skipped, bytes: bytes.count, reported: true, seconds: clock.stages,
                      outcomeChoice: suite.outcome.map { $0.validation?.chosen ?? "defaults (too few labels for a time-ordered validation)" })
    }

    /// Throws unless `path` may be replaced by a model: it does not exist, or it is an
    /// earlier model. `fit history.csv --model history.csv` replaced the history.
    static func checkReplaceable(model path: String, inputs: [String]) throws {
        let target = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        let named = inputs.filter { $0 != "-" }.map { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path }
        if named.contains(target) { throw AtomicDirectoryError.notAModel(path: path, why: "it is one of the inputs") }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target, isDirectory: &isDir) else { return }
        guard !isDir.boolValue else { throw AtomicDirectoryError.notADirectory(path: path) }
        // A model is JSON: a file that does not start with "{" is something else, and is not read whole.
        guard let handle = FileHandle(forReadingAtPath: target) else { return }
        let first = (try? handle.read(upToCount: 1)) ?? nil
        try? handle.close()
        guard let first, !first.isEmpty else { return }
        var isModel = first.first == UInt8(ascii: "{")
        if isModel {
            // An earlier model of another format version, or a damaged one, is still ours to replace.
            do { _ = try ModelFile.decode(InputFile.read(target), source: path) } catch ModelFileError.notAModel { isModel = false } catch {}
        }
        guard isModel else { throw AtomicDirectoryError.notAModel(path: path, why: "it is not a TradeScan model file") }
    }
}
