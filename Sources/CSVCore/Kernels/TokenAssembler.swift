import CSVKernelsC

/// Stage 2 of the fast tokenizer: separators → field and record bounds, in the
/// same form the scalar tokenizer produces (`CSVTokens`).
///
/// It also proves the parity model right: every field must be either unquoted
/// with no quote inside, or quoted with its quotes at the ends and doubled
/// inside. Anything else (a stray quote, text after a closing quote, a quote
/// left open at the end) returns `nil`, and the caller tokenizes with the
/// scalar state machine instead, so both paths always agree.
///
/// It assembles the records that start in `[from, stopAt)`; the last one may
/// run past `stopAt`, and `extend` supplies the index of the bytes after the
/// last window when that happens.
///
/// With `restart` set, irregular quoting is read where it is instead: the
/// record it lies in (which starts where the last good one ended) is read by
/// the scalar state machine, and the index starts over after it, outside
/// quotes, so the visit never gives up. A chunk started at a true record start
/// then gives exactly the scalar records (everything before the first irregular
/// record is the scalar's by the parity model; that record is the scalar's own;
/// and after it the state is the scalar's at a record start). Only chunks whose
/// first record start is known may use it: after a stray quote, the quote parity
/// a plan counted for later chunk edges is wrong.
struct TokenAssembler {
    let buffer: UnsafeRawBufferPointer
    let quote: UInt8
    let dialect: Dialect
    /// The kernel of the record fast path (`recordRun`): AVX-512 or its scalar twin.
    let kernel: IndexKernel
    var windows: [StructuralIndex]
    /// Indexes the bytes after a window, into the storage of a passed window when one is free.
    let extend: ((StructuralIndex, StructuralIndex.Storage?) -> StructuralIndex?)?
    /// Storage of windows every cursor has passed, for the next windows.
    private var spare: [StructuralIndex.Storage] = []
    /// Indexes the bytes from a record start, outside quotes (set: irregular
    /// records are read by the scalar state machine, not given up on).
    var restart: ((Int, StructuralIndex.Storage?) -> StructuralIndex)? = nil
    /// Records read by the scalar state machine (`restart`).
    private(set) var recovered = 0

    // Cursors into the windows.
    private var quotes = PositionCursor(list: \.quotes)
    private var irregular = PositionCursor(list: \.irregular)
    private var lfWindow = 0, lfCursor = 0
    private var quotedNewlinesBefore = 0
    private var startLine = 1
    private var from = 0
    private var newlinesSeen = 0

    init(buffer: UnsafeRawBufferPointer, dialect: Dialect, windows: [StructuralIndex], kernel: IndexKernel = .best,
         extend: ((StructuralIndex, StructuralIndex.Storage?) -> StructuralIndex?)? = nil) {
        self.buffer = buffer
        self.quote = dialect.quote
        self.dialect = dialect
        self.kernel = kernel
        self.windows = windows
        self.extend = extend
    }

    /// Whole buffer: records from `bom` to the end.
    static func assemble(_ buffer: UnsafeRawBufferPointer, indexes: [StructuralIndex], dialect: Dialect, bom: Int,
                         kernel: IndexKernel = .best) -> CSVTokens? {
        var a = TokenAssembler(buffer: buffer, dialect: dialect, windows: indexes, kernel: kernel)
        guard var tokens = a.run(from: bom, stopAt: Int.max, line: 1) else { return nil }
        tokens.bomLength = bom
        return tokens
    }

    /// Whether window `w` exists, extending when allowed.
    private mutating func window(_ w: Int) -> Bool {
        if w < windows.count { return true }
        guard w == windows.count, let extend, let last = windows.last, last.end < buffer.count,
              let more = extend(last, spare.popLast()) else { return false }
        windows.append(more)
        return true
    }

    /// Windows before this one are freed.
    private var released = 0

    /// Hands the lists of windows every cursor has passed to `spare`: the
    /// separator cursor is at window `w`, the quote and irregular cursors read
    /// the lists of windows `window - 1`, the quoted-LF cursor that of `lfWindow - 1`.
    private mutating func releaseWindows(before w: Int) {
        let passed = min(w, quotes.window - 1, lfWindow - 1, irregular.window - 1)
        while released < passed {
            if let storage = windows[released].release() { spare.append(storage) }
            released += 1
        }
    }

