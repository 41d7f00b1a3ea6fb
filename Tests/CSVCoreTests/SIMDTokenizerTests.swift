@testable import CSVCore
import CSVKernelsC
import Synchronization
import TestSupport
import Testing

/// The SIMD path (structural index + assembler, scalar fallback) must give the
/// scalar tokenizer's tokens exactly: records, field bounds, flags, lines.
@Suite("SIMD tokenizer against the scalar oracle")
struct SIMDTokenizerTests {
    func expectSame(_ bytes: [UInt8], dialect: Dialect = .comma, splits: [Int] = [], _ context: @autoclosure () -> String) {
        let scalar = ScalarTokenizer.tokenize(bytes, dialect: dialect)
        for kernel in IndexKernel.available {
            let simd = Tokenizer.tokenize(bytes, dialect: dialect, splits: splits, kernel: kernel)
            #expect(simd == scalar, "\(kernel): \(context())")
        }
    }

    @Test("every table case gives the same tokens on both paths", arguments: ScalarTokenizerTests.cases)
    func table(_ c: TokenizerCase) {
        expectSame(Array(c.input.utf8), dialect: c.dialect, c.name)
        // And the case decoded through the public tokenizer matches the table.
        let bytes = Array(c.input.utf8)
        let t = Tokenizer.tokenize(bytes, dialect: c.dialect)
        let records = bytes.withUnsafeBytes { buf in
            (0..<t.recordCount).map { r in
                t.fields(ofRecord: r).map { FieldValue.string(buf, start: t.fieldStart[$0], end: t.fieldEnd[$0], flags: t.fieldFlags[$0], quote: c.dialect.quote) }
            }
        }
        #expect(records == c.records)
    }

    @Test("a chunk edge at every byte gives the same tokens", arguments: ScalarTokenizerTests.cases)
    func everySplit(_ c: TokenizerCase) {
        let bytes = Array(c.input.utf8)
        for cut in 0...bytes.count {
            expectSame(bytes, dialect: c.dialect, splits: [cut], "\(c.name), split at \(cut)")
        }
    }

    @Test("long inputs cross 64-byte blocks: quoted fields spanning blocks and chunks")
    func blocks() {
        var text = "id,name,note\n"
        for i in 0..<200 {
            let long = String(repeating: "x", count: i % 97)
            text += "\(i),\"Co., \(long) \"\"q\"\" Ltd\",\"line1\nline2\"\r\n"
            if i % 13 == 0 { text += "\n" }
        }
        let bytes = Array(text.utf8)
        expectSame(bytes, "whole")
        for cut in stride(from: 0, through: bytes.count, by: 7) {
            expectSame(bytes, splits: [cut, cut / 2, cut / 3], "splits at \(cut)")
        }
    }

    @Test("seeded random bytes from a CSV-heavy alphabet", arguments: Array(1...12) as [UInt64])
    func randomBytes(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let alphabet: [UInt8] = Array("ab,\"\"\n\r;\t 1".utf8) + [0xFF, 0xEF, 0xBB, 0xBF]
        for _ in 0..<300 {
            let n = Int.random(in: 0...200, using: &rng)
            let bytes = (0..<n).map { _ in alphabet.randomElement(using: &rng)! }
            let splits = (0..<Int.random(in: 0...4, using: &rng)).map { _ in Int.random(in: 0...max(0, n), using: &rng) }
            for dialect in [Dialect.comma, .semicolon] {
                expectSame(bytes, dialect: dialect, splits: splits, "seed \(seed) bytes \(bytes) splits \(splits)")
            }
        }
    }

    @Test("seeded well-formed CSV takes the fast path and matches", arguments: [21, 22, 23] as [UInt64])
    func wellFormed(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        var w = CSVWriter()
        for _ in 0..<500 {
            w.record((0..<6).map { _ in
                String((0..<Int.random(in: 0...30, using: &rng)).map { _ in "ab ,\"\n9é".randomElement(using: &rng)! })
            })
        }
        let splits = (0..<8).map { _ in Int.random(in: 0...w.buffer.count, using: &rng) }
        expectSame(w.buffer, splits: splits, "seed \(seed)")
    }

    @Test("regular quoting takes the fast path; irregular quoting falls back", arguments: [
        ("a,b\n\"c,d\",\"e\"\"f\"\r\n\n", true), ("x,\"multi\nline\"", true), ("", true), ("\u{FEFF}h\n", true),
        ("ab\"c\n", false), ("\"ab\"c\n", false), ("a,\"open\n", false), ("\"a\"\r", false), ("\"a\"\"\n", false),
    ])
    func fastPathTaken(text: String, fast: Bool) {
        let bytes = Array(text.utf8)
        let got = bytes.withUnsafeBytes { Tokenizer.fastPath($0, dialect: .comma, splits: []) }
        #expect((got != nil) == fast, "\(text.debugDescription)")
    }

