import ArgumentParser
import Declarations
import LinearAlgebra
import TradeScan

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Fit the detectors on the inputs, score every row and write a ranked list.",
        discussion: """
            The re-scoring and one-off case: read declarations (as validate does), \
            fit every detector whose fields the feed has, and write into DIR \
            ranked.csv (rank, declaration_id, item_no, risk_score, each detector's \
            score, the top reasons in words, file and line), rejects.csv and \
            summary.md (accounting, detectors run or skipped and why, time per \
            stage, top 20). The folder is written to a temporary sibling and \
            renamed into place.

            Detectors so far: unit_value (unit value and physical consistency per \
            tariff group: robust MCD location and scatter, batched Mahalanobis), \
            goods_code (controlled goods under an ordinary code: keywords, a \
            text model, a unit-value likelihood ratio) and licence (controlled \
            shipments over the threshold without a valid licence number), and with \
            --parties FILE restricted_party (consignees screened against the \
            list: normalised names, blocking by rare token parts, IDF-weighted \
            Jaro-Winkler alignment, country corroboration). The \
            risk score is, for now, each row's highest percentile rank among them.

            Exit 65 (with rejects.csv and summary.md, no ranked.csv) when the reject \
            rate exceeds --max-reject-rate.

            Example: tradescan scan data/demo/declarations.csv --out data/scan
            """
    )

    @Argument(help: "Declaration files, folders, or - for standard input.")
    var inputs: [String]

    @OptionGroup var ingest: IngestOptionGroup

    @Option(help: "Folder to write the report into (replaced if it exists).")
    var out: String

    func run() throws {
        BLASThreading.setThreadCount(1)
        var err = StandardError()
        let result: ScanJob.Result
        do {
            result = try ScanJob.run(inputs, options: try ingest.options(), maxRejectRate: ingest.maxRejectRate, out: out,
                                     controls: try ingest.controlsTable(), parties: try ingest.partyList())
        } catch {
            print(String(describing: error), to: &err)
            throw ExitCode(65)
        }
        print(IngestSummary.text(result.ingest, verbose: ingest.verbose), terminator: "", to: &err)
        for (name, why) in result.skipped { print("detector \(name) skipped: \(why)", to: &err) }
        guard result.reported else {
            print(String(format: "error: %.4f%% of records were rejected, more than --max-reject-rate %.4f%%; no report (see %@/rejects.csv)",
                         result.ingest.rejectRate * 100, ingest.maxRejectRate * 100, out), to: &err)
            throw ExitCode(65)
        }
        print("wrote \(out)/ranked.csv (\(result.ranking.count) rows), rejects.csv, summary.md", to: &err)
    }
}
