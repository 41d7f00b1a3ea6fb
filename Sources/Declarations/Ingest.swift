import CSVCore
import Dispatch

/// What to do with a bad row.
public enum OnErrorPolicy: String, Sendable, CaseIterable {
    /// Reject it, write it to rejects.csv, keep going (the default).
    case collect
    /// Reject it, count it by reason, keep going; rejects.csv stays empty.
    case skip
    /// Stop at the first bad row with its diagnostic.
    case fail
}

/// How to read.
public struct IngestOptions: Sendable {
    public var mapping: MappingFile
    public var fx: FXTable
    public var onError: OnErrorPolicy
    public var encoding: InputEncoding
    public var threads: Int
    /// Bytes per parallel chunk.
    public var chunkSize: Int
    /// The hidden switch: scalar tokenizer only.
    public var scalarTokenizer: Bool
    /// The SIMD tokenizer's stage-1 kernel (the hidden `--index-kernel`): the fastest the
    /// CPU runs unless a run is to rule out the AVX-512 one.
    public var indexKernel: IndexKernel
    /// Called as input is read (after each merged chunk, and at the end of each file).
    public var progress: (@Sendable (IngestProgress) -> Void)?
    /// Where rejected rows beyond `rejectMemory` bytes are spilled (`RejectStore`):
    /// nil for the system's temporary folder; commands pass the output's folder.
    public var spillDirectory: String?
    /// Bytes of packed rejects held in memory before they are spilled.
    public var rejectMemory = RejectStore.defaultMemoryLimit
    /// Whether the rejected rows are kept for a rejects.csv (false: counted, with
    /// the first of each reason kept as an example; `validate` without `--out`, `fit`).
    public var keepRejectRows = true
    /// Values past which a worker's text dictionary starts afresh (`ChunkColumns.restartValues`;
    /// tests set it low to restart often: the table does not depend on it).
    var dictionaryRestart = ChunkColumns.restartValues
    /// Rows a worker's chunk needs for a field to be listed at its next chunk (`ChunkBuilder.chooseListing`);
    /// `Int.max`: never (tests compare the two ways).
    var listingRows = ChunkBuilder.listingRows

    public init(mapping: MappingFile = MappingFile(), fx: FXTable = .standard, onError: OnErrorPolicy = .collect,
                encoding: InputEncoding = .utf8, threads: Int = 0, chunkSize: Int = 4 << 20, scalarTokenizer: Bool = false,
                indexKernel: IndexKernel = .best) {
        self.mapping = mapping
        self.fx = fx
        self.onError = onError
        self.encoding = encoding
        self.threads = threads
        self.chunkSize = chunkSize
        self.scalarTokenizer = scalarTokenizer
        self.indexKernel = indexKernel
    }
}

/// How far ingest has got in the current file.
public struct IngestProgress: Sendable {
    public var fileIndex: Int
    public var bytesDone: Int
    public var bytesTotal: Int
    /// Rows accepted so far, all files.
    public var rows: Int
}

/// Accounting of one input file: records read = accepted + rejected; blank
/// lines and the header are counted apart.
public struct FileAccount: Sendable, Equatable {
    public var path: String
    public var bytes: Int
    public var recordsRead = 0
    public var accepted = 0
    public var rejected = 0
    public var blankLines = 0
    public var headerLines = 0
    /// Whether the SIMD path read it with no help (false: irregular quoting, or `--scalar-tokenizer`;
    /// then it was read in pieces from guessed record starts, each record with a stray quote by the scalar tokenizer).
    public var simd = true
    /// Records with irregular quoting (a stray quote, text after a closing quote, a quote never
    /// closed) read by the scalar tokenizer where they lie, the rest by the SIMD path.
    public var irregularRecords = 0
    public var mapping: [String] = []
    /// What the reader warns of (an ambiguous mapping), printed in every summary.
    public var warnings: [String] = []
}

