import CSVCore
@testable import Declarations
import Foundation
import Synthetic
import TestSupport
import Testing

@Suite("reject store")
struct RejectStoreTests {
    /// Rejects of every shape: empty and long fields, multi-byte and broken
    /// UTF-8 in the raw record, record -1, every reason, large positions.
    static func rejects(_ n: Int, seed: UInt64) -> [Reject] {
        var rng = SeededRandom(seed: seed)
        return (0..<n).map { k in
            let rawLength = Int(rng.next() % 1100)
            var raw = (0..<rawLength).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if k % 3 == 0 { raw = Array("镓锭 \"99.99%\", ingot".utf8) }
            return Reject(fileIndex: k % 4, line: k + 2, byteOffset: k * 250 + (k % 5 == 0 ? 1 << 40 : 0),
                          column: k % 21 + 1, record: k % 7 == 0 ? -1 : k,
                          field: ["", "value", "net_weight_kg", "描述"][k % 4],
                          reason: RejectReason.allCases[k % RejectReason.allCases.count],
                          message: String(repeating: "value 'x' is not a number; ", count: k % 9), raw: raw)
        }
    }

    @Test("read back equal and in order, in memory or spilled, at any memory limit, by the iterator and in place", arguments: [1, 700, 4096, 1 << 20, 1 << 30])
    func roundTrip(limit: Int) throws {
        let dir = try TemporaryDirectory("reject-store")
        defer { dir.remove() }
        // About 1.6 MB packed: the spill file is read back in more than one block.
        let all = RejectStoreTests.rejects(3000, seed: UInt64(limit))
        let store = RejectStore(memoryLimit: limit, spillDirectory: dir.path)
        for r in all { try store.append(r) }
        #expect(store.count == all.count)
        #expect(store.first == all.first)
        #expect(store.array == all)
        #expect(store.array == all, "a second pass reads the same")
        // Iterated lazily (a block of the spill file at a time): a prefix, and the in-place views, read the same.
        #expect(Array(store.prefix(7)) == Array(all.prefix(7)))
        var views: [Reject] = []
        store.forEachView { views.append($0.reject) }
        #expect(views == all)
        #expect(store.hasSpilled == (limit < 1 << 21))
        // The spill file was unlinked when made: nothing is left in the folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test("truncating to a mark drops exactly the later rejects, in memory or spilled", arguments: [
        (10, 5), (10, 2000), (1500, 1500), (0, 3000), (2999, 1),
    ])
    func truncate(kept: Int, dropped: Int) throws {
        let dir = try TemporaryDirectory("reject-store-mark")
        defer { dir.remove() }
        let all = RejectStoreTests.rejects(kept + dropped + 40, seed: 9)
        let store = RejectStore(memoryLimit: 64 << 10, spillDirectory: dir.path)
        for r in all.prefix(kept) { try store.append(r) }
        let mark = store.mark
        for r in all[kept..<(kept + dropped)] { try store.append(r) }
        try store.truncate(to: mark)
        #expect(store.array == Array(all.prefix(kept)))
        #expect(store.first == all.prefix(kept).first)
        // Appends after the truncation land after the kept ones.
        for r in all.suffix(40) { try store.append(r) }
        #expect(store.array == Array(all.prefix(kept)) + all.suffix(40))
    }

    @Test("a store that keeps no rows still counts them and keeps the first of each reason, also across a truncation")
    func countsOnly() throws {
        let all = RejectStoreTests.rejects(200, seed: 3)
        let store = RejectStore(memoryLimit: 1, spillDirectory: "/nonexistent-tradescan-folder", keepsRows: false)
        for r in all.prefix(5) { try store.append(r) }   // never spills: nothing to write
        let mark = store.mark
        for r in all.dropFirst(5) { try store.append(r) }
        #expect(store.count == 200 && store.array.isEmpty && store.first == all[0])
        let firsts = RejectReason.allCases.compactMap { reason in all.first { $0.reason == reason } }
        #expect(store.firstOfEachReason == firsts.sorted { $0.line < $1.line })
        try store.truncate(to: mark)
        #expect(store.count == 5 && store.firstOfEachReason == Array(all.prefix(5)))
    }

    @Test("a spill folder that cannot be written is a clear error, not a crash")
    func unwritableSpill() throws {
        let store = RejectStore(memoryLimit: 1, spillDirectory: "/nonexistent-tradescan-folder")
        #expect {
            try store.append(RejectStoreTests.rejects(1, seed: 1)[0])
        } throws: { error in
            "\(error)".contains("cannot create a spill file in /nonexistent-tradescan-folder")
        }
    }

    @Test("a dirty file's rejects.csv is byte-identical with rejects spilled every few rows, and the spill leaves nothing behind")
    func ingestSpills() throws {
        let dir = try TemporaryDirectory("reject-store-ingest")
        defer { dir.remove() }
        _ = try Generator.run(GeneratorOptions(rows: 20_000, seed: 11, dirty: true), into: dir.path)
        let path = dir.file("declarations.csv")
        let spill = dir.file("spill")
        try FileManager.default.createDirectory(atPath: spill, withIntermediateDirectories: false)
        let inMemory = try Ingest.read([path], options: IngestOptions(chunkSize: 1 << 16))
        var options = IngestOptions(chunkSize: 1 << 16)
        options.rejectMemory = 2048
        options.spillDirectory = spill
        let spilled = try Ingest.read([path], options: options)
        #expect(spilled.rejects.hasSpilled && !inMemory.rejects.hasSpilled)
        #expect(spilled.rejects.count == inMemory.rejects.count && spilled.rejects.count > 10, "\(spilled.rejects.count) rejects")
        let a = dir.file("a.csv"), b = dir.file("b.csv")
        try RejectLog.write(inMemory.rejects, files: inMemory.table.files, to: a)
        try RejectLog.write(spilled.rejects, files: spilled.table.files, to: b)
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b)))
        // In file order: by line, as the rows appear.
        let lines = spilled.rejects.map(\.line)
        #expect(lines == lines.sorted())
        #expect(try FileManager.default.contentsOfDirectory(atPath: spill).isEmpty)
    }
}
