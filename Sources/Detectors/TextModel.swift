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
        var out: [(Int, Double)] = []
        grams(utf8: bytes, into: &out)
        return out
    }

    /// `grams(utf8:)` into `out` (replacing what it held, keeping its room): a loop over
    /// millions of descriptions reuses one array instead of making one each.
    static func grams(utf8 bytes: UnsafeRawBufferPointer, into out: inout [(Int, Double)]) {
        guard ASCIIText.isASCII(bytes) else {
            out.removeAll(keepingCapacity: true)
            out.append(contentsOf: gramsOfScalars(String(decoding: bytes, as: UTF8.self)))
            return
        }
        withASCIIGrams(bytes) { n, bucket in counted(n, bucket, into: &out) }
    }

    /// The distinct buckets of `grams(utf8:)`, ascending, handed to `body` one by
    /// one: what counting documents per bucket needs, with no array made (an
    /// ASCII text's buckets go through a bitmap on the stack).
    static func forEachDistinctBucket(utf8 bytes: UnsafeRawBufferPointer, _ body: (Int) -> Void) {
        guard ASCIIText.isASCII(bytes) else {
            for (b, _) in gramsOfScalars(String(decoding: bytes, as: UTF8.self)) { body(b) }
            return
        }
        withASCIIGrams(bytes) { n, bucket in
            withBitmap(n, bucket) { _, bits, summary in forEachSet(bits, summary) { b, _ in body(b) } }
        }
    }

    /// `grams` read as Unicode scalars: the path for text that is not ASCII,
    /// and the oracle of the ASCII one.
    static func gramsOfScalars(_ text: String) -> [(Int, Double)] {
        let s = Array((" " + text.lowercased() + " ").unicodeScalars)
        guard s.count >= 3 else { return [] }
        var out: [(Int, Double)] = []
        counted(s.count - 2, { i in bucket(s[i].value, s[i + 1].value, s[i + 2].value) }, into: &out)
        return out
    }

    /// The bucket of the 3-gram of scalar values a, b, c (FNV-1a over them).
    @inline(__always)
    private static func bucket(_ a: UInt32, _ b: UInt32, _ c: UInt32) -> Int {
        let prime: UInt64 = 0x1_0000_0000_01B3
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        h = (h ^ UInt64(a)) &* prime
        h = (h ^ UInt64(b)) &* prime
        h = (h ^ UInt64(c)) &* prime
        return Int(h % UInt64(dimension))
    }

    /// `body(n, bucket)` for the n grams of ASCII `bytes`, lower-cased and padded
    /// with a space at each end on the stack; `bucket(i)` is gram i's.
    @inline(__always)
    private static func withASCIIGrams<R>(_ bytes: UnsafeRawBufferPointer, _ body: (Int, (Int) -> Int) -> R) -> R {
        let n = bytes.count + 2
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: n) { s in
            s[0] = 0x20
            s[n - 1] = 0x20
            for i in 0..<bytes.count { s[i + 1] = ASCIIText.lower(bytes[i]) }
            return body(n - 2) { i in bucket(UInt32(s[i]), UInt32(s[i + 1]), UInt32(s[i + 2])) }
        }
    }

    /// `body(grams, bits, summary)` with the buckets of grams 0..<n in `grams`,
    /// each one's bit set in a bitmap of the `dimension` buckets, and each
    /// bitmap word holding a bit set in `summary` (all on the stack).
    @inline(__always)
    private static func withBitmap<R>(_ n: Int, _ bucket: (Int) -> Int,
                                      _ body: (UnsafeMutableBufferPointer<Int>, UnsafeMutableBufferPointer<UInt64>, UInt64) -> R) -> R {
        let words = dimension / 64
        assert(words <= 64, "one summary bit per bitmap word")
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: max(1, n)) { grams in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { bits in
                bits.initialize(repeating: 0)
                var summary: UInt64 = 0
                for i in 0..<n {
                    let b = bucket(i)
                    grams[i] = b
                    bits[b >> 6] |= 1 << UInt64(b & 63)
                    summary |= 1 << UInt64(b >> 6)
                }
                return body(grams, bits, summary)
            }
        }
    }

    /// `body(bucket, k)` for each bucket set in the bitmap, ascending, k counting them from 0.
    @inline(__always)
    private static func forEachSet(_ bits: UnsafeMutableBufferPointer<UInt64>, _ summary: UInt64, _ body: (Int, Int) -> Void) {
        var k = 0, s = summary
        while s != 0 {
            let w = s.trailingZeroBitCount
            var word = bits[w]
            while word != 0 {
                body(w << 6 | word.trailingZeroBitCount, k)
                k += 1
                word &= word &- 1
            }
            s &= s &- 1
        }
    }

    /// The buckets of grams 0..<n, counted and sorted by bucket. No sort: the
    /// set bits of the grams' bitmap (`withBitmap`), read in order, give the
    /// distinct buckets sorted, and a table from bucket to place (written for
    /// this text's buckets before it is read) counts them.
    @inline(__always)
    private static func counted(_ n: Int, _ bucket: (Int) -> Int, into out: inout [(Int, Double)]) {
        withBitmap(n, bucket) { grams, bits, summary in
            var distinct = 0
            var s = summary
            while s != 0 { distinct += bits[s.trailingZeroBitCount].nonzeroBitCount; s &= s &- 1 }
            out.removeAll(keepingCapacity: true)
            out.reserveCapacity(distinct)
            withUnsafeTemporaryAllocation(of: UInt16.self, capacity: dimension) { place in
                forEachSet(bits, summary) { b, k in
                    place[b] = UInt16(truncatingIfNeeded: k)
                    out.append((b, 0))
                }
                out.withUnsafeMutableBufferPointer { o in
                    for i in 0..<n { o[Int(place[grams[i]])].1 += 1 }
                }
            }
        }
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
        var out: [(Int, Double)] = []
        sparseVector(utf8: description, into: &out)
        return out
    }

    /// `sparseVector(utf8:)` into `out` (replacing what it held, keeping its room).
    func sparseVector(utf8 description: UnsafeRawBufferPointer, into out: inout [(Int, Double)]) {
        // The grams' counts become their weights in place, in one pass over pointers taken
        // once (`logWeight` per gram checked its table's lazy initialisation every time);
        // the squares are summed in the same order as before.
        TextModel.grams(utf8: description, into: &out)
        var norm = 0.0
        idf.withUnsafeBufferPointer { idf in
            TextModel.logWeights.withUnsafeBufferPointer { table in
                out.withUnsafeMutableBufferPointer { o in
                    for k in o.indices {
                        let (b, n) = o[k]
                        let i = Int(n)
                        let w = (i >= 0 && i < table.count && Double(i) == n ? table[i] : 1 + Math.log(n)) * idf[b]
                        o[k].1 = w
                        norm += w * w
                    }
                    norm = norm.squareRoot()
                    if norm > 0 { for k in o.indices { o[k].1 /= norm } }
                }
            }
        }
    }
}
