import CSVCore
import TestSupport
import Testing

@Suite("ranked bits: a set of small integers with the count of members below each")
struct RankedBitsTests {
    @Test("membership, index and the count below every place, against counting, for seeded sets of every word boundary")
    func againstCounting() {
        var rng = SeededRandom(seed: 5)
        for count in [0, 1, 63, 64, 65, 127, 128, 129, 200, 1_000] {
            for density in [0, 1, 4, 64] {
                let members = (0..<count).map { _ in density > 0 && Int.random(in: 0..<density, using: &rng) == 0 }
                var words = [UInt64](repeating: 0, count: (count + 63) / 64)
                for (i, m) in members.enumerated() where m { words[i >> 6] |= 1 << UInt64(i & 63) }
                let bits = RankedBits(words: words, count: count)
                var below = 0
                for i in 0..<count {
                    #expect(bits.contains(i) == members[i])
                    #expect(bits.rank(i) == below, "count \(count), place \(i)")
                    #expect(bits.index(of: i) == (members[i] ? below : -1), "count \(count), place \(i)")
                    if members[i] { below += 1 }
                }
                #expect(bits.setCount == below)
                var listed: [Int] = []
                bits.forEach { i, k in
                    #expect(k == listed.count && bits.rank(i) == k)
                    listed.append(i)
                }
                #expect(listed == members.indices.filter { members[$0] }, "count \(count): members in order")
                #expect(bits.byteCount == words.count * 12)
            }
        }
        #expect(RankedBits() == RankedBits(words: [], count: 0))
    }
}
