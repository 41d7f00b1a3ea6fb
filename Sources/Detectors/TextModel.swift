import Declarations
import LinearAlgebra

/// Hashed character n-gram TF-IDF vectors of descriptions (feature hashing into
/// `dimension` buckets, 3-grams of the lower-cased text padded with spaces),
/// L2-normalised.
struct TextModel: Sendable, Codable {
    static let dimension = 2048
    /// Inverse document frequency per bucket.
    var idf: [Double]

    /// Bucket counts of one description, sorted by bucket (a fixed order, so
    /// sums over them do not depend on a dictionary's iteration order).
    static func grams(_ text: String) -> [(Int, Double)] {
        var t = text
        return t.withUTF8 { grams(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// `grams` of UTF-8 text (invalid UTF-8 read as `String(decoding:)` repairs it).
    /// ASCII text (most descriptions) is read as bytes, lower-cased in place: a
    /// byte is its scalar's value, so the buckets are the ones `gramsOfScalars`
    /// gives, without a `String` or an array of scalars per description.
    static func grams(utf8 bytes: UnsafeRawBufferPointer) -> [(Int, Double)] {
        var ascii = true
        for b in bytes where b >= 0x80 { ascii = false; break }
        guard ascii else { return gramsOfScalars(String(decoding: bytes, as: UTF8.self)) }
        let n = bytes.count + 2
        guard n >= 3 else { return [] }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: n) { s in
            s[0] = 0x20
            s[n - 1] = 0x20
            for i in 0..<bytes.count { let b = bytes[i]; s[i + 1] = b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
            return counted(n - 2) { i in
                var h: UInt64 = 0xCBF2_9CE4_8422_2325
                for k in 0..<3 { h = (h ^ UInt64(s[i + k])) &* 0x1_0000_0000_01B3 }
                return Int(h % UInt64(dimension))
            }
        }
    }

    /// The distinct buckets of `grams(utf8:)`, ascending, handed to `body` one by
    /// one: what counting documents per bucket needs, with no array made (an
    /// ASCII text's buckets go through a bitmap on the stack).
    static func forEachDistinctBucket(utf8 bytes: UnsafeRawBufferPointer, _ body: (Int) -> Void) {
        var ascii = true
        for b in bytes where b >= 0x80 { ascii = false; break }
        guard ascii else {
            for (b, _) in gramsOfScalars(String(decoding: bytes, as: UTF8.self)) { body(b) }
            return
        }
        let n = bytes.count + 2
        guard n >= 3 else { return }
        let words = dimension / 64
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: n) { s in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { bits in
                s[0] = 0x20
                s[n - 1] = 0x20
                for i in 0..<bytes.count { let b = bytes[i]; s[i + 1] = b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
                bits.initialize(repeating: 0)
                var summary: UInt64 = 0
                for i in 0..<(n - 2) {
                    var h: UInt64 = 0xCBF2_9CE4_8422_2325
                    for k in 0..<3 { h = (h ^ UInt64(s[i + k])) &* 0x1_0000_0000_01B3 }
                    let b = Int(h % UInt64(dimension))
                    bits[b >> 6] |= 1 << UInt64(b & 63)
                    summary |= 1 << UInt64(b >> 6)
                }
                while summary != 0 {
                    let w = summary.trailingZeroBitCount
                    var word = bits[w]
                    while word != 0 { body(w << 6 | word.trailingZeroBitCount); word &= word &- 1 }
                    summary &= summary &- 1
                }
            }
        }
    }

    /// `grams` read as Unicode scalars: the path for text that is not ASCII,
    /// and the oracle of the ASCII one.
    static func gramsOfScalars(_ text: String) -> [(Int, Double)] {
        let s = Array((" " + text.lowercased() + " ").unicodeScalars)
        guard s.count >= 3 else { return [] }
        return counted(s.count - 2) { i in
            var h: UInt64 = 0xCBF2_9CE4_8422_2325
            for k in 0..<3 { h = (h ^ UInt64(s[i + k].value)) &* 0x1_0000_0000_01B3 }
            return Int(h % UInt64(dimension))
        }
    }

    /// The buckets of grams 0..<n, counted and sorted by bucket. No sort: each
    /// bucket sets its bit in a bitmap of the `dimension` buckets (and its word's
    /// bit in a summary word), the set bits read in order give the distinct
    /// buckets sorted, and a table from bucket to place (written for this
    /// text's buckets before it is read) counts them.
    @inline(__always)
    private static func counted(_ n: Int, _ bucket: (Int) -> Int) -> [(Int, Double)] {
        let words = dimension / 64
        assert(words <= 64, "one summary bit per bitmap word")
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: max(1, n)) { grams in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { bits in
                withUnsafeTemporaryAllocation(of: UInt16.self, capacity: dimension) { place -> [(Int, Double)] in
                    bits.initialize(repeating: 0)
                    var summary: UInt64 = 0
                    for i in 0..<n {
                        let b = bucket(i)
                        grams[i] = b
                        bits[b >> 6] |= 1 << UInt64(b & 63)
                        summary |= 1 << UInt64(b >> 6)
                    }
                    var distinct = 0
                    var s = summary
                    while s != 0 { distinct += bits[s.trailingZeroBitCount].nonzeroBitCount; s &= s &- 1 }
                    return [(Int, Double)](unsafeUninitializedCapacity: distinct) { out, made in
                        var k = 0
                        var s = summary
                        while s != 0 {
                            let w = s.trailingZeroBitCount
                            var word = bits[w]
                            while word != 0 {
                                let b = w << 6 | word.trailingZeroBitCount
                                place[b] = UInt16(truncatingIfNeeded: k)
                                out[k] = (b, 0)
                                k += 1
                                word &= word &- 1
                            }
                            s &= s &- 1
                        }
                        for i in 0..<n { out[Int(place[grams[i]])].1 += 1 }
                        made = distinct
                    }
                }
            }
        }
    }

    /// IDF over distinct descriptions given by their grams (`grams(_:)`).
    init(grams: [[(Int, Double)]]) {
        var df = [Double](repeating: 0, count: TextModel.dimension)
        for g in grams { for (b, _) in g { df[b] += 1 } }
        self.init(documentFrequency: df, documents: grams.count)
    }

    /// IDF from each bucket's count of distinct descriptions holding it, out of `documents`.
    init(documentFrequency df: [Double], documents: Int) {
        precondition(df.count == TextModel.dimension, "one count per bucket")
        let n = Double(max(1, documents))
        idf = df.map { Math.log((1 + n) / (1 + $0)) + 1 }
    }

    /// `1 + Math.log(n)` for a gram's count `n` (a whole number): from a table
    /// for the usual small counts (the same bits as the call), else the call.
    @inline(__always)
    static func logWeight(count n: Double) -> Double {
        let k = Int(n)
        return k >= 0 && k < logWeights.count && Double(k) == n ? logWeights[k] : 1 + Math.log(n)
    }

    private static let logWeights: [Double] = (0..<64).map { 1 + Math.log(Double($0)) }

    /// The normalised TF-IDF vector of one description, as (bucket, weight) pairs.
    func sparseVector(_ description: String) -> [(Int, Double)] {
        var d = description
        return d.withUTF8 { sparseVector(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// `sparseVector` of UTF-8 text.
    func sparseVector(utf8 description: UnsafeRawBufferPointer) -> [(Int, Double)] {
        // The grams' counts become their weights in place (one array a description).
        var out = TextModel.grams(utf8: description)
        for k in out.indices { out[k].1 = TextModel.logWeight(count: out[k].1) * idf[out[k].0] }
        var norm = 0.0
        for (_, w) in out { norm += w * w }
        norm = norm.squareRoot()
        if norm > 0 { for k in out.indices { out[k].1 /= norm } }
        return out
    }
}
