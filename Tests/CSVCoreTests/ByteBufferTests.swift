@testable import CSVCore
import TestSupport
import Testing

@Suite("byte buffer: copies and appends")
struct ByteBufferCopyTests {
    @Test("copies of every length 0...70 land whole, at any offset, and touch no byte outside the target")
    func shortCopies() {
        var rng = SeededRandom(seed: 41)
        let source = (0..<100).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for n in 0...70 {
            for (from, to) in [(0, 0), (1, 3), (29, 7), (100 - n, 40)] where from + n <= source.count {
                var target = [UInt8](repeating: 0xEE, count: 120)
                source.withUnsafeBytes { s in
                    target.withUnsafeMutableBytes { t in ByteBuffer.copy(s.baseAddress! + from, to: t.baseAddress! + to, count: n) }
                }
                #expect(Array(target[to..<(to + n)]) == Array(source[from..<(from + n)]), "length \(n) from \(from) to \(to)")
                #expect(target[..<to].allSatisfy { $0 == 0xEE } && target[(to + n)...].allSatisfy { $0 == 0xEE }, "length \(n) wrote outside")
            }
        }
    }

    @Test("appended pieces of every length read back in order, across growth")
    func appends() {
        var rng = SeededRandom(seed: 42)
        var buffer = ByteBuffer(capacity: 1)
        var expected: [UInt8] = []
        for _ in 0..<500 {
            let piece = (0..<Int.random(in: 0...70, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            piece.withUnsafeBytes { buffer.append($0) }
            expected += piece
        }
        #expect(buffer.array == expected)
    }
}
