import Declarations
import Foundation

/// `tradescan validate`: ingest only, with the accounting an analyst needs on a new feed.
public enum ValidateJob {
    /// Reads `inputs`; with `out`, writes rejects.csv and summary.md there atomically.
    public static func run(_ inputs: [String], options: IngestOptions, out: String?) throws -> IngestResult {
        if let out { try AtomicDirectory.checkReplaceable(out, files: AtomicDirectory.reportFiles) }
        var options = options
        options.spillDirectory = options.spillDirectory ?? out.map(Jobs.spillDirectory(beside:))
        if out == nil { options.keepRejectRows = false }   // no rejects.csv to write
        let result = try Ingest.read(inputs, options: options)
        if let out {
            try AtomicDirectory.write(to: out, files: AtomicDirectory.reportFiles) { dir in
                try RejectLog.write(result.rejects, files: result.table.files, to: dir + "/rejects.csv")
                try Data(IngestSummary.markdown(result).utf8).write(to: URL(fileURLWithPath: dir + "/summary.md"))
            }
        }
        return result
    }

    /// Reads a mapping file (JSON), naming the file in errors.
    public static func mapping(at path: String) throws -> MappingFile {
        try MappingFile.decode([UInt8](InputFile.read(path)), source: path) { try JSONDecoder().decode(MappingFile.self, from: Data($0)) }
    }

    /// Reads an FX table (`currency,month,units_per_usd`).
    public static func fx(at path: String) throws -> FXTable {
        try FXTable(csv: [UInt8](InputFile.read(path)), source: path)
    }
}

/// The accounting of an ingest, as text (terminal) and Markdown (summary.md).
public enum IngestSummary {
    /// The table's bytes per row (0 for an empty table).
    static func bytesPerRow(_ r: IngestResult) -> Double {
        r.table.count == 0 ? 0 : Double(r.table.byteCount) / Double(r.table.count)
    }

    public static func text(_ r: IngestResult, verbose: Bool) -> String {
        var s = ""
        for f in r.files {
            s += "\(f.path): \(f.recordsRead) records read = \(f.accepted) accepted + \(f.rejected) rejected"
            s += "; \(f.headerLines) header line, \(f.blankLines) blank lines; \(f.bytes) bytes"
            s += f.simd ? "\n" : f.irregularRecords > 0
                ? " (irregular quoting: \(f.irregularRecords) records with stray quotes read by the scalar tokenizer, the rest by the SIMD path)\n"
                : " (read by the scalar tokenizer)\n"
            for w in f.warnings { s += "\(f.path): warning: \(w)\n" }
        }
        if r.files.count > 1 {
            s += "total: \(r.recordsRead) records read = \(r.recordsRead - r.rejected) accepted + \(r.rejected) rejected\n"
        }
        if !r.rejectCounts.isEmpty {
            s += "rejected by reason: " + r.rejectCounts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ") + "\n"
        }
        // Every argument typed: `cond ? 0 : someDouble` passed as a CVarArg is an Int 0 when cond holds, and
        // `%f` then reads the next argument's value (a header-only file showed its MB/s as its seconds).
        let rate: Double = r.seconds > 0 ? Double(r.bytes) / r.seconds / 1e6 : 0
        s += String(format: "reject rate %.4f%%; table %ld rows, %.0f bytes/row; %.2f s, %.0f MB/s\n",
                    r.rejectRate * 100, r.table.count, bytesPerRow(r), r.seconds, rate)
        if verbose, let first = r.files.first {
            s += "\nresolved mapping (\(first.path)):\n" + first.mapping.map { "  " + $0 }.joined(separator: "\n") + "\n"
            s += "FX: " + r.fxSource + "\n"
        }
        return s
    }

    /// The first rejected row of each reason (at most `limit` reasons, the
    /// commonest first), rendered like a compiler's errors with how many more
    /// there are: what an analyst needs to fix a mapping without opening
    /// rejects.csv. Empty when nothing was rejected. `all` says where every
    /// reject went.
    public static func examples(_ r: IngestResult, limit: Int = 5, all: AllRejects) -> String {
        guard r.rejected > 0 else { return "" }
        let firsts = r.rejects.firstOfEachReason
        guard !firsts.isEmpty else { return "(--on-error skip: bad rows were counted, not kept)\n" }
        let shown = firsts.sorted { (r.rejectCounts[$0.reason] ?? 0) > (r.rejectCounts[$1.reason] ?? 0) }.prefix(limit)
        var s = "first rejected row of \(shown.count == firsts.count ? "each reason" : "the \(shown.count) commonest of \(firsts.count) reasons")"
        switch all {
        case .written: s += " (all \(r.rejected) are in rejects.csv):\n"
        case .notWritten(let how): s += " (\(how) to write all \(r.rejected) to rejects.csv):\n"
        }
        for x in shown {
            let file = r.table.files.indices.contains(x.fileIndex) ? r.table.files[x.fileIndex] : "?"
            s += Ingest.diagnostic(x, file: file).rendered + "\n"
            let more = (r.rejectCounts[x.reason] ?? 1) - 1
            if more > 0 { s += "  … and \(more) more \(x.reason.rawValue)\n" }
        }
        return s
    }

    /// Where a run's rejected rows went, for `examples`.
    public enum AllRejects: Sendable {
        /// rejects.csv was written.
        case written
        /// It was not; how to get it.
        case notWritten(String)
    }

    public static func markdown(_ r: IngestResult) -> String {
        var s = "# Ingest summary\n\n| file | bytes | records read | accepted | rejected | blank lines | header | tokenizer |\n|---|---|---|---|---|---|---|---|\n"
        for f in r.files {
            s += "| \(f.path) | \(f.bytes) | \(f.recordsRead) | \(f.accepted) | \(f.rejected) | \(f.blankLines) | \(f.headerLines) | \(f.simd ? "SIMD" : f.irregularRecords > 0 ? "SIMD; scalar for \(f.irregularRecords) records with stray quotes" : "scalar") |\n"
        }
        s += "| total | \(r.bytes) | \(r.recordsRead) | \(r.recordsRead - r.rejected) | \(r.rejected) | | | |\n\n"
        let warnings = r.files.flatMap { f in f.warnings.map { "- \(f.path): \($0)\n" } }
        if !warnings.isEmpty { s += "## Warnings\n\n" + warnings.joined() + "\n" }
        if !r.rejectCounts.isEmpty {
            s += "## Rejected rows by reason\n\n| reason | rows |\n|---|---|\n"
            for (k, v) in r.rejectCounts.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { s += "| `\(k.rawValue)` | \(v) |\n" }
            s += "\n"
        }
        s += String(format: "Reject rate %.4f%%. Table: %ld rows, %.0f bytes per row", r.rejectRate * 100, r.table.count, bytesPerRow(r))
        if r.table.count > 0 { s += " (declaration ids as \(r.table.declarationID.formDescription))" }
        s += String(format: ". Read in %.2f s.\n\n", r.seconds)
        for f in r.files {
            s += "## Resolved mapping: \(f.path)\n\n```\n" + f.mapping.joined(separator: "\n") + "\n```\n\n"
        }
        s += "## Exchange rates\n\n" + r.fxSource + "\n"
        return s
    }
}
