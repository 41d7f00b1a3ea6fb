/// Which distinct descriptions goods_code's text model is fitted on.
///
/// Up to `cap` distinct descriptions, all of them. Beyond (free text: a
/// description nearly per row), a sample. The document frequencies come from
/// each description with probability `rate = cap / descriptions`. A line's
/// centroid comes from its (description, line) pairs: a description with
/// enough rows that the line's rate would expect one of them drawn
/// (`rows · lineRate[line] ≥ 1`: a standard description repeated down the
/// feed) is always kept, with its rows as its weight; any other with
/// probability `lineRate[line]`, with its rows over that probability as its
/// weight, so the centroid estimates the whole's. `lineRate` is `rate`
/// raised for small lines so that about `lineFloor` of their rows are drawn
/// (all of a line of fewer). A description's draw is a hash of its code: the
/// same table gives the same sample, however many cores.
///
/// Estimates from the sample are what the whole would give up to noise of a
/// few parts per thousand at a million descriptions: an IDF is a log ratio of
/// counts, a centroid a normalised weighted mean of thousands of vectors. The
/// fit's text cost then stops growing with the distinct descriptions; scoring
/// still reads every one.
struct TextSample: Sendable {
    /// Distinct descriptions the text model is fitted on in full.
    static let cap = 1 << 20
    /// Rows a line's centroid rests on at least (or all of its rows).
    static let lineFloor = 256.0

    /// The share of descriptions drawn for the document frequencies (1: all).
    let rate: Double
    /// Per line: the share of its (description, line) pairs drawn for its centroid.
    let lineRate: [Double]
    /// Per description: its rows in the table (empty for the whole, where it is not needed).
    let descriptionRows: [Int32]

    /// The whole: every description and pair.
    init(lines: Int) {
        rate = 1
        lineRate = [Double](repeating: 1, count: lines)
        descriptionRows = []
    }

    /// The sample for `descriptions` distinct descriptions over lines of `lineRows` rows each,
    /// description `d` on `descriptionRows[d]` rows (kept only when the sample is drawn).
    init(descriptions: Int, lineRows: [Int], descriptionRows: [Int32], cap: Int = TextSample.cap) {
        let rate = descriptions > cap ? Double(cap) / Double(descriptions) : 1
        self.rate = rate
        lineRate = lineRows.map { min(1, max(rate, TextSample.lineFloor / Double(max(1, $0)))) }
        self.descriptionRows = rate < 1 ? descriptionRows : []
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
        return r >= 1 || isHeavy(d, rate: r) || TextSample.draw(d) < r
    }

    /// What each of the pair's rows weighs in the line's centroid: 1 for a pair always
    /// kept, else one over the probability it was drawn with.
    @inline(__always)
    func weight(_ d: Int, line: Int) -> Double {
        let r = lineRate[line]
        return r >= 1 || isHeavy(d, rate: r) ? 1 : 1 / r
    }

    /// Whether description `d` has enough rows that a rate of `r` would expect one drawn.
    @inline(__always)
    private func isHeavy(_ d: Int, rate r: Double) -> Bool { Double(descriptionRows[d]) * r >= 1 }

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
