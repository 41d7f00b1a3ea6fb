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
    var windows: [StructuralIndex]
    let extend: ((StructuralIndex) -> StructuralIndex?)?

    // Cursors into the windows.
    private var quoteWindow = 0, quoteCursor = 0
    private var lfWindow = 0, lfCursor = 0
    private var quotedNewlinesBefore = 0
    private var t = CSVTokens()
    private var startLine = 1
    private var from = 0
    private var newlinesSeen = 0

    init(buffer: UnsafeRawBufferPointer, dialect: Dialect, windows: [StructuralIndex],
         extend: ((StructuralIndex) -> StructuralIndex?)? = nil) {
        self.buffer = buffer
        self.quote = dialect.quote
        self.windows = windows
        self.extend = extend
    }

    /// Whole buffer: records from `bom` to the end.
    static func assemble(_ buffer: UnsafeRawBufferPointer, indexes: [StructuralIndex], dialect: Dialect, bom: Int) -> CSVTokens? {
        var a = TokenAssembler(buffer: buffer, dialect: dialect, windows: indexes)
        guard var tokens = a.run(from: bom, stopAt: Int.max, line: 1) else { return nil }
        tokens.bomLength = bom
        return tokens
    }

    /// Whether window `w` exists, extending when allowed.
    private mutating func window(_ w: Int) -> Bool {
        if w < windows.count { return true }
        guard w == windows.count, let extend, let last = windows.last, last.end < buffer.count,
              let more = extend(last) else { return false }
        windows.append(more)
        return true
    }

    /// Absolute position of the next quote at or after `p`.
    private mutating func nextQuote(atOrAfter p: Int) -> Int {
        while quoteWindow < windows.count {
            let idx = windows[quoteWindow]
            if quoteCursor < idx.quotes.count {
                let q = idx.start + Int(idx.quotes[quoteCursor])
                if q >= p { return q }
                quoteCursor += 1
            } else {
                quoteWindow += 1
                quoteCursor = 0
            }
        }
        return Int.max
    }

    private mutating func consumeQuote() { quoteCursor += 1 }

    /// Quoted LFs in `[from, p)` (cursor moves forward only).
    private mutating func quotedNewlines(before p: Int, from: Int) -> Int {
        while lfWindow < windows.count {
            let idx = windows[lfWindow]
            if lfCursor < idx.quotedNewlines.count {
                let q = idx.start + Int(idx.quotedNewlines[lfCursor])
                guard q < p else { break }
                if q >= from { quotedNewlinesBefore += 1 }
                lfCursor += 1
            } else {
                lfWindow += 1
                lfCursor = 0
            }
        }
        return quotedNewlinesBefore
    }

    private mutating func lineAt(_ p: Int) -> Int {
        startLine + newlinesSeen + quotedNewlines(before: p, from: from)
    }

    /// Appends field `[b, e)`. False when irregular.
    private mutating func appendField(_ b: Int, _ e: Int, atNewline: Bool, atEnd: Bool) -> Bool {
        let cr: UInt8 = 0x0D
        var q = nextQuote(atOrAfter: b)
        if b < e && buffer[b] == quote {
            var close = e
            if atNewline && close > b + 1 && buffer[close - 1] == cr { close -= 1 }
            guard close - 1 > b, buffer[close - 1] == quote else { return false }
            consumeQuote()                                  // the opening quote
            var flags: FieldFlags = .quoted
            q = nextQuote(atOrAfter: b + 1)
            while q < close - 1 {
                // Inside: quotes come in adjacent pairs.
                guard q + 1 < close - 1, buffer[q + 1] == quote else { return false }
                flags.insert(.escapedQuote)
                consumeQuote(); consumeQuote()
                q = nextQuote(atOrAfter: q + 2)
            }
            guard q == close - 1 else { return false }
            consumeQuote()                                  // the closing quote
            if nextQuote(atOrAfter: close) < e { return false }
            t.fieldStart.append(b + 1)
            t.fieldEnd.append(close - 1)
            t.fieldFlags.append(flags)
        } else {
            guard q >= e else { return false }             // a quote inside an unquoted field
            var end = e
            if (atNewline || atEnd) && end > b && buffer[end - 1] == cr { end -= 1 }
            t.fieldStart.append(b)
            t.fieldEnd.append(end)
            t.fieldFlags.append([])
        }
        return true
    }

    mutating func run(from: Int, stopAt: Int, line: Int) -> CSVTokens? {
        let n = buffer.count
        let cr: UInt8 = 0x0D
        t = CSVTokens()
        startLine = line
        self.from = from
        newlinesSeen = 0
        let expected = windows.reduce(0) { $0 + $1.separators.count }
        t.fieldStart.reserveCapacity(expected + 1)
        t.fieldEnd.reserveCapacity(expected + 1)
        t.fieldFlags.reserveCapacity(expected + 1)

        var fieldBegin = from
        var recordStart = from
        var done = false
        var w = 0
        outer: while !done && window(w) {
            let idx = windows[w]
            for raw in idx.separators {
                let p = idx.start + Int(raw & StructuralIndex.positionMask)
                if p < fieldBegin { continue }                    // before this chunk's first record
                let isNewline = raw & StructuralIndex.recordEndBit != 0
                if fieldBegin == recordStart {
                    if recordStart >= stopAt { done = true; break outer }
                    if isNewline {
                        // A blank line: nothing, or a lone CR, before the LF.
                        let length = p - fieldBegin
                        if length == 0 || (length == 1 && buffer[fieldBegin] == cr) {
                            t.blankLines += 1
                            newlinesSeen += 1
                            fieldBegin = p + 1
                            recordStart = p + 1
                            continue
                        }
                    }
                    t.recordOffset.append(recordStart)
                    t.recordLine.append(lineAt(recordStart))
                }
                guard appendField(fieldBegin, p, atNewline: isNewline, atEnd: false) else { return nil }
                fieldBegin = p + 1
                if isNewline {
                    t.recordFields.append(t.fieldStart.count)
                    t.recordFlags.append([])
                    newlinesSeen += 1
                    recordStart = p + 1
                }
            }
            w += 1
        }
        if !done {
            // Input ended: the parity model must not be inside quotes.
            guard let last = windows.last, last.end == n else { return nil }
            if last.endsInsideQuotes { return nil }
            // The last record, without a final LF.
            if recordStart < stopAt && (recordStart < n || fieldBegin > recordStart) {
                if fieldBegin == recordStart {
                    t.recordOffset.append(recordStart)
                    t.recordLine.append(lineAt(recordStart))
                }
                guard appendField(fieldBegin, n, atNewline: false, atEnd: true) else { return nil }
                t.recordFields.append(t.fieldStart.count)
                t.recordFlags.append([])
                recordStart = n
            }
        }
        let end = done ? recordStart : n
        t.lineCount = newlinesSeen + quotedNewlines(before: end, from: from) + (!done && n > from && buffer[n - 1] != 0x0A ? 1 : 0)
        nextRecord = recordStart
        return t
    }

    /// Where the first record not assembled starts (after `run`).
    private(set) var nextRecord = 0
}
