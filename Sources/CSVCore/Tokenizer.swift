import CSVKernelsC

/// The CSV tokenizer TradeScan uses: the SIMD structural indexer with its
/// stage-2 assembler, falling back to the scalar state machine (the oracle)
/// whenever the input's quoting is irregular. Both paths give identical
/// `CSVTokens` for any bytes.
public enum Tokenizer {
    /// Which implementation runs.
    public enum Path: Sendable {
        /// SIMD, with the scalar fallback for irregular quoting.
        case automatic
        /// The scalar state machine only (the hidden `--scalar-tokenizer` switch).
        case scalar
    }

    /// Tokenizes `bytes`, split into chunks at `splits` (offsets, any order;
    /// chunk edges may fall anywhere, even inside quoted fields).
    public static func tokenize(_ bytes: UnsafeRawBufferPointer, dialect: Dialect = .comma, path: Path = .automatic,
                                splits: [Int] = [], kernel: IndexKernel = .best) -> CSVTokens {
        if path == .scalar { return ScalarTokenizer.tokenize(bytes, dialect: dialect) }
        return fastPath(bytes, dialect: dialect, splits: splits, kernel: kernel) ?? ScalarTokenizer.tokenize(bytes, dialect: dialect)
    }

    /// The SIMD path alone: `nil` when the quoting is irregular.
    static func fastPath(_ bytes: UnsafeRawBufferPointer, dialect: Dialect, splits: [Int], kernel: IndexKernel = .best,
                         indexWindow: Int = StructuralIndex.largestWindow) -> CSVTokens? {
        let bom = hasBOM(bytes) ? 3 : 0
        var plan = ChunkPlan(bytes, from: bom, splits: splits)
        plan.extend(through: plan.chunks.count - 1, bytes, dialect: dialect, kernel: kernel)
        // Each chunk indexed in one window when it can be (positions are 30-bit
        // offsets, so larger chunks take several).
        var indexes: [StructuralIndex] = []
        for c in plan.chunks {
            var start = c.start, inside = c.insideQuotes
            repeat {
                let index = StructuralIndex(bytes, start: start, end: min(c.end, start + indexWindow), dialect: dialect,
                                            insideQuotes: inside, kernel: kernel)
                indexes.append(index)
                start = index.end
                inside = index.endsInsideQuotes
            } while start < c.end
        }
        return TokenAssembler.assemble(bytes, indexes: indexes, dialect: dialect, bom: bom, kernel: kernel)
    }

    public static func tokenize(_ bytes: [UInt8], dialect: Dialect = .comma, path: Path = .automatic, splits: [Int] = [],
                                kernel: IndexKernel = .best) -> CSVTokens {
        bytes.withUnsafeBytes { tokenize($0, dialect: dialect, path: path, splits: splits, kernel: kernel) }
    }

    /// Runs `body` for `0..<count` and returns the results in order: serially, or
    /// on many threads when the caller passes a parallel map (CSVCore starts no threads).
    public typealias ChunkMap = (_ count: Int, _ body: @Sendable (Int) -> (quotes: UInt64, newlines: UInt64)) -> [(quotes: UInt64, newlines: UInt64)]

    /// Plans chunks of about `chunkSize` bytes: one counting pass gives the quote
    /// parity and line count at each chunk's first byte. `map` runs the chunks'
    /// counts (serially by default; the counts of different chunks are independent).
    public static func plan(_ bytes: UnsafeRawBufferPointer, dialect: Dialect = .comma, chunkSize: Int,
                            map: ChunkMap = { n, body in (0..<n).map(body) }, kernel: IndexKernel = .best) -> TokenizerPlan {
        var plan = chunks(bytes, chunkSize: chunkSize, kernel: kernel)
        plan.extend(through: plan.count - 1, bytes, dialect: dialect, map: map)
        return plan
    }