    @Test("every index kernel writes the same lists, at every length and start, from any quote state", arguments: [51, 52] as [UInt64])
    func kernelsAgree(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let alphabet = Array("a,\"\n;\r x".utf8)
        for length in 0...300 {
            // Exactly `length` bytes allocated: the kernels must read none past the end.
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &rng)! }
            bytes.withUnsafeBytes { buf in
                for start in [0, 1, 63, 64, 65].filter({ $0 <= length }) {
                    for inside in [false, true] {
                        let lists = IndexKernel.available.map { k in
                            let i = StructuralIndex(buf, start: start, end: length, dialect: .semicolon, insideQuotes: inside, kernel: k)
                            return [Array(i.separators), Array(i.quotes), Array(i.quotedNewlines), Array(i.irregular), [i.endsInsideQuotes ? 1 : 0]]
                        }
                        #expect(Set(lists).count == 1, "length \(length) start \(start) inside \(inside)")
                    }
                }
            }
        }
    }

    /// Byte by byte, what stage 1's simple-quoting check finds in `bytes`
    /// (parity from offset 0): separators ending a quoted field, and where the
    /// quoting is irregular. An independent oracle for the bitmask version.
    static func quotingByWalk(_ bytes: [UInt8], delimiter: UInt8) -> (quotedEnds: Set<Int>, irregular: Set<Int>) {
        let quote = UInt8(ascii: "\""), lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
        var inside = false
        var quotedEnds = Set<Int>(), irregular = Set<Int>()
        for (i, b) in bytes.enumerated() where b == quote {
            if !inside {
                // An opening quote: right after a separator, or at the start.
                if i > 0 && bytes[i - 1] != delimiter && bytes[i - 1] != lf { irregular.insert(i) }
            } else if i + 1 < bytes.count {
                // A closing quote: right before a separator, or before CR LF.
                let next = bytes[i + 1]
                if next == delimiter || next == lf {
                    quotedEnds.insert(i + 1)
                } else if next == cr {
                    // Only LF may follow the CR; a delimiter there is irregular and still tagged.
                    if i + 2 < bytes.count {
                        if bytes[i + 2] != lf { irregular.insert(i + 2) }
                        if bytes[i + 2] == lf || bytes[i + 2] == delimiter { quotedEnds.insert(i + 2) }
                    }
                } else {
                    irregular.insert(i + 1)
                }
            }
            inside.toggle()
        }
        return (quotedEnds, irregular)
    }

    @Test("every index kernel tags quoted fields' ends and finds irregular quoting as a byte-by-byte walk does, from any start",
          arguments: [55, 56] as [UInt64])
    func quotingCheck(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let alphabet = Array("ab,\"\"\n\r".utf8)
        for _ in 0..<300 {
            let bytes = (0..<Int.random(in: 0...200, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let want = Self.quotingByWalk(bytes, delimiter: UInt8(ascii: ","))
            bytes.withUnsafeBytes { buf in
                for start in Set([0, 1, 2, 63, 64, 65, Int.random(in: 0...bytes.count, using: &rng)]) where start <= bytes.count {
                    let inside = bytes[..<start].filter { $0 == UInt8(ascii: "\"") }.count % 2 == 1
                    for k in IndexKernel.available {
                        let index = StructuralIndex(buf, start: start, end: buf.count, dialect: .comma, insideQuotes: inside, kernel: k)
                        let tagged = Set(index.separators.filter { $0 & StructuralIndex.quotedFieldBit != 0 }
                            .map { start + Int($0 & StructuralIndex.positionMask) })
                        let irregular = Set(index.irregular.map { start + Int($0) })
                        #expect(tagged == want.quotedEnds.filter { $0 >= start }, "\(k) from \(start): \(bytes)")
                        #expect(irregular == want.irregular.filter { $0 >= start }, "\(k) from \(start): \(bytes)")
                    }
                }
            }
        }
    }

    @Test("every index kernel writes the same lists for blocks dense with separators, quotes or quoted LFs (0 to 64 per block)",
          arguments: [53, 54] as [UInt64])
    func denseBlocks(seed: UInt64) {
        // Random bytes put about 16 structural bytes in a 64-byte block; these put
        // any number up to 64, so every 16-position group a kernel writes is used.
        var rng = SeededRandom(seed: seed)
        for density in stride(from: 0, through: 64, by: 4) {
            for _ in 0..<6 {
                let bytes: [UInt8] = (0..<256).map { _ in
                    guard Int.random(in: 0..<64, using: &rng) < density else { return UInt8(ascii: "x") }
                    return Array(";\n\"\r").randomElement(using: &rng)!.asciiValue!
                }
                bytes.withUnsafeBytes { buf in
                    for inside in [false, true] {
                        let lists = IndexKernel.available.map { k in
                            let i = StructuralIndex(buf, start: 0, end: buf.count, dialect: .semicolon, insideQuotes: inside, kernel: k)
                            return [Array(i.separators), Array(i.quotes), Array(i.quotedNewlines), Array(i.irregular), [i.endsInsideQuotes ? 1 : 0]]
                        }
                        #expect(Set(lists).count == 1, "density \(density), inside \(inside)")
                    }
                }
            }
        }
        // All 64 bytes of every block a separator, with LFs among them.
        let all = Array(repeating: Array(";;;\n".utf8), count: 64).flatMap { $0 }
        all.withUnsafeBytes { buf in
            let lists = IndexKernel.available.map { k in
                // Bound to a name: the lists live as long as the index does.
                let index = StructuralIndex(buf, start: 0, end: buf.count, dialect: .semicolon, insideQuotes: false, kernel: k)
                return Array(index.separators)
            }
            #expect(Set(lists).count == 1 && lists[0].count == all.count)
        }
    }

    /// Records of `width` fields (some of other widths when `mixed`), with
    /// simply quoted fields (one holding a quoted LF), empty ones, and, when
    /// `mixed`, doubled quotes, CRLF and blank lines.
    static func sameWidthText(width: Int, records: Int, mixed: Bool, using rng: inout SeededRandom) -> String {
        var text = ""
        for _ in 0..<records {
            let w = mixed && Int.random(in: 0..<6, using: &rng) == 0 ? max(1, width + Int.random(in: -1...1, using: &rng)) : width
            let fields = (0..<w).map { _ -> String in
                switch Int.random(in: 0..<12, using: &rng) {
                case 0: return w == 1 && !mixed ? "v" : ""      // a clean run has no blank line
                case 1: return "\"s,\nt\""
                case 2: return "\"\""
                case 3: return mixed ? "\"q,\n\"\"\"" : "\"q\""
                default: return String(repeating: "v", count: Int.random(in: 1...9, using: &rng))
                }
            }
            text += fields.joined(separator: ",")
            switch mixed ? Int.random(in: 0..<8, using: &rng) : 2 {
            case 0: text += "\r\n"
            case 1: text += "\n\n"
            default: text += "\n"
            }
        }
        return text
    }

    @Test("every record-run kernel agrees with its scalar twin and the scalar tokens, from any record, with any limits",
          arguments: [61, 62, 63] as [UInt64])
    func recordRunAgree(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let run = RecordRunBuffer()
        defer { run.free() }
        for width in [1, 2, 3, 7, 8, 9, 16, 17, 21, 63, 64] {
            let bytes = Array(Self.sameWidthText(width: width, records: 30, mixed: true, using: &rng).utf8)
            let tokens = ScalarTokenizer.tokenize(bytes)
            bytes.withUnsafeBytes { buf in
                // Bound to a name: the lists live as long as the index does.
                let index = StructuralIndex(buf, start: 0, end: buf.count, dialect: .comma, insideQuotes: false, kernel: .portable)
                let seps = index.separators
                for _ in 0..<20 {
                    let r0 = Int.random(in: 0..<tokens.recordCount, using: &rng)
                    guard tokens.fieldCount(ofRecord: r0) <= TokenAssembler.recordFastPathFields else { continue }
                    let offset = tokens.recordOffset[r0]
                    let firstSep = seps.firstIndex { Int($0 & StructuralIndex.positionMask) >= offset } ?? seps.count
                    let firstIrregular = index.irregular.first { Int($0) >= offset }.map(Int.init) ?? Int.max
                    // Limits: a short separator list, a stop, few records, an earlier
                    // irregular position (the caller's is never later than stage 1's).
                    let sepCount = Bool.random(using: &rng) ? seps.count - firstSep : Int.random(in: 0...(seps.count - firstSep), using: &rng)
                    let irregularAt = Bool.random(using: &rng) ? firstIrregular : Int.random(in: offset...min(firstIrregular, bytes.count + 1), using: &rng)
                    let stopAt = Bool.random(using: &rng) ? Int.max : Int.random(in: offset...(bytes.count + 1), using: &rng)
                    let maxRecords = Int.random(in: 1...run.records, using: &rng)
                    let results = IndexKernel.available.map { kernel -> [Int] in
                        let entries = run.records * RecordRunBuffer.stride(TokenAssembler.recordFastPathFields)
                        run.starts.initialize(repeating: -1, count: entries)
                        run.ends.initialize(repeating: -1, count: entries)
                        var job = tradescan_record_run(
                            seps: seps.baseAddress! + firstSep, sepCount: sepCount, base: 0,
                            bytes: buf.baseAddress!.assumingMemoryBound(to: UInt8.self),
                            start: Int64(offset), stopAt: Int64(truncatingIfNeeded: stopAt), irregularAt: Int64(truncatingIfNeeded: irregularAt),
                            fields: tokens.fieldCount(ofRecord: r0),
                            maxRecords: maxRecords, stride: RecordRunBuffer.stride(tokens.fieldCount(ofRecord: r0)),
                            starts: RecordRunBuffer.int64(run.starts), ends: RecordRunBuffer.int64(run.ends),
                            flags: UnsafeMutableRawPointer(run.flags).assumingMemoryBound(to: UInt8.self),
                            recordEnds: RecordRunBuffer.int64(run.recordEnds), sepsUsed: 0)
                        let count = TokenAssembler.recordRun(&job, kernel: kernel)
                        var out = [count, job.sepsUsed]
                        for r in 0..<count {
                            let at = r * job.stride
                            out.append(run.recordEnds[r])
                            for k in 0..<job.fields { out += [run.starts[at + k], run.ends[at + k], Int(run.flags[at + k].rawValue)] }
                        }
                        return out
                    }
                    let context = "width \(width), record \(r0), seps \(sepCount), irregular at \(irregularAt), stop \(stopAt), max \(maxRecords)"
                    #expect(Set(results).count == 1, "\(context)")
                    // The records taken are the scalar tokenizer's, each ending at its LF.
                    let count = results[0][0], fields = tokens.fieldCount(ofRecord: r0)
                    #expect(r0 + count <= tokens.recordCount && count <= maxRecords, "\(context)")
                    var at = 2
                    for r in r0..<min(r0 + count, tokens.recordCount) {
                        let end = results[0][at]
                        #expect(end > tokens.recordOffset[r] && bytes[end - 1] == 0x0A && tokens.recordOffset[r] < stopAt && end <= irregularAt,
                                "\(context)")
                        #expect(tokens.fieldCount(ofRecord: r) == fields, "\(context)")
                        let want = tokens.fields(ofRecord: r).flatMap { [tokens.fieldStart[$0], tokens.fieldEnd[$0], Int(tokens.fieldFlags[$0].rawValue)] }
                        #expect(Array(results[0][(at + 1)..<(at + 1 + 3 * fields)]) == want, "\(context), record \(r)")
                        at += 1 + 3 * fields
                    }
                }
            }
        }
    }

    @Test("a run of clean same-width records is taken whole, up to the run's size", arguments: [1, 2, 21, 64])
    func recordRunTakesCleanRecords(width: Int) {
        var rng = SeededRandom(seed: UInt64(width))
        let bytes = Array(Self.sameWidthText(width: width, records: 40, mixed: false, using: &rng).utf8)
        let run = RecordRunBuffer()
        defer { run.free() }
        bytes.withUnsafeBytes { buf in
            let index = StructuralIndex(buf, start: 0, end: buf.count, dialect: .comma, insideQuotes: false, kernel: .portable)
            let seps = index.separators
            for kernel in IndexKernel.available {
                // Simple quoting only: stage 1 finds nothing irregular.
                #expect(index.irregular.isEmpty)
                var job = tradescan_record_run(
                    seps: seps.baseAddress!, sepCount: seps.count, base: 0, bytes: buf.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    start: 0, stopAt: Int64(buf.count), irregularAt: Int64.max, fields: width, maxRecords: run.records,
                    stride: RecordRunBuffer.stride(width),
                    starts: RecordRunBuffer.int64(run.starts), ends: RecordRunBuffer.int64(run.ends),
                    flags: UnsafeMutableRawPointer(run.flags).assumingMemoryBound(to: UInt8.self),
                    recordEnds: RecordRunBuffer.int64(run.recordEnds), sepsUsed: 0)
                #expect(TokenAssembler.recordRun(&job, kernel: kernel) == run.records, "\(kernel)")
                #expect(job.sepsUsed == run.records * width, "\(kernel)")
            }
        }
    }

    @Test("runs of same-width records (the record fast path) broken by quotes, CRLF, blank lines and other widths",
          arguments: [71, 72, 73, 74] as [UInt64])
    func sameWidthRuns(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        for _ in 0..<40 {
            let width = [1, 2, 3, 7, 63, 64, 65].randomElement(using: &rng)!
            var text = Self.sameWidthText(width: width, records: Int.random(in: 1...12, using: &rng), mixed: true, using: &rng)
            if Bool.random(using: &rng) { text.removeLast() }
            let bytes = Array(text.utf8)
            let splits = (0..<2).map { _ in Int.random(in: 0...bytes.count, using: &rng) }
            expectSame(bytes, splits: splits, "\(text.debugDescription) at \(splits)")
        }
    }

    @Test("the scalar switch gives the scalar tokens")
    func scalarSwitch() {
        let bytes = Array("a,\"b\nc\"\n".utf8)
        #expect(Tokenizer.tokenize(bytes, path: .scalar) == ScalarTokenizer.tokenize(bytes))
    }
}

