import ArgumentParser
import Declarations
import LinearAlgebra
import TradeScan

struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit the detectors on history and write a model file (the nightly case, step one).",
        discussion: """
            Reads history as scan does, fits every detector whose fields it has and \
            the risk model (each detector's background), and writes FILE: JSON with \
            a format version, the schema (the canonical fields of the history and \
            their hash) and every fitted detector. Then score today's feed with \
            'tradescan score <new…> --model FILE --out DIR'. On the same data, fit \
            then score ranks exactly as scan does.

            When history has inspection outcomes (an outcome column through the \
            mapping, or --labels FILE), fit also trains the outcome model: risk \
            profiles, logistic regression and an embedding network, chosen on a \
            time-ordered validation split (README "Learning from inspection \
            outcomes"). Today's files need no outcome column.

            The file is written to a temporary sibling and renamed into place.

            Example: tradescan fit data/history/ --parties lists/parties.csv --model model.json
            Example: tradescan fit train.csv --mapping Fixtures/mappings/kcs-imports.json --model kcs.json
            """
    )

    @Argument(help: "History: declaration files, folders, or - for standard input.")
    var inputs: [String]

    @OptionGroup var ingest: IngestOptionGroup
    @OptionGroup var weights: WeightOptionGroup
    @OptionGroup var learning: LearningOptionGroup

    @Option(help: "Seed of the outcome model's folds, training sample and network (same seed, same model).")
    var seed: UInt64 = 1

    @Option(help: "Model file to write (replaced if it exists).")
    var model: String

    func run() throws {
        BLASThreading.runSingleThreaded()
        let log = ProgressLog(quiet: ingest.quiet)
        let result = try RunReport.run(log) {
            let options = learning.apply(to: try ingest.runOptions(report: nil, weights: weights, log: log), seed: seed)
            return try FitJob.run(inputs, options: options, model: model)
        }
        var err = StandardError()
        log.finish()
        if !ingest.quiet {
            print(IngestSummary.text(result.ingest, verbose: ingest.verbose), terminator: "", to: &err)
            print(IngestSummary.examples(result.ingest, all: .notWritten("run 'tradescan validate' on the history with --out DIR")), terminator: "", to: &err)
            for (name, why) in result.skipped { print("detector \(name) skipped: \(why)", to: &err) }
        }
        guard result.reported else {
            print(String(format: "error: %.4f%% of records were rejected, more than --max-reject-rate %.4f%%; no model written",
                         result.ingest.rejectRate * 100, ingest.maxRejectRate * 100), to: &err)
            throw ExitCode(65)
        }
        if !ingest.quiet {
            print("wrote \(model) (\(result.bytes) bytes): \(result.detectors.joined(separator: ", "))", to: &err)
            if let choice = result.outcomeChoice { print("outcome model: \(choice)", to: &err) }
        }
    }
}

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score new declarations with a fitted model and write the report (the nightly case, step two).",
        discussion: """
            Reads today's feed, checks that it has the fields the model was fitted \
            on (the schema hash; a mismatch names the fields and exits 65), scores \
            every row with the fitted detectors and writes the same report folder \
            as scan (see 'tradescan scan --help'). Lanes are drawn over today's rows. \
            --previous DIR marks each red or amber flag new or repeated against an \
            earlier report.

            Example: tradescan score data/today.csv --model model.json --out reports/today --previous reports/yesterday
            """
    )

    @Argument(help: "New declarations: files, folders, or - for standard input.")
    var inputs: [String]

    @OptionGroup var ingest: IngestOptionGroup
    @OptionGroup var report: ReportOptionGroup
    @OptionGroup var weights: WeightOptionGroup

    @Option(help: "Model file written by 'tradescan fit'.")
    var model: String

    @Option(help: "Folder to write the report into: replaced whole if it exists, so it must be new, empty, or hold only an earlier run's outputs.")
    var out: String

    func run() throws {
        BLASThreading.runSingleThreaded()
        let log = ProgressLog(quiet: ingest.quiet)
        let result = try RunReport.run(log) {
            try ScoreJob.run(inputs, model: model, options: try ingest.runOptions(report: report, weights: weights, log: log), out: out)
        }
        try RunReport.finish(result, out: out, ingest: ingest, log: log)
    }
}
