/// The reference CSV tokenizer: a byte-at-a-time state machine, written to be
/// read. It is the oracle the fast tokenizer is tested and fuzzed against, and it
/// serves small side files directly.
///
/// Rules (RFC 4180 plus what real feeds need):
/// - fields are separated by `dialect.delimiter`; records end at LF or CRLF
///   (a CR not followed by LF is data);
/// - a field that starts with the quote is quoted: delimiters and line breaks
///   inside it are data, and a doubled quote is one quote;
/// - a quote inside an unquoted field, or text after a closing quote, is kept
///   literally and flagged `strayQuote`;
/// - a quoted field still open at the end of input ends the record there, flagged
///   `unterminatedQuote`;
/// - a UTF-8 BOM at the start is skipped; empty lines are skipped and counted;
///   the last record needs no line ending.
public enum ScalarTokenizer {
    private enum State {
        case fieldStart      // at the first byte of a field
        case unquoted        // inside an unquoted field
        case quoted          // inside a quoted field
        case quoteInQuoted   // just read a quote inside a quoted field
    }

    /// Tokenizes `bytes` completely.
    public static func tokenize(_ bytes: UnsafeRawBufferPointer, dialect: Dialect = .comma) -> CSVTokens {
        tokenize(bytes, dialect: dialect, from: 0, stopAfter: Int.max, line: 1).tokens
    }

    /// Tokenizes from `from` (0, or the first byte of a record) and stops after
    /// the first record that ends at or beyond `stopAfter` (so a piece holds a
    /// record unless the input ends first), so a file can be
    /// read piece by piece in bounded memory. `line` is the line of `from`.
    /// Returns where the next piece starts and its line (`next == bytes.count`
    /// at the end).
    public static func tokenize(
        _ bytes: UnsafeRawBufferPointer, dialect: Dialect, from: Int, stopAfter: Int, line startLine: Int
    ) -> (tokens: CSVTokens, next: Int, nextLine: Int) {
        var t = CSVTokens()
        let n = bytes.count
        var i = from
        if from == 0, n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            i = 3
            t.bomLength = 3
        }
        let delim = dialect.delimiter, quote = dialect.quote
        let lf: UInt8 = 0x0A, cr: UInt8 = 0x0D

        var state = State.fieldStart
        var line = startLine
        var inRecord = false
        var fieldBegin = i
        var flags: FieldFlags = []
        var recFlags: RecordFlags = []

        func beginRecord(at offset: Int) {
            t.recordOffset.append(offset)
            t.recordLine.append(line)
            inRecord = true
            recFlags = []
        }
        func endField(_ end: Int) {
            t.fieldStart.append(fieldBegin)
            t.fieldEnd.append(end)
            t.fieldFlags.append(flags)
            if flags.contains(.strayQuote) { recFlags.insert(.strayQuote) }
            flags = []
        }
        func endRecord() {
            t.recordFields.append(t.fieldStart.count)
            t.recordFlags.append(recFlags)
            inRecord = false
        }
        /// End of an unquoted field's content at `end`, trimming the CR of a CRLF.
        func contentEnd(_ end: Int) -> Int {
            end > fieldBegin && bytes[end - 1] == cr ? end - 1 : end
        }

        var stopped = false
        while i < n {
            // Only once a record is read: a BOM or blank lines before the first record
            // (reading a file's header alone, `stopAfter: 1`) must not end the piece empty.
            if !inRecord && state == .fieldStart && i >= stopAfter && !t.recordOffset.isEmpty { stopped = true; break }
            let b = bytes[i]
            switch state {
            case .fieldStart:
                if !inRecord {
                    // A blank line: LF alone or CR LF.
                    if b == lf { t.blankLines += 1; line += 1; i += 1; continue }
                    if b == cr, i + 1 < n, bytes[i + 1] == lf { t.blankLines += 1; line += 1; i += 2; continue }
                    beginRecord(at: i)
                }
                if b == quote {
                    flags = [.quoted]
                    fieldBegin = i + 1
                    state = .quoted
                } else if b == delim {
                    fieldBegin = i
                    endField(i)
                } else if b == lf {
                    fieldBegin = i
                    endField(contentEnd(i))
                    endRecord()
                    line += 1
                } else {
                    fieldBegin = i
                    state = .unquoted
                }
            case .unquoted:
                if b == delim {
                    endField(i)
                    state = .fieldStart
                } else if b == lf {
                    endField(contentEnd(i))
                    endRecord()
                    line += 1
                    state = .fieldStart
                } else if b == quote {
                    flags.insert(.strayQuote)
                }
            case .quoted:
                if b == quote { state = .quoteInQuoted } else if b == lf { line += 1 }
            case .quoteInQuoted:
                if b == quote {
                    flags.insert(.escapedQuote)
                    state = .quoted
                } else if b == delim {
                    endField(i - 1)
                    state = .fieldStart
                } else if b == lf {
                    endField(i - 1)
                    endRecord()
                    line += 1
                    state = .fieldStart
                } else if b == cr, i + 1 < n, bytes[i + 1] == lf {
                    endField(i - 1)
                    endRecord()
                    line += 1
                    i += 2
                    state = .fieldStart
                    continue
                } else {
                    // Text after a closing quote: keep everything from the opening
                    // quote literally, as an unquoted field.
                    flags = [.strayQuote]
                    fieldBegin -= 1
                    state = .unquoted
                }
            }
            i += 1
        }
        if stopped {
            t.lineCount = line - startLine
            return (t, i, line)
        }
        // End of input.
        switch state {
        case .fieldStart:
            if inRecord {
                fieldBegin = n
                endField(n)
                endRecord()
            }
        case .unquoted:
            endField(contentEnd(n))
            endRecord()
        case .quoted:
            recFlags.insert(.unterminatedQuote)
            endField(n)
            endRecord()
        case .quoteInQuoted:
            endField(n - 1)
            endRecord()
        }
        t.lineCount = line - startLine + ((n > max(from, t.bomLength) && bytes[n - 1] != lf) ? 1 : 0)
        return (t, n, line)
    }

    /// Tokenizes an array of bytes.
    public static func tokenize(_ bytes: [UInt8], dialect: Dialect = .comma) -> CSVTokens {
        bytes.withUnsafeBytes { tokenize($0, dialect: dialect) }
    }
}
