import CSVCore
import TestSupport
import Testing

@Suite("ByteMatch: the places of a byte value, eight at a time")
struct ByteMatchTests {
    static func both(_ bytes: [UInt8], _ range: Range<Int>, _ value: UInt8) -> (fast: [Int], scalar: [Int]) {
        bytes.withUnsafeBufferPointer { b in
            var fast: [Int] = [], scalar: [Int] = []
            ByteMatch.forEach(in: b, range: range, equalTo: value) { fast.append($0) }
            ByteMatch.forEachScalar(in: b, range: range, equalTo: value) { scalar.append($0) }
            return (fast, scalar)
        }
    }

    static let cases: [(bytes: [UInt8], value: UInt8, expected: [Int])] = [
        ([], 1, []),
        ([1, 2, 1, 1, 0, 1, 1, 1, 1, 0xFF, 1], 1, [0, 2, 3, 5, 6, 7, 8, 10]),
        ([0, 1, 0, 0x80, 0, 0x7F, 0, 0, 0, 1], 0, [0, 2, 4, 6, 7, 8]),
        ([0xFF, 0xFE, 0xFF, 0, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF], 0xFF, [0, 2, 4, 5, 6, 8]),
        ([2, 1, 3, 2, 2, 0x82, 2, 2, 1, 2, 3, 2, 2, 2, 2, 2, 2], 2, [0, 3, 4, 6, 7, 9, 11, 12, 13, 14, 15, 16]),
    ]

    @Test("table: runs, neighbours of the value, 0x00 and 0xFF, borrows across bytes", arguments: cases)
    func table(bytes: [UInt8], value: UInt8, expected: [Int]) {
        let (fast, scalar) = Self.both(bytes, 0..<bytes.count, value)
        #expect(scalar == expected)
        #expect(fast == expected)
    }

    @Test("every range of seeded arrays equals the scalar twin", arguments: [UInt64(1), 2, 3])
    func everyRange(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let bytes = (0..<41).map { _ in UInt8([0, 1, 2, 0x7F, 0x80, 0xFF][Int.random(in: 0..<6, using: &rng)]) }
        for value in [UInt8(0), 1, 2, 0x7F, 0x80, 0xFF] {
            for lo in 0...bytes.count {
                for hi in lo...bytes.count {
                    let (fast, scalar) = Self.both(bytes, lo..<hi, value)
                    #expect(fast == scalar, "seed \(seed), value \(value), range \(lo)..<\(hi)")
                }
            }
        }
    }
}
