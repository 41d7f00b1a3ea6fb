import CSVCore
@testable import Declarations
import Dispatch
import Synchronization
import TestSupport
import Testing

/// The SIMD path's chunk pipeline: results come to the merger in chunk order
/// with the start state a serial plan gives each chunk, at most `window`
/// chunks are read ahead of the merge, each worker reads its chunks in order,
/// and a merger that stops early (an irregular chunk, a failed merge) ends
/// the workers without a deadlock.
@Suite("chunk pipeline")
struct ChunkPipelineTests {
    /// Records with quoted fields holding line feeds and quotes, so chunk
    /// edges fall inside quotes and the start states differ from chunk to chunk.
    static func input(rows: Int, seed: UInt64) -> [UInt8] {
        var rng = SeededRandom(seed: seed)
        var text = "id,note,value\n"
        for r in 0..<rows {
            let note = Int.random(in: 0..<4, using: &rng) == 0
                ? "\"line one\nline \"\"two\"\", \(r)\"" : "plain \(Int.random(in: 0...999, using: &rng))"
            text += "\(r),\(note),\(Int.random(in: 0...99_999, using: &rng))\n"
        }
        return Array(text.utf8)
    }

    /// What a test read records of a chunk: its index, the worker, its first line.
    struct Read: Sendable, Equatable {
        var chunk: Int
        var worker: Int
        var line: Int
    }

    @Test("results in chunk order with a serial plan's start lines, each worker's chunks in order, never more than the window read ahead", arguments: [
        (threads: 1, window: 1), (threads: 2, window: 1), (threads: 2, window: 2), (threads: 3, window: 2), (threads: 4, window: 16),
    ])
    func order(threads: Int, window: Int) {
        let bytes = Self.input(rows: 8_000, seed: UInt64(threads * 10 + window))
        bytes.withUnsafeBytes { b in
            let lazy = Tokenizer.chunks(b, chunkSize: 4096)
            let serial = Tokenizer.plan(b, splits: (0..<lazy.count).map { lazy.range($0).lowerBound })
            #expect(lazy.count > 20)
            let pipeline = ChunkPipeline<Read>(b, plan: lazy, dialect: .comma, threads: threads, window: window)
            // Chunks read and not yet taken by the merger, and the most there ever were
            // (`sink` keeps the busy work below from being optimised away).
            let ahead = Mutex((now: 0, most: 0, sink: UInt64(0)))
            pipeline.start { w, j, plan in
                // A little work of uneven length, so workers overtake one another.
                var x = UInt64(j)
                for _ in 0..<((j * 7919) % 5) * 2_000 { x = x &* 6364136223846793005 &+ 1 }
                ahead.withLock { $0.now += 1; $0.most = max($0.most, $0.now); $0.sink ^= x }
                return Read(chunk: j, worker: w, line: plan.line(ofChunk: j))
            }
            var reads: [Read] = []
            for j in 0..<pipeline.count {
                guard let r = pipeline.result(j) else { Issue.record("chunk \(j) came back empty"); break }
                ahead.withLock { $0.now -= 1 }
                reads.append(r)
            }
            pipeline.finish()
            #expect(reads.map(\.chunk) == Array(0..<lazy.count))
            #expect(reads.map(\.line) == (0..<serial.count).map { serial.line(ofChunk: $0) })
            for w in 0..<threads {
                let mine = reads.filter { $0.worker == w }.map(\.chunk)
                #expect(mine == mine.sorted(), "worker \(w)")
            }
            #expect(ahead.withLock { $0.most } <= window)
        }
    }

    @Test("every chunk is prepared once, before it is read (ingest maps its pages there)", arguments: [1, 2, 3])
    func prepared(threads: Int) {
        let bytes = Self.input(rows: 4_000, seed: UInt64(40 + threads))
        bytes.withUnsafeBytes { b in
            let plan = Tokenizer.chunks(b, chunkSize: 4096)
            let times = Mutex([Int](repeating: 0, count: plan.count))
            let pipeline = ChunkPipeline<Int>(b, plan: plan, dialect: .comma, threads: threads, window: 3,
                                              prepare: { j in times.withLock { $0[j] += 1 } })
            pipeline.start { _, j, _ in times.withLock { $0[j] } }
            var seen: [Int] = []
            for j in 0..<pipeline.count {
                guard let n = pipeline.result(j) else { Issue.record("chunk \(j) came back empty"); break }
                seen.append(n)
            }
            pipeline.finish()
            #expect(seen == Array(repeating: 1, count: plan.count))
            #expect(times.withLock { $0 } == Array(repeating: 1, count: plan.count))
        }
    }

