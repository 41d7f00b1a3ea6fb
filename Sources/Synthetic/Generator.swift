import Declarations

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// What to generate.
public struct GeneratorOptions: Sendable {
    public var rows: Int
    public var seed: UInt64
    public var from: CivilDate
    public var to: CivilDate
    public var dirty: Bool
    /// Descriptions and consignee names as free text (`FreeText`): nearly every description distinct.
    public var freeText: Bool
    /// Worker threads (default: all cores).
    public var threads: Int

    public init(rows: Int, seed: UInt64, from: CivilDate = CivilDate(iso: "2023-01-01")!,
                to: CivilDate = CivilDate(iso: "2025-10-31")!, dirty: Bool = false, freeText: Bool = false, threads: Int = 0) {
        self.rows = rows
        self.seed = seed
        self.from = from
        self.to = to
        self.dirty = dirty
        self.freeText = freeText
        self.threads = threads
    }
}

/// What was generated: counts for the run's README and the caller's summary.
public struct GeneratorSummary: Sendable {
    public var rows: Int
    public var bytes: Int
    /// Physical lines of declarations.csv, header included.
    public var lines: Int
    public var patternCounts: [Pattern: Int]
    public var dirtyCounts: [DirtyKind: Int]
    public var listedParties: Int
    public var exporters: Int
    public var consignees: Int
    public var tariffLines: Int
    public var controlledLines: Int
    public var seconds: Double
}

/// The seeded generator of export declarations with planted evasion patterns.
///
/// Deterministic: the same options give byte-identical files whatever the
/// thread count, because every row draws from its own counter-based stream.
/// Streaming: rows are produced in chunks and written in order, so memory does
/// not grow with the row count.
public enum Generator {
    /// Bumped whenever the same options would write different files: caches of
    /// generated data (benchmarks) key on it.
    public static let outputVersion = 2

    static let chunkRows = 8 * BlockPlan.size
    /// Share of rows corrupted by `--dirty`.
    static let dirtyRate = 0.003

