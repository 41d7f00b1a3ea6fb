import LinearAlgebra
import TestSupport
import Testing

@Suite("mergeable moments")
struct MomentsTests {
    static let mixing = try! Matrix([[2, 0, 0, 0], [1.5, 1, 0, 0], [-0.5, 0.2, 0.3, 0], [0, 0, 4, 1e-3]])
    static let location = [1e5, -2e3, 7, 0.25]

    func sample(_ n: Int, seed: UInt64) -> Matrix {
        var rng = SeededRandom(seed: seed)
        return Oracle.correlatedRows(n, mixing: Self.mixing, location: Self.location, using: &rng)
    }

    func expectClose(_ a: Moments, _ b: Moments, relative: Double = 1e-12, _ context: String) {
        #expect(a.count == b.count, "\(context)")
        #expect(Approximate.equal(a.mean, b.mean, relative: relative), "\(context): mean")
        // Relative to the scale of the co-moment: entries near zero carry the same absolute rounding.
        let err = Approximate.normwiseRelativeError(a.comoment.elements, b.comoment.elements)
        #expect(err <= relative, "\(context): co-moment relative error \(err)")
    }

    @Test("merging at every split point equals the moments of the whole")
    func everySplit() throws {
        let x = sample(24, seed: 1)
        let whole = Moments(batch: x)
        for cut in 0...x.rows {
            let left = Moments(batch: Oracle.rows(x, 0..<cut))
            let right = Moments(batch: Oracle.rows(x, cut..<x.rows))
            expectClose(try left.merging(right), whole, "split at \(cut)")
            expectClose(try right.merging(left), whole, "reversed split at \(cut)")
        }
    }

    @Test("random partitions merged in random order equal the concatenation", arguments: [2, 3, 4, 5, 6] as [UInt64])
    func randomPartitions(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let x = sample(Int.random(in: 50...400, using: &rng), seed: seed &* 31)
        var cuts = (0..<Int.random(in: 1...12, using: &rng)).map { _ in Int.random(in: 0...x.rows, using: &rng) }
        cuts = ([0] + cuts + [x.rows]).sorted()
        var parts = zip(cuts, cuts.dropFirst()).map { Moments(batch: Oracle.rows(x, $0..<$1)) }
        parts.shuffle(using: &rng)
        var merged = Moments(dimension: 4)
        for p in parts { try merged.merge(p) }
        expectClose(merged, Moments(batch: x), "seed \(seed), \(parts.count) parts")
    }

    @Test("streaming row by row and in batches agree")
    func streaming() throws {
        let x = sample(60, seed: 7)
        var byRow = Moments(dimension: 4)
        for i in 0..<x.rows { try byRow.add(row: x.row(i)) }
        var byBatch = Moments(dimension: 4)
        for start in stride(from: 0, to: x.rows, by: 13) {
            try byBatch.add(Oracle.rows(x, start..<min(start + 13, x.rows)))
        }
        expectClose(byRow, Moments(batch: x), "row by row")
        expectClose(byBatch, Moments(batch: x), "batches of 13")
    }

    @Test("covariance is symmetric and positive semi-definite")
    func covariancePSD() throws {
        for seed in 10..<15 as Range<UInt64> {
            // Fewer rows than features → singular covariance: still PSD up to rounding.
            let n = seed == 10 ? 3 : 200
            let cov = try #require(Moments(batch: sample(n, seed: seed)).covariance())
            #expect(cov == cov.transposed(), "seed \(seed): exactly symmetric")
            let e = try SymmetricEigen(cov)
            let scale = e.values.map(abs).max() ?? 1
            #expect(e.values.allSatisfy { $0 >= -1e-12 * scale }, "seed \(seed): eigenvalues \(e.values)")
        }
    }

    @Test("covariance matches the two-pass textbook formula")
    func covarianceTextbook() throws {
        let x = sample(50, seed: 21)
        let cov = try #require(Moments(batch: x).covariance())
        let n = Double(x.rows)
        let mean = (0..<4).map { j in x.column(j).reduce(0, +) / n }
        for a in 0..<4 {
            for b in 0..<4 {
                var s = 0.0
                for i in 0..<x.rows { s += (x[i, a] - mean[a]) * (x[i, b] - mean[b]) }
                #expect(Approximate.equal(cov[a, b], s / (n - 1), relative: 1e-10, absolute: 1e-12))
            }
        }
    }

    @Test("empty and tiny accumulators")
    func edges() throws {
        let empty = Moments(dimension: 3)
        #expect(empty.count == 0)
        #expect(empty.covariance() == nil)
        var one = Moments(dimension: 3)
        try one.add(row: [1, 2, 3])
        #expect(one.covariance() == nil)
        #expect(one.covariance(correction: 0) == Matrix(rows: 3, columns: 3))
        #expect(try empty.merging(one) == one)
        #expect(try one.merging(empty) == one)
    }

    @Test("moments survive a Codable round trip")
    func codable() throws {
        let m = Moments(batch: sample(10, seed: 3))
        let data = try JSONEncoder().encode(m)
        #expect(try JSONDecoder().decode(Moments.self, from: data) == m)
    }
}

import Foundation
