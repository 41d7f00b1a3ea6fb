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

@Suite("ByteMatch: the first byte a JSON string escapes, eight at a time")
struct JSONSpecialTests {
    static func both(_ bytes: [UInt8], from start: Int) -> (fast: Int, scalar: Int) {
        bytes.withUnsafeBytes { (ByteMatch.firstJSONSpecial(in: $0, from: start), ByteMatch.firstJSONSpecialScalar(in: $0, from: start)) }
    }

    @Test("every byte value is special exactly when it is a control, quote, backslash, <, > or &")
    func specialBytes() {
        for b in 0...255 {
            let expected = b < 0x20 || "\"\\<>&".utf8.contains(UInt8(b))
            #expect(ByteMatch.isJSONSpecial(UInt8(b)) == expected, "byte \(b)")
        }
    }

    @Test("each byte value alone at every place of plain text of every length up to 40, from every start")
    func everyPlace() {
        let plain = Array("Shenzhen Huamei Trading Co. Ltd 5N (Ga) 2024".utf8)
        for b in 0...255 {
            for n in 1...40 {
                for at in stride(from: 0, to: n, by: 3) {
                    var bytes = Array(plain.prefix(n))
                    bytes[at] = UInt8(b)
                    for start in [0, 1, at, min(n, at + 1)] where start <= n {
                        let (fast, scalar) = Self.both(bytes, from: start)
                        #expect(fast == scalar, "byte \(b) at \(at) of \(n), from \(start)")
                    }
                }
            }
        }
    }

    @Test("seeded texts with neighbours of the special bytes (0x1F, 0x20, 0x21, 0x23, 0x3B, 0x3D, 0x3F, 0x5B, 0x5D, 0x7F, 0x80, 0xE0) equal the scalar twin from every start")
    func seeded() {
        var rng = SeededRandom(seed: 67)
        let palette: [UInt8] = [0x1F, 0x20, 0x21, 0x22, 0x23, 0x26, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0xE0, 0x00, 0x0A, 0x61]
        for _ in 0..<400 {
            let n = Int.random(in: 0...70, using: &rng)
            let bytes = (0..<n).map { _ in Int.random(in: 0..<4, using: &rng) == 0 ? palette[Int.random(in: 0..<palette.count, using: &rng)] : 0x61 }
            for start in 0...n {
                let (fast, scalar) = Self.both(bytes, from: start)
                #expect(fast == scalar, "\(bytes) from \(start)")
            }
        }
    }
}
