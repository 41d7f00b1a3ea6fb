import Detectors
@testable import Scoring
import TestSupport
import Testing

/// Score columns read back every row's exact value whether stored dense or
/// sparse, and the risk they give equals the sum over plain arrays.
@Suite("score columns")
struct ScoreColumnTests {
    @Test("storage follows the share of scored rows", arguments: [
        (rows: 0, scored: 0, sparse: false), (rows: 100, scored: 0, sparse: true), (rows: 100, scored: 25, sparse: true),
        (rows: 100, scored: 26, sparse: false), (rows: 100, scored: 100, sparse: false), (rows: 1, scored: 1, sparse: false),
    ])
    func storage(rows: Int, scored: Int, sparse: Bool) {
        let scores = (0..<rows).map { $0 < scored ? Double($0) + 0.5 : 0 }
        let c = ScoreColumn(scores)
        #expect(c.isSparse == sparse)
        #expect(c.count == rows)
        #expect(c.denseScores() == scores)
    }

    @Test("every row reads back its exact bits: -0.0, NaN, infinities, across 64-row words", arguments: [1, 2, 3, 4] as [UInt64])
    func exactValues(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        for rows in [1, 63, 64, 65, 130, 1000] {
            let specials: [Double] = [-0.0, .nan, .infinity, -.infinity, 1e-300, -3.25]
            let scores = (0..<rows).map { _ -> Double in
                Int.random(in: 0..<10, using: &rng) == 0 ? specials.randomElement(using: &rng)! : 0
            }
            let c = ScoreColumn(scores)
            #expect(c.isSparse || rows < 4, "rows \(rows)")
            for r in 0..<rows { #expect(c[r].bitPattern == scores[r].bitPattern, "seed \(seed) rows \(rows) row \(r)") }
            var stored: [Int] = []
            c.forEachStored { r, v in stored.append(r); #expect(v.bitPattern == scores[r].bitPattern) }
            if c.isSparse { #expect(stored == scores.indices.filter { scores[$0].bitPattern != 0 }) }
            #expect(c.denseScores().map(\.bitPattern) == scores.map(\.bitPattern))
        }
    }

    @Test("a column scored on most rows with few distinct values is paletted and reads back exactly; past 65,536 values it is dense")
    func paletted() {
        var rng = SeededRandom(seed: 9)
        let values: [Double] = [0.0317, -0.0, .nan, 0.027, 1e-300, .infinity, 0]
        let few = (0..<5000).map { _ in values.randomElement(using: &rng)! }
        let c = ScoreColumn(few)
        #expect(c.isPaletted && !c.isSparse)
        #expect(c.byteCount < few.count * 3)
        for r in few.indices { #expect(c[r].bitPattern == few[r].bitPattern, "row \(r)") }
        #expect(c.denseScores().map(\.bitPattern) == few.map(\.bitPattern))
        let many = (0..<70_000).map { Double($0) + 0.25 }
        let d = ScoreColumn(many)
        #expect(!d.isPaletted && !d.isSparse)
        #expect(d.denseScores() == many)
        let edge = (0..<65_536).map { Double($0) + 0.5 }
        #expect(ScoreColumn(edge).isPaletted)
        #expect(ScoreColumn(edge).denseScores() == edge)
    }

    @Test("gather writes what the subscript reads, at any offset and stride, for sparse, paletted and dense columns",
          arguments: [21, 22] as [UInt64])
    func gather(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let specials: [Double] = [-0.0, .nan, .infinity, 1e-300, -3.25, 0.5]
        for (rows, share, distinct) in [(1000, 0.1, true), (3000, 0.9, false), (70_000, 1.0, true), (1, 1.0, true), (130, 0.0, true)] {
            let scores = (0..<rows).map { i -> Double in
                guard Double.random(in: 0..<1, using: &rng) < share else { return 0 }
                return distinct ? (Int.random(in: 0..<20, using: &rng) == 0 ? specials.randomElement(using: &rng)! : Double(i) * 0.01 + 0.003)
                                : specials.randomElement(using: &rng)!
            }
            let column = ScoreColumn(scores)
            let picked = (0..<min(500, rows * 2)).map { _ in Int.random(in: 0..<rows, using: &rng) }
            for (offset, stride) in [(0, 1), (2, 9), (8, 9)] {
                var out = [Double](repeating: 42, count: picked.isEmpty ? 0 : offset + (picked.count - 1) * stride + 1)
                column.gather(picked, into: &out, offset: offset, stride: stride)
                for (i, r) in picked.enumerated() {
                    #expect(out[offset + i * stride].bitPattern == column[r].bitPattern, "rows \(rows) row \(r) offset \(offset) stride \(stride)")
                }
                // Only the strided places are written.
                if stride > 1, out.count > offset + 1 { #expect(out[offset + 1] == 42) }
            }
        }
    }

    @Test("kth without expanding equals Select.kth of the dense scores: sparse, paletted and dense, ties, signs, -0.0 and NaN",
          arguments: [11, 12, 13] as [UInt64])
    func kth(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let shapes: [(rows: Int, scoredShare: Double, pool: [Double])] = [
            (1000, 0.1, [2.5, -1, 7, 0.75, -3]),             // sparse, few repeated values of both signs
            (1000, 0.2, [1, 2, 3, -0.0]),                     // sparse with a -0.0 (expanded)
            (3000, 0.9, [0.0317, 0.027, -0.5, 4]),            // paletted
            (3000, 0.9, [0.0317, .nan, 4]),                   // paletted with a NaN (expanded)
            (2000, 1.0, []),                                  // paletted: every value distinct
            (70_000, 1.0, []),                                // dense: more values than a palette holds
            (1, 1.0, [9]), (5, 0.0, [1]),
        ]
        for shape in shapes {
            let scores = (0..<shape.rows).map { i -> Double in
                guard Double.random(in: 0..<1, using: &rng) < shape.scoredShare else { return 0 }
                return shape.pool.isEmpty ? Double(i) * 0.001 - 0.7 : shape.pool.randomElement(using: &rng)!
            }
            let column = ScoreColumn(scores)
            for k in Set([0, shape.rows / 2, shape.rows * 99 / 100, shape.rows - 1] + (0..<5).map { _ in Int.random(in: 0..<shape.rows, using: &rng) }) {
                var copy = scores
                let expected = Select.kth(&copy, k)
                #expect(column.kth(k).bitPattern == expected.bitPattern || (expected.isNaN && column.kth(k).isNaN),
                        "seed \(seed) rows \(shape.rows) k \(k): \(column.kth(k)) against \(expected)")
            }
        }
    }

    @Test("risk over columns equals the plain sum, term by term, for backgrounds below, at and above 0", arguments: [5, 6] as [UInt64])
    func risk(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let rows = 777
        let columns: [[Double]] = (0..<4).map { d in
            (0..<rows).map { _ in Int.random(in: 0..<(d == 0 ? 1 : 12), using: &rng) == 0 ? Double.random(in: -2...5, using: &rng) : 0 }
        }
        for background in [-0.5, 0, 0.75] {
            let model = RiskModel(terms: (0..<4).map { RiskModel.Term(detector: "d\($0)", background: background, weight: Double($0) + 0.5) })
            var want = [Double](repeating: 0, count: rows)
            for d in 0..<4 {
                for r in 0..<rows where columns[d][r] > background { want[r] += model.terms[d].weight * (columns[d][r] - background) }
            }
            let got = model.risk(columns.map(ScoreColumn.init))
            #expect(got.map(\.bitPattern) == want.map(\.bitPattern), "background \(background)")
        }
    }
}