    /// The chunks of about `chunkSize` bytes, with only the first one's start
    /// state known: `TokenizerPlan.extend(through:)` counts its way further as
    /// chunks are needed, or a caller counts each chunk (`counts(ofChunk:)`)
    /// and hands the counts to `advance` in order. Ingest counts each chunk
    /// just before parsing it (its pages mapped and cached once, not once per pass).
    public static func chunks(_ bytes: UnsafeRawBufferPointer, chunkSize: Int, kernel: IndexKernel = .best) -> TokenizerPlan {
        let bom = hasBOM(bytes) ? 3 : 0
        let size = max(4096, chunkSize)
        let splits = Array(stride(from: bom + size, to: bytes.count, by: size))
        return TokenizerPlan(bom: bom, chunks: ChunkPlan(bytes, from: bom, splits: splits), kernel: kernel)
    }

    /// Plans chunks at explicit offsets (tests put edges everywhere).
    /// `indexWindow` sets the bytes per structural-index window (tests and the
    /// fuzzer make it small, so window edges fall everywhere).
    public static func plan(_ bytes: UnsafeRawBufferPointer, dialect: Dialect = .comma, splits: [Int],
                            kernel: IndexKernel = .best, indexWindow: Int = Tokenizer.indexWindow) -> TokenizerPlan {
        let bom = hasBOM(bytes) ? 3 : 0
        var plan = TokenizerPlan(bom: bom, chunks: ChunkPlan(bytes, from: bom, splits: splits), kernel: kernel, indexWindow: max(1, indexWindow))
        plan.extend(through: plan.count - 1, bytes, dialect: dialect)
        return plan
    }

    /// The records whose first byte lies in chunk `j`, by the SIMD path; the
    /// last may run into later chunks. `nil` when the quoting is irregular (the
    /// caller then reads the whole input with `ScalarTokenizer`, piece by piece).
    /// Chunks can be tokenized in parallel; concatenated in order they give the
    /// tokens of the whole input.
    public static func tokenizeChunk(_ bytes: UnsafeRawBufferPointer, dialect: Dialect = .comma,
                                     plan: TokenizerPlan, chunk j: Int) -> CSVTokens? {
        switch prepareChunk(bytes, dialect: dialect, plan: plan, chunk: j) {
        case .irregular: return nil
        case .empty: return CSVTokens()
        case .ready(var assembler, let from, let line):
            guard var t = assembler.run(from: from, stopAt: plan.chunks[j].end, line: line) else { return nil }
            if j == 0 { t.bomLength = plan.bom }
            return t
        }
    }

    /// Tokenizes chunk by chunk and concatenates, falling back to the scalar
    /// tokenizer when any chunk is irregular: the same tokens as `tokenize`.
    public static func tokenizeInChunks(_ bytes: UnsafeRawBufferPointer, dialect: Dialect = .comma, splits: [Int],
                                        kernel: IndexKernel = .best, indexWindow: Int = Tokenizer.indexWindow) -> CSVTokens {
        let plan = plan(bytes, dialect: dialect, splits: splits, kernel: kernel, indexWindow: indexWindow)
        var all = CSVTokens()
        all.bomLength = plan.bom
        for j in plan.chunks.indices {
            guard let t = tokenizeChunk(bytes, dialect: dialect, plan: plan, chunk: j) else {
                return ScalarTokenizer.tokenize(bytes, dialect: dialect)
            }
            all.append(t)
        }
        all.lineCount = 0
        var newlines = 0
        for b in bytes where b == 0x0A { newlines += 1 }
        all.lineCount = newlines + (bytes.count > plan.bom && bytes[bytes.count - 1] != 0x0A ? 1 : 0)
        return all
    }

