import Benchmark
import BenchmarkSupport
import CSVCore
import Declarations
import Foundation
import Synthetic

/// The hot loop, part one: bytes → field bounds → typed columns.
///
/// Data: 400,000 rows from `tradescan generate --seed 1` (~86 MB, 21 fields,
/// ~215 bytes/row), written once into Benchmarks/data (git-ignored) and read
/// into memory. Every benchmark checks its answer against the generator's own
/// counts and reports MB/s (and rows/s).
let benchmarks: @Sendable () -> Void = {
    let rows = 400_000
    let path = BenchData.declarations(rows: rows)
    let bytes = [UInt8](try! Data(contentsOf: URL(fileURLWithPath: path)))
    let megabytes = Double(bytes.count) / 1e6
    let fieldsPerRow = 21

    let config = Tolerances.configuration([.wallClock, .mallocCountTotal, Rate.megabytes, Rate.rows], maxSeconds: 5, maxIterations: 20)

    func report(_ b: Benchmark, _ start: ContinuousClock.Instant) {
        Rate.report(b, Rate.megabytes, count: megabytes, since: start)
        Rate.report(b, Rate.rows, count: Double(rows), since: start)
    }

    Benchmark("tokenize_scalar_1core", configuration: config) { benchmark in
        let start = ContinuousClock.now
        let t = ScalarTokenizer.tokenize(bytes)
        report(benchmark, start)
        precondition(t.recordCount == rows + 1 && t.fieldStart.count == (rows + 1) * fieldsPerRow, "wrong answer: \(t.recordCount) records")
        blackHole(t)
    }

    Benchmark("tokenize_simd_1core", configuration: config) { benchmark in
        let start = ContinuousClock.now
        let t = Tokenizer.tokenize(bytes)
        report(benchmark, start)
        precondition(t.recordCount == rows + 1 && t.fieldStart.count == (rows + 1) * fieldsPerRow, "wrong answer: \(t.recordCount) records")
        blackHole(t)
    }

    Benchmark("index_simd_1core", configuration: config) { benchmark in
        // Stage 1 alone with the fastest kernel this CPU runs (AVX-512 where present): the
        // structural index (every separator's position, LFs marked), in 4 MiB chunks of 64 KiB windows.
        let start = ContinuousClock.now
        let summary = bytes.withUnsafeBytes { Tokenizer.structuralSummary($0, chunkSize: 4 << 20) }
        report(benchmark, start)
        precondition(summary.records == rows + 1 && summary.separators == (rows + 1) * fieldsPerRow, "wrong answer: \(summary)")
        blackHole(summary)
    }

    Benchmark("index_portable_1core", configuration: config) { benchmark in
        // The same with the portable kernel (baseline x86-64: four 16-byte compares per block):
        // the figure beside index_simd_1core says what the AVX-512 kernel gains.
        let start = ContinuousClock.now
        let summary = bytes.withUnsafeBytes { Tokenizer.structuralSummary($0, chunkSize: 4 << 20, kernel: .portable) }
        report(benchmark, start)
        precondition(summary.records == rows + 1 && summary.separators == (rows + 1) * fieldsPerRow, "wrong answer: \(summary)")
        blackHole(summary)
    }

    /// Counts records and fields: the tokenizer's output consumed as ingest consumes it.
    struct CountFields: RecordVisitor {
        var records = 0, fields = 0
        mutating func visit(_ r: RecordView) { records += 1; fields += r.count }
    }

    Benchmark("tokenize_simd_chunks_1core", configuration: config) { benchmark in
        // Bytes → field bounds of every record, in 4 MiB chunks on one core: the
        // SIMD structural index and the stage-2 assembler streaming records.
        let start = ContinuousClock.now
        var counter = CountFields()
        bytes.withUnsafeBytes { buf in
            let plan = Tokenizer.plan(buf, chunkSize: 4 << 20)
            for j in 0..<plan.count { _ = Tokenizer.visitChunk(buf, plan: plan, chunk: j, visitor: &counter) }
        }
        report(benchmark, start)
        precondition(counter.records == rows + 1 && counter.fields == (rows + 1) * fieldsPerRow, "wrong answer: \(counter.records) records")
        blackHole(counter)
    }

    Benchmark("tokenize_simd_serial_1core", configuration: config) { benchmark in
        // Bytes → field bounds of every record on one core, the input read as one
        // chunk (`Tokenizer.visitSerial`): no counting pass, which only chunks
        // read in parallel need. This is the figure for the 4 GB/s target.
        let start = ContinuousClock.now
        var counter = CountFields()
        let summary = bytes.withUnsafeBytes { Tokenizer.visitSerial($0, visitor: &counter) }
        report(benchmark, start)
        precondition(summary?.records == rows + 1 && counter.records == rows + 1 && counter.fields == (rows + 1) * fieldsPerRow,
                     "wrong answer: \(counter.records) records")
        blackHole(counter)
    }

    Benchmark("tokenize_scalar_chunks_1core", configuration: config) { benchmark in
        // The scalar twin over the same bytes, piece by piece.
        let start = ContinuousClock.now
        var counter = CountFields()
        _ = bytes.withUnsafeBytes { Tokenizer.visitScalar($0, pieceSize: 4 << 20, visitor: &counter) }
        report(benchmark, start)
        precondition(counter.records == rows + 1 && counter.fields == (rows + 1) * fieldsPerRow, "wrong answer: \(counter.records) records")
        blackHole(counter)
    }

    let parser = DecimalParser()
    func parseNumbers(_ benchmark: Benchmark, _ parse: (UnsafeRawBufferPointer) -> Double?) {
        let (numberFields, numberMegabytes, numberSum) = NumberFields.shared
        let start = ContinuousClock.now
        var sum = 0.0, failed = 0
        bytes.withUnsafeBytes { b in
            for range in numberFields {
                if let v = parse(UnsafeRawBufferPointer(rebasing: b[range])) { sum += v } else { failed += 1 }
            }
        }
        // MB/s of the numbers' bytes; "rows" here are values.
        Rate.report(benchmark, Rate.megabytes, count: numberMegabytes, since: start)
        Rate.report(benchmark, Rate.rows, count: Double(numberFields.count), since: start)
        precondition(failed == 0 && sum.bitPattern == numberSum.bitPattern, "wrong answer: sum \(sum), \(failed) unparsed")
        blackHole(sum)
    }

    Benchmark("decimals_1core", configuration: config) { benchmark in
        // The four numbers of every row through `DecimalParser.parse`: the AVX-512 path
        // (`DecimalWords`) where the CPU has it. decimals_scalar_1core beside it is its twin.
        parseNumbers(benchmark) { parser.parse($0) }
    }

    Benchmark("decimals_scalar_1core", configuration: config) { benchmark in
        parseNumbers(benchmark) { parser.parseScalar($0) }
    }

    Benchmark("ingest_typed_all_cores", configuration: config) { benchmark in
        let start = ContinuousClock.now
        let result = try Ingest.read([path], options: IngestOptions())
        report(benchmark, start)
        precondition(result.table.count == rows && result.rejected == 0 && result.files[0].simd, "wrong answer: \(result.table.count) rows")
        blackHole(result)
    }

    // The same rows with stray quotes (`StrayQuotes`), every row accepted, read in pieces from
    // guessed record starts by the SIMD path on every core, each row with a stray quote by
    // the scalar state machine where it lies (until 2026-12-01, a piece with one went to the
    // scalar path in parts, at about 360 MB/s). In one row of 500: every piece has some. In
    // one row of 100,000 (four in the file): the SIMD chunks before the first stay.
    for (name, every) in [("ingest_typed_stray_quotes_all_cores", 500), ("ingest_typed_rare_stray_quotes_all_cores", 100_000)] {
        Benchmark(name, configuration: config) { benchmark in
            let stray = StrayQuotes.file(from: path, bytes: bytes, every: every)
            let start = ContinuousClock.now
            let result = try Ingest.read([stray], options: IngestOptions())
            report(benchmark, start)
            let irregular = result.files[0].irregularRecords
            precondition(result.table.count == rows && result.rejected == 0 && !result.files[0].simd && irregular > 0 && irregular <= rows / every + 1,
                         "wrong answer: \(result.table.count) rows, \(irregular) read by the scalar machine")
            blackHole(result)
        }
    }

    // The same rows with a stray quote in one of 500 and a line break inside the (then quoted)
    // description of one in four: read in pieces from guessed record starts (the line after each
    // 4 MiB), and about one line in five begins inside quotes, so some guesses fall inside a
    // quoted field; the merge drops those pieces and reads on from where the piece before ended.
    // Until 2026-12-01 a dropped piece's worker had its later pieces read again, one at a time on
    // the merge thread; its dictionary values are now placed where they are first used.
    Benchmark("ingest_typed_multiline_quotes_all_cores", configuration: config) { benchmark in
        let multiline = StrayQuotes.file(from: path, bytes: bytes, every: 500, lineBreakEvery: 4)
        let start = ContinuousClock.now
        let result = try Ingest.read([multiline], options: IngestOptions())
        // MB/s of this file (0.3% longer than the bench file, by its added quotes).
        Rate.report(benchmark, Rate.megabytes, count: Double(BenchData.size(multiline)) / 1e6, since: start)
        Rate.report(benchmark, Rate.rows, count: Double(rows), since: start)
        let irregular = result.files[0].irregularRecords
        precondition(result.table.count == rows && result.rejected == 0 && !result.files[0].simd && irregular > 0 && irregular <= rows / 500 + 1,
                     "wrong answer: \(result.table.count) rows, \(result.rejected) rejected, \(irregular) read by the scalar machine")
        blackHole(result)
    }

    // The generator's dirty feed of as many rows (`--dirty`: 0.3% bad rows of eight kinds, stray
    // quotes, repeated keys), what real feeds look like: read in pieces by the SIMD path, its
    // stray-quoted rows by the scalar machine, nearly every piece with a repeated key the merge
    // drops. Until 2026-12-01 each piece had dictionaries of its own, which the merge interned
    // again, and each piece's kept rows were appended one at a time (a dirty 10M-row file
    // took 3.9 s to validate against 2.4 s for a clean one).
    let dirty = BenchData.folder(rows: rows, dirty: true)
    let dirtyMegabytes = Double(BenchData.size(dirty + "/declarations.csv")) / 1e6
    Benchmark("ingest_typed_dirty_all_cores", configuration: config) { benchmark in
        let expected = BenchData.expectedRejects(dirtyFolder: dirty)
        let start = ContinuousClock.now
        let result = try Ingest.read([dirty + "/declarations.csv"], options: IngestOptions())
        Rate.report(benchmark, Rate.megabytes, count: dirtyMegabytes, since: start)
        Rate.report(benchmark, Rate.rows, count: Double(rows), since: start)
        let file = result.files[0]
        precondition(result.rejected == expected && file.accepted + file.rejected == file.recordsRead && file.irregularRecords > 0
                     && result.table.count == file.accepted,
                     "wrong answer: \(result.rejected) rejected (the generator planted \(expected)), \(file.irregularRecords) irregular records")
        blackHole(result)
    }

    // The same rows as free text (`generate --free-text`): a lot, batch or order number in nearly
    // every description, consignees under several spellings. A worker lists the values of a field
    // nearly all new to it (the descriptions) instead of interning them, and the table's dictionary
    // finds the repeats (`ByteInterner.list`; before 2026-12-01 both interned every description:
    // 10M such rows validated in 4.4-6.3 s, 3.3-3.5 s after).
    let free = BenchData.folder(rows: rows, freeText: true) + "/declarations.csv"
    let freeMegabytes = Double(BenchData.size(free)) / 1e6
    Benchmark("ingest_typed_free_text_all_cores", configuration: config) { benchmark in
        let start = ContinuousClock.now
        let result = try Ingest.read([free], options: IngestOptions())
        Rate.report(benchmark, Rate.megabytes, count: freeMegabytes, since: start)
        Rate.report(benchmark, Rate.rows, count: Double(rows), since: start)
        let descriptions = result.table.text(.description)?.values.count ?? 0
        precondition(result.table.count == rows && result.rejected == 0 && descriptions > rows * 9 / 10 && result.listedChunks > 0,
                     "wrong answer: \(result.table.count) rows, \(descriptions) descriptions, \(result.listedChunks) chunks listed")
        blackHole(result)
    }

    // The same rows as 200 files of 2,000 (an investigator's folder of daily files): the table grows
    // file by file, which copied it whole at every file while each file's reserve was exact.
    Benchmark("ingest_typed_200_files", configuration: config) { benchmark in
        let folder = ManyFiles.folder(from: path, bytes: bytes, files: 200)
        let start = ContinuousClock.now
        let result = try Ingest.read([folder], options: IngestOptions())
        report(benchmark, start)
        precondition(result.table.count == rows && result.rejected == 0 && result.files.count == 200, "wrong answer: \(result.table.count) rows")
        blackHole(result)
    }
}

