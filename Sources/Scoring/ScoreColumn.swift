import CSVCore
import Declarations
import Detectors

/// One detector's scores for every row of a table, stored by how many rows scored.
///
/// Most detectors score a few rows out of millions (a licence gap, a screened
/// party, a burst of split shipments) and leave the rest at exactly 0. Such a
/// column keeps only the rows that scored: a bitmap of them, the count before
/// each 64-row word, and their values in row order — about 0.2 bytes per row
/// plus 8 per scored row, where a dense column costs 8 per row (80 MB at 10M
/// rows, for each detector). Reading a row is a word load and a popcount.
/// A column with more than a quarter of rows scored but at most 65,536 distinct
/// values (routing's, a function of a row's group and route) keeps a 2-byte
/// code per row into a palette of its values. Other columns stay dense.
///
/// A row reads back the exact `Double` it was stored with (`-0.0` and NaN
/// included: only `+0.0` is left implicit).
public struct ScoreColumn: Sendable {
    /// Number of rows.
    public let count: Int
    /// Every row's score, when dense; empty otherwise.
    private let dense: [Double]
    /// Per row, its value's index in `palette`, when paletted; empty otherwise.
    private let codes: [UInt16]
    /// The distinct values, in first-seen order, when paletted.
    private let palette: [Double]
    /// The rows with a stored value, and each one's place among them (empty unless sparse).
    private let scored: RankedBits
    /// Stored values in row order.
    private let values: [Double]

    /// Fraction of rows above which a column stays dense.
    static let denseAbove = 0.25

    public init(_ scores: [Double]) {
        count = scores.count
        var stored = 0
        for s in scores where s.bitPattern != 0 { stored += 1 }
        guard count > 0, Double(stored) <= Double(count) * ScoreColumn.denseAbove, count <= Int(Int32.max) else {
            scored = RankedBits(); values = []
            if count > 0, let (codes, palette) = ScoreColumn.paletted(scores) {
                self.codes = codes
                self.palette = palette
                dense = []
            } else {
                dense = scores
                codes = []; palette = []
            }
            return
        }
        dense = []; codes = []; palette = []
        let words = (count + 63) / 64
        var bits = [UInt64](repeating: 0, count: words)
        var kept: [Double] = []
        kept.reserveCapacity(stored)
        for w in 0..<words {
            var word: UInt64 = 0
            for r in (w * 64)..<min(count, w * 64 + 64) where scores[r].bitPattern != 0 {
                word |= 1 << UInt64(r & 63)
                kept.append(scores[r])
            }
            bits[w] = word
        }
        scored = RankedBits(words: bits, count: count)
        values = kept
    }

