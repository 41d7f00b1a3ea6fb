import ArgumentParser
import CSVCore
import Declarations
import Scoring
import TradeScan

/// Options shared by every command that reads declarations.
struct IngestOptionGroup: ParsableArguments {
    @Option(help: "Mapping file (JSON) for columns auto-mapping cannot know: source column or constant per field, date formats, separators, weight unit, flow, delimiter.")
    var mapping: String?

    @Option(help: "Monthly FX table (currency,month,units_per_usd) replacing the built-in approximate one.")
    var fx: String?

    @Option(help: "Export-controls table (see 'tradescan controls'): FILE replaces the built-in table, +FILE extends it.")
    var controls: String?

    @Option(help: "Restricted-party list (CSV: name,country,list,alias_of) to screen consignees against.")
    var parties: String?

    @Option(name: .customLong("on-error"), help: "Bad rows: collect (reject and write rejects.csv), skip (reject and only count), fail (stop at the first).")
    var onError: String = "collect"

    @Option(name: .customLong("max-reject-rate"), help: "Largest share of rejected records before the run fails with exit 65 (no report).")
    var maxRejectRate: Double = 0.01

    @Option(help: "Input encoding: utf-8, gb18030 (also gbk) or windows-1252 (also latin1, cp1252, iso-8859-1).")
    var encoding: String = "utf-8"

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = 0

    @Flag(help: "Print the resolved mapping and more detail.")
    var verbose = false

    @Flag(help: "Print nothing on stderr but errors (no progress bar, no summary).")
    var quiet = false

    @Flag(name: .customLong("scalar-tokenizer"), help: .hidden)
    var scalarTokenizer = false

    /// Hidden: `portable` keeps the tokenizer off its AVX-512 kernel (to rule it out on a new machine).
    @Option(name: .customLong("index-kernel"), help: .hidden)
    var indexKernel: String = "best"

    /// Hidden: bytes per chunk (and per scalar piece) read in parallel; the fuzzers
    /// read a file in many small pieces and in one, which must agree.
    @Option(name: .customLong("chunk-size"), help: .hidden)
    var chunkSize: Int = 4 << 20

    /// The kernel `--index-kernel` names (`best`: the fastest this CPU runs); nil for an unknown name.
    var kernel: IndexKernel? { indexKernel == "best" ? .best : IndexKernel(rawValue: indexKernel) }

    func validate() throws {
        guard OnErrorPolicy(rawValue: onError) != nil else { throw ValidationError("--on-error must be collect, skip or fail, got '\(onError)'") }
        guard InputEncoding(name: encoding) != nil else {
            throw ValidationError("--encoding must be utf-8, gb18030 or windows-1252, got '\(encoding)'")
        }
        guard maxRejectRate >= 0 && maxRejectRate <= 1 else { throw ValidationError("--max-reject-rate must lie between 0 and 1") }
        guard threads >= 0 else { throw ValidationError("--threads must be 0 (all cores) or more") }
        guard chunkSize >= 4096 else { throw ValidationError("--chunk-size must be 4096 bytes or more") }
        let names = ["best"] + IndexKernel.allCases.map(\.rawValue)
        guard let kernel = kernel else {
            throw ValidationError("--index-kernel must be \(names.joined(separator: ", ")), got '\(indexKernel)'")
        }
        guard IndexKernel.available.contains(kernel) else {
            throw ValidationError("--index-kernel \(indexKernel): this CPU (or its OS) cannot run it; use best or portable")
        }
    }

    /// The controls table the options name.
    func controlsTable() throws -> ControlsTable {
        guard let controls else { return .standard }
        let extend = controls.hasPrefix("+")
        let path = extend ? String(controls.dropFirst()) : controls
        let table = try ControlsTable(csv: [UInt8](try InputFile.read(path)), source: path)
        return extend ? ControlsTable.standard.extended(with: table) : table
    }

    /// The restricted-party list the options name, if any.
    func partyList() throws -> PartyList? {
        guard let parties else { return nil }
        return try PartyList(csv: [UInt8](try InputFile.read(parties)), source: parties)
    }

    /// Options of scan, fit and score.
    func runOptions(report: ReportOptionGroup?, weights: WeightOptionGroup?, log: ProgressLog) throws -> RunOptions {
        RunOptions(ingest: try options(), maxRejectRate: maxRejectRate, controls: try controlsTable(), parties: try partyList(),
                   lanes: report?.policy ?? LanePolicy(), weights: weights?.parsed ?? [:], previous: report?.previous, log: log,
                   explain: report?.explainScope ?? .flagged, directIO: report?.directIO ?? true)
    }

    func options() throws -> IngestOptions {
        IngestOptions(
            mapping: try mapping.map(ValidateJob.mapping(at:)) ?? MappingFile(),
            fx: try fx.map(ValidateJob.fx(at:)) ?? .standard,
            onError: OnErrorPolicy(rawValue: onError)!, encoding: InputEncoding(name: encoding)!,
            threads: threads, chunkSize: chunkSize, scalarTokenizer: scalarTokenizer,
            indexKernel: kernel ?? .best)
    }
}