/// Chunk by chunk, as ingest reads: each chunk tokenizes the records that start
/// in it; concatenated, they equal the scalar tokens whatever the chunk edges.
@Suite("chunked tokenizing")
struct ChunkedTokenizerTests {
    func expectSame(_ bytes: [UInt8], dialect: Dialect = .comma, splits: [Int], _ context: String) {
        let scalar = ScalarTokenizer.tokenize(bytes, dialect: dialect)
        for kernel in IndexKernel.available {
            for window in [Tokenizer.indexWindow, 4] {
                let chunked = bytes.withUnsafeBytes { Tokenizer.tokenizeInChunks($0, dialect: dialect, splits: splits, kernel: kernel, indexWindow: window) }
                #expect(chunked == scalar, "\(kernel), window \(window): \(context)")
            }
        }
    }

    @Test("a chunk edge at every byte", arguments: ScalarTokenizerTests.cases)
    func everySplit(_ c: TokenizerCase) {
        let bytes = Array(c.input.utf8)
        for cut in 0...bytes.count { expectSame(bytes, dialect: c.dialect, splits: [cut], "\(c.name) at \(cut)") }
        for a in 0...bytes.count { for b in a...bytes.count { expectSame(bytes, dialect: c.dialect, splits: [a, b], "\(c.name) at \(a),\(b)") } }
    }