/// The bench rows with a stray quote (an inch mark: `PAPER BAGS 12" pipe`) in the
/// description of one row in 500, written once beside the bench file: quoting
/// real feeds have, which the SIMD indexer's parity model does not cover, so
/// the file is read in parallel pieces, its stray-quoted rows by the scalar machine.
enum StrayQuotes {
    /// One row in `every` gets a stray quote (500: every piece of the file has some; 100,000: four in the file).
    /// With `lineBreakEvery`, the unquoted description of one other row in that many is quoted
    /// with a line break at its end (`"…\n"`).
    static func file(from path: String, bytes: [UInt8], every: Int = 500, lineBreakEvery: Int? = nil) -> String {
        let out = (path as NSString).deletingLastPathComponent + "/stray-quotes-\(every)\(lineBreakEvery.map { "-breaks-\($0)" } ?? "").csv"
        if FileManager.default.fileExists(atPath: out) { return out }
        let t = ScalarTokenizer.tokenize(bytes)
        var copy: [UInt8] = []
        copy.reserveCapacity(bytes.count + bytes.count / 50)
        var at = 0
        for r in 1..<t.recordCount {
            let stray = (r - 1) % every == 0, broken = !stray && lineBreakEvery.map { r % $0 == 0 } == true
            guard stray || broken else { continue }
            let f = t.recordFields[r] + 11   // goods_description
            guard !t.fieldFlags[f].contains(.quoted), t.fieldEnd[f] > t.fieldStart[f] else { continue }
            // At the field's ends, character boundaries (the descriptions hold Chinese text).
            if broken {
                copy += bytes[at..<t.fieldStart[f]]
                copy += Array("\"".utf8)
                copy += bytes[t.fieldStart[f]..<t.fieldEnd[f]]
                copy += Array("\n\"".utf8)
            } else {
                copy += bytes[at..<t.fieldEnd[f]]
                copy += Array(" 12\" pipe".utf8)
            }
            at = t.fieldEnd[f]
        }
        copy += bytes[at...]
        try! Data(copy).write(to: URL(fileURLWithPath: out))
        return out
    }
}

