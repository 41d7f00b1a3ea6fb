/// One record's field bounds, lent to a `RecordVisitor` for the duration of a
/// visit (the buffers are reused for the next record).
public struct RecordView {
    /// Byte offset of the record's first byte.
    public var offset: Int
    /// One past the record's last byte (its LF included, when it has one).
    public var end: Int
    /// 1-based line of the record's first byte.
    public var line: Int
    public var flags: RecordFlags
    /// Number of fields.
    public var count: Int
    public var starts: UnsafeMutablePointer<Int>
    public var ends: UnsafeMutablePointer<Int>
    public var fieldFlags: UnsafeMutablePointer<FieldFlags>
}

/// Receives records one at a time, in order, without the whole input's field
/// bounds ever being stored.
public protocol RecordVisitor {
    mutating func visit(_ record: RecordView)
}

/// Reusable field-bound buffers for record views; grows for wide records.
struct RecordBuffer {
    var capacity = 64
    var starts = UnsafeMutablePointer<Int>.allocate(capacity: 64)
    var ends = UnsafeMutablePointer<Int>.allocate(capacity: 64)
    var flags = UnsafeMutablePointer<FieldFlags>.allocate(capacity: 64)
    var count = 0

    @inline(__always)
    mutating func append(_ s: Int, _ e: Int, _ f: FieldFlags) {
        if count == capacity { grow() }
        starts[count] = s   // safe: count < capacity
        ends[count] = e
        flags[count] = f
        count &+= 1
    }

    mutating func grow() {
        let c = capacity * 2
        let s = UnsafeMutablePointer<Int>.allocate(capacity: c), e = UnsafeMutablePointer<Int>.allocate(capacity: c)
        let f = UnsafeMutablePointer<FieldFlags>.allocate(capacity: c)
        s.update(from: starts, count: count); e.update(from: ends, count: count); f.update(from: flags, count: count)
        starts.deallocate(); ends.deallocate(); flags.deallocate()
        starts = s; ends = e; flags = f
        capacity = c
    }

    func free() { starts.deallocate(); ends.deallocate(); flags.deallocate() }

    func view(offset: Int, end: Int, line: Int, flags recordFlags: RecordFlags) -> RecordView {
        RecordView(offset: offset, end: end, line: line, flags: recordFlags, count: count, starts: starts, ends: ends, fieldFlags: flags)
    }
}

/// The bounds of a run of records from the record fast path
/// (`TokenAssembler.recordRun`): `records` records of up to
/// `TokenAssembler.recordFastPathFields` fields, record r's from r * stride on.
struct RecordRunBuffer {
    /// Records per run: few enough that a run's bounds stay in the L1 cache
    /// until the visitor reads them.
    let records = 16
    /// Entries per record for `fields` fields: whole groups of 8, plus 8 the
    /// kernel's group stores may write past the last field.
    static func stride(_ fields: Int) -> Int { (fields + 7) / 8 * 8 + 8 }
    let starts: UnsafeMutablePointer<Int>
    let ends: UnsafeMutablePointer<Int>
    let flags: UnsafeMutablePointer<FieldFlags>
    let recordEnds: UnsafeMutablePointer<Int>

    init() {
        let entries = records * Self.stride(TokenAssembler.recordFastPathFields)
        starts = .allocate(capacity: entries)
        ends = .allocate(capacity: entries)
        flags = .allocate(capacity: entries)
        recordEnds = .allocate(capacity: records)
    }

    func free() { starts.deallocate(); ends.deallocate(); flags.deallocate(); recordEnds.deallocate() }

    // The kernel's view of the buffers (Int is 64-bit on every platform TradeScan builds for).
    static func int64(_ p: UnsafeMutablePointer<Int>) -> UnsafeMutablePointer<Int64> {
        UnsafeMutableRawPointer(p).assumingMemoryBound(to: Int64.self)
    }

    static func int(_ p: UnsafeMutablePointer<Int64>?) -> UnsafeMutablePointer<Int> {
        UnsafeMutableRawPointer(p!).assumingMemoryBound(to: Int.self)
    }
}