    /// Stage 1 alone over the whole input, chunk by chunk and window by window:
    /// the number of separators (field ends) and records found by the
    /// structural index. For benchmarks of the indexer on its own.
    public static func structuralSummary(_ bytes: UnsafeRawBufferPointer, dialect: Dialect = .comma,
                                         chunkSize: Int = 4 << 20, kernel: IndexKernel = .best) -> (separators: Int, records: Int) {
        let plan = plan(bytes, dialect: dialect, chunkSize: chunkSize, kernel: kernel)
        var separators = 0, records = 0
        let storage = StructuralIndex.Storage()
        for c in plan.chunks {
            // Window by window, as the tokenizer indexes a chunk.
            var start = c.start, inside = c.insideQuotes
            while start < c.end {
                let index = StructuralIndex(bytes, start: start, end: min(c.end, start + indexWindow), dialect: dialect,
                                            insideQuotes: inside, kernel: kernel, reusing: storage)
                separators += index.separators.count
                for s in index.separators where s & StructuralIndex.recordEndBit != 0 { records += 1 }
                start = index.end
                inside = index.endsInsideQuotes
            }
        }
        return (separators, records)
    }

    /// Where the scalar path's pieces start, guessed so they can be read in
    /// parallel: the first at 0, then one after the first LF at or beyond each
    /// multiple of `chunkSize`. A guess is a record start unless that LF lies
    /// inside a quoted field; the reader checks each piece against where the
    /// piece before it really ended (`visitScalarPiece`'s `next`) and reads a
    /// piece again from there when they differ, so the records are the scalar
    /// path's over the whole input. Reads one line per piece (the pages of the
    /// rest are not touched: the reader counts each piece's lines just before
    /// it reads the piece, `newlines(in:range:kernel:)`).
    public static func scalarPieces(_ bytes: UnsafeRawBufferPointer, chunkSize: Int) -> [Int] {
        let n = bytes.count, size = max(4096, chunkSize)
        guard n > 0 else { return [0] }
        var starts = [0]
        var target = size
        while target < n {
            var lf = target
            while lf < n && bytes[lf] != 0x0A { lf += 1 }   // a line's length, once per piece
            let s = lf + 1
            guard s < n else { break }
            starts.append(s)
            target = s + size - 1
        }
        return starts
    }

    /// The LFs in `range` of `bytes` (the counting kernel of the chunk plans).
    public static func newlines(in bytes: UnsafeRawBufferPointer, range: Range<Int>, kernel: IndexKernel = .best) -> Int {
        guard !range.isEmpty else { return 0 }
        let p = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + range.lowerBound
        var q: UInt64 = 0, lfs: UInt64 = 0
        #if arch(x86_64)
        if kernel.isAVX512 { tradescan_count_quotes_newlines_avx512(p, range.count, 0x22, &q, &lfs) } else {
            tradescan_count_quotes_newlines(p, range.count, 0x22, &q, &lfs)
        }
        #else
        tradescan_count_quotes_newlines(p, range.count, 0x22, &q, &lfs)
        #endif
        return Int(lfs)
    }

    /// A plan whose chunks start at record starts (0, or a byte after an LF,
    /// outside quotes), as `scalarPieces` guesses them, the last ending at `end`:
    /// chunk k's records by the SIMD path are those starting in it, as the scalar
    /// state machine would read them from the same start, or nil when its
    /// quoting is irregular. The reader takes a chunk only where it starts at a
    /// record start (the one before it ended there) and reads the others by the
    /// scalar path: a stray quote sends its piece, not the file, to it. Each
    /// chunk's line is set (`TokenizerPlan.setLine(_:ofChunk:)`) before the chunk
    /// is visited. A plan from 0 skips a BOM, as every plan does.
    public static func plan(_ bytes: UnsafeRawBufferPointer, recordStarts: [Int], end: Int? = nil,
                            kernel: IndexKernel = .best) -> TokenizerPlan {
        let bom = recordStarts[0] == 0 && hasBOM(bytes) ? 3 : 0
        var chunks = ChunkPlan(bytes, from: recordStarts[0] + bom, splits: Array(recordStarts.dropFirst()))
        precondition(chunks.chunks.map(\.start) == [recordStarts[0] + bom] + recordStarts.dropFirst(),
                     "record starts: increasing offsets inside the bytes")
        for k in chunks.chunks.indices { chunks.chunks[k].insideQuotes = false }
        if let end { chunks.chunks[chunks.chunks.count - 1].end = end }
        chunks.markPlanned()
        return TokenizerPlan(bom: bom, chunks: chunks, kernel: kernel)
    }

