import ArgumentParser
import LinearAlgebra
import Declarations
import TradeScan

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Read declaration files and account for every row: accepted, or rejected with file, line, field and reason.",
        discussion: """
            What an analyst runs on a new feed. Inputs are files, folders (all \
            *.csv and *.csv.gz in them) or - for standard input. Columns are mapped \
            to the canonical record by header name and synonyms (SCHEMA.md); \
            --mapping FILE covers the rest (README "Mapping files").

            Prints per file: records read = accepted + rejected, blank lines and \
            header apart, rejects by reason, and (with --verbose) the resolved \
            mapping. On stderr, the first rejected row of each reason as \
            file:line:column: error: message, the line and a hint (a date no \
            format reads names the formats that do). With --out DIR writes \
            rejects.csv (file, line, byte_offset, column, record, field, reason, \
            message, raw) and summary.md.

            Exit codes: 0 success; 65 when the reject rate exceeds \
            --max-reject-rate, a file cannot be read, or --on-error fail stops; \
            64 usage.

            Example: tradescan validate data/demo/declarations.csv --out data/validate
            """
    )

    @Argument(help: "Declaration files, folders, or - for standard input.")
    var inputs: [String]

    @OptionGroup var ingest: IngestOptionGroup

    @Option(help: "Folder to write rejects.csv and summary.md into: replaced whole if it exists, so it must be new, empty, or hold only an earlier run's outputs.")
    var out: String?

    func run() throws {
        // The engine runs its own threads here: OpenBLAS runs at one, its idle pool stopped.
        BLASThreading.runSingleThreaded()
        var err = StandardError()
        let result: IngestResult
        do {
            // A named controls table is checked too, so a bad edit shows up before a scan.
            if ingest.controls != nil {
                let controls = try ingest.controlsTable()
                print("controls: \(controls.source): \(controls.rules.count) rules", to: &err)
            }
            result = try ValidateJob.run(inputs, options: try ingest.options(), out: out)
        } catch {
            print(String(describing: error), to: &err)
            throw ExitCode(error is AtomicDirectoryError ? ErrorKind.usage.exitCode : ErrorKind.input.exitCode)
        }
        print(IngestSummary.text(result, verbose: ingest.verbose), terminator: "")
        if !ingest.quiet { print(IngestSummary.examples(result, all: out != nil ? .written : .notWritten("pass --out DIR")), terminator: "", to: &err) }
        if let out { print("wrote \(out)/rejects.csv and \(out)/summary.md", to: &err) }
        if result.rejectRate > ingest.maxRejectRate {
            print(String(format: "error: %.4f%% of records were rejected, more than --max-reject-rate %.4f%%; %@",
                         result.rejectRate * 100, ingest.maxRejectRate * 100,
                         out.map { "see \($0)/rejects.csv" } ?? "pass --out DIR to write them to rejects.csv"), to: &err)
            throw ExitCode(65)
        }
    }
}