/// The result of reading inputs.
public struct IngestResult: Sendable {
    public var table: DeclarationTable
    /// Rejected rows in file order (empty under `--on-error skip`), in bounded memory.
    public var rejects: RejectStore
    public var rejectCounts: [RejectReason: Int]
    public var files: [FileAccount]
    public var seconds: Double
    public var fxSource: String
    /// Chunks whose values of a text field a worker listed instead of interning (`ChunkBuilder.chooseListing`),
    /// over all fields: how often the free-text path ran (tests and benchmarks check it did).
    public internal(set) var listedChunks = 0

    public var recordsRead: Int { files.reduce(0) { $0 + $1.recordsRead } }
    public var rejected: Int { files.reduce(0) { $0 + $1.rejected } }
    public var rejectRate: Double { recordsRead == 0 ? 0 : Double(rejected) / Double(recordsRead) }
    public var bytes: Int { files.reduce(0) { $0 + $1.bytes } }
}

/// Reads declaration files into a `DeclarationTable`.
public enum Ingest {
    /// Expands inputs: files as named, folders to their `*.csv` and `*.csv.gz`
    /// (sorted), `-` to standard input.
    public static func expand(_ inputs: [String]) throws(IngestError) -> [String] {
        var out: [String] = []
        for input in inputs {
            if input == "-" { out.append(input); continue }
            var isDir = false
            guard FileSystem.exists(input, isDirectory: &isDir) else {
                throw .unreadable(file: input, reason: "no such file or folder")
            }
            if isDir {
                let names = FileSystem.list(input).filter { $0.hasSuffix(".csv") || $0.hasSuffix(".csv.gz") }.sorted()
                out.append(contentsOf: names.map { input.hasSuffix("/") ? input + $0 : input + "/" + $0 })
            } else {
                out.append(input)
            }
        }
        guard !out.isEmpty else { throw .noInput("no .csv or .csv.gz files in \(inputs.joined(separator: ", "))") }
        return out
    }

    /// Reads every input in order.
    public static func read(_ inputs: [String], options: IngestOptions) throws(IngestError) -> IngestResult {
        let clock = ContinuousClock()
        let started = clock.now
        let paths = try expand(inputs)
        let mappingFile = try options.mapping.validated(source: "mapping")
        var merged = Merge(rejects: RejectStore(memoryLimit: options.rejectMemory, spillDirectory: options.spillDirectory,
                                                keepsRows: options.keepRejectRows))
        var accounts: [FileAccount] = []
        for (fileIndex, path) in paths.enumerated() {
            let input = try InputBytes(path: path)
            merged.table.files.append(path == "-" ? "<stdin>" : path)
            let account = try readFile(input, fileIndex: fileIndex, mapping: mappingFile, options: options, into: &merged)
            accounts.append(account)
        }
        // The table's large dictionaries drop their lookup tables: nothing looks values up once
        // ingest is done (an intern would build the table again).
        for f in merged.table.text.indices where (merged.table.text[f]?.values.count ?? 0) > Ingest.foldValues {
            merged.table.text[f]!.values.foldLookup()
        }
        let elapsed = started.duration(to: clock.now)
        var result = IngestResult(
            table: merged.table, rejects: merged.rejects, rejectCounts: merged.rejectCounts, files: accounts,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
            fxSource: options.fx.source)
        result.listedChunks = merged.listedChunks
        return result
    }

    /// One set of text dictionaries per worker, kept from chunk to chunk of a file.
    static func workerDictionaries(_ threads: Int, _ options: IngestOptions) -> [InternerSet] {
        (0..<threads).map { _ in
            InternerSet(count: ChunkColumns.textWidth, capacity: 64, restartValues: options.dictionaryRestart, listingRows: options.listingRows)
        }
    }

    /// Values past which a table's dictionary drops its lookup table after ingest (`ByteInterner.foldLookup`).
    static let foldValues = 1 << 16