/// What a visit saw besides the records.
public struct VisitSummary: Sendable, Equatable {
    public var records = 0
    public var blankLines = 0
    public var bomLength = 0
    /// Records with irregular quoting read by the scalar state machine in a
    /// recovering visit (`Tokenizer.visitChunk(_:dialect:plan:chunk:recovering:visitor:)`).
    public var recovered = 0
}

extension Tokenizer {
    /// Visits the records whose first byte lies in chunk `j` (the SIMD path).
    /// Returns nil when the quoting is irregular; records visited before that
    /// must then be discarded and the input read with `visitScalar`.
    ///
    /// `recovering`: a record with irregular quoting is read by the scalar state
    /// machine and the visit goes on after it (`VisitSummary.recovered` counts
    /// them), so the chunk's records are the scalar's. Only for chunks that start
    /// at a true record start: a plan of record starts (`plan(_:recordStarts:end:kernel:)`),
    /// or a plan's first chunk. After a stray quote, the quote parity a plan
    /// counted for its later chunks' edges is wrong.
    public static func visitChunk<V: RecordVisitor>(_ bytes: UnsafeRawBufferPointer, dialect: Dialect = .comma,
                                                   plan: TokenizerPlan, chunk j: Int, recovering: Bool = false,
                                                   visitor: inout V) -> VisitSummary? {
        switch prepareChunk(bytes, dialect: dialect, plan: plan, chunk: j, recovering: recovering) {
        case .irregular: return nil
        case .empty: return VisitSummary()
        case .ready(var assembler, let from, let line):
            guard var s = assembler.visit(from: from, stopAt: plan.chunks[j].end, line: line, visitor: &visitor) else { return nil }
            if j == 0 { s.bomLength = plan.bom }
            s.recovered = assembler.recovered
            return s
        }
    }

    /// Visits every record of `bytes` in order on the calling thread, by the
    /// SIMD path over the whole input as one chunk: no counting pass, stage 1
    /// a window ahead of stage 2. Returns nil when the quoting is irregular, as
    /// `visitChunk` does: records visited before that must be discarded and the
    /// input read with `visitScalar`.
    public static func visitSerial<V: RecordVisitor>(_ bytes: UnsafeRawBufferPointer, dialect: Dialect = .comma,
                                                     kernel: IndexKernel = .best, visitor: inout V) -> VisitSummary? {
        let plan = plan(bytes, dialect: dialect, splits: [], kernel: kernel)
        return visitChunk(bytes, dialect: dialect, plan: plan, chunk: 0, visitor: &visitor)
    }

    /// What a chunk needs before its records can be assembled.
    enum PreparedChunk {
        /// The parity model fails (a quote left open at the end of the input).
        case irregular
        /// The chunk owns no record (one record spans it).
        case empty
        /// An assembler over the chunk (overhang indexed on demand), its first record and that record's line.
        case ready(TokenAssembler, from: Int, line: Int)
    }

    /// Bytes per structural-index window. Stage 1 indexes a chunk one window at
    /// a time, as stage 2 reaches it, so the index is read back from cache
    /// rather than memory, and windows stage 2 has passed are freed.
    public static let indexWindow = 1 << 16

    /// Indexes the start of chunk `j`, finds its first record and line, and sets
    /// up an assembler that indexes the rest window by window.
    static func prepareChunk(_ bytes: UnsafeRawBufferPointer, dialect: Dialect, plan: TokenizerPlan, chunk j: Int,
                             recovering: Bool = false) -> PreparedChunk {
        precondition(j < plan.planned, "chunk \(j) is not planned yet (TokenizerPlan.extend(through:))")
        let c = plan.chunks[j]
        let kernel = plan.kernel, indexWindow = plan.indexWindow
        func index(from start: Int, to limit: Int, insideQuotes: Bool, reusing storage: StructuralIndex.Storage? = nil) -> StructuralIndex {
            StructuralIndex(bytes, start: start, end: min(limit, start + indexWindow), dialect: dialect, insideQuotes: insideQuotes,
                            kernel: kernel, reusing: storage)
        }
        // Windows up to the one holding the chunk's first record start (none past the chunk's end).
        var windows = [index(from: c.start, to: c.end, insideQuotes: c.insideQuotes)]
        var first = firstRecord(bytes, plan: plan, chunk: j, index: windows[0])
        while first == nil, let last = windows.last, last.end < c.end {
            windows.append(index(from: last.end, to: c.end, insideQuotes: last.endsInsideQuotes))
            first = firstRecord(bytes, plan: plan, chunk: j, index: windows[windows.count - 1])
        }
        guard let from = first else {
            return windows[windows.count - 1].endsInsideQuotes && c.end == bytes.count ? .irregular : .empty
        }
        if from >= c.end { return .empty }
        var newlines = c.newlinesBefore
        for i in c.start..<from where bytes[i] == 0x0A { newlines += 1 }
        var assembler = TokenAssembler(buffer: bytes, dialect: dialect, windows: windows, kernel: kernel) { last, storage in
            index(from: last.end, to: bytes.count, insideQuotes: last.endsInsideQuotes, reusing: storage)
        }
        if recovering {
            assembler.restart = { start, storage in index(from: start, to: bytes.count, insideQuotes: false, reusing: storage) }
        }
        return .ready(assembler, from: from, line: newlines + 1)
    }

