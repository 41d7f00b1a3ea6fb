import ArgumentParser
import Declarations
import LinearAlgebra
import TradeScan

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Fit the detectors on the inputs, score every row and write the ranked, explained report.",
        discussion: """
            The re-scoring and one-off case: read declarations (as validate does), \
            fit every detector whose fields the feed has, combine their scores into \
            one risk score, put rows into lanes by inspection budget and write into \
            DIR (a temporary sibling renamed into place):

              ranked.csv     every accepted row, highest risk first: rank, \
            declaration_id, item_no, risk_score, lane, exploration, previous, the \
            top reasons in words (explained rows), each detector's score, the key             fields, file, line
              ranked.jsonl   the explained rows (--explain: the red and amber lanes             by default), one JSON object each, with every reason's evidence
              parties.csv    exporters and consignees by aggregated risk: a party is
                             its id, or its name with the spellings folded (README)
              corridors.csv  item group x destination x month: baseline, observed, surge
              summary.md     inputs, accounting, model and options, time and memory per stage, top 20
              report.html    one self-contained page (no script, no network): summary, \
            charts, top declarations with reasons, parties
              rejects.csv    rows that could not be read, with file, line, field, reason

            Risk score = sum over detectors of weight x max(0, score - background), \
            in log10-odds units; a detector's background is its 99th percentile on \
            the fit data (README "One risk score"). Lanes: the top --inspect-rate \
            red, the next --amber-rate amber, the rest green; --explore fills that \
            share of the red lane with seeded random picks. Ties are broken by row \
            key, so the same input, options and seed give byte-identical files.

            Learning from outcomes: when the feed has an outcome column (through \
            the mapping) or --labels names one, a supervised ranker is fitted too \
            (README "Learning from inspection outcomes") and its log10-odds join \
            the risk score as the outcome_model term. Rows with a known outcome are \
            scored out of fold: no row's score uses its own label.

            On stderr, the accounting and the first rejected row of each reason \
            (file:line:column: error: message, the line, a hint). Exit 65 (with \
            rejects.csv and summary.md only) when the reject rate exceeds \
            --max-reject-rate.

            Example: tradescan scan data/demo/declarations.csv --parties data/demo/restricted_parties.csv --out data/scan
            """
    )

    @Argument(help: "Declaration files, folders, or - for standard input.")
    var inputs: [String]

    @OptionGroup var ingest: IngestOptionGroup
    @OptionGroup var report: ReportOptionGroup
    @OptionGroup var weights: WeightOptionGroup
    @OptionGroup var learning: LearningOptionGroup

    @Option(help: "Folder to write the report into: replaced whole if it exists, so it must be new, empty, or hold only an earlier run's outputs.")
    var out: String

    func run() throws {
        BLASThreading.runSingleThreaded()
        let log = ProgressLog(quiet: ingest.quiet)
        let result = try RunReport.run(log) {
            let options = learning.apply(to: try ingest.runOptions(report: report, weights: weights, log: log), seed: report.seed)
            return try ScanJob.run(inputs, options: options, out: out)
        }
        try RunReport.finish(result, out: out, ingest: ingest, log: log)
    }
}

/// What scan, fit and score share around their job.
enum RunReport {
    /// Runs a job; an error is printed on stderr and becomes its exit code (64 usage, 65 input, 1 internal).
    static func run<T>(_ log: ProgressLog, _ job: () throws -> T) throws -> T {
        do {
            return try job()
        } catch {
            log.finish()
            var err = StandardError()
            print(String(describing: error), to: &err)
            throw ExitCode(ErrorKind(error).exitCode)
        }
    }

    /// What scan and score print when they finish.
    static func finish(_ result: RunResult, out: String, ingest: IngestOptionGroup, log: ProgressLog) throws {
        log.finish()
        var err = StandardError()
        if !ingest.quiet {
            print(IngestSummary.text(result.ingest, verbose: ingest.verbose), terminator: "", to: &err)
            print(IngestSummary.examples(result.ingest, all: .written), terminator: "", to: &err)
            for (name, why) in result.skipped { print("detector \(name) skipped: \(why)", to: &err) }
        }
        guard result.reported else {
            print(String(format: "error: %.4f%% of records were rejected, more than --max-reject-rate %.4f%%; no report (see %@/rejects.csv)",
                         result.ingest.rejectRate * 100, ingest.maxRejectRate * 100, out), to: &err)
            throw ExitCode(65)
        }
        if !ingest.quiet, let lanes = result.lanes {
            print("lanes: red \(lanes.redCount) (\(lanes.exploredCount) exploration), amber \(lanes.amberCount), green \(result.ranking.count - lanes.redCount - lanes.amberCount)", to: &err)
            print("wrote \(out)/report.html, ranked.csv, ranked.jsonl (\(result.ranking.count) rows), parties.csv, corridors.csv, summary.md, rejects.csv", to: &err)
        }
    }
}