    // The quoted-LF list of the window its cursor is in, held directly so a
    // lookup never copies a window.
    private var lfList = UnsafeBufferPointer<UInt32>(start: nil, count: 0)
    private var lfBase = 0

    /// Absolute position of the next quote at or after `p`.
    @inline(__always)
    private mutating func nextQuote(atOrAfter p: Int) -> Int { quotes.next(atOrAfter: p, in: windows) }

    @inline(__always)
    private mutating func consumeQuote() { quotes.index += 1 }

    /// Absolute position of the next irregular quoting stage 1 found at or
    /// after `p` (Int.max when none in the windows indexed so far).
    private mutating func nextIrregular(atOrAfter p: Int) -> Int { irregular.next(atOrAfter: p, in: windows) }

    /// Quoted LFs in `[from, p)` (cursor moves forward only).
    private mutating func quotedNewlines(before p: Int, from: Int) -> Int {
        while true {
            if lfCursor < lfList.count {
                let q = lfBase + Int(lfList[lfCursor])
                guard q < p else { break }
                if q >= from { quotedNewlinesBefore += 1 }
                lfCursor += 1
                continue
            }
            guard lfWindow < windows.count else { break }
            lfList = windows[lfWindow].quotedNewlines
            lfBase = windows[lfWindow].start
            lfWindow += 1
            lfCursor = 0
        }
        return quotedNewlinesBefore
    }

    private mutating func lineAt(_ p: Int) -> Int {
        startLine + newlinesSeen + quotedNewlines(before: p, from: from)
    }

    /// Checks a quoted field `[b, e)` and returns its content bounds and flags;
    /// nil when irregular.
    @inline(__always)
    private mutating func quotedField(_ b: Int, _ e: Int, atNewline: Bool) -> (Int, Int, FieldFlags)? {
        var close = e
        if atNewline && close > b + 1 && buffer[close - 1] == 0x0D { close -= 1 }
        guard close - 1 > b, buffer[close - 1] == quote else { return nil }
        _ = nextQuote(atOrAfter: b)
        consumeQuote()                                  // the opening quote
        var flags: FieldFlags = .quoted
        var q = nextQuote(atOrAfter: b + 1)
        while q < close - 1 {
            // Inside: quotes come in adjacent pairs.
            guard q + 1 < close - 1, buffer[q + 1] == quote else { return nil }
            flags.insert(.escapedQuote)
            consumeQuote(); consumeQuote()
            q = nextQuote(atOrAfter: q + 2)
        }
        guard q == close - 1 else { return nil }
        consumeQuote()                                  // the closing quote
        if nextQuote(atOrAfter: close) < e { return nil }
        return (b + 1, close - 1, flags)
    }

    /// Collects visited records into `CSVTokens`.
    private struct Collector: RecordVisitor {
        var t = CSVTokens()
        mutating func visit(_ r: RecordView) {
            for k in 0..<r.count {
                t.fieldStart.append(r.starts[k])
                t.fieldEnd.append(r.ends[k])
                t.fieldFlags.append(r.fieldFlags[k])
            }
            t.recordFields.append(t.fieldStart.count)
            t.recordOffset.append(r.offset)
            t.recordLine.append(r.line)
            t.recordFlags.append(r.flags)
        }
    }

    /// The records starting in `[from, stopAt)` as `CSVTokens`; nil when irregular.
    mutating func run(from: Int, stopAt: Int, line: Int) -> CSVTokens? {
        var collector = Collector()
        let expected = windows.reduce(0) { $0 + $1.separators.count } + 1
        collector.t.fieldStart.reserveCapacity(expected)
        collector.t.fieldEnd.reserveCapacity(expected)
        collector.t.fieldFlags.reserveCapacity(expected)
        guard let summary = visit(from: from, stopAt: stopAt, line: line, visitor: &collector) else { return nil }
        let n = buffer.count
        let done = nextRecord < n
        var t = collector.t
        t.blankLines = summary.blankLines
        t.lineCount = newlinesSeen + quotedNewlines(before: done ? nextRecord : n, from: from)
            + (!done && n > from && buffer[n - 1] != 0x0A ? 1 : 0)
        return t
    }