    /// The first record start owned by chunk `j` within `index` (a window of the
    /// chunk), or nil when that window holds none.
    static func firstRecord(_ bytes: UnsafeRawBufferPointer, plan: TokenizerPlan, chunk j: Int, index: StructuralIndex) -> Int? {
        let c = plan.chunks[j]
        if j == 0 { return c.start }   // a plan's first chunk starts at its first record (past a BOM)
        if bytes[c.start - 1] == 0x0A && !c.insideQuotes { return c.start }
        guard let first = index.separators.first(where: { $0 & StructuralIndex.recordEndBit != 0 }) else { return nil }
        return index.start + Int(first & StructuralIndex.positionMask) + 1
    }

    /// Visits every record with the scalar tokenizer, piece by piece (bounded
    /// memory): the path for irregular quoting and the `--scalar-tokenizer` switch.
    public static func visitScalar<V: RecordVisitor>(_ bytes: UnsafeRawBufferPointer, dialect: Dialect = .comma,
                                                    pieceSize: Int = 4 << 20, visitor: inout V) -> VisitSummary {
        var summary = VisitSummary()
        var from = 0, line = 1
        while from < bytes.count {
            let piece = visitScalarPiece(bytes, dialect: dialect, from: from, line: line, stopAfter: from + max(1, pieceSize), visitor: &visitor)
            if from == 0 { summary.bomLength = piece.summary.bomLength }
            summary.blankLines += piece.summary.blankLines
            summary.records += piece.summary.records
            from = piece.next
            line = piece.nextLine
        }
        return summary
    }

    /// Visits, by the scalar state machine, the records from `from` (0, or the
    /// first byte of a record, at line `line`) up to the first that ends at or
    /// beyond `stopAfter` (`ScalarTokenizer.tokenize(_:dialect:from:stopAfter:line:)`),
    /// and returns where the next record starts and its line: one piece of
    /// `visitScalar`, which pieces started at record starts can run in parallel.
    public static func visitScalarPiece<V: RecordVisitor>(_ bytes: UnsafeRawBufferPointer, dialect: Dialect, from: Int, line: Int,
                                                         stopAfter: Int, visitor: inout V) -> (summary: VisitSummary, next: Int, nextLine: Int) {
        var summary = VisitSummary()
        var buffer = RecordBuffer()
        defer { buffer.free() }
        let piece = ScalarTokenizer.tokenize(bytes, dialect: dialect, from: from, stopAfter: stopAfter, line: line)
        let t = piece.tokens
        summary.bomLength = t.bomLength
        summary.blankLines = t.blankLines
        for r in 0..<t.recordCount {
            buffer.count = 0
            for f in t.fields(ofRecord: r) { buffer.append(t.fieldStart[f], t.fieldEnd[f], t.fieldFlags[f]) }
            // The record ends after the LF that follows its last field (or at the end).
            var end = t.fieldEnd[t.recordFields[r + 1] - 1]
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            if end < bytes.count { end += 1 }
            visitor.visit(buffer.view(offset: t.recordOffset[r], end: end, line: t.recordLine[r], flags: t.recordFlags[r]))
            summary.records += 1
        }
        return (summary, piece.next, piece.nextLine)
    }
}
