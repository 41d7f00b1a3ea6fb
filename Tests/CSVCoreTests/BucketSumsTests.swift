import CSVCore
import Testing

@Suite("BucketSums: blocked sums of a sparse vector against bucket-major columns")
struct BucketSumsTests {
    /// A seeded generator (SplitMix64), so every failure replays.
    struct Seeded {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) * 2 - 1 }
    }

    @Test("the blocked loop gives the scalar oracle's bits", arguments: [
        (8, 1, 0), (8, 4, 1), (16, 30, 2), (64, 30, 3), (8, 0, 4), (24, 200, 5), (128, 7, 6),
    ])
    func sameBits(width: Int, nonzero: Int, seed: UInt64) {
        var rng = Seeded(state: seed)
        let buckets = 97
        let table = (0..<(buckets * width)).map { _ in rng.unit() }
        // Buckets may repeat and come in any order: the sums keep the vector's order.
        let vector = (0..<nonzero).map { _ in (Int(rng.next() % UInt64(buckets)), rng.unit() * 3) }
        let oracle = BucketSums.scalar(vector, table: table, width: width)
        var out = [Double](repeating: .nan, count: width + 3)
        vector.withUnsafeBufferPointer { v in
            table.withUnsafeBufferPointer { t in
                out.withUnsafeMutableBufferPointer { BucketSums.sums(v, table: t, width: width, into: $0) }
            }
        }
        #expect(zip(out.prefix(width), oracle).allSatisfy { $0.bitPattern == $1.bitPattern }, "width \(width), \(nonzero) buckets")
        // Past the width, nothing is written.
        #expect(out.suffix(3).allSatisfy { $0.isNaN })
    }

    @Test("an empty table gives zero sums")
    func emptyTable() {
        var out = [Double](repeating: 1, count: 8)
        let empty: [Double] = []
        let vector: [(Int, Double)] = []
        vector.withUnsafeBufferPointer { v in
            empty.withUnsafeBufferPointer { t in
                out.withUnsafeMutableBufferPointer { BucketSums.sums(v, table: t, width: 8, into: $0) }
            }
        }
        #expect(out == [Double](repeating: 0, count: 8))
    }
}
