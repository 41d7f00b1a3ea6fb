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
        let s = Array((" " + text.lowercased() + " ").unicodeScalars)
        guard s.count >= 3 else { return [] }
        var buckets: [Int] = []
        buckets.reserveCapacity(s.count)
        for i in 0...(s.count - 3) {
            var h: UInt64 = 0xCBF2_9CE4_8422_2325
            for k in 0..<3 { h = (h ^ UInt64(s[i + k].value)) &* 0x1_0000_0000_01B3 }
            buckets.append(Int(h % UInt64(dimension)))
        }
        buckets.sort()
        var out: [(Int, Double)] = []
        for b in buckets {
            if let last = out.last, last.0 == b { out[out.count - 1].1 += 1 } else { out.append((b, 1)) }
        }
        return out
    }

    /// IDF over distinct descriptions given by their grams (`grams(_:)`).
    init(grams: [[(Int, Double)]]) {
        var df = [Double](repeating: 0, count: TextModel.dimension)
        for g in grams { for (b, _) in g { df[b] += 1 } }
        let n = Double(max(1, grams.count))
        idf = df.map { Math.log((1 + n) / (1 + $0)) + 1 }
    }

    /// The normalised TF-IDF vector of one description, as (bucket, weight) pairs.
    func sparseVector(_ description: String) -> [(Int, Double)] {
        let g = TextModel.grams(description)
        var out = g.map { ($0.0, (1 + Math.log($0.1)) * idf[$0.0]) }
        var norm = 0.0
        for (_, w) in out { norm += w * w }
        norm = norm.squareRoot()
        if norm > 0 { for k in out.indices { out[k].1 /= norm } }
        return out
    }
}