    /// Hands each record to `visitor` as soon as it is complete, never storing
    /// every field's bounds. Nil when irregular.
    mutating func visit<V: RecordVisitor>(from: Int, stopAt: Int, line: Int, visitor: inout V) -> VisitSummary? {
        let n = buffer.count
        let cr: UInt8 = 0x0D
        startLine = line
        self.from = from
        newlinesSeen = 0
        var summary = VisitSummary()
        var record = RecordBuffer()
        let run = RecordRunBuffer()
        defer { record.free(); run.free() }
        var nextQuoteAt = nextQuote(atOrAfter: from)
        var fieldBegin = from
        var recordStart = from
        var recordLine = 0
        var done = false
        var w = 0
        /// Irregular quoting in the record at `recordStart`: read it by the scalar
        /// machine and go on after it (`restart`); false when that is not allowed.
        func recovered(_ a: inout TokenAssembler) -> Bool {
            guard a.restart != nil else { return false }
            // A quote left open at the end, after the last record this visit owns: the next chunk's.
            if recordStart >= stopAt {
                done = true
                return true
            }
            let next = a.recover(at: recordStart, visitor: &visitor, summary: &summary)
            fieldBegin = next
            recordStart = next
            record.count = 0
            w = 0
            if next >= stopAt || next >= n || a.windows.isEmpty {
                done = true
            } else {
                nextQuoteAt = a.nextQuote(atOrAfter: next)
            }
            return true
        }
        visiting: while true {
        outer: while !done && window(w) {
            let idx = windows[w]
            if w > 0, nextQuoteAt == Int.max { nextQuoteAt = nextQuote(atOrAfter: fieldBegin) }
            let separators = idx.separators, base = idx.start
            var i = 0
            while i < separators.count {
                let raw = separators[i]
                i &+= 1
                let p = base &+ Int(raw & StructuralIndex.positionMask)
                if p < fieldBegin { continue }
                let isNewline = raw & StructuralIndex.recordEndBit != 0
                if fieldBegin == recordStart {
                    if recordStart >= stopAt { done = true; break outer }
                    if isNewline {
                        let length = p - fieldBegin
                        if length == 0 || (length == 1 && buffer[fieldBegin] == cr) {
                            summary.blankLines += 1
                            newlinesSeen += 1
                            fieldBegin = p + 1
                            recordStart = p + 1
                            continue
                        }
                    }
                    // The common record: as many fields as the last one, its LF the
                    // last of its separators, any quoted field simply quoted. One
                    // kernel call takes a run of them (`recordRun`).
                    let width = expectedFields
                    if width > 0 {
                        var job = tradescan_record_run(
                            seps: separators.baseAddress! + (i &- 1), sepCount: separators.count &- (i &- 1), base: Int64(base),
                            bytes: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self),
                            start: Int64(recordStart), stopAt: Int64(min(stopAt, n)),
                            irregularAt: Int64(nextIrregular(atOrAfter: recordStart)), fields: width,
                            maxRecords: run.records, stride: RecordRunBuffer.stride(width),
                            starts: RecordRunBuffer.int64(run.starts), ends: RecordRunBuffer.int64(run.ends),
                            flags: UnsafeMutableRawPointer(run.flags).assumingMemoryBound(to: UInt8.self),
                            recordEnds: RecordRunBuffer.int64(run.recordEnds), sepsUsed: 0)
                        let count = TokenAssembler.recordRun(&job, kernel: kernel)
                        if count > 0 {
                            let stride = job.stride
                            var offset = recordStart
                            for r in 0..<count {
                                let end = Int(run.recordEnds[r])
                                let at = r &* stride
                                visitor.visit(RecordView(offset: offset, end: end, line: lineAt(offset), flags: [], count: width,
                                                         starts: run.starts + at, ends: run.ends + at, fieldFlags: run.flags + at))
                                newlinesSeen &+= 1
                                offset = end
                            }
                            summary.records &+= count
                            fieldBegin = offset
                            recordStart = offset
                            nextQuoteAt = nextQuote(atOrAfter: offset)
                            i = i &- 1 &+ job.sepsUsed
                            continue
                        }
                    }
                    record.count = 0
                    recordLine = lineAt(recordStart)
                }
                if nextQuoteAt < p {
                    guard buffer[fieldBegin] == quote, let (s, e, f) = quotedField(fieldBegin, p, atNewline: isNewline) else {
                        guard recovered(&self) else { return nil }
                        continue outer
                    }
                    record.append(s, e, f)
                    nextQuoteAt = nextQuote(atOrAfter: p)
                } else {
                    var end = p
                    if isNewline && end > fieldBegin && buffer[end - 1] == cr { end -= 1 }
                    record.append(fieldBegin, end, [])
                }
                fieldBegin = p &+ 1
                if isNewline {
                    visitor.visit(record.view(offset: recordStart, end: p + 1, line: recordLine, flags: []))
                    expectedFields = record.count <= TokenAssembler.recordFastPathFields ? record.count : 0
                    summary.records += 1
                    newlinesSeen += 1
                    recordStart = p &+ 1
                    continue
                }
                // The common run inside a record: unquoted fields that do not end
                // it, up to the next quote or LF.
                // Locals, so the loop keeps its state in registers.
                var k = record.count, begin = fieldBegin
                let capacity = record.capacity, starts = record.starts, ends = record.ends, flags = record.flags
                while i < separators.count && k < capacity {
                    let next = separators[i]
                    let q = base &+ Int(next & StructuralIndex.positionMask)
                    if next & StructuralIndex.recordEndBit != 0 || nextQuoteAt < q { break }
                    // safe: k < capacity.
                    starts[k] = begin
                    ends[k] = q
                    flags[k] = []
                    k &+= 1
                    begin = q &+ 1
                    i &+= 1
                }
                record.count = k
                fieldBegin = begin
            }
            w += 1
            releaseWindows(before: w)
        }
        if !done {
            guard let last = windows.last, last.end == n else { return nil }
            if last.endsInsideQuotes {
                guard recovered(&self) else { return nil }
                continue visiting
            }
            if nextQuoteAt == Int.max { nextQuoteAt = nextQuote(atOrAfter: fieldBegin) }
            if recordStart < stopAt && (recordStart < n || fieldBegin > recordStart) {
                if fieldBegin == recordStart {
                    record.count = 0
                    recordLine = lineAt(recordStart)
                }
                if nextQuoteAt < n {
                    guard fieldBegin < n, buffer[fieldBegin] == quote, let (s, e, f) = quotedField(fieldBegin, n, atNewline: false) else {
                        guard recovered(&self) else { return nil }
                        continue visiting
                    }
                    record.append(s, e, f)
                } else {
                    var end = n
                    if end > fieldBegin && buffer[end - 1] == cr { end -= 1 }
                    record.append(fieldBegin, end, [])
                }
                visitor.visit(record.view(offset: recordStart, end: n, line: recordLine, flags: []))
                summary.records += 1
                recordStart = n
            }
        }
        break
        }
        nextRecord = recordStart
        return summary
    }

    /// Reads the record at `start` (a record start: every record before it was
    /// regular) by the scalar state machine, hands it to `visitor`, and starts
    /// the index over after it (outside quotes, as the scalar machine is between
    /// records). Returns where the next record starts (the input's end when none does).
    private mutating func recover<V: RecordVisitor>(at start: Int, visitor: inout V, summary: inout VisitSummary) -> Int {
        let piece = Tokenizer.visitScalarPiece(buffer, dialect: dialect, from: start, line: lineAt(start), stopAfter: start + 1,
                                               visitor: &visitor)
        summary.records &+= piece.summary.records
        summary.blankLines &+= piece.summary.blankLines
        recovered &+= 1
        // The windows' lists are wrong past the irregular quote: hand their storage back, index anew.
        while released < windows.count {
            if let storage = windows[released].release() { spare.append(storage) }
            released += 1
        }
        windows.removeAll(keepingCapacity: true)
        released = 0
        quotes = PositionCursor(list: \.quotes)
        irregular = PositionCursor(list: \.irregular)
        lfWindow = 0
        lfCursor = 0
        lfList = UnsafeBufferPointer(start: nil, count: 0)
        lfBase = 0
        quotedNewlinesBefore = 0
        startLine = piece.nextLine
        from = piece.next
        newlinesSeen = 0
        if piece.next < buffer.count, let restart { windows.append(restart(piece.next, spare.popLast())) }
        return piece.next
    }

    /// Where the first record not assembled starts (after `run`).
    private(set) var nextRecord = 0

    /// Fields in the last record the general loop assembled: the shape the
    /// record fast path tries first (0: none yet, or too wide).
    private var expectedFields = 0

    /// The widest record the fast path takes (the AVX-512 kernel's limit).
    static let recordFastPathFields = 64

    /// Runs the record fast path (see `tradescan_record_run`) with the AVX-512
    /// kernel or its scalar twin; returns the records taken.
    @inline(__always)
    static func recordRun(_ job: inout tradescan_record_run, kernel: IndexKernel) -> Int {
        precondition(job.fields >= 1 && job.fields <= recordFastPathFields && job.stride >= RecordRunBuffer.stride(job.fields))
        #if arch(x86_64)
        if kernel.isAVX512 {
            // safe: the caller's separator list holds sepCount entries, and its run
            // buffers maxRecords records of `stride` entries, stride checked above.
            return tradescan_record_run_avx512(&job)
        }
        #endif
        return recordRunScalar(&job)
    }

    /// The scalar twin of `tradescan_record_run_avx512`, and the oracle tests hold it to.
    static func recordRunScalar(_ job: inout tradescan_record_run) -> Int {
        let fields = job.fields, stride = job.stride
        // The buffers a RecordRunBuffer lends, as the types it allocated them with.
        let starts = RecordRunBuffer.int(job.starts), ends = RecordRunBuffer.int(job.ends), recordEnds = RecordRunBuffer.int(job.recordEnds)
        let flags = UnsafeMutableRawPointer(job.flags!).assumingMemoryBound(to: FieldFlags.self)
        let bytes = job.bytes!, base = Int(job.base)
        let cr: UInt8 = 0x0D
        var used = 0, n = 0
        var start = Int(job.start)
        records: while n < job.maxRecords && start < job.stopAt && used + fields <= job.sepCount {
            let s = job.seps! + used
            // One LF, the last separator.
            for k in 0..<fields where (s[k] & StructuralIndex.recordEndBit != 0) != (k == fields - 1) { break records }
            func position(_ k: Int) -> Int { base + Int(s[k] & StructuralIndex.positionMask) }
            func quoted(_ k: Int) -> Int { s[k] & StructuralIndex.quotedFieldBit != 0 ? 1 : 0 }
            let last = position(fields - 1)
            if last >= job.irregularAt { break }
            let lastStart = fields == 1 ? start : position(fields - 2) + 1
            if fields == 1 && (last == start || (last == start + 1 && bytes[start] == cr)) { break }   // a blank line
            let st = starts + n * stride, en = ends + n * stride, fl = flags + n * stride
            var b = start
            for k in 0..<fields {
                // A quoted field's contents lie one byte in from each end.
                st[k] = b + quoted(k)
                en[k] = position(k) - quoted(k)
                fl[k] = quoted(k) == 1 ? .quoted : []
                b = position(k) + 1
            }
            if last > lastStart && bytes[last - 1] == cr { en[fields - 1] = last - 1 - quoted(fields - 1) }
            recordEnds[n] = last + 1
            used += fields
            start = last + 1
            n += 1
        }
        job.sepsUsed = used
        return n
    }
}

/// A cursor over one of the windows' position lists (the quotes, the
/// irregular quoting), window after window; it holds the list of the window it
/// is in, so a lookup never copies a window.
struct PositionCursor {
    let list: KeyPath<StructuralIndex, UnsafeBufferPointer<UInt32>>
    /// The window after the one whose list is held.
    var window = 0
    /// The next entry of the held list.
    var index = 0
    var positions = UnsafeBufferPointer<UInt32>(start: nil, count: 0)
    var base = 0

    init(list: KeyPath<StructuralIndex, UnsafeBufferPointer<UInt32>>) { self.list = list }

    /// Absolute position of the next entry at or after `p` (Int.max when none
    /// in `windows`); entries before it are passed for good.
    @inline(__always)
    mutating func next(atOrAfter p: Int, in windows: [StructuralIndex]) -> Int {
        while true {
            if index < positions.count {
                let q = base + Int(positions[index])
                if q >= p { return q }
                index += 1
                continue
            }
            // The next window's list (the key path is read only here, once a window).
            guard window < windows.count else { return Int.max }
            positions = windows[window][keyPath: list]
            base = windows[window].start
            window += 1
            index = 0
        }
    }
}