    @Test("a merger that stops at any chunk (an irregular one, or a failure) ends the workers; the chunks after it are not all read", arguments: [0, 1, 5, 30])
    func stopsEarly(at stop: Int) {
        let bytes = Self.input(rows: 8_000, seed: 9)
        bytes.withUnsafeBytes { b in
            let plan = Tokenizer.chunks(b, chunkSize: 4096)
            let pipeline = ChunkPipeline<Int>(b, plan: plan, dialect: .comma, threads: 2, window: 4)
            let readCount = Atomic(0)
            pipeline.start { _, j, _ in
                readCount.add(1, ordering: .relaxed)
                return j == stop ? nil : j
            }
            var taken: [Int] = []
            for j in 0..<pipeline.count {
                guard let r = pipeline.result(j) else { break }
                taken.append(r)
            }
            pipeline.finish()
            #expect(taken == Array(0..<stop))
            // The window bounds the reading past the stop: chunks 0..<stop merged, the stop chunk
            // and at most three more read ahead.
            #expect(readCount.load(ordering: .relaxed) <= stop + 4)
        }
    }

    @Test("no chunk after one read as nil is read: one worker with room for eight stops there", arguments: [0, 3, 17])
    func nothingReadPastNil(at stop: Int) {
        let bytes = Self.input(rows: 8_000, seed: 11)
        bytes.withUnsafeBytes { b in
            let pipeline = ChunkPipeline<Int>(b, plan: Tokenizer.chunks(b, chunkSize: 4096), dialect: .comma, threads: 1, window: 8)
            let read = Mutex<[Int]>([])
            pipeline.start { _, j, _ in
                read.withLock { $0.append(j) }
                return j == stop ? nil : j
            }
            var j = 0
            while pipeline.result(j) != nil { j += 1 }
            pipeline.finish()
            #expect(j == stop)
            #expect(read.withLock { $0 } == Array(0...stop))
        }
    }

    /// The irregular-quoting path's use: pieces at record starts, each piece's
    /// line feeds counted by its worker, a piece's line set from the one before.
    @Test("pieces at record starts: each read sees its piece's line and the next piece's, as a serial count gives them", arguments: [1, 2, 5])
    func pieceLines(threads: Int) {
        let bytes = Self.input(rows: 8_000, seed: 21)
        bytes.withUnsafeBytes { b in
            let tokens = ScalarTokenizer.tokenize(b)
            // Every 97th record's start, past the header.
            let starts = stride(from: 1, to: tokens.recordCount, by: 97).map { tokens.recordOffset[$0] }
            var plan = Tokenizer.plan(b, recordStarts: starts)
            plan.setLine(2, ofChunk: 0)
            let serial = starts.map { s in 1 + b[0..<s].filter { $0 == 0x0A }.count }
            #expect(serial[0] == 2)
            nonisolated(unsafe) let shared = b
            let pipeline = ChunkPipeline<[Int]>(
                plan: plan, threads: threads, window: 3,
                count: { k in (0, UInt64(Tokenizer.newlines(in: shared, range: starts[k]..<(k + 1 < starts.count ? starts[k + 1] : shared.count)))) },
                advance: { plan, k, c in plan.setLine(plan.line(ofChunk: k) + Int(c.newlines), ofChunk: k + 1) })
            pipeline.start { _, k, plan in [plan.line(ofChunk: k)] + (k + 1 < starts.count ? [plan.line(ofChunk: k + 1)] : []) }
            var lines: [[Int]] = []
            for k in 0..<pipeline.count { lines.append(pipeline.result(k) ?? []) }
            pipeline.finish()
            #expect(lines.map { $0[0] } == serial)
            #expect(lines.dropLast().map { $0[1] } == Array(serial.dropFirst()))
            #expect(lines.last?.count == 1)
        }
    }

    @Test("more workers than chunks, and a file of one chunk", arguments: [(rows: 30, threads: 4), (rows: 400, threads: 8)])
    func fewChunks(rows: Int, threads: Int) {
        let bytes = Self.input(rows: rows, seed: 2)
        bytes.withUnsafeBytes { b in
            let plan = Tokenizer.chunks(b, chunkSize: 4096)
            #expect(plan.count < threads)
            let pipeline = ChunkPipeline<Int>(b, plan: plan, dialect: .comma, threads: threads, window: 2)
            pipeline.start { _, j, plan in plan.line(ofChunk: j) }
            let lines = (0..<pipeline.count).map { pipeline.result($0) }
            pipeline.finish()
            let serial = Tokenizer.plan(b, splits: (0..<plan.count).map { plan.range($0).lowerBound })
            #expect(lines == (0..<serial.count).map { serial.line(ofChunk: $0) })
        }
    }

    @Test("finishing before taking any result, or after taking some, returns")
    func finishAnyTime() {
        let bytes = Self.input(rows: 2_000, seed: 4)
        bytes.withUnsafeBytes { b in
            for taken in [0, 3] {
                let pipeline = ChunkPipeline<Int>(b, plan: Tokenizer.chunks(b, chunkSize: 4096), dialect: .comma, threads: 3, window: 2)
                pipeline.start { _, j, _ in j }
                for j in 0..<taken { #expect(pipeline.result(j) == j) }
                pipeline.finish()
            }
        }
    }
}