    static func hasBOM(_ b: UnsafeRawBufferPointer) -> Bool {
        b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF
    }
}

/// Chunks of an input with the quote state and line count at each chunk's first
/// byte, known for the first `planned` chunks.
public struct TokenizerPlan: Sendable {
    /// Bytes of a UTF-8 BOM skipped at the start (0 or 3).
    public var bom: Int
    var plan: ChunkPlan
    /// The stage-1 kernel the plan counts with; its chunks are indexed with it too.
    public var kernel: IndexKernel
    /// Bytes per structural-index window.
    public var indexWindow = Tokenizer.indexWindow

    init(bom: Int, chunks: ChunkPlan, kernel: IndexKernel, indexWindow: Int = Tokenizer.indexWindow) {
        self.bom = bom
        plan = chunks
        self.kernel = kernel
        self.indexWindow = indexWindow
    }

    var chunks: [ChunkPlan.Chunk] { plan.chunks }
    /// Number of chunks.
    public var count: Int { plan.chunks.count }
    /// Chunks whose start state is known: only these may be tokenized.
    public var planned: Int { plan.planned }
    /// Byte range of chunk `j`.
    public func range(_ j: Int) -> Range<Int> { plan.chunks[j].start..<plan.chunks[j].end }
    /// The line of chunk `j`'s first byte (a planned chunk).
    public func line(ofChunk j: Int) -> Int { plan.chunks[j].newlinesBefore + 1 }

    /// Sets the line of chunk `k`'s first byte (a plan of record starts, whose
    /// lines are counted as the pieces are read).
    public mutating func setLine(_ line: Int, ofChunk k: Int) {
        plan.chunks[k].newlinesBefore = line - 1
    }

    /// Counts the quotes and LFs of the chunks before `j` not counted yet (`map`
    /// runs them, serially by default), so chunks up to `j` can be tokenized.
    public mutating func extend(through j: Int, _ bytes: UnsafeRawBufferPointer, dialect: Dialect = .comma,
                                map: Tokenizer.ChunkMap = { n, body in (0..<n).map(body) }) {
        plan.extend(through: j, bytes, dialect: dialect, kernel: kernel, map: map)
    }

    /// The quotes and LFs of chunk `j`: what `extend` counts, for a caller that
    /// counts chunks on threads of its own and hands the counts to `advance` in order.
    public func counts(ofChunk j: Int, _ bytes: UnsafeRawBufferPointer, dialect: Dialect = .comma) -> (quotes: UInt64, newlines: UInt64) {
        ChunkPlan.count(bytes, plan.chunks[j].start..<plan.chunks[j].end, quote: dialect.quote, kernel: kernel)
    }

    /// Plans the next chunk (`planned`) from the counts of the one before it (`counts(ofChunk: planned − 1)`).
    public mutating func advance(_ counts: (quotes: UInt64, newlines: UInt64)) {
        plan.advance(counts)
    }

    /// Where a chunk starts: inside quotes or not, and its line.
    public struct ChunkStart: Sendable, Equatable {
        public var insideQuotes: Bool
        public var line: Int
    }

    /// Chunk `j`'s start state (a planned chunk).
    public func start(ofChunk j: Int) -> ChunkStart {
        ChunkStart(insideQuotes: plan.chunks[j].insideQuotes, line: plan.chunks[j].newlinesBefore + 1)
    }

    /// A copy whose owner sets each chunk's start state (`setStart`) before
    /// reading it, as it learns them from the plan that counts them: every
    /// chunk counts as planned, so only chunks given their state may be read.
    /// A reader thread keeps one such copy, instead of copying the counting
    /// plan (all of its chunks) for every chunk it reads.
    public func ownStarts() -> TokenizerPlan {
        var copy = self
        copy.plan.markPlanned()
        return copy
    }