/// The bench rows split at record boundaries into `files` files with the header each,
/// written once beside the bench file.
enum ManyFiles {
    static func folder(from path: String, bytes: [UInt8], files: Int) -> String {
        let dir = (path as NSString).deletingLastPathComponent + "/split-\(files)"
        if FileManager.default.fileExists(atPath: dir + String(format: "/part-%03d.csv", files - 1)) { return dir }
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let t = ScalarTokenizer.tokenize(bytes)
        let records = t.recordCount - 1
        let header = Array(bytes[t.recordOffset[0]..<t.recordOffset[1]])
        for k in 0..<files {
            let first = 1 + records * k / files, last = 1 + records * (k + 1) / files
            let end = last < t.recordCount ? t.recordOffset[last] : bytes.count
            try! Data(header + bytes[t.recordOffset[first]..<end]).write(to: URL(fileURLWithPath: dir + String(format: "/part-%03d.csv", k)))
        }
        return dir
    }
}

/// The numbers of every bench row (quantity, net and gross weight, value:
/// columns 12, 14, 15 and 16) as byte ranges of the file, their megabytes, and
/// the answer the decimals benchmarks must give (their sum by the scalar path).
/// Computed on first use, so only those benchmarks pay for it.
enum NumberFields {
    static let shared: (ranges: [Range<Int>], megabytes: Double, sum: Double) = {
        let bytes = [UInt8](try! Data(contentsOf: URL(fileURLWithPath: BenchData.declarations(rows: 400_000))))
        let t = Tokenizer.tokenize(bytes)
        let ranges = (1..<t.recordCount).flatMap { r in [12, 14, 15, 16].map { t.fieldStart[t.recordFields[r] + $0]..<t.fieldEnd[t.recordFields[r] + $0] } }
        let parser = DecimalParser()
        let sum = bytes.withUnsafeBytes { b in ranges.reduce(0.0) { $0 + parser.parseScalar(UnsafeRawBufferPointer(rebasing: b[$1]))! } }
        return (ranges, Double(ranges.reduce(0) { $0 + $1.count }) / 1e6, sum)
    }()
}