    /// The running merge of chunk results into one table.
    struct Merge {
        var table = DeclarationTable()
        /// Appended a chunk at a time, each chunk's sorted by byte offset, so in file order.
        let rejects: RejectStore
        var rejectCounts: [RejectReason: Int] = [:]
        var keys = KeySet(capacity: 1 << 16)
        /// Chunk fields read listed (`IngestResult.listedChunks`), appended or dropped.
        var listedChunks = 0
        /// Per worker of the current file, per text field: the worker
        /// dictionary's codes in the table's (`TextColumn.append(_:keep:codes:)`).
        var remaps: [[WorkerCodes]] = []

        /// Fresh maps for `threads` workers with fresh dictionaries.
        mutating func resetWorkers(_ threads: Int) {
            remaps = Array(repeating: Array(repeating: WorkerCodes(), count: ChunkColumns.textWidth), count: threads)
        }

        /// A chunk read into a worker's dictionaries that is not appended: the
        /// values it added wait, unplaced, for a later chunk of that worker to use them.
        mutating func drop(_ chunk: ChunkResult) {
            listedChunks += chunk.listedFields
            guard let w = chunk.worker else { return }
            restart(chunk, worker: w)
            for f in TextField.allCases.map(\.rawValue) {
                if let column = chunk.table.text[f] { remaps[w][f].drop(column.values) }
            }
        }

        /// Starts worker `w`'s codes of each field afresh where its dictionary was
        /// for this chunk (`ChunkColumns.restartValues`).
        private mutating func restart(_ chunk: ChunkResult, worker w: Int) {
            for (f, fresh) in chunk.restarted.enumerated() where fresh { remaps[w][f] = WorkerCodes() }
        }

        /// Drops rows, rejects and keys added after a mark (dictionary values stay, unused).
        mutating func truncate(rows: Int, rejects mark: RejectStore.Mark, counts: [RejectReason: Int]) throws(IngestError) {
            table.truncate(rows: rows)
            try rejects.truncate(to: mark)
            rejectCounts = counts
            keys.removeAll()
            for r in 0..<rows {
                _ = keys.insert(table.keyHash(r), row: Int32(r)) { _ in false }
            }
        }

        /// Appends a chunk; rows repeating an earlier (declaration_id, item_no) are rejected.
        mutating func add(_ chunk: ChunkResult, offsets: [Int], buffer: UnsafeRawBufferPointer, fileIndex: Int,
                          recordBase: Int, keepRejects: Bool, account: inout FileAccount) throws(IngestError) {
            listedChunks += chunk.listedFields
            var keep: [Bool]? = nil
            // The chunk's repeated keys, then its rows the parser rejected: stored in byte order.
            var batch: [Reject] = []
            let t = chunk.table
            let base = table.count
            let global = table
            // Table rows are numbered as they will be appended: kept rows only.
            var keptRows: [Int] = []
            keptRows.reserveCapacity(t.count)
            let hashes = t.chunkKeyHashes
            for r in 0..<t.count {
                if r &+ 16 < hashes.count { keys.prefetch(hashes[r &+ 16]) }
                let earlier = keys.insert(hashes[r], row: Int32(base + keptRows.count)) { other in
                    let o = Int(other)
                    if o < base {
                        return global.itemNo[o] == t.itemNo[r] && global.declarationID.equals(o, t.declarationID, r)
                    }
                    let row = keptRows[o - base]
                    return t.itemNo[row] == t.itemNo[r] && t.declarationID.equals(row, t.declarationID, r)
                }
                if earlier == nil { keptRows.append(r) }
                if earlier != nil {
                    if keep == nil { keep = Array(repeating: true, count: t.count) }
                    keep![r] = false
                    rejectCounts[.duplicateRowKey, default: 0] += 1
                    account.rejected += 1
                    account.accepted -= 1
                    if keepRejects, let e = earlier {
                        let start = offsets[r]
                        var end = start
                        while end < buffer.count && buffer[end] != 0x0A && end - start < 1024 { end += 1 }
                        let id = t.declarationID.string(r)
                        // Where the kept copy is: its line in this file, or another file and its line
                        // (the same words however the file was cut into chunks).
                        let o = Int(e)
                        let keptFile = o < base ? Int(table.fileIndex[o]) : fileIndex
                        let keptLine = o < base ? Int(table.line[o]) : Int(t.line[keptRows[o - base]])
                        let first = keptFile == fileIndex ? "line \(keptLine)" : "\(table.files[keptFile]):\(keptLine)"
                        batch.append(Reject(
                            fileIndex: fileIndex, line: Int(t.line[r]), byteOffset: start, column: 1,
                            record: r < chunk.records.count ? recordBase + Int(chunk.records[r]) : -1, field: "declaration_id",
                            reason: .duplicateRowKey,
                            message: "declaration \(id) item \(t.itemNo[r]) appeared before, at \(first); this copy was rejected",
                            raw: Array(buffer[start..<end])))
                    }
                }
            }
            if let w = chunk.worker {
                restart(chunk, worker: w)
                remaps[w].withUnsafeMutableBufferPointer { table.append(t, keep: keep.map(KeptRows.init), fileIndex: fileIndex, remaps: $0.baseAddress!) }
            } else {
                table.append(t, keep: keep, fileIndex: fileIndex)
            }
            for (reason, n) in chunk.rejectCounts { rejectCounts[reason, default: 0] += n }
            for var r in chunk.rejects {
                r.record += recordBase
                batch.append(r)
            }
            // Stable: a record's own rejects keep their order.
            let sorted = batch.enumerated().sorted { ($0.element.byteOffset, $0.offset) < ($1.element.byteOffset, $1.offset) }
            for (_, r) in sorted { try rejects.append(r) }
        }
    }

