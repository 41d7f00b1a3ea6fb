import ArgumentParser
import LinearAlgebra
import Declarations
import Synthetic
import TradeScan

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a seeded, realistic set of export declarations with planted evasion patterns.",
        discussion: """
            Writes into DIR: declarations.csv (goods lines with export-style column \
            names), labels.csv (declaration_id,item_no,pattern of each planted row), \
            restricted_parties.csv (name,country,list,alias_of) and README.md (the \
            seed, the counts per pattern, the control events and how each pattern is \
            made). With --dirty it also writes realistic bad rows and lists them in \
            bad_rows.csv with their line and expected handling. With --free-text the \
            descriptions and consignee names read like a real feed's typed text (nearly \
            every description distinct), for measuring detectors on it.

            The same options give byte-identical files on any machine. About 1% of \
            rows are planted: misdeclared_hs, undervaluation, weight_quantity, \
            transshipment_route, transshipment_surge, restricted_party, split_shipments. \
            The folder is written to a temporary sibling and renamed into place.

            Example: tradescan generate --rows 200000 --seed 7 --out data/demo
            """
    )

    @Option(help: "Number of goods lines to write.")
    var rows: Int

    @Option(help: "Random seed; the same seed and options give the same files.")
    var seed: UInt64 = 1

    @Option(help: "Folder to write: replaced whole if it exists, so it must be new, empty, or hold only an earlier generate's files.")
    var out: String

    @Flag(help: "Add realistic bad rows and list them in bad_rows.csv.")
    var dirty = false

    @Flag(help: ArgumentHelp("Write descriptions and consignee names as free text: a lot, batch or order number in nearly every description, consignees under branch, warehouse and forwarder spellings.",
                             discussion: "Every other field is as without it. For measuring detectors on a real feed's number of distinct values."))
    var freeText = false

    @Option(help: "First declaration date (YYYY-MM-DD).")
    var from: String = "2023-01-01"

    @Option(help: "Last declaration date (YYYY-MM-DD).")
    var to: String = "2025-10-31"

    @Option(help: "Worker threads (default: all cores). Output does not depend on it.")
    var threads: Int = 0

    func validate() throws {
        guard rows >= 1 else { throw ValidationError("--rows must be at least 1, got \(rows)") }
        guard let f = CivilDate(iso: from) else { throw ValidationError("--from '\(from)' is not a date; write YYYY-MM-DD") }
        guard let t = CivilDate(iso: to) else { throw ValidationError("--to '\(to)' is not a date; write YYYY-MM-DD") }
        guard f <= t else { throw ValidationError("--from \(from) is after --to \(to)") }
        guard threads >= 0 else { throw ValidationError("--threads must be 0 (all cores) or more") }
    }

    func run() throws {
        // The engine runs its own threads here: OpenBLAS runs at one, its idle pool stopped.
        BLASThreading.runSingleThreaded()
        let options = GeneratorOptions(rows: rows, seed: seed, from: CivilDate(iso: from)!, to: CivilDate(iso: to)!,
                                       dirty: dirty, freeText: freeText, threads: threads)
        var err = StandardError()
        let summary: GeneratorSummary
        do {
            summary = try AtomicDirectory.write(to: out, files: AtomicDirectory.generatedFiles) { dir in try Generator.run(options, into: dir) }
        } catch let e as AtomicDirectoryError {
            print(e.description, to: &err)
            throw ExitCode(ErrorKind.usage.exitCode)
        }
        let planted = summary.patternCounts.values.reduce(0, +)
        print("generated \(summary.rows) rows (\(planted) planted, \(summary.dirtyCounts.values.reduce(0, +)) bad) "
              + "in \(String(format: "%.2f", summary.seconds)) s, \(summary.bytes) bytes → \(out)", to: &err)
    }
}