    @Test("quoted fields and line breaks spanning chunk edges, every edge", arguments: [1, 2, 3] as [UInt64])
    func spanning(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        var w = CSVWriter()
        for _ in 0..<40 {
            w.record((0..<4).map { _ in String((0..<Int.random(in: 0...12, using: &rng)).map { _ in "a,\"\n\r x".randomElement(using: &rng)! }) })
            if Bool.random(using: &rng) { w.blankLine() }   // blank lines too
        }
        let bytes = w.buffer
        for cut in 0...bytes.count { expectSame(bytes, splits: [cut], "seed \(seed) at \(cut)") }
    }

    @Test("chunk plans count quotes and LFs exactly over long chunks (past the 255-block lane counters), by any map", arguments: [8, 9] as [UInt64])
    func planCounts(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        // Quote-heavy and LF-heavy stretches, so lane counters would wrap without the flush.
        let bytes = (0..<200_003).map { i -> UInt8 in
            let heavy: [UInt8] = i % 50_000 < 9_000 ? [0x22, 0x22, 0x0A, 0x61] : Array("ab,\"\n x".utf8)
            return heavy.randomElement(using: &rng)!
        }
        let reversed: Tokenizer.ChunkMap = { n, body in (0..<n).reversed().map(body).reversed() }
        for size in [4096, 65_536, 199_999] {
            for map in [nil, reversed] as [Tokenizer.ChunkMap?] {
                let plan = bytes.withUnsafeBytes { b in
                    map.map { Tokenizer.plan(b, chunkSize: size, map: $0) } ?? Tokenizer.plan(b, chunkSize: size)
                }
                #expect(plan.planned == plan.count)
                for c in plan.chunks {
                    let before = bytes[..<c.start]
                    #expect(c.newlinesBefore == before.filter { $0 == 0x0A }.count, "seed \(seed) size \(size) chunk at \(c.start)")
                    #expect(c.insideQuotes == (before.filter { $0 == 0x22 }.count % 2 == 1), "seed \(seed) size \(size) chunk at \(c.start)")
                }
                // Counted a few chunks at a time (as ingest does, a wave before parsing it), the plan is the same.
                var lazy = bytes.withUnsafeBytes { Tokenizer.chunks($0, chunkSize: size) }
                #expect(lazy.count == plan.count && lazy.planned == min(1, plan.count))
                while lazy.planned < lazy.count {
                    let through = min(lazy.count - 1, lazy.planned - 1 + Int.random(in: 0...3, using: &rng))
                    bytes.withUnsafeBytes { lazy.extend(through: through, $0, map: map ?? { n, body in (0..<n).map(body) }) }
                    #expect(lazy.planned == max(through + 1, 1))
                    for k in 0..<lazy.planned {
                        #expect(lazy.chunks[k].insideQuotes == plan.chunks[k].insideQuotes && lazy.chunks[k].newlinesBefore == plan.chunks[k].newlinesBefore,
                                "seed \(seed) size \(size) chunk \(k)")
                    }
                }
                #expect(lazy.chunks.map(\.start) == plan.chunks.map(\.start))
            }
        }
    }

    @Test("irregular input read in chunks still equals the scalar tokens", arguments: [4, 5, 6, 7] as [UInt64])
    func irregular(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let alphabet = Array("ab,\"\n\r".utf8)
        for _ in 0..<200 {
            let bytes = (0..<Int.random(in: 0...80, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let splits = (0..<3).map { _ in Int.random(in: 0...bytes.count, using: &rng) }
            expectSame(bytes, splits: splits, "bytes \(bytes) splits \(splits)")
        }
    }

    @Test("every table case read piece by piece, at every piece size, gives the whole; the first piece of one byte is the first record",
          arguments: ScalarTokenizerTests.cases)
    func scalarPiecesEverySize(_ c: TokenizerCase) {
        let bytes = Array(c.input.utf8)
        let whole = ScalarTokenizer.tokenize(bytes, dialect: c.dialect)
        bytes.withUnsafeBytes { buf in
            // A file's header read alone (`stopAfter: 1`), past a BOM and blank lines.
            let first = ScalarTokenizer.tokenize(buf, dialect: c.dialect, from: 0, stopAfter: 1, line: 1).tokens
            #expect(first.recordCount == min(1, whole.recordCount), "\(c.name): the first record alone")
            if whole.recordCount > 0 && first.recordCount == 1 {
                #expect(first.fields(ofRecord: 0).map { first.fieldStart[$0] } == whole.fields(ofRecord: 0).map { whole.fieldStart[$0] })
                #expect(first.recordLine == [whole.recordLine[0]])
            }
            for piece in 1...max(1, bytes.count) {
                var all = CSVTokens()
                var from = 0, line = 1
                while from < buf.count {
                    let r = ScalarTokenizer.tokenize(buf, dialect: c.dialect, from: from, stopAfter: from + piece, line: line)
                    #expect(r.tokens.recordCount > 0 || r.next == buf.count, "\(c.name): a piece without a record before the end")
                    all.append(r.tokens)
                    from = r.next
                    line = r.nextLine
                }
                all.bomLength = whole.bomLength
                #expect(all == whole, "\(c.name): pieces of \(piece)")
            }
        }
    }

    @Test("the resumable scalar tokenizer read piece by piece gives the whole")
    func scalarPieces() {
        var w = CSVWriter()
        for i in 0..<300 { w.record(["\(i)", "a\nb", "c,d"]); if i % 7 == 0 { w.blankLine() } }
        let bytes = w.buffer
        let whole = ScalarTokenizer.tokenize(bytes)
        for piece in [1, 10, 333, 5000] {
            var all = CSVTokens()
            var from = 0, line = 1
            bytes.withUnsafeBytes { buf in
                while from < buf.count {
                    let r = ScalarTokenizer.tokenize(buf, dialect: .comma, from: from, stopAfter: from + piece, line: line)
                    all.append(r.tokens)
                    from = r.next
                    line = r.nextLine
                }
            }
            all.bomLength = whole.bomLength
            #expect(all == whole, "pieces of \(piece)")
        }
    }
}

/// Records streamed to a visitor, chunk by chunk or by the scalar path, are the
/// scalar tokens' records.
@Suite("visiting records")
struct RecordVisitorTests {
    struct Collect: RecordVisitor {
        var records: [(offset: Int, end: Int, line: Int, flags: RecordFlags, fields: [(Int, Int, FieldFlags)])] = []
        mutating func visit(_ r: RecordView) {
            records.append((r.offset, r.end, r.line, r.flags, (0..<r.count).map { (r.starts[$0], r.ends[$0], r.fieldFlags[$0]) }))
        }
    }

    func expected(_ bytes: [UInt8], _ dialect: Dialect) -> [String] {
        let t = ScalarTokenizer.tokenize(bytes, dialect: dialect)
        return (0..<t.recordCount).map { r in
            "\(t.recordOffset[r])@\(t.recordLine[r])/\(t.recordFlags[r].rawValue):" + t.fields(ofRecord: r).map { "\(t.fieldStart[$0])-\(t.fieldEnd[$0])/\(t.fieldFlags[$0].rawValue)" }.joined(separator: ",")
        }
    }

    func render(_ c: Collect) -> [String] {
        c.records.map { "\($0.offset)@\($0.line)/\($0.flags.rawValue):" + $0.fields.map { "\($0.0)-\($0.1)/\($0.2.rawValue)" }.joined(separator: ",") }
    }

    func visited(_ bytes: [UInt8], _ dialect: Dialect, splits: [Int], kernel: IndexKernel = .best,
                 window: Int = Tokenizer.indexWindow) -> (Collect, Int) {
        bytes.withUnsafeBytes { buf in
            let plan = Tokenizer.plan(buf, dialect: dialect, splits: splits, kernel: kernel, indexWindow: window)
            var c = Collect()
            var blank = 0
            for j in 0..<plan.count {
                guard let s = Tokenizer.visitChunk(buf, dialect: dialect, plan: plan, chunk: j, visitor: &c) else {
                    var scalar = Collect()
                    let s = Tokenizer.visitScalar(buf, dialect: dialect, pieceSize: 7, visitor: &scalar)
                    return (scalar, s.blankLines)
                }
                blank += s.blankLines
            }
            return (c, blank)
        }
    }

    @Test("every table case at every chunk edge", arguments: ScalarTokenizerTests.cases)
    func everySplit(_ c: TokenizerCase) {
        let bytes = Array(c.input.utf8)
        let want = expected(bytes, c.dialect)
        let blank = ScalarTokenizer.tokenize(bytes, dialect: c.dialect).blankLines
        for cut in 0...bytes.count {
            for kernel in IndexKernel.available {
                for window in [Tokenizer.indexWindow, 3, 64] {
                    let (got, b) = visited(bytes, c.dialect, splits: [cut], kernel: kernel, window: window)
                    #expect(render(got) == want, "\(kernel), window \(window): \(c.name) at \(cut)")
                    #expect(b == blank)
                }
            }
        }
    }

    @Test("the serial visit (one chunk, no counting pass) equals the scalar records, or gives up exactly when the quoting is irregular",
          arguments: [35, 36] as [UInt64])
    func serial(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let alphabet = Array("ab,\"\n\r".utf8)
        var inputs = ScalarTokenizerTests.cases.map { Array($0.input.utf8) }
        for _ in 0..<300 { inputs.append((0..<Int.random(in: 0...90, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }) }
        for bytes in inputs {
            let regular = bytes.withUnsafeBytes { Tokenizer.fastPath($0, dialect: .comma, splits: []) } != nil
            for kernel in IndexKernel.available {
                var c = Collect()
                let summary = bytes.withUnsafeBytes { Tokenizer.visitSerial($0, kernel: kernel, visitor: &c) }
                #expect((summary != nil) == regular, "\(kernel): \(bytes)")
                if let summary {
                    let t = ScalarTokenizer.tokenize(bytes, dialect: .comma)
                    #expect(render(c) == expected(bytes, .comma), "\(kernel): \(bytes)")
                    #expect(summary.records == t.recordCount && summary.blankLines == t.blankLines && summary.bomLength == t.bomLength)
                }
            }
        }
    }

    @Test("a recovering visit reads each irregular record by the scalar machine and gives the scalar records, from record starts, in any window",
          arguments: [41, 42, 43] as [UInt64])
    func recovering(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let alphabets = [Array("ab,\"\n\r".utf8), Array("abc,,\"\n".utf8), Array("aaaa,\"\"\n".utf8)]
        var inputs = ScalarTokenizerTests.cases.map { Array($0.input.utf8) }
        for k in 0..<240 {
            inputs.append((0..<Int.random(in: 0...150, using: &rng)).map { _ in alphabets[k % 3].randomElement(using: &rng)! })
        }
        // Long regular text with a stray or unclosed quote every few records: restarts in windows and past them.
        for _ in 0..<12 {
            var b: [UInt8] = []
            for r in 0..<Int.random(in: 20...80, using: &rng) {
                b += Array("\(r),\"q,\(r)\",x".utf8)
                if Int.random(in: 0..<5, using: &rng) == 0 { b += Array(["12\" pipe", "\"open", "\"a\"b", "x\"\"\"y"].randomElement(using: &rng)!.utf8) }
                b += Array((Bool.random(using: &rng) ? "\r\n" : "\n").utf8)
            }
            inputs.append(b)
        }
        var recoveredAny = false
        for bytes in inputs {
            let regular = bytes.withUnsafeBytes { Tokenizer.fastPath($0, dialect: .comma, splits: []) } != nil
            let t = ScalarTokenizer.tokenize(bytes, dialect: .comma)
            var scalar = Collect()
            _ = bytes.withUnsafeBytes { Tokenizer.visitScalar($0, dialect: .comma, visitor: &scalar) }
            // Chunks from the first record and from some later record starts (an LF before them), as ingest's pieces start.
            let later = (1..<max(1, t.recordCount)).map { t.recordOffset[$0] }.filter { bytes[$0 - 1] == 0x0A && Bool.random(using: &rng) }
            for kernel in IndexKernel.available {
                for window in [Tokenizer.indexWindow, 5, 64] {
                    var got = Collect()
                    var blank = 0, recovered = 0, regularVisit = true
                    bytes.withUnsafeBytes { buf in
                        guard buf.count > 0 else { return }
                        let starts = [0] + later
                        var plan = Tokenizer.plan(buf, recordStarts: starts, kernel: kernel)
                        plan.indexWindow = window
                        for k in starts.indices { plan.setLine(1 + Tokenizer.newlines(in: buf, range: 0..<starts[k], kernel: kernel), ofChunk: k) }
                        for k in starts.indices {
                            guard let s = Tokenizer.visitChunk(buf, dialect: .comma, plan: plan, chunk: k, recovering: true, visitor: &got) else {
                                regularVisit = false
                                return
                            }
                            blank += s.blankLines
                            recovered += s.recovered
                        }
                    }
                    #expect(regularVisit, "\(kernel), window \(window): \(bytes)")
                    #expect(render(got) == render(scalar) && got.records.map(\.end) == scalar.records.map(\.end),
                            "\(kernel), window \(window): \(bytes) from \(later)")
                    #expect(blank == t.blankLines, "\(kernel), window \(window): \(bytes)")
                    #expect((recovered > 0) == !regular, "\(kernel), window \(window): \(bytes)")
                    recoveredAny = recoveredAny || recovered > 0
                }
            }
        }
        #expect(recoveredAny)
    }

    @Test("seeded irregular and regular inputs", arguments: [31, 32, 33] as [UInt64])
    func random(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let alphabet = Array("ab,\"\n\r".utf8)
        for _ in 0..<200 {
            let bytes = (0..<Int.random(in: 0...90, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let splits = (0..<3).map { _ in Int.random(in: 0...bytes.count, using: &rng) }
            for kernel in IndexKernel.available {
                for window in [Tokenizer.indexWindow, 5] {
                    #expect(render(visited(bytes, .comma, splits: splits, kernel: kernel, window: window).0) == expected(bytes, .comma),
                            "\(kernel), window \(window): \(bytes) \(splits)")
                }
            }
        }
    }

    @Test("same-width records visited in small windows and chunks agree with the scalar tokenizer", arguments: [81, 82] as [UInt64])
    func sameWidth(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        for _ in 0..<60 {
            let width = Int.random(in: 1...5, using: &rng)
            var text = ""
            for _ in 0..<Int.random(in: 1...10, using: &rng) {
                let w = Int.random(in: 0..<5, using: &rng) == 0 ? width + 1 : width
                text += (0..<w).map { _ in ["", "ab", "c", "\"d,e\"", "x\r"].randomElement(using: &rng)! }.joined(separator: ",")
                text += ["\n", "\r\n", "\n\n"].randomElement(using: &rng)!
            }
            let bytes = Array(text.utf8)
            let splits = (0..<2).map { _ in Int.random(in: 0...bytes.count, using: &rng) }
            for kernel in IndexKernel.available {
                for window in [Tokenizer.indexWindow, 3, 7] {
                    #expect(render(visited(bytes, .comma, splits: splits, kernel: kernel, window: window).0) == expected(bytes, .comma),
                            "\(kernel), window \(window): \(text.debugDescription) \(splits)")
                }
            }
        }
    }

    @Test("record ends include the LF, and the scalar path agrees")
    func ends() {
        let bytes = Array("a,\"x\ny\"\r\n\nb\n".utf8)
        var c = Collect()
        _ = bytes.withUnsafeBytes { Tokenizer.visitScalar($0, visitor: &c) }
        #expect(c.records.map(\.end) == [9, 12])
        let (simd, _) = visited(bytes, .comma, splits: [])
        #expect(simd.records.map(\.end) == [9, 12])
    }

    @Test("fields and records longer than an index window, and chunks whose first record starts windows in")
    func longerThanWindows() {
        let window = Tokenizer.indexWindow
        var rng = SeededRandom(seed: 41)
        var text = "id,note,tail\n1,short,x\n"
        // A quoted field of 2.5 windows with delimiters, doubled quotes and LFs throughout.
        text += "2,\"" + String((0..<(window * 5 / 2)).map { _ in "ab,\n x".randomElement(using: &rng)! }) + "\"\"q\"\"\",y\r\n"
        // An unquoted field of 1.5 windows.
        text += "3," + String(repeating: "z", count: window * 3 / 2) + ",w\n"
        for i in 4..<400 { text += "\(i),\"n,\(i)\",v\n" }
        let bytes = Array(text.utf8)
        let want = expected(bytes, .comma)
        let cuts = [1, 30, 40, window - 1, window, window + 7, 2 * window + 3, window * 5 / 2, 3 * window, 4 * window + 11, bytes.count - 5]
        let scalar = ScalarTokenizer.tokenize(bytes)
        for kernel in IndexKernel.available {
            #expect(render(visited(bytes, .comma, splits: [], kernel: kernel).0) == want, "\(kernel) whole")
            // Whole-buffer tokenizing of chunks larger than its window (512 MiB; 64 KiB here) takes
            // the SIMD path and indexes them window by window.
            #expect(bytes.withUnsafeBytes { Tokenizer.fastPath($0, dialect: .comma, splits: [], kernel: kernel, indexWindow: window) } == scalar,
                    "\(kernel)")
            for cut in cuts {
                #expect(render(visited(bytes, .comma, splits: [cut], kernel: kernel).0) == want, "\(kernel) at \(cut)")
                #expect(render(visited(bytes, .comma, splits: [cut, cut + window / 3], kernel: kernel).0) == want, "\(kernel) at \(cut)+")
                #expect(Tokenizer.tokenize(bytes, splits: [cut], kernel: kernel) == scalar, "\(kernel) tokenize at \(cut)")
            }
        }
    }
}
