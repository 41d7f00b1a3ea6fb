import Declarations
@testable import Detectors
import TestSupport
import Testing

/// The byte paths that read ASCII descriptions (keyword matching, the text
/// model's character 3-grams) against the Unicode-scalar paths they stand in
/// for, which stay as their oracles and as the path for any other text.
@Suite("description text: ASCII byte paths against their scalar oracles")
struct DescriptionTextTests {
    static let matcher = KeywordMatcher(controls: .standard)

    @Test("isASCII, eight bytes at a time: false for a byte of 0x80 or above at every place of every length up to 40")
    func isASCIIEveryPlace() {
        for n in 0...40 {
            var bytes = (0..<n).map { UInt8(0x20 + $0 % 0x5F) }
            #expect(bytes.withUnsafeBytes { ASCIIText.isASCII($0) }, "length \(n)")
            for i in 0..<n {
                for high: UInt8 in [0x80, 0xC3, 0xFF] {
                    let kept = bytes[i]
                    bytes[i] = high
                    #expect(!bytes.withUnsafeBytes { ASCIIText.isASCII($0) }, "length \(n), 0x\(String(high, radix: 16)) at \(i)")
                    bytes[i] = kept
                }
            }
        }
    }

    /// Seeded descriptions built to meet the matcher's edge cases: its ASCII
    /// keywords in either case, inside words or at their edges, after "non-" or
    /// "free of ", before "-free" or " catalyst free", beside digits,
    /// punctuation, CR and LF, at the start and at the end of the text.
    static func descriptions(count: Int, seed: UInt64) -> [String] {
        var rng = SeededRandom(seed: seed)
        let keywords = matcher.keywords.map(\.text).filter { $0.unicodeScalars.allSatisfy(\.isASCII) }
        let pieces = ["non-", "free of ", "without ", "-free", " free", " catalyst free", " ", " ", ", ", "(", ")", "5N", "99.99%",
                      "x", "ore", "powder", "\r\n", "\n", "-", "/", "ingots", "2", "lot 17", "GA", "Sb", "de", "tb"]
        return (0..<count).map { _ in
            var d = ""
            for _ in 0..<Int.random(in: 0...7, using: &rng) {
                var p = Int.random(in: 0..<3, using: &rng) == 0 ? keywords.randomElement(using: &rng)! : pieces.randomElement(using: &rng)!
                if Int.random(in: 0..<3, using: &rng) == 0 { p = p.uppercased() }
                d += p
            }
            return d
        }
    }

    @Test("keywords: an ASCII description's match on its bytes is the scalar path's, on 20,000 seeded descriptions", arguments: [61, 62] as [UInt64])
    func keywordsASCII(seed: UInt64) {
        let texts = Self.descriptions(count: 10_000, seed: seed)
        var found = 0
        for t in texts {
            var copy = t
            let bytes = copy.withUTF8 { Array($0) }
            let fast = bytes.withUnsafeBytes { Self.matcher.match(utf8: $0) }
            #expect(fast == Self.matcher.matchScalars(t), "\(t.debugDescription)")
            if fast != nil { found += 1 }
        }
        // The cases must be there to compare: matches, and texts with none.
        #expect(found > 1_000 && found < texts.count - 1_000, "\(found) of \(texts.count) matched")
    }

    @Test("keywords: text that is not ASCII goes the scalar way", arguments: [
        ("镓锭 99.99%", "gallium"), ("lingots de gallium purété 5N", "gallium"), ("Ga ingot — 5N", "gallium"), ("Ga ingots — 5N", nil), ("GALLIUM ÖL-frei", "gallium"),
        ("sans antimoine, Sb-free ü", nil), ("", nil),
    ] as [(String, String?)])
    func keywordsOther(text: String, group: String?) {
        let got = Array(text.utf8).withUnsafeBytes { Self.matcher.match(utf8: $0) }
        #expect(got == Self.matcher.matchScalars(text))
        #expect(got.map { Self.matcher.keywords[$0].group } == group)
    }

    @Test("3-grams: an ASCII text's buckets and counts on its bytes are the scalar path's, on seeded texts of every length from 0")
    func gramsASCII() {
        var rng = SeededRandom(seed: 63)
        var texts = Self.descriptions(count: 5_000, seed: 64)
        // Every printable byte and tab, LF, CR, in texts of 0 to 80 bytes (more than 64 grams too).
        for n in 0...80 {
            texts.append(String(decoding: (0..<n).map { _ in UInt8.random(in: 0x20...0x7E, using: &rng) }, as: UTF8.self))
            texts.append(String(decoding: (0..<n).map { _ in [0x09, 0x0A, 0x0D, 0x41, 0x61, 0x5A, 0x7A].randomElement(using: &rng)! }, as: UTF8.self))
        }
        texts.append(String(repeating: "GALLIUM ", count: 300))
        // One array reused text after text (goods_code's loops), with texts that are not ASCII among them.
        var reused: [(Int, Double)] = []
        for (k, t) in texts.enumerated() {
            let fast = Array(t.utf8).withUnsafeBytes { TextModel.grams(utf8: $0) }
            let oracle = TextModel.gramsOfScalars(t)
            #expect(fast.map(\.0) == oracle.map(\.0) && fast.map(\.1) == oracle.map(\.1), "\(t.debugDescription)")
            let other = k % 7 == 0 ? "镓锭 " + t : t
            Array(other.utf8).withUnsafeBytes { TextModel.grams(utf8: $0, into: &reused) }
            let expected = TextModel.gramsOfScalars(other)
            #expect(reused.map(\.0) == expected.map(\.0) && reused.map(\.1) == expected.map(\.1), "reused: \(other.debugDescription)")
            // The distinct buckets alone (goods_code's document counts), in order.
            var buckets: [Int] = []
            Array(t.utf8).withUnsafeBytes { TextModel.forEachDistinctBucket(utf8: $0) { buckets.append($0) } }
            #expect(buckets == oracle.map(\.0), "\(t.debugDescription)")
        }
    }

    @Test("3-grams: buckets come sorted and distinct, counts sum to the text's grams, for text that is not ASCII too", arguments: [
        "镓锭 99.99%", "Ga ingots — 5N", "aaaa", "", "x", "ab", "İSTANBUL ÇELİK",
    ])
    func gramsShape(text: String) {
        let g = TextModel.grams(text)
        #expect(g.map(\.0) == Array(Set(g.map(\.0))).sorted())
        #expect(g.allSatisfy { $0.0 >= 0 && $0.0 < TextModel.dimension })
        let grams = max(0, (" " + text.lowercased() + " ").unicodeScalars.count - 2)
        #expect(Int(g.map(\.1).reduce(0, +)) == grams)
        #expect(g.map(\.0) == TextModel.gramsOfScalars(text).map(\.0))
        var buckets: [Int] = []
        Array(text.utf8).withUnsafeBytes { TextModel.forEachDistinctBucket(utf8: $0) { buckets.append($0) } }
        #expect(buckets == g.map(\.0))
    }
}