    /// Each row's index into its distinct values (first-seen order), and those
    /// values; nil past 65,536 distinct bit patterns. An open-addressing table of
    /// bit patterns, so a column that fails fails after one pass at most.
    static func paletted(_ scores: [Double]) -> (codes: [UInt16], palette: [Double])? {
        let size = 1 << 18, mask = size - 1
        var slots = [UInt64](repeating: 0, count: size)    // bit pattern's index + 1 in `palette` (0: empty), beside its pattern
        var keys = [UInt64](repeating: 0, count: size)
        var palette: [Double] = []
        var codes = [UInt16](repeating: 0, count: scores.count)
        for (r, v) in scores.enumerated() {
            let bits = v.bitPattern
            var i = Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> 46) & mask
            while slots[i] != 0 && keys[i] != bits { i = (i + 1) & mask }
            if slots[i] == 0 {
                guard palette.count < 65_536 else { return nil }
                palette.append(v)
                slots[i] = UInt64(palette.count)
                keys[i] = bits
            }
            codes[r] = UInt16(truncatingIfNeeded: slots[i] - 1)
        }
        return (codes, palette)
    }

    /// Row `r`'s score.
    @inline(__always)
    public subscript(r: Int) -> Double {
        if !dense.isEmpty { return dense[r] }
        if !codes.isEmpty { return palette[Int(codes[r])] }
        return storedValue(r)
    }

    /// Row `r`'s score in a sparse column: a word load and a popcount.
    @inline(__always)
    private func storedValue(_ r: Int) -> Double {
        precondition(r >= 0 && r < count, "row out of range")
        let k = scored.index(of: r)
        return k < 0 ? 0 : values[k]
    }

    /// Writes the scores of `rows` to `out[offset + i * stride]`, i in
    /// `rows.indices`: what `self[rows[i]]` reads, in one tight loop per storage
    /// (rows in rank order miss the cache; a loop of independent loads keeps
    /// many misses in flight, where a call per row checks the storage each time).
    public func gather(_ rows: [Int], into out: inout [Double], offset: Int, stride: Int) {
        precondition(rows.isEmpty || offset + (rows.count - 1) * stride < out.count, "gather past the end of out")
        if !dense.isEmpty {
            for (i, r) in rows.enumerated() { out[offset + i * stride] = dense[r] }
        } else if !codes.isEmpty {
            for (i, r) in rows.enumerated() { out[offset + i * stride] = palette[Int(codes[r])] }
        } else {
            for (i, r) in rows.enumerated() { out[offset + i * stride] = storedValue(r) }
        }
    }

    /// Whether only the scored rows are stored.
    public var isSparse: Bool { dense.isEmpty && codes.isEmpty && count > 0 }

    /// Whether rows hold 2-byte codes into a palette of distinct values.
    public var isPaletted: Bool { !codes.isEmpty }

    /// Bytes held.
    public var byteCount: Int { dense.count * 8 + codes.count * 2 + palette.count * 8 + scored.byteCount + values.count * 8 }

    /// Calls `body` with each row that has a stored score (nonzero, or
    /// `-0.0`), ascending; for a dense column, with every row.
    public func forEachStored(_ body: (Int, Double) -> Void) {
        guard isSparse else {
            for r in 0..<count { body(r, self[r]) }
            return
        }
        scored.forEach { r, k in body(r, values[k]) }
    }

    /// What `Select.kth` of `denseScores()` gives at `k` (0-based): the k-th
    /// smallest score. A paletted column counts its codes per palette value, a
    /// sparse one selects among its stored values and the zeros it leaves out,
    /// so neither is expanded to 8 bytes a row. A column holding NaN or `-0.0`
    /// (where the order of equal-comparing values decides) is expanded.
    public func kth(_ k: Int) -> Double {
        precondition(k >= 0 && k < count, "k out of range")
        func expanded() -> Double { Select.kthOfCopy(denseScores(), k, threads: System.cores) }
        func awkward(_ v: Double) -> Bool { v.isNaN || (v == 0 && v.sign == .minus) }
        if !dense.isEmpty { return expanded() }
        if !codes.isEmpty {
            guard !palette.contains(where: awkward) else { return expanded() }
            var counts = [Int](repeating: 0, count: palette.count)
            for c in codes { counts[Int(c)] += 1 }
            var seen = 0
            for i in palette.indices.sorted(by: { palette[$0] < palette[$1] }) {
                seen += counts[i]
                if k < seen { return palette[i] }
            }
            return expanded()   // unreachable: the counts add up to `count`
        }
        guard !values.contains(where: awkward) else { return expanded() }
        var negatives = values.filter { $0 < 0 }, positives = values.filter { $0 > 0 }
        let zeros = count - negatives.count - positives.count
        if k < negatives.count { return Select.kth(&negatives, k) }
        if k < negatives.count + zeros { return 0 }
        return Select.kth(&positives, k - negatives.count - zeros)
    }

    /// Every row's score.
    public func denseScores() -> [Double] {
        if !dense.isEmpty || count == 0 { return dense }
        var out = [Double](repeating: 0, count: count)
        forEachStored { r, v in out[r] = v }
        return out
    }
}

extension ScoreColumn: Equatable {
    /// Row by row, as `[Double]` compares (a NaN equals nothing).
    public static func == (a: ScoreColumn, b: ScoreColumn) -> Bool {
        guard a.count == b.count else { return false }
        for r in 0..<a.count where a[r] != b[r] { return false }
        return true
    }
}
