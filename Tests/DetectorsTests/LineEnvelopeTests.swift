import Declarations
@testable import Detectors
import TestSupport
import Testing

@Suite("goods_code's envelope of controlled lines")
struct LineEnvelopeTests {
    /// The best log density of the lines at `x`, as the envelope's bound must cover it.
    static func best(_ x: Double, _ median: [Double], _ scale: [Double], _ logScale: [Double]) -> Double {
        median.indices.map { k -> Double in
            let z = (x - median[k]) / scale[k]
            return -0.5 * z * z - logScale[k]
        }.max() ?? -.infinity
    }

    static func lines(_ n: Int, _ rng: inout SeededRandom) -> ([Double], [Double], [Double]) {
        let median = (0..<n).map { _ in Double.random(in: -4...12, using: &rng) }
        let scale = (0..<n).map { _ in Double.random(in: 0.02...3, using: &rng) }
        return (median, scale, scale.map { Math.log($0) })
    }

    @Test("the bound covers every line at every value: bucket edges, their neighbours, far outside, seeded points",
          arguments: [UInt64(1), 2, 3, 4])
    func boundCovers(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let (median, scale, logScale) = Self.lines(Int.random(in: 1...40, using: &rng), &rng)
        let buckets = [1, 7, 64, 4_096][Int(seed) % 4]
        let envelope = LineEnvelope(median: median, scale: scale, logScale: logScale, buckets: buckets)
        let lo = median.min()! - 10, hi = median.max()! + 10, step = (hi - lo) / Double(buckets)
        var xs: [Double] = [-1e300, -50, lo - 1, hi + 1, 50, 1e300] + median
        for i in 0...buckets {
            let edge = lo + Double(i) * step
            xs += [edge, edge.nextUp, edge.nextDown, edge + step / 2]
        }
        xs += (0..<2_000).map { _ in Double.random(in: (lo - 5)...(hi + 5), using: &rng) }
        for x in xs {
            let b = Self.best(x, median, scale, logScale)
            #expect(envelope.bound(x) >= b, "seed \(seed): bound \(envelope.bound(x)) below the best line \(b) at x = \(x)")
        }
        #expect(envelope.bound(.nan) == .infinity)
    }

    @Test("rulesOut is a certificate: whenever it holds, no line beats the threshold (seeded points and thresholds)",
          arguments: [UInt64(5), 6, 7])
    func rulesOutIsSafe(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let (median, scale, logScale) = Self.lines(27, &rng)
        let envelope = LineEnvelope(median: median, scale: scale, logScale: logScale)
        var ruled = 0
        for _ in 0..<20_000 {
            let x = Double.random(in: -10...20, using: &rng), threshold = Double.random(in: -6...6, using: &rng)
            if envelope.rulesOut(x, above: threshold) {
                ruled += 1
                #expect(Self.best(x, median, scale, logScale) <= threshold, "seed \(seed): x = \(x), threshold \(threshold)")
            }
        }
        // Far from every line the bound is low, so some points must be ruled out. Beyond the
        // last bucket it is the lines' best at the bucket's edge, 10 log units past the highest
        // median: below −5 for scales of at most 3.
        #expect(ruled > 2_000, "seed \(seed): only \(ruled) of 20000 ruled out")
        let farAbove = envelope.rulesOut(median.max()! + 60, above: -5)
        let atPeak = envelope.rulesOut(median[0], above: -logScale[0] - 0.001)
        #expect(farAbove && !atPeak, "seed \(seed)")
    }

    @Test("a table of one line: its peak at the median, its fall-off a bucket away, −∞ bounds for no lines")
    func oneLine() {
        let envelope = LineEnvelope(median: [2], scale: [0.5], logScale: [Math.log(0.5)], buckets: 2_000)
        #expect(envelope.bound(2) == -Math.log(0.5))
        // At 3 (two scales off) the bound is the density within a quarter bucket nearer the median.
        let at3 = envelope.bound(3)
        #expect(at3 >= -2 - Math.log(0.5) && at3 < -1.9 - Math.log(0.5), "\(at3)")
        let none = LineEnvelope(median: [], scale: [], logScale: [])
        #expect(none.bound(0) == -.infinity)
    }

    @Test("goods_code's evidence with the envelope equals the likelihood ratio of every line, row by row")
    func evidenceMatchesFullRatio() throws {
        let t = GoodsCodeAndLicenceTests.data.table
        let fitted = try GoodsCodeDetector().fit(t)
        let p = try #require(fitted.prepare(t))
        var ruled = 0, compared = 0
        for r in 0..<t.count {
            let e = fitted.evidence(p, r)
            let hc = Int(p.hsCodes[r])
            guard !p.isControlled[hc], let n = p.netKg?[r], n > 0, !p.samples[r], let declared = p.declaredLine[hc] else {
                #expect(e.log10LR == 0 && e.lrLine == -1)
                continue
            }
            let x = Math.log(max(p.valueUSD[r], 0.01) / n)
            let zOwn = (x - declared.median) / declared.scale
            let own = -0.5 * zOwn * zOwn - p.declaredLogScale[hc]
            let (lr, k) = fitted.bestControlledLine(p, x: x, own: own)
            let passes = k >= 0 && lr > GoodsCodeDetector.priorLog10Odds
            #expect(e.log10LR == (passes ? lr : 0) && e.lrLine == (passes ? p.lrLineIndex[k] : -1), "row \(r)")
            compared += 1
            if p.envelope.rulesOut(x, above: own + GoodsCodeDetector.priorLog10Odds * Math.log(10)) { ruled += 1 }
        }
        #expect(compared > 10_000 && ruled * 2 > compared, "\(ruled) of \(compared) rows ruled out")
    }

    @Test("descriptions' codes found over row ranges are the codes one pass in row order finds")
    func ownCodesOverRanges() throws {
        let t = GoodsCodeAndLicenceTests.data.table
        let fitted = try GoodsCodeDetector().fit(t)
        let one = try #require(fitted.prepare(t, parts: 1))
        for parts in [2, 3, 7, 1_000] {
            let p = try #require(fitted.prepare(t, parts: parts))
            #expect(p.codeSlots == one.codeSlots, "\(parts) ranges")
            #expect(p.ownSimilarities == one.ownSimilarities, "\(parts) ranges")
        }
        #expect((one.codeSlots?.slotCount ?? 0) > 0)
    }
}