    /// Sizes the table's text dictionaries for the rest of a file where a chunk
    /// just merged (of `rows` rows; `before`: each dictionary's values and bytes
    /// before it) added a value for more than half its rows: free text, which
    /// would grow the dictionary by doubling, each step rehashing the table and
    /// copying its arrays on the merging thread while the workers wait. The
    /// chunk's rate of new values and bytes is carried over `remainingRows`.
    /// Fields whose values repeat are left to grow. A dictionary's codes do not
    /// depend on its room.
    static func sizeDictionaries(_ table: inout DeclarationTable, before: [(values: Int, bytes: Int)?], rows: Int, remainingRows: Int) {
        for f in table.text.indices where f < before.count {
            // Counts read first, no copy of the column kept: one alive during `reserve` would make
            // it copy the dictionary's arrays.
            guard let b = before[f], let (count, arena) = table.text[f].map({ ($0.values.count, $0.values.arena.count) }) else { continue }
            let added = count - b.values, bytes = arena - b.bytes
            guard added * 2 > rows else { continue }
            let more = Double(remainingRows) * 1.05 / Double(rows)
            table.text[f]!.values.reserve(values: count + Int(Double(added) * more), bytes: arena + Int(Double(bytes) * more))
        }
    }

    static func readFile(_ input: InputBytes, fileIndex: Int, mapping mappingFile: MappingFile,
                         options: IngestOptions, into merged: inout Merge) throws(IngestError) -> FileAccount {
        switch options.encoding {
        case .utf8: try InputEncoding.check(input.buffer, file: input.name)
        case .gb18030, .windows1252: input.replace(with: try InputEncoding.decode(input.buffer, from: options.encoding, file: input.name))
        }
        let buffer = input.buffer
        var account = FileAccount(path: input.name == "-" ? "<stdin>" : input.name, bytes: buffer.count)
        guard buffer.count > 0 else {
            throw .mapping(file: input.name, message: "the file is empty; expected a header line")
        }
        let dialect = Dialect(delimiter: mappingFile.delimiter?.utf8.first ?? sniffDelimiter(buffer))
        // The header: the first record.
        let head = ScalarTokenizer.tokenize(buffer, dialect: dialect, from: 0, stopAfter: 1, line: 1).tokens
        guard head.recordCount > 0 else { throw .mapping(file: input.name, message: "no header line") }
        let header = head.fields(ofRecord: 0).map {
            FieldValue.string(buffer, start: head.fieldStart[$0], end: head.fieldEnd[$0], flags: head.fieldFlags[$0], quote: dialect.quote)
        }
        let mapping = try Mapping.resolve(mappingFile, header: header, source: input.name)
        account.mapping = mapping.lines
        account.warnings = mapping.notes
        let keepRejects = options.onError != .skip
        let parser = ChunkParser(buffer: buffer, mapping: mapping, header: header, fx: options.fx, fileIndex: fileIndex,
                                 keepRejects: keepRejects, dialect: dialect)
        let threads = options.threads > 0 ? options.threads : System.cores

        // Parallel SIMD path: chunks merged in order as they land (so chunk columns
        // are freed and their memory reused); at the first irregular chunk the
        // rest of the file goes to the pieces path.
        // Bytes per row, from the first 64 KiB, to size columns and tables once.
        let sample = min(buffer.count, 1 << 16)
        var sampleLines = 0
        for i in 0..<sample where buffer[i] == 0x0A { sampleLines += 1 }
        let rowBytes = max(16, sample / max(1, sampleLines))
        let estimatedRows = buffer.count / rowBytes + 16
        merged.keys.reserve(merged.table.count + estimatedRows)
        var simd = !options.scalarTokenizer
        var recordBase = 0
        var reserved = false
        // Text dictionaries sized once for the rest of the file, at the third chunk merged
        // (`sizeDictionaries`).
        var mergedChunks = 0
        func mergeResult(_ r: ChunkResult, into merged: inout Merge) throws(IngestError) {
            if !reserved && r.table.count > 0 {
                merged.table.reserve(additional: estimatedRows, like: r.table)
                reserved = true
            }
            let before = merged.table.text.map { $0.map { ($0.values.count, $0.values.arena.count) } }
            account.recordsRead += r.recordsRead
            account.blankLines += r.blankLines
            account.headerLines += r.headerLines
            account.irregularRecords += r.recovered
            let rejected = r.rejectCounts.values.reduce(0, +)
            account.rejected += rejected
            account.accepted += r.recordsRead - rejected
            try merged.add(r, offsets: r.offsets, buffer: buffer, fileIndex: fileIndex, recordBase: recordBase,
                           keepRejects: keepRejects, account: &account)
            mergedChunks += 1
            if mergedChunks == 3 && r.table.count > 0 {
                Ingest.sizeDictionaries(&merged.table, before: before, rows: r.table.count,
                                        remainingRows: max(0, buffer.count - r.end) / rowBytes)
            }
            recordBase += r.recordsRead
            if options.onError == .fail, let first = merged.rejects.first {
                throw .rejected(diagnostic(first, file: input.name))
            }
        }
        // Where the pieces path starts (the SIMD chunks merged before a stray quote was met stay merged).
        var resume = (start: 0, line: 1)
        if simd {
            let size = max(1 << 16, min(options.chunkSize, buffer.count / max(1, threads * 2) + 1))
            // The chunks are read by a pipeline (`ChunkPipeline`) and merged here, in order, as
            // they land. The worker that takes a chunk counts its quotes and line feeds just
            // before it reads it: its pages are mapped once for both passes, and its bytes are
            // still in cache for the parse. A merged chunk's pages are dropped, so the mapped
            // file never sits in resident memory whole.
            let plan = Tokenizer.chunks(buffer, chunkSize: size, kernel: options.indexKernel)
            // safe: the input bytes are read-only while the chunks are parsed.
            nonisolated(unsafe) let shared = buffer
            // Where this file's rows start, to undo them if the file turns out irregular.
            let mark = (rows: merged.table.count, rejects: merged.rejects.mark, counts: merged.rejectCounts)
            let checkpointAccount = account
            // Each worker keeps its text dictionaries from chunk to chunk of the file
            // (a chunk's values are mostly ones its worker has seen), and a chunk hands
            // the merge only the values it added; the merge keeps each worker's codes
            // in the table's (`TextColumn.append(_:keep:remap:)`).
            let dictionaries = workerDictionaries(threads, options)
            merged.resetWorkers(threads)
            // Up to eight chunks a worker read ahead of the merge (the waves of chunks this replaced held as many).
            // Each chunk's pages are mapped in one call before its counting pass (`InputBytes.populate`).
            let pipeline = ChunkPipeline<ChunkResult>(buffer, plan: plan, dialect: dialect, threads: threads, window: threads * 8,
                                                      prepare: { [plan] j in input.populate(plan.range(j)) })
            // Where the merged chunks' visits stopped: the first record or blank line at or
            // after the last merged chunk's end (see `resume` below).
            var stopped = (at: 0, chunk: -1)
            do {
                // The workers end here, whatever happens (they read the mapped input).
                defer { pipeline.finish() }
                pipeline.start { w, j, plan in
                    var builder = parser.builder(skipHeader: j == 0, expectedRows: plan.range(j).count / rowBytes + 16,
                                                 dictionaries: dictionaries[w])
                    guard let s = Tokenizer.visitChunk(shared, dialect: dialect, plan: plan, chunk: j, visitor: &builder) else { return nil }
                    var r = builder.finish()
                    r.blankLines = s.blankLines
                    r.worker = w
                    return r
                }
                for j in 0..<pipeline.count {
                    guard let r = pipeline.result(j) else { simd = false; break }
                    try mergeResult(r, into: &merged)
                    // A chunk's visit takes the blank lines that start before its end, as a scalar piece does.
                    var at = max(stopped.at, r.end)
                    let end = plan.range(j).upperBound
                    while at < end {
                        if buffer[at] == 0x0A { at += 1 } else if buffer[at] == 0x0D && at + 1 < buffer.count && buffer[at + 1] == 0x0A { at += 2 } else { break }
                    }
                    stopped = (at >= end ? at : -1, j)   // -1: content the visit did not take (cannot resume there)
                    input.release(before: end)
                    options.progress?(IngestProgress(fileIndex: fileIndex, bytesDone: end, bytesTotal: buffer.count, rows: merged.table.count))
                }
            }
            if !simd {
                if stopped.chunk >= 0 && stopped.at > 0 {
                    // The chunks merged so far stay: the pieces path reads on from where their visits stopped.
                    resume = (stopped.at, pipeline.plan.line(ofChunk: stopped.chunk)
                              + Tokenizer.newlines(in: buffer, range: plan.range(stopped.chunk).lowerBound..<stopped.at, kernel: options.indexKernel))
                } else {
                    try merged.truncate(rows: mark.rows, rejects: mark.rejects, counts: mark.counts)   // the scalar path reads it again
                    account = checkpointAccount
                    recordBase = 0
                    reserved = false
                }
            }
        }
        if !simd { account.simd = false }
        if !simd && resume.start < buffer.count {
            // Irregular quoting (or --scalar-tokenizer). Pieces start at guessed record
            // starts (`Tokenizer.scalarPieces`) and are read in parallel (a pipeline,
            // as the chunks above) by the SIMD path: each record with a stray quote is read by the
            // scalar state machine (the oracle) where it lies, and the index starts
            // over after it (a recovering visit). Each piece is merged only if it
            // starts where the one before really ended, else read again from there
            // by the scalar machine. One stray quote once sent a whole file through
            // one core with all its columns held twice (2M dirty rows: 2.7 s and
            // 1.4 GB, against 0.5 s and 0.35 GB for the clean file); a stray quote
            // every 500 rows then cost 1.4 s against 0.45 s, and now 0.63 s.
            // On one thread, pieces of the chunk size (a chunk size past the file: one piece, the oracle the fuzzers compare with).
            let size = threads == 1 ? options.chunkSize : max(1 << 16, min(options.chunkSize, buffer.count / (threads * 2) + 1))
            let starts = Tokenizer.scalarPieces(UnsafeRawBufferPointer(rebasing: buffer[resume.start...]), chunkSize: size).map { resume.start + $0 }
            // Where each piece ends: at the next one's start, the last at the end of the input.
            let ends = Array(starts.dropFirst()) + [buffer.count]
            // Each piece is read by the SIMD path from its start; its line (1 + the LFs before
            // it) is counted by the pipeline below as the pieces are read, so the file's pages
            // are not all mapped at once.
            var simdPlan = Tokenizer.plan(buffer, recordStarts: starts, kernel: options.indexKernel)
            simdPlan.setLine(resume.line, ofChunk: 0)
            // safe: the input bytes are read-only while the pieces are parsed.
            nonisolated(unsafe) let shared = buffer
            let read = { @Sendable (from: Int, line: Int, stopAfter: Int) -> (result: ChunkResult, next: Int, nextLine: Int) in
                var builder = parser.builder(skipHeader: from == 0, expectedRows: (stopAfter - from) / rowBytes + 16)
                let s = Tokenizer.visitScalarPiece(shared, dialect: dialect, from: from, line: line, stopAfter: stopAfter, visitor: &builder)
                var r = builder.finish()
                r.blankLines = s.summary.blankLines
                return (r, s.next, s.nextLine)
            }
            /// A piece's records; `dropped`: what a visit that gave up had added to its
            /// worker's dictionaries (`Merge.drop`).
            typealias Segment = (start: Int, stop: Int, result: ChunkResult, next: Int, nextLine: Int, dropped: ChunkResult?)
            /// Chunk `c` of `plan` (records from `start`, a guessed record start, to `stop`) by the
            /// SIMD path, each record with irregular quoting by the scalar machine where it lies.
            let simd = { @Sendable (plan: TokenizerPlan, c: Int, start: Int, stop: Int, nextLine: Int, worker: (Int, InternerSet)?) -> (Segment?, dropped: ChunkResult?) in
                var builder = parser.builder(skipHeader: start == 0, expectedRows: (stop - start) / rowBytes + 16, dictionaries: worker?.1)
                guard let s = Tokenizer.visitChunk(shared, dialect: dialect, plan: plan, chunk: c, recovering: true, visitor: &builder) else {
                    guard let worker else { return (nil, nil) }
                    var gaveUp = builder.finish()
                    gaveUp.worker = worker.0
                    return (nil, gaveUp)
                }
                // Where the scalar piece would end: after the last record when it runs past
                // the piece (a guess inside a quoted field), else at the next piece's start.
                let end = max(builder.lastEnd, stop)
                let extra = end > stop ? Tokenizer.newlines(in: shared, range: stop..<end, kernel: options.indexKernel) : 0
                var r = builder.finish()
                r.blankLines = s.blankLines
                r.recovered = s.recovered
                r.worker = worker?.0
                return ((start, stop, r, end, nextLine + extra, nil), nil)
            }
            /// Piece `k`'s records: by the SIMD path, recovering (`simd`), into `worker`'s
            /// dictionaries when given; by the scalar path under `--scalar-tokenizer`, or if a
            /// recovering visit ever gave up.
            let readPiece = { @Sendable (k: Int, plan: TokenizerPlan, line: Int, nextLine: Int, worker: (Int, InternerSet)?) -> Segment in
                let start = starts[k], stopAfter = ends[k]
                var dropped: ChunkResult? = nil
                if !options.scalarTokenizer {
                    let (segment, gaveUp) = simd(plan, k, start, stopAfter, nextLine, worker)
                    if let segment { return segment }
                    dropped = gaveUp
                }
                let r = read(start, line, stopAfter)
                return (start, stopAfter, r.result, r.next, r.nextLine, dropped)
            }
            // As on the SIMD path, each worker keeps its text dictionaries from piece to
            // piece (a fresh dictionary per piece made the merge intern every piece's
            // values again: 8% of a dirty 10M-row ingest), and the pieces are read by a
            // pipeline and merged here in order as they land. A piece the merge does not
            // take as read (its guessed start was wrong, or its visit gave up) is dropped:
            // the values it added to its worker's dictionaries are placed at their first
            // use by that worker's later pieces (`WorkerCodes`).
            let dictionaries = workerDictionaries(threads, options)
            merged.resetWorkers(threads)
            let pipeline = ChunkPipeline<Segment>(
                plan: simdPlan, threads: threads, window: threads * 8,
                count: { k in (0, UInt64(Tokenizer.newlines(in: shared, range: starts[k]..<ends[k], kernel: options.indexKernel))) },
                advance: { plan, k, c in plan.setLine(plan.line(ofChunk: k) + Int(c.newlines), ofChunk: k + 1) },
                prepare: { k in input.populate(starts[k]..<ends[k]) })
            var expected = resume
            do {
                // The workers end here, whatever happens (they read the mapped input).
                defer { pipeline.finish() }
                pipeline.start { w, k, plan in
                    readPiece(k, plan, plan.line(ofChunk: k), k + 1 < starts.count ? plan.line(ofChunk: k + 1) : 0, (w, dictionaries[w]))
                }
                for k in 0..<pipeline.count {
                    // A piece is always read (by the scalar machine when its visit gave up): never nil.
                    guard let segment = pipeline.result(k) else { preconditionFailure("piece \(k) came back unread") }
                    if let gaveUp = segment.dropped { merged.drop(gaveUp) }
                    var out = (result: segment.result, next: segment.next, nextLine: segment.nextLine)
                    if segment.start != expected.start {
                        // The guess fell inside a quoted field, or the segment before ran past it.
                        merged.drop(segment.result)
                        guard expected.start < segment.stop else { continue }   // its records were all read with the one before
                        out = read(expected.start, expected.line, segment.stop)
                    }
                    try mergeResult(out.result, into: &merged)
                    expected = (out.next, out.nextLine)
                    input.release(before: min(expected.start, ends[k]))
                    options.progress?(IngestProgress(fileIndex: fileIndex, bytesDone: expected.start, bytesTotal: buffer.count, rows: merged.table.count))
                }
            }
        }
        options.progress?(IngestProgress(fileIndex: fileIndex, bytesDone: buffer.count, bytesTotal: buffer.count, rows: merged.table.count))
        return account
    }

