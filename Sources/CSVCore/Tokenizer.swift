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
        let plan = ChunkPlan(bytes, dialect: dialect, from: bom, splits: splits, kernel: kernel)
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
    /// `counted`, when given, is called with each chunk's byte range once the
    /// counting pass is done with it, on the thread that counted it (ingest
    /// drops those mapped pages from resident memory there).
    public static func plan(_ bytes: UnsafeRawBufferPointer, dialect: Dialect = .comma, chunkSize: Int,
                            map: ChunkMap = { n, body in (0..<n).map(body) },
                            counted: (@Sendable (Range<Int>) -> Void)? = nil, kernel: IndexKernel = .best) -> TokenizerPlan {
        let bom = hasBOM(bytes) ? 3 : 0
        let size = max(4096, chunkSize)
        let splits = Array(stride(from: bom + size, to: bytes.count, by: size))
        return TokenizerPlan(bom: bom, chunks: ChunkPlan(bytes, dialect: dialect, from: bom, splits: splits, map: map, counted: counted, kernel: kernel).chunks, kernel: kernel)
    }

    /// Plans chunks at explicit offsets (tests put edges everywhere).
    /// `indexWindow` sets the bytes per structural-index window (tests and the
    /// fuzzer make it small, so window edges fall everywhere).
    public static func plan(_ bytes: UnsafeRawBufferPointer, dialect: Dialect = .comma, splits: [Int],
                            kernel: IndexKernel = .best, indexWindow: Int = Tokenizer.indexWindow) -> TokenizerPlan {
        let bom = hasBOM(bytes) ? 3 : 0
        return TokenizerPlan(bom: bom, chunks: ChunkPlan(bytes, dialect: dialect, from: bom, splits: splits, kernel: kernel).chunks,
                             kernel: kernel, indexWindow: max(1, indexWindow))
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

    static func hasBOM(_ b: UnsafeRawBufferPointer) -> Bool {
        b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF
    }
}

/// Chunks of an input with the quote state and line count at each chunk's first byte.
public struct TokenizerPlan: Sendable {
    /// Bytes of a UTF-8 BOM skipped at the start (0 or 3).
    public var bom: Int
    var chunks: [ChunkPlan.Chunk]
    /// The stage-1 kernel the plan counted with; its chunks are indexed with it too.
    public var kernel: IndexKernel
    /// Bytes per structural-index window.
    public var indexWindow = Tokenizer.indexWindow
    /// Number of chunks.
    public var count: Int { chunks.count }
    /// Byte range of chunk `j`.
    public func range(_ j: Int) -> Range<Int> { chunks[j].start..<chunks[j].end }
}

/// Chunks of a buffer with the quote state at each chunk's first byte, from one
/// counting pass (parity of quotes before the chunk) and the LF count before it.
struct ChunkPlan {
    struct Chunk: Sendable {
        var start: Int
        var end: Int
        var insideQuotes: Bool
        /// LFs before `start` (so the line of `start` is this + 1).
        var newlinesBefore: Int
    }
    var chunks: [Chunk] = []

    init(_ bytes: UnsafeRawBufferPointer, dialect: Dialect, from: Int, splits: [Int],
         map: Tokenizer.ChunkMap = { n, body in (0..<n).map(body) }, counted: (@Sendable (Range<Int>) -> Void)? = nil,
         kernel: IndexKernel = .best) {
        var edges = Set(splits.filter { $0 > from && $0 < bytes.count })
        edges.insert(from)
        let sorted = edges.sorted()
        let quote = dialect.quote
        // safe: the bytes are only read, and only while the plan is built.
        nonisolated(unsafe) let shared = bytes
        // The counts of chunk k give the state at chunk k + 1's start, so the
        // last chunk's bytes are never counted (a one-chunk plan reads nothing).
        let counts = map(sorted.count) { k in
            let s = sorted[k], e = k + 1 < sorted.count ? sorted[k + 1] : shared.count
            var q: UInt64 = 0, n: UInt64 = 0
            if e > s && k + 1 < sorted.count {
                let p = shared.baseAddress!.assumingMemoryBound(to: UInt8.self) + s
                #if arch(x86_64)
                if kernel.isAVX512 {
                    tradescan_count_quotes_newlines_avx512(p, e - s, quote, &q, &n)
                } else {
                    tradescan_count_quotes_newlines(p, e - s, quote, &q, &n)
                }
                #else
                tradescan_count_quotes_newlines(p, e - s, quote, &q, &n)
                #endif
            }
            counted?(s..<e)
            return (q, n)
        }
        var inside = false
        var newlines = 0
        for (k, s) in sorted.enumerated() {
            let e = k + 1 < sorted.count ? sorted[k + 1] : bytes.count
            chunks.append(Chunk(start: s, end: e, insideQuotes: inside, newlinesBefore: newlines))
            if counts[k].quotes & 1 == 1 { inside.toggle() }
            newlines += Int(counts[k].newlines)
        }
    }
}
