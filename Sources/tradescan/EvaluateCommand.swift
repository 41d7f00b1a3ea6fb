import ArgumentParser
import Evaluation
import Foundation
import LinearAlgebra
import Learning
import TradeScan

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure a ranking against ground truth: precision, recall and revenue at inspection budgets.",
        discussion: """
            --ranked is a CSV with rank, declaration_id and risk_score columns \
            (matched by name; item_no too when present). --labels is either a \
            labels file (declaration_id[,item_no],pattern: every listed row is \
            positive) or a declarations file whose outcome column (outcome, fraud, \
            illicit, label) marks positives with 1, with revenue (revenue, \
            raised_tax) when present.

            Prints precision@k and recall@k for k = 100, 1000, 1%, 5% and 10% of \
            ranked rows, average precision, ROC AUC, recall@1% and @5% per pattern, \
            and revenue@k when a revenue column exists. Ids are compared as exact \
            strings (leading zeros matter); labels missing from the ranking and \
            duplicate ranked keys are reported.

            --by COLUMN ranks by another column of the ranking, highest first: \
            each detector's score column in ranked.csv measures that detector alone.

            Example: tradescan evaluate --ranked out/ranked.csv --labels data/demo/labels.csv
            Example: tradescan evaluate --ranked out/ranked.csv --labels data/demo/labels.csv --by routing

            Time-ordered mode (--split-date DATE with declaration files as \
            arguments): fit everything scan fits, the outcome model included, on \
            the rows dated before DATE, score the rows dated DATE or later whose \
            outcome is known, and measure that ranking. Outcomes come from the \
            feed's outcome column (through --mapping) or --labels. Nothing from \
            DATE on is seen by the fit, as in production.

            Example: tradescan evaluate --split-date 2021-01-01 train.csv valid.csv --mapping Fixtures/mappings/kcs-imports.json
            """
    )

    @Argument(help: "Declaration files with outcomes (time-ordered mode only).")
    var inputs: [String] = []

    @Option(help: "The ranking to evaluate (CSV).")
    var ranked: String?

    @Option(help: "Ground truth: a labels file or a declarations file with an outcome column (in time-ordered mode: outcomes joined onto the inputs).")
    var labels: String?

    @Option(name: .customLong("split-date"), help: ArgumentHelp("Time-ordered mode: fit on rows before this date, evaluate on rows from it on.", valueName: "YYYY-MM-DD"))
    var splitDate: String?

    @OptionGroup var ingest: IngestOptionGroup

    @Option(help: "Seed of the outcome model (time-ordered mode).")
    var seed: UInt64 = 1

    @Flag(name: .customLong("no-network"), help: "Time-ordered mode: logistic regression only.")
    var noNetwork = false

    func validate() throws {
        if splitDate != nil {
            guard !inputs.isEmpty else { throw ValidationError("--split-date needs declaration files as arguments") }
            guard ranked == nil else { throw ValidationError("--split-date fits and scores the inputs itself; drop --ranked") }
        } else {
            guard inputs.isEmpty else { throw ValidationError("declaration files as arguments need --split-date; to evaluate a ranking use --ranked FILE --labels FILE") }
            guard ranked != nil, labels != nil else { throw ValidationError("give --ranked FILE and --labels FILE, or --split-date DATE with declaration files") }
        }
    }

    @Option(help: ArgumentHelp("Rank by this column instead of risk_score, e.g. one detector's score column of ranked.csv.", valueName: "column"))
    var by: String = "risk_score"

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    func run() throws {
        if let splitDate { return try runTimeOrdered(splitDate) }
        guard let ranked, let labels else { return }
        let report: EvaluationReport
        do {
            report = try EvaluateJob.run(ranked: ranked, labels: labels, by: by)
        } catch {
            var err = StandardError()
            print(String(describing: error), to: &err)
            throw ExitCode(65)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(EvaluationRendering.text(report, ranked: ranked, labels: labels), terminator: "")
        }
    }
}

extension EvaluateCommand {
    func runTimeOrdered(_ split: String) throws {
        BLASThreading.runSingleThreaded()
        let log = ProgressLog(quiet: ingest.quiet)
        let result = try RunReport.run(log) {
            var options = try ingest.runOptions(report: nil, weights: nil, log: log)
            options.labels = labels
            var learning = OutcomeModel.Options()
            learning.seed = seed
            learning.network = !noNetwork
            options.learning = learning
            return try TimeOrderedEvaluation.run(inputs, split: split, options: options)
        }
        log.finish()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result.report), as: UTF8.self))
            return
        }
        print("time-ordered: fitted on \(result.historyRows) rows before \(result.splitDate) (\(result.historyPositives) positive), scored \(result.scoredRows) labelled rows from \(result.splitDate) on")
        print("model: \(result.detectors.joined(separator: ", "))" + (result.chosen.map { "; outcome model chose \($0)" } ?? ""))
        print(EvaluationRendering.text(result.report, ranked: "the later rows' ranking", labels: "their outcomes"), terminator: "")
    }
}

/// The table `tradescan evaluate` prints.
enum EvaluationRendering {
    static func text(_ r: EvaluationReport, ranked: String, labels: String) -> String {
        func f(_ v: Double) -> String { String(format: "%.3f", v) }
        func pad(_ s: String, _ w: Int, right: Bool = false) -> String {
            s.count >= w ? s : (right ? String(repeating: " ", count: w - s.count) + s : s + String(repeating: " ", count: w - s.count))
        }
        var out = "evaluate \(ranked) against \(labels) (matched on \(r.matchedOn))\n"
        out += "ranked rows \(r.rankedRows), positives \(r.positives) (base rate \(String(format: "%.2f%%", r.baseRate * 100)))\n\n"
        let revenue = r.cutoffs.contains { $0.revenue != nil }
        out += pad("cut-off", 10) + pad("rows", 9, right: true) + pad("precision", 11, right: true) + pad("recall", 9, right: true)
        out += revenue ? pad("revenue", 9, right: true) + "\n" : "\n"
        for c in r.cutoffs {
            out += pad("top " + c.name, 10) + pad(String(c.rows), 9, right: true) + pad(f(c.precision), 11, right: true)
            out += pad(f(c.recall), 9, right: true)
            out += revenue ? pad(c.revenue.map(f) ?? "-", 9, right: true) + "\n" : "\n"
        }
        out += "\naverage precision \(f(r.averagePrecision))   ROC AUC \(r.rocAUC.map(f) ?? "n/a (one class only)")\n"
        if !r.patterns.isEmpty {
            out += "\n" + pad("recall by pattern", 22) + pad("rows", 8, right: true) + pad("@1%", 8, right: true) + pad("@5%", 8, right: true) + "\n"
            for p in r.patterns {
                out += pad(p.pattern, 22) + pad(String(p.rows), 8, right: true) + pad(f(p.recallAt1Percent), 8, right: true)
                out += pad(f(p.recallAt5Percent), 8, right: true) + "\n"
            }
        }
        out += "\nunmatched labels: \(r.unmatchedLabels)"
        if !r.unmatchedExamples.isEmpty { out += " (e.g. \(r.unmatchedExamples.joined(separator: ", ")))" }
        out += "\nduplicate ranked keys: \(r.duplicateRanked)"
        if !r.duplicateExamples.isEmpty { out += " (e.g. \(r.duplicateExamples.joined(separator: ", ")))" }
        return out + "\n"
    }
}