    /// Writes declarations.csv, labels.csv, restricted_parties.csv, README.md and
    /// (with `dirty`) bad_rows.csv into `directory`, which must exist.
    public static func run(_ options: GeneratorOptions, into directory: String) throws(OutputFileError) -> GeneratorSummary {
        let clock = ContinuousClock()
        let started = clock.now
        let world = World(seed: options.seed, rows: options.rows, from: options.from, to: options.to)
        let threads = options.threads > 0 ? options.threads : max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))

        let declarations = try OutputFile(path: directory + "/declarations.csv")
        let labels = try OutputFile(path: directory + "/labels.csv")
        let badRows = options.dirty ? try OutputFile(path: directory + "/bad_rows.csv") : nil
        var header = ByteSink()
        header.append(Array(declarationHeader.joined(separator: ",").utf8))
        header.append(0x0A)
        try declarations.write(header.bytes)
        try labels.write(Array("declaration_id,item_no,pattern\n".utf8))
        try badRows?.write(Array("line,declaration_id,item_no,kind,problem,expected,reason\n".utf8))

        var summary = GeneratorSummary(
            rows: options.rows, bytes: header.bytes.count, lines: 1, patternCounts: [:], dirtyCounts: [:],
            listedParties: world.listed.count, exporters: world.exporters.count, consignees: world.consignees.count,
            tariffLines: world.catalogue.lines.count, controlledLines: world.catalogue.lines.filter { $0.group != nil }.count,
            seconds: 0)
        let chunkCount = (options.rows + chunkRows - 1) / chunkRows
        let batch = threads * 2
        var next = 0
        while next < chunkCount {
            let upper = min(chunkCount, next + batch)
            let outputs = Parallel.map(next..<upper, threads: threads) { chunk in
                generateChunk(chunk, world: world, dirty: options.dirty, freeText: options.freeText)
            }
            for out in outputs {
                try declarations.write(out.bytes)
                for l in out.labels { try labels.write(l) }
                for b in out.badRows {
                    var s = ByteSink()
                    s.append(int: summary.lines + b.line)
                    s.append(UInt8(ascii: ","))
                    s.append(b.rest)
                    try badRows?.write(s.bytes)
                }
                summary.bytes += out.bytes.count
                summary.lines += out.lines
                for (p, n) in out.patternCounts { summary.patternCounts[p, default: 0] += n }
                for (k, n) in out.dirtyCounts { summary.dirtyCounts[k, default: 0] += n }
            }
            next = upper
        }
        if options.dirty && options.rows > 0 {
            // The last record opens a quote that never closes.
            var gen = RowGenerator(world: world)
            var r = gen.row(options.rows - 1)
            if options.freeText { FreeText.elaborate(&r, row: options.rows - 1, seed: world.seed) }
            r.itemNo += 1
            var s = ByteSink()
            RowWriter.unterminated(r, exporter: world.exporters[r.exporter], into: &s)
            try declarations.write(s.bytes)
            summary.bytes += s.bytes.count
            let line = summary.lines + 1
            summary.lines += 2
            var b = ByteSink()
            b.append(int: line)
            b.append(UInt8(ascii: ","))
            b.append(r.declarationID)
            b.append(UInt8(ascii: ","))
            b.append(int: r.itemNo)
            b.append(Array(",\(DirtyKind.unterminatedQuote.rawValue),\(DirtyKind.unterminatedQuote.problem),reject,unterminated_quote\n".utf8))
            try badRows?.write(b.bytes)
            summary.dirtyCounts[.unterminatedQuote, default: 0] += 1
        }
        try declarations.close()
        try labels.close()
        try badRows?.close()

        try writeParties(world, to: directory + "/restricted_parties.csv")
        let elapsed = started.duration(to: clock.now)
        summary.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let readme = RunReadme.text(options: options, summary: summary, world: world)
        let file = try OutputFile(path: directory + "/README.md")
        try file.write(Array(readme.utf8))
        try file.close()
        return summary
    }

    struct ChunkOutput: Sendable {
        var bytes: [UInt8]
        var lines: Int
        var labels: [[UInt8]]
        /// Line within the chunk (1-based) and the rest of the bad_rows.csv record.
        var badRows: [(line: Int, rest: [UInt8])]
        var patternCounts: [Pattern: Int]
        var dirtyCounts: [DirtyKind: Int]
    }

    static func generateChunk(_ chunk: Int, world: World, dirty: Bool, freeText: Bool = false) -> ChunkOutput {
        var gen = RowGenerator(world: world)
        let first = chunk * chunkRows
        let last = min(world.rows, first + chunkRows)
        var sink = ByteSink(capacity: (last - first) * 240)
        var out = ChunkOutput(bytes: [], lines: 0, labels: [], badRows: [], patternCounts: [:], dirtyCounts: [:])
        var previous: (id: [UInt8], item: Int)? = nil
        for i in first..<last {
            var r = gen.row(i)
            if freeText { FreeText.elaborate(&r, row: i, seed: world.seed) }
            var kind: DirtyKind? = nil
            if dirty && r.pattern == nil {
                kind = dirtyKind(row: i, world: world, gen: &gen)
            }
            if kind == .duplicateRowKey && previous == nil && i > 0 {
                let p = gen.row(i - 1)
                previous = (p.declarationID, p.itemNo)
            }
            let lineInChunk = out.lines + 1
            out.lines += RowWriter.write(r, exporter: world.exporters[r.exporter], dirty: kind, previousKey: previous, into: &sink)
            if let p = r.pattern {
                out.patternCounts[p, default: 0] += 1
                var l = ByteSink()
                l.append(r.declarationID)
                l.append(UInt8(ascii: ","))
                l.append(int: r.itemNo)
                l.append(UInt8(ascii: ","))
                l.append(Array(p.rawValue.utf8))
                l.append(0x0A)
                out.labels.append(l.bytes)
            }
            if let kind {
                out.dirtyCounts[kind, default: 0] += 1
                var b = ByteSink()
                let key = kind == .duplicateRowKey ? previous! : (r.declarationID, r.itemNo)
                b.append(key.0)
                b.append(UInt8(ascii: ","))
                b.append(int: key.1)
                b.append(Array(",\(kind.rawValue),\(kind.problem),\(kind.expectedHandling),\(kind.reasonCode)\n".utf8))
                out.badRows.append((lineInChunk, b.bytes))
            }
            previous = (r.declarationID, r.itemNo)
        }
        out.bytes = sink.bytes
        return out
    }

    /// The corruption of row `i`, or nil. Planted rows are never corrupted; a
    /// duplicate key needs a clean previous row to duplicate.
    static func dirtyKind(row i: Int, world: World, gen: inout RowGenerator) -> DirtyKind? {
        var rng = RowRandom(seed: world.seed, stream: .dirty, index: UInt64(i))
        guard rng.chance(dirtyRate) else { return nil }
        let kinds = DirtyKind.allCases.filter { $0 != .unterminatedQuote }
        var kind = rng.pick(kinds)
        if kind == .duplicateRowKey {
            var prev = RowRandom(seed: world.seed, stream: .dirty, index: UInt64(i - 1))
            if i == 0 || gen.slot(i - 1) != nil || prev.chance(dirtyRate) { kind = .wrongFieldCount }
        }
        return kind
    }

    static func writeParties(_ world: World, to path: String) throws(OutputFileError) {
        var w = ByteSink()
        w.append("name,country,list,alias_of\n")
        for p in world.listed {
            w.append(csvField(p.name)); w.append(UInt8(ascii: ","))
            w.append(Array(p.country.utf8)); w.append(UInt8(ascii: ","))
            w.append(Array(p.list.utf8)); w.append(UInt8(ascii: ","))
            if let a = p.aliasOf { w.append(csvField(world.listed[a].name)) }
            w.append(0x0A)
        }
        let f = try OutputFile(path: path)
        try f.write(w.bytes)
        try f.close()
    }
}
