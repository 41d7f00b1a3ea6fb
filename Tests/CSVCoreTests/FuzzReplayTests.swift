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

    @Test("SIMD, chunked and scalar tokens agree", arguments: files)
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
        }
    }
}
