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
struct TokenAssembler {
    let buffer: UnsafeRawBufferPointer
    let quote: UInt8
    /// The kernel of the record fast path (`recordBounds`): AVX-512 or its scalar twin.
    let kernel: IndexKernel
    var windows: [StructuralIndex]
    /// Indexes the bytes after a window, into the storage of a passed window when one is free.
    let extend: ((StructuralIndex, StructuralIndex.Storage?) -> StructuralIndex?)?
    /// Storage of windows every cursor has passed, for the next windows.
    private var spare: [StructuralIndex.Storage] = []

    // Cursors into the windows.
    private var quoteWindow = 0, quoteCursor = 0
    private var lfWindow = 0, lfCursor = 0
    private var quotedNewlinesBefore = 0
    private var startLine = 1
    private var from = 0
    private var newlinesSeen = 0

    init(buffer: UnsafeRawBufferPointer, dialect: Dialect, windows: [StructuralIndex], kernel: IndexKernel = .best,
         extend: ((StructuralIndex, StructuralIndex.Storage?) -> StructuralIndex?)? = nil) {
        self.buffer = buffer
        self.quote = dialect.quote
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
    /// separator cursor is at window `w`, the quote and quoted-LF cursors read
    /// the lists of windows `quoteWindow - 1` and `lfWindow - 1`.
    private mutating func releaseWindows(before w: Int) {
        let passed = min(w, quoteWindow - 1, lfWindow - 1)
        while released < passed {
            if let storage = windows[released].release() { spare.append(storage) }
            released += 1
        }
    }

    // The quote and quoted-LF lists of the windows the cursors are in, held
    // directly so a lookup never copies a window.
    private var quoteList = UnsafeBufferPointer<UInt32>(start: nil, count: 0)
    private var quoteBase = 0
    private var lfList = UnsafeBufferPointer<UInt32>(start: nil, count: 0)
    private var lfBase = 0

    /// Absolute position of the next quote at or after `p`.
    @inline(__always)
    private mutating func nextQuote(atOrAfter p: Int) -> Int {
        while true {
            if quoteCursor < quoteList.count {
                let q = quoteBase + Int(quoteList[quoteCursor])
                if q >= p { return q }
                quoteCursor += 1
                continue
            }
            // Next window with quotes.
            guard quoteWindow < windows.count else { return Int.max }
            quoteList = windows[quoteWindow].quotes
            quoteBase = windows[quoteWindow].start
            quoteWindow += 1
            quoteCursor = 0
        }
    }

    @inline(__always)
    private mutating func consumeQuote() { quoteCursor += 1 }

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
        defer { record.free() }
        var nextQuoteAt = nextQuote(atOrAfter: from)
        var fieldBegin = from
        var recordStart = from
        var recordLine = 0
        var done = false
        var w = 0
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
                    // kernel call checks the shape and writes every field's bounds.
                    let width = expectedFields
                    // safe: width <= recordFastPathFields <= record.capacity (64 from the start),
                    // and the buffers have RecordBuffer.slack entries past capacity.
                    fast: if width > 0 && width <= record.capacity && i &- 1 &+ width <= separators.count {
                        let first = separators.baseAddress! + (i &- 1)
                        let last = base &+ Int(first[width &- 1] & StructuralIndex.positionMask)
                        if TokenAssembler.recordBounds(first, fields: width, base: base, start: recordStart, kernel: kernel,
                                                       starts: record.starts, ends: record.ends) {
                            // A CR before the LF ends a non-empty last field (read from the
                            // separators, not from the bounds just stored).
                            let lastStart = width == 1 ? recordStart : base &+ Int(first[width &- 2] & StructuralIndex.positionMask) &+ 1
                            if last > lastStart && buffer[last &- 1] == cr { record.ends[width &- 1] = last &- 1 }
                            let raw = UnsafeMutableRawPointer(record.flags)
                            for j in 0..<((width &+ 7) >> 3) { raw.storeBytes(of: 0 as UInt64, toByteOffset: j &<< 3, as: UInt64.self) }
                            // Quoted fields: simple ones (no doubled quote) are taken
                            // here; anything else goes through the general loop.
                            if nextQuoteAt < last {
                                guard let after = simpleQuotedFields(record, before: last, from: nextQuoteAt) else { break fast }
                                nextQuoteAt = after
                            }
                            record.count = width
                            visitor.visit(record.view(offset: recordStart, end: last &+ 1, line: lineAt(recordStart), flags: []))
                            summary.records += 1
                            newlinesSeen += 1
                            fieldBegin = last &+ 1
                            recordStart = fieldBegin
                            i = i &- 1 &+ width
                            continue
                        }
                    }
                    record.count = 0
                    recordLine = lineAt(recordStart)
                }
                if nextQuoteAt < p {
                    guard buffer[fieldBegin] == quote, let (s, e, f) = quotedField(fieldBegin, p, atNewline: isNewline) else { return nil }
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
                    let q = base &+ Int(next)
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
            if last.endsInsideQuotes { return nil }
            if nextQuoteAt == Int.max { nextQuoteAt = nextQuote(atOrAfter: fieldBegin) }
            if recordStart < stopAt && (recordStart < n || fieldBegin > recordStart) {
                if fieldBegin == recordStart {
                    record.count = 0
                    recordLine = lineAt(recordStart)
                }
                if nextQuoteAt < n {
                    guard fieldBegin < n, buffer[fieldBegin] == quote, let (s, e, f) = quotedField(fieldBegin, n, atNewline: false) else { return nil }
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
        nextRecord = recordStart
        return summary
    }

    /// Where the first record not assembled starts (after `run`).
    private(set) var nextRecord = 0

    /// Turns the quoted fields of a record `recordBounds` has just written
    /// (quotes from `first` on, before the record's LF at `last`) into their
    /// contents: each quote must open a field and the next one close it, right
    /// before the field's end. Returns the next quote after the record. Nil for
    /// any other quoting (a doubled quote, a quote inside a field), or when the
    /// record's quotes are not all in the quote cursor's list; the cursor then
    /// stays where it was, for the general loop.
    @inline(__always)
    private mutating func simpleQuotedFields(_ record: RecordBuffer, before last: Int, from first: Int) -> Int? {
        let list = quoteList, qb = quoteBase
        var c = quoteCursor, k = 0
        guard c < list.count && qb &+ Int(list[c]) == first else { return nil }
        while c < list.count {
            let open = qb &+ Int(list[c])
            if open >= last {
                quoteCursor = c
                return open
            }
            guard c &+ 1 < list.count else { return nil }
            let close = qb &+ Int(list[c &+ 1])
            // safe: open < last lies inside the record, so some field k ends after it.
            while record.ends[k] < open { k &+= 1 }
            guard record.starts[k] == open && close == record.ends[k] &- 1 else { return nil }
            record.starts[k] = open &+ 1
            record.ends[k] = close
            record.flags[k] = .quoted
            c &+= 2
        }
        // This list is used up. The next quote lies in a later window, maybe
        // still inside this record (one that started in an earlier window):
        // then the general loop takes the record.
        let saved = (quoteWindow, quoteCursor, quoteList, quoteBase)
        quoteCursor = c
        let next = nextQuote(atOrAfter: qb &+ Int(list[c &- 1]) &+ 1)
        if next < last {
            (quoteWindow, quoteCursor, quoteList, quoteBase) = saved
            return nil
        }
        return next
    }

    /// Fields in the last record the general loop assembled: the shape the
    /// record fast path tries first (0: none yet, or too wide).
    private var expectedFields = 0

    /// The widest record the fast path takes (the AVX-512 kernel's limit).
    static let recordFastPathFields = 64

    /// When `seps[0 ..< fields]` are one record's separators (an LF at the last
    /// and none before), writes the fields' bounds to `starts` and `ends`: the
    /// first field starts at `start`, each later one after the previous
    /// separator, and separator k (at `base` + its offset) ends field k.
    /// Returns false, writing nothing, for any other shape. `kernel` picks the
    /// AVX-512 kernel or its scalar twin. starts and ends need room for `fields`
    /// rounded up to a multiple of 8, plus one (`RecordBuffer.slack`): the
    /// entries past `fields` may be overwritten.
    @inline(__always)
    static func recordBounds(_ seps: UnsafePointer<UInt32>, fields: Int, base: Int, start: Int, kernel: IndexKernel,
                             starts: UnsafeMutablePointer<Int>, ends: UnsafeMutablePointer<Int>) -> Bool {
        precondition(fields >= 1 && fields <= recordFastPathFields)
        #if arch(x86_64)
        if kernel.isAVX512 {
            // safe: the caller gives `fields` entries in seps, and room in starts and ends for
            // `fields` rounded up to a multiple of 8, plus one.
            return tradescan_record_bounds_avx512(seps, fields, Int64(base), Int64(start),
                                                  UnsafeMutableRawPointer(starts).assumingMemoryBound(to: Int64.self),
                                                  UnsafeMutableRawPointer(ends).assumingMemoryBound(to: Int64.self)) != 0
        }
        #endif
        return recordBoundsScalar(seps, fields: fields, base: base, start: start, starts: starts, ends: ends)
    }

    /// The scalar twin of `tradescan_record_bounds_avx512`, and the oracle tests hold it to.
    static func recordBoundsScalar(_ seps: UnsafePointer<UInt32>, fields: Int, base: Int, start: Int,
                                   starts: UnsafeMutablePointer<Int>, ends: UnsafeMutablePointer<Int>) -> Bool {
        for k in 0..<fields where (seps[k] & StructuralIndex.recordEndBit != 0) != (k == fields - 1) { return false }
        var s = start
        for k in 0..<fields {
            let e = base + Int(seps[k] & StructuralIndex.positionMask)
            starts[k] = s
            ends[k] = e
            s = e + 1
        }
        return true
    }
}
