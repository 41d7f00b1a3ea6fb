/// Which distinct descriptions goods_code's text model is fitted on.
///
/// Up to `cap` distinct descriptions, all of them. Beyond (free text: a
/// description nearly per row), a sample: the document frequencies come from
/// each description with probability `rate = cap / descriptions`, and each
/// line's centroid from its (description, line) pairs with probability
/// `lineRate[line]`, which is `rate` raised for small lines so that every
/// line's centroid still rests on about `lineFloor` rows or all of them (a
/// line of 40 rows at a rate of 1 in 10 would keep 4 descriptions, and one
/// that kept none would have no centroid). A description's draw is a hash of
/// its code: the same table gives the same sample, however many cores.
///
/// Estimates from the sample are what the whole would give up to noise of a
/// few parts per thousand at a million descriptions: an IDF is a log ratio of
/// counts, a centroid a normalised mean of thousands of vectors. The fit's
/// text cost then stops growing with the distinct descriptions; scoring still
/// reads every one.
struct TextSample: Sendable {
    /// Distinct descriptions the text model is fitted on in full.
    static let cap = 1 << 20
    /// Rows a line's centroid rests on at least (or all of its rows).
    static let lineFloor = 256.0

    /// The share of descriptions drawn for the document frequencies (1: all).
    let rate: Double
    /// Per line: the share of its (description, line) pairs drawn for its centroid.
    let lineRate: [Double]

    /// The whole: every description and pair.
    init(lines: Int) {
        rate = 1
        lineRate = [Double](repeating: 1, count: lines)
    }

    /// The sample for `descriptions` distinct descriptions over lines of `lineRows` rows each.
    init(descriptions: Int, lineRows: [Int], cap: Int = TextSample.cap) {
        let rate = descriptions > cap ? Double(cap) / Double(descriptions) : 1
        self.rate = rate
        lineRate = lineRows.map { min(1, max(rate, TextSample.lineFloor / Double(max(1, $0)))) }
    }

    /// Whether nothing is left out.
    var isWhole: Bool { rate >= 1 && lineRate.allSatisfy { $0 >= 1 } }

    /// Whether description `d` counts towards the document frequencies.
    @inline(__always)
    func keeps(_ d: Int) -> Bool { rate >= 1 || TextSample.draw(d) < rate }

    /// Whether the pair of description `d` and line `line` counts towards the line's centroid.
    @inline(__always)
    func keeps(_ d: Int, line: Int) -> Bool {
        let r = lineRate[line]
        return r >= 1 || TextSample.draw(d) < r
    }

    /// Description `d`'s draw in [0, 1): SplitMix64 of its code, top 53 bits.
    @inline(__always)
    static func draw(_ d: Int) -> Double {
        var z = UInt64(truncatingIfNeeded: d) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) * 0x1p-53
    }
}
