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
                                splits: [Int] = []) -> CSVTokens {
        if path == .scalar { return ScalarTokenizer.tokenize(bytes, dialect: dialect) }
        return fastPath(bytes, dialect: dialect, splits: splits) ?? ScalarTokenizer.tokenize(bytes, dialect: dialect)
    }

    /// The SIMD path alone: `nil` when the quoting is irregular.
    static func fastPath(_ bytes: UnsafeRawBufferPointer, dialect: Dialect, splits: [Int]) -> CSVTokens? {
        let bom = hasBOM(bytes) ? 3 : 0
        let plan = ChunkPlan(bytes, dialect: dialect, from: bom, splits: splits)
        let indexes = plan.chunks.map { StructuralIndex(bytes, start: $0.start, end: $0.end, dialect: dialect, insideQuotes: $0.insideQuotes) }
        return TokenAssembler.assemble(bytes, indexes: indexes, dialect: dialect, bom: bom)
    }

    public static func tokenize(_ bytes: [UInt8], dialect: Dialect = .comma, path: Path = .automatic, splits: [Int] = []) -> CSVTokens {
        bytes.withUnsafeBytes { tokenize($0, dialect: dialect, path: path, splits: splits) }
    }

    static func hasBOM(_ b: UnsafeRawBufferPointer) -> Bool {
        b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF
    }
}

/// Chunks of a buffer with the quote state at each chunk's first byte, from one
/// counting pass (parity of quotes before the chunk) and the LF count before it.
struct ChunkPlan {
    struct Chunk {
        var start: Int
        var end: Int
        var insideQuotes: Bool
        /// LFs before `start` (so the line of `start` is this + 1).
        var newlinesBefore: Int
    }
    var chunks: [Chunk] = []

    init(_ bytes: UnsafeRawBufferPointer, dialect: Dialect, from: Int, splits: [Int]) {
        var edges = Set(splits.filter { $0 > from && $0 < bytes.count })
        edges.insert(from)
        let sorted = edges.sorted()
        var inside = false
        var newlines = 0
        for (k, s) in sorted.enumerated() {
            let e = k + 1 < sorted.count ? sorted[k + 1] : bytes.count
            chunks.append(Chunk(start: s, end: e, insideQuotes: inside, newlinesBefore: newlines))
            var q: UInt64 = 0, n: UInt64 = 0
            if e > s {
                tradescan_count_quotes_newlines(bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + s, e - s, dialect.quote, &q, &n)
            }
            if q & 1 == 1 { inside.toggle() }
            newlines += Int(n)
        }
    }
}
