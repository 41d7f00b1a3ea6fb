import Declarations
import CSVCore
import Detectors
import Foundation
import Report
import Scoring

/// The report folder: rejects.csv, ranked.csv, ranked.jsonl, parties.csv,
/// corridors.csv, summary.md and report.html, written to a hidden temporary
/// sibling and renamed into place.
enum ReportFolder {
    static func write(ingest: IngestResult, suite: FittedSuite, scores: SuiteScores, previous: PreviousFlags?,
                      options: RunOptions, out: String, clock: inout StageClock, command: String) throws -> RunResult {
        let table = ingest.table
        let risk = suite.risk.risk(scores.columns)
        let ranking = Ranking.order(risk: risk, table: table)
        let lanes = Lanes(ranking: ranking, policy: options.lanes)
        clock.lap("rank")
        let data = ReportData(table: table, scores: scores, model: suite.risk, risk: risk, ranking: ranking, lanes: lanes,
                              previous: previous, corridors: suite.diversion?.corridorTable ?? [])
        var result = RunResult(ingest: ingest, scores: Array(zip(scores.names, scores.columns)).map { ($0.0, $0.1) },
                               skipped: suite.skipped, ranking: ranking, risk: risk, lanes: lanes, reported: true, seconds: [])
        try AtomicDirectory.write(to: out, files: AtomicDirectory.reportFiles) { dir in
            try RejectLog.write(ingest.rejects, files: table.files, to: dir + "/rejects.csv")
            try RankedFiles.write(data, csv: dir + "/ranked.csv", jsonl: dir + "/ranked.jsonl", explain: options.explain,
                                  threads: options.ingest.threads, directIO: options.directIO)
            clock.lap("write ranked.csv, ranked.jsonl")
            let parties = PartiesTable(data)
            try Data(parties.csv()).write(to: URL(fileURLWithPath: dir + "/parties.csv"))
            if suite.diversion != nil { try writeCorridorsCSV(data.corridors, to: dir + "/corridors.csv") }
            clock.lap("write parties.csv, corridors.csv")
            let facts = HTMLReport.Facts(rows: factRows(ingest: ingest, suite: suite, ranking: ranking, lanes: lanes, options: options, command: command,
                                                         previous: previous), skipped: suite.skipped)
            try Data(HTMLReport.render(data, parties: parties, facts: facts).utf8).write(to: URL(fileURLWithPath: dir + "/report.html"))
            clock.lap("write report.html")
            result.seconds = clock.stages
            try Data(summary(data, ingest: ingest, suite: suite, facts: facts, stages: clock.stages, memory: clock.memory).utf8)
                .write(to: URL(fileURLWithPath: dir + "/summary.md"))
        }
        return result
    }

    /// Over --max-reject-rate: rejects.csv and summary.md only.
    static func writeRejected(_ ingest: IngestResult, options: RunOptions, out: String, stages: [(String, Double)]) throws -> RunResult {
        try AtomicDirectory.write(to: out, files: AtomicDirectory.reportFiles) { dir in
            try RejectLog.write(ingest.rejects, files: ingest.table.files, to: dir + "/rejects.csv")
            var s = IngestSummary.markdown(ingest)
            s += String(format: "\nNo report: %.4f%% of records were rejected, more than --max-reject-rate (%.4f%%) allows. See rejects.csv.\n",
                        ingest.rejectRate * 100, options.maxRejectRate * 100)
            try Data(s.utf8).write(to: URL(fileURLWithPath: dir + "/summary.md"))
        }
        return RunResult(ingest: ingest, scores: [], skipped: [], ranking: [], risk: [], lanes: nil, reported: false, seconds: stages)
    }

    static func factRows(ingest: IngestResult, suite: FittedSuite, ranking: [Int], lanes: Lanes, options: RunOptions, command: String,
                         previous: PreviousFlags?) -> [(String, String)] {
        var rows: [(String, String)] = [
            ("command", command),
            ("inputs", ingest.files.map(\.path).joined(separator: ", ")),
            ("records read", String(ingest.recordsRead)),
            ("accepted", String(ingest.recordsRead - ingest.rejected)),
            ("rejected", String(format: "%ld (%.4f%%)", ingest.rejected, ingest.rejectRate * 100)),
            ("model", "fitted on \(suite.fittedRows) rows; schema \(suite.schema.hash); detectors \(suite.names.joined(separator: ", "))"),
            ("lanes", String(format: "red %ld (inspect rate %g, of which %ld exploration picks at --explore %g), amber %ld (amber rate %g), green %ld",
                             lanes.redCount, options.lanes.inspectRate, lanes.exploredCount, options.lanes.explore, lanes.amberCount,
                             options.lanes.amberRate, ingest.table.count - lanes.redCount - lanes.amberCount)),
            ("explained", "\(options.explain): \(options.explain.count(ranking: ranking, lanes: lanes)) rows (reasons in ranked.csv, records in ranked.jsonl)"),
            ("seed", String(options.lanes.seed)),
            ("controls table", options.controls.source),
            ("party list", options.parties.map { "\($0.source) (\($0.entries.count) names)" } ?? "none"),
            ("exchange rates", ingest.fxSource),
        ]
        if let previous { rows.append(("previous report", "\(options.previous ?? ""): \(previous.count) flags")) }
        return rows
    }

