/// Stage 2 of the fast tokenizer: separators → field and record bounds, in the
/// same form the scalar tokenizer produces (`CSVTokens`).
///
/// It also proves the parity model right: every field must be either unquoted
/// with no quote inside, or quoted with its quotes at the ends and doubled
/// inside. Anything else (a stray quote, text after a closing quote, a quote
/// left open at the end) returns `nil`, and the caller tokenizes with the
/// scalar state machine instead, so both paths always agree.
enum TokenAssembler {
    /// Assembles the tokens of `buffer` from consecutive indexes covering
    /// `[bom, buffer.count)`.
    static func assemble(_ buffer: UnsafeRawBufferPointer, indexes: [StructuralIndex], dialect: Dialect, bom: Int) -> CSVTokens? {
        guard let last = indexes.last, !last.endsInsideQuotes else { return nil }
        let n = buffer.count
        let quote = dialect.quote
        let cr: UInt8 = 0x0D
        var t = CSVTokens()
        t.bomLength = bom
        let expected = indexes.reduce(0) { $0 + $1.separators.count }
        t.fieldStart.reserveCapacity(expected + 1)
        t.fieldEnd.reserveCapacity(expected + 1)
        t.fieldFlags.reserveCapacity(expected + 1)

        var fieldBegin = bom
        var recordStart = bom
        var newlinesBefore = 0          // LF separators seen so far
        var quotedNewlineCount = 0      // quoted LFs before the current record start
        var chunk = 0
        var quotedCursor = 0
        var quoteChunk = 0
        var quoteCursor = 0

        /// Absolute position of the next quote at or after `p`, consuming earlier ones.
        func nextQuote(atOrAfter p: Int) -> Int {
            while quoteChunk < indexes.count {
                let idx = indexes[quoteChunk]
                if quoteCursor < idx.quotes.count {
                    let q = idx.start + Int(idx.quotes[quoteCursor])
                    if q >= p { return q }
                    quoteCursor += 1
                } else {
                    quoteChunk += 1
                    quoteCursor = 0
                }
            }
            return Int.max
        }
        func consumeQuote() { quoteCursor += 1 }

        func lineAt(_ p: Int) -> Int {
            while chunk < indexes.count {
                let idx = indexes[chunk]
                if quotedCursor < idx.quotedNewlines.count {
                    if idx.start + Int(idx.quotedNewlines[quotedCursor]) < p {
                        quotedNewlineCount += 1
                        quotedCursor += 1
                        continue
                    }
                    break
                }
                chunk += 1
                quotedCursor = 0
            }
            return 1 + newlinesBefore + quotedNewlineCount
        }

        /// Appends field `[b, e)`; `atNewline` when it ends at an LF separator,
        /// `atEnd` when it ends at the end of the input. False when irregular.
        func appendField(_ b: Int, _ e: Int, atNewline: Bool, atEnd: Bool) -> Bool {
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

        for idx in indexes {
            for raw in idx.separators {
                let p = idx.start + Int(raw & StructuralIndex.positionMask)
                let isNewline = raw & StructuralIndex.recordEndBit != 0
                if fieldBegin == recordStart {
                    if isNewline {
                        // A blank line: nothing, or a lone CR, before the LF.
                        let length = p - fieldBegin
                        if length == 0 || (length == 1 && buffer[fieldBegin] == cr) {
                            t.blankLines += 1
                            newlinesBefore += 1
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
                    newlinesBefore += 1
                    recordStart = p + 1
                }
            }
        }
        // The last record, without a final LF.
        if recordStart < n || fieldBegin > recordStart {
            if fieldBegin == recordStart {
                t.recordOffset.append(recordStart)
                t.recordLine.append(lineAt(recordStart))
            }
            guard appendField(fieldBegin, n, atNewline: false, atEnd: true) else { return nil }
            t.recordFields.append(t.fieldStart.count)
            t.recordFlags.append([])
        }
        let quotedTotal = indexes.reduce(0) { $0 + $1.quotedNewlines.count }
        t.lineCount = newlinesBefore + quotedTotal + (n > bom && buffer[n - 1] != 0x0A ? 1 : 0)
        return t
    }
}