    /// The delimiter the header line uses most: comma, semicolon, tab or pipe.
    /// The header is the first line with content (after a BOM and blank lines).
    static func sniffDelimiter(_ b: UnsafeRawBufferPointer) -> UInt8 {
        var counts: [UInt8: Int] = [UInt8(ascii: ","): 0, UInt8(ascii: ";"): 0, 0x09: 0, UInt8(ascii: "|"): 0]
        var content = false
        let bom = b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF ? 3 : 0
        for byte in b.prefix(64 * 1024).dropFirst(bom) {
            if byte == 0x0A {
                if content { break }
                continue
            }
            if byte != 0x0D { content = true }
            if counts[byte] != nil { counts[byte]! += 1 }
        }
        let best = counts.max { ($0.value, $0.key == UInt8(ascii: ",") ? 1 : 0) < ($1.value, $1.key == UInt8(ascii: ",") ? 1 : 0) }!
        return best.value > 0 ? best.key : UInt8(ascii: ",")
    }

    /// A compiler-style diagnostic for a reject.
    public static func diagnostic(_ r: Reject, file: String) -> Diagnostic {
        var excerpt = r.escapedRaw
        if excerpt.count > 120 { excerpt = String(excerpt.prefix(120)) + "…" }
        return Diagnostic(file: file, line: r.line, column: r.column, record: r.record, field: r.field,
                          reason: r.reason, message: r.message, excerpt: excerpt)
    }
}