    static func summary(_ data: ReportData, ingest: IngestResult, suite: FittedSuite, facts: HTMLReport.Facts,
                        stages: [(String, Double)], memory: [(now: Int, peak: Int)?] = []) -> String {
        var s = "# TradeScan report\n\n| | |\n|---|---|\n"
        for (k, v) in facts.rows { s += "| \(k) | \(markdownCell(v)) |\n" }
        s += "\n" + IngestSummary.markdown(ingest).replacingOccurrences(of: "# Ingest summary", with: "## Ingest")
        s += "\n## Detectors and the risk model\n\n"
        s += "Risk score = Σ weight × max(0, score − background), in log10-odds units; background = the detector's 99th percentile on the fit data.\n\n"
        s += "| detector | status | weight | background |\n|---|---|---|---|\n"
        for t in suite.risk.terms { s += "| `\(t.detector)` | run | \(Format.decimal(t.weight)) | \(Format.decimal(t.background)) |\n" }
        for (name, why) in suite.skipped { s += "| `\(name)` | skipped: \(why) | | |\n" }
        if let o = suite.outcome {
            s += "\n## Outcome model\n\n"
            s += "Learned from \(o.labelledRows) labelled rows (\(o.positives) positive), seed \(o.seed): \(o.features.profiles.count) risk profiles, "
            s += "\(o.features.count) features, logistic regression (\(o.logistic.iterations) Newton steps)"
            s += o.network.map { ", embedding network (\($0.epochs) epochs, share \(Format.decimal(o.networkShare)))" } ?? ", no network"
            s += "; unsupervised weight \(Format.decimal(o.unsupervisedWeight)).\n"
            if let v = o.validation {
                s += "\nTime-ordered validation: fitted on \(v.trainRows) rows before \(v.cutDate), measured on \(v.validRows) rows from it (\(v.validPositives) positive). Chosen: \(v.chosen).\n\n"
                s += "| candidate | average precision |\n|---|---|\n"
                for (name, ap) in v.candidates.sorted(by: { $0.key < $1.key }) { s += "| \(name) | \(Format.decimal(ap)) |\n" }
            } else {
                s += "\nNo time-ordered validation (too few labels before or after the cut): defaults used.\n"
            }
        }
        s += "\n## Time per stage\n\nResident memory at the end of each stage, and the process's peak so far (MB).\n\n"
        s += "| stage | seconds | resident MB | peak MB |\n|---|---|---|---|\n"
        for (i, (stage, sec)) in stages.enumerated() {
            let m = i < memory.count ? memory[i] : nil
            s += String(format: "| %@ | %.3f | %@ | %@ |\n", stage, sec, m.map { String($0.now >> 20) } ?? "", m.map { String($0.peak >> 20) } ?? "")
        }
        s += "\n## Top 20\n\n| rank | declaration_id | item_no | risk_score | lane | reasons |\n|---|---|---|---|---|---|\n"
        for (k, row) in data.ranking.prefix(20).enumerated() {
            let reasons = data.reasons(row).prefix(3).map(\.text).joined(separator: "; ")
            s += "| \(k + 1) | \(markdownCell(data.table.declarationID.string(row))) | \(data.table.itemNo[row]) | \(Format.decimal(data.risk[row])) | \(data.lanes.lane[row].name)\(data.lanes.explored[row] ? " (exploration)" : "") | \(markdownCell(reasons)) |\n"
        }
        return s
    }

    /// Text safe inside a Markdown table cell: pipes escaped, line breaks as spaces, and `&`,
    /// `<`, `>` as HTML entities (Markdown passes HTML through); quotes stay as they are (they
    /// only matter inside an HTML attribute, and summary.md is often read as plain text).
    static func markdownCell(_ s: String) -> String {
        htmlEscaped(s).replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    }

    /// corridors.csv: item group × destination × month, observed against the baseline.
    static func writeCorridorsCSV(_ rows: [FittedDiversion.CorridorMonth], to path: String) throws {
        let file = try OutputFile(path: path)
        var w = CSVWriter(capacity: 1 << 20)
        w.record(["item_group", "destination", "month", "observed_kg", "baseline_kg", "observed_usd", "baseline_usd",
                  "surge_score", "new_consignee_share", "diversion_score", "after_control", "restricted_destination"])
        for c in rows {
            w.field(CSVWriter.neutralised(c.group))
            w.field(c.destination)
            w.field(c.month)
            w.field(decimal: c.observedKg, places: 3)
            if let b = c.baselineKg { w.field(decimal: b, places: 3) } else { w.field("") }
            w.field(decimal: c.observedUSD, places: 2)
            if let b = c.baselineUSD { w.field(decimal: b, places: 2) } else { w.field("") }
            w.field(decimal: c.surge)
            w.field(decimal: c.newConsigneeShare)
            w.field(decimal: c.diversion)
            w.field(c.afterEvent ? "1" : "0")
            w.field(c.restricted ? "1" : "0")
            w.endRecord()
        }
        try file.write(w.buffer)
        try file.close()
    }
}