    /// Sets chunk `j`'s start state (in a plan of `ownStarts`, or of record starts).
    public mutating func setStart(_ start: ChunkStart, ofChunk j: Int) {
        plan.chunks[j].insideQuotes = start.insideQuotes
        plan.chunks[j].newlinesBefore = start.line - 1
    }
}

/// Chunks of a buffer with the quote state at each chunk's first byte, from a
/// counting pass (parity of quotes before the chunk) and the LF count before it;
/// the pass runs up to a chunk when asked (`extend(through:)`).
struct ChunkPlan: Sendable {
    struct Chunk: Sendable {
        var start: Int
        var end: Int
        var insideQuotes: Bool
        /// LFs before `start` (so the line of `start` is this + 1).
        var newlinesBefore: Int
    }
    var chunks: [Chunk] = []
    /// Chunks whose `insideQuotes` and `newlinesBefore` are known (the first always is).
    private(set) var planned = 0

    /// The chunks starting at `from` and at each split inside the buffer, none counted yet.
    init(_ bytes: UnsafeRawBufferPointer, from: Int, splits: [Int]) {
        var edges = Set(splits.filter { $0 > from && $0 < bytes.count })
        edges.insert(from)
        let sorted = edges.sorted()
        chunks.reserveCapacity(sorted.count)
        for (k, s) in sorted.enumerated() {
            chunks.append(Chunk(start: s, end: k + 1 < sorted.count ? sorted[k + 1] : bytes.count, insideQuotes: false, newlinesBefore: 0))
        }
        planned = min(1, chunks.count)
    }

    /// Every chunk's start state set by the caller (`Tokenizer.plan(_:recordStarts:kernel:)`).
    mutating func markPlanned() { planned = chunks.count }

    /// Counts chunks `planned − 1 ..< j`: the counts of chunk k give the state
    /// at chunk k + 1's start, so the last chunk's bytes are never counted (a
    /// one-chunk plan reads nothing).
    mutating func extend(through j: Int, _ bytes: UnsafeRawBufferPointer, dialect: Dialect, kernel: IndexKernel = .best,
                         map: Tokenizer.ChunkMap = { n, body in (0..<n).map(body) }) {
        let last = min(j, chunks.count - 1)
        guard last >= planned else { return }
        let first = planned - 1, quote = dialect.quote
        // safe: the bytes are only read, and only while the counts run.
        nonisolated(unsafe) let shared = bytes
        let counts: [(quotes: UInt64, newlines: UInt64)]
        do {
            // The chunks read by the counts (a reference, released before they are updated below).
            let chunks = self.chunks
            counts = map(last - first) { k in
                ChunkPlan.count(shared, chunks[first + k].start..<chunks[first + k].end, quote: quote, kernel: kernel)
            }
        }
        for c in counts { advance(c) }
    }

    /// Plans chunk `planned` from the counts of chunk `planned − 1`.
    mutating func advance(_ c: (quotes: UInt64, newlines: UInt64)) {
        precondition(planned < chunks.count, "every chunk is planned")
        let before = chunks[planned - 1]
        chunks[planned].insideQuotes = before.insideQuotes != (c.quotes & 1 == 1)
        chunks[planned].newlinesBefore = before.newlinesBefore + Int(c.newlines)
        planned += 1
    }

    /// The quotes and LFs in `r` of `bytes`.
    static func count(_ bytes: UnsafeRawBufferPointer, _ r: Range<Int>, quote: UInt8, kernel: IndexKernel) -> (quotes: UInt64, newlines: UInt64) {
        var q: UInt64 = 0, n: UInt64 = 0
        guard !r.isEmpty else { return (0, 0) }
        let p = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + r.lowerBound
        #if arch(x86_64)
        if kernel.isAVX512 {
            tradescan_count_quotes_newlines_avx512(p, r.count, quote, &q, &n)
        } else {
            tradescan_count_quotes_newlines(p, r.count, quote, &q, &n)
        }
        #else
        tradescan_count_quotes_newlines(p, r.count, quote, &q, &n)
        #endif
        return (q, n)
    }
}
