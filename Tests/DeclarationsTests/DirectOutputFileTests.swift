@testable import Declarations
import Foundation
import TestSupport
import Testing

@Suite("Large files written around the page cache")
struct DirectOutputFileTests {
    /// Folders to write into: the temporary folder (a disk: direct I/O), and
    /// tmpfs when there is one (where direct I/O may be refused at open).
    private func folders() throws -> [TemporaryDirectory] {
        var out = [try TemporaryDirectory("direct-out")]
        if FileManager.default.fileExists(atPath: "/dev/shm") {
            let path = "/dev/shm/tradescan-direct-\(UInt64.random(in: 0...UInt64.max))"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            out.append(TemporaryDirectory(existing: path))
        }
        return out
    }

    @Test("the bytes read back as written, for pieces of every size across the staging buffer, direct or not",
          arguments: [(1, true), (2, true), (3, false)] as [(UInt64, Bool)])
    func roundTrip(seed: UInt64, direct: Bool) throws {
        var rng = SeededRandom(seed: seed)
        let stage = DirectOutputFile.stagingSize, align = DirectOutputFile.alignment
        // Sizes that meet the edges: empty, 1, one alignment unit and either side of it, a whole
        // staging buffer and either side of it, then random ones.
        var sizes = [0, 1, align - 1, align, align + 1, stage - 1, stage, stage + 1, 2 * stage + 17]
        for _ in 0..<40 { sizes.append(Int.random(in: 0...(align * 3), using: &rng)) }
        sizes.shuffle(using: &rng)
        let pieces = sizes.map { n -> [UInt8] in
            var x = rng.next()
            return [UInt8](unsafeUninitializedCapacity: n) { out, count in
                for i in 0..<n { x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; out[i] = UInt8(truncatingIfNeeded: x >> 56) }
                count = n
            }
        }
        let expected = pieces.flatMap { $0 }
        for dir in try folders() {
            defer { dir.remove() }
            let file = try DirectOutputFile(path: dir.file("out.bin"), direct: direct)
            #expect(direct || !file.direct, "a buffered file never uses O_DIRECT")
            for p in pieces { try p.withUnsafeBytes { try file.write($0) } }
            try file.close()
            try file.close()   // a second close does nothing
            let back = try Array(Data(contentsOf: URL(fileURLWithPath: dir.file("out.bin"))))
            #expect(back.count == expected.count, "\(dir.path)")
            #expect(back == expected, "\(dir.path): the same bytes")
        }
    }

    @Test("a write that fails on the writer thread shows at the next write or at close (/dev/full)")
    func failedWrite() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
        let file = try DirectOutputFile(path: "/dev/full")
        let piece = [UInt8](repeating: 65, count: DirectOutputFile.stagingSize)
        var failure: OutputFileError?
        do {
            // The first full buffer goes to the writer thread; the second waits for it and sees its error.
            for _ in 0..<3 { try piece.withUnsafeBytes { try file.write($0) } }
            try file.close()
        } catch let e as OutputFileError { failure = e } catch { Issue.record("unexpected \(error)") }
        let error = try #require(failure, "the disk-full error is not lost")
        #expect(error.description.contains("/dev/full"), "\(error)")
    }

    @Test("a file dropped without close while a write is in flight does not hang", .timeLimit(.minutes(1)))
    func droppedMidWrite() throws {
        let dir = try TemporaryDirectory("direct-drop")
        defer { dir.remove() }
        let piece = [UInt8](repeating: 66, count: DirectOutputFile.stagingSize + 1)
        do {
            // One full buffer goes to the writer thread; the file is then dropped (an error path's way).
            let file = try DirectOutputFile(path: dir.file("dropped.bin"))
            try piece.withUnsafeBytes { try file.write($0) }
        }
        // Writing and closing another file afterwards still works.
        let next = try DirectOutputFile(path: dir.file("next.bin"))
        try piece.withUnsafeBytes { try next.write($0) }
        try next.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("next.bin"))).count == piece.count)
    }

    @Test("an unwritable path is an error naming it")
    func unwritable() {
        #expect(throws: OutputFileError.self) { try DirectOutputFile(path: "/nonexistent-folder/ranked.csv") }
        do { _ = try DirectOutputFile(path: "/nonexistent-folder/ranked.csv") } catch {
            #expect(error.description.contains("/nonexistent-folder/ranked.csv: error: cannot write"))
        }
    }
}
