import CSVCore
import Foundation
import TestSupport
import Testing

/// Replays every input under Fixtures/fuzz/tokenizer (fuzzer crashers, minimised,
/// and hand-made regressions) through both tokenizer paths, decoded exactly as
/// Tests/Fuzz/TokenizerFuzzer.swift decodes them.
@Suite("fuzz fixtures replayed")
struct FuzzReplayTests {
    static let files: [String] = {
        let dir = Fixtures.url("fuzz/tokenizer").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }()

    @Test("the fixture folder is not empty")
    func present() { #expect(Self.files.count >= 5) }

    @Test("SIMD, chunked, recovering and scalar tokens agree", arguments: files)
    func replay(_ name: String) throws {
        let data = [UInt8](try Data(contentsOf: Fixtures.url("fuzz/tokenizer/" + name)))
        guard let control = data.first else { return }
        let dialect = [Dialect.comma, .semicolon, .tab, .pipe][Int(control & 3)]
        var offset = 1
        var edges: [Int] = []
        for _ in 0..<Int((control >> 2) & 7) where offset + 2 <= data.count {
            edges.append(Int(data[offset]) | Int(data[offset + 1]) << 8)
            offset += 2
        }
        let body = Array(data[offset...])
        let splits = edges.map { $0 % (body.count + 1) }
        let window = [Tokenizer.indexWindow, 1, 7, 64, 65, 100, 192, 1000][Int(control >> 5)]
        let scalar = ScalarTokenizer.tokenize(body, dialect: dialect)
        for kernel in IndexKernel.available {
            #expect(Tokenizer.tokenize(body, dialect: dialect, splits: splits, kernel: kernel) == scalar, "\(kernel)")
            #expect(body.withUnsafeBytes { Tokenizer.tokenizeInChunks($0, dialect: dialect, splits: splits, kernel: kernel, indexWindow: window) } == scalar, "\(kernel)")
            // A recovering visit from the first record (irregular records read by the scalar machine) gives the scalar records.
            guard !body.isEmpty else { continue }
            var visited = Records()
            let summary = body.withUnsafeBytes { buf in
                var plan = Tokenizer.plan(buf, recordStarts: [0], kernel: kernel)
                plan.indexWindow = window
                return Tokenizer.visitChunk(buf, dialect: dialect, plan: plan, chunk: 0, recovering: true, visitor: &visited)
            }
            #expect(summary != nil && summary?.blankLines == scalar.blankLines, "\(kernel)")
            #expect(visited.records == (0..<scalar.recordCount).map { r in
                "\(scalar.recordOffset[r])@\(scalar.recordLine[r])/\(scalar.recordFlags[r].rawValue):"
                    + scalar.fields(ofRecord: r).map { "\(scalar.fieldStart[$0])-\(scalar.fieldEnd[$0])/\(scalar.fieldFlags[$0].rawValue)" }.joined(separator: ",")
            }, "\(kernel)")
        }
    }

    struct Records: RecordVisitor {
        var records: [String] = []
        mutating func visit(_ r: RecordView) {
            records.append("\(r.offset)@\(r.line)/\(r.flags.rawValue):" + (0..<r.count).map { "\(r.starts[$0])-\(r.ends[$0])/\(r.fieldFlags[$0].rawValue)" }.joined(separator: ","))
        }
    }
}
