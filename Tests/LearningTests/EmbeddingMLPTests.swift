import Foundation
@testable import Learning
import LinearAlgebra
import TestSupport
import Testing

@Suite("EmbeddingMLP: GEMM forward and backward, seeded Adam")
struct EmbeddingMLPTests {
    /// Two categorical sources whose interaction (not either alone) sets the label.
    func interactionData(n: Int, seed: UInt64) throws -> (Matrix, [[UInt64]], [Double]) {
        var rng = SeededRandom(seed: seed)
        var a: [UInt64] = [], b: [UInt64] = [], y: [Double] = [], dense: [Double] = []
        for _ in 0..<n {
            let i = UInt64.random(in: 0..<6, using: &rng), j = UInt64.random(in: 0..<6, using: &rng)
            a.append(i * 7919); b.append(j * 104_729)
            y.append((i + j) % 2 == 0 ? 1 : 0)
            dense.append(rng.normal())
        }
        return (try Matrix(rows: n, columns: 1, columnMajor: dense), [a, b], y)
    }

    var sources: [CategoricalSource] { [CategoricalSource(kind: .text, field: "trader_id"), CategoricalSource(kind: .text, field: "hs_code")] }

    @Test("the backward pass matches finite differences")
    func gradientCheck() throws {
        let (x, hashes, y) = try interactionData(n: 32, seed: 3)
        var s = EmbeddingMLP.Settings()
        s.hidden1 = 5; s.hidden2 = 4; s.embedding = 3; s.minCount = 1
        var net = EmbeddingMLP(sources: sources, hashes: hashes, dense: 1, settings: s, seed: 9)
        let ids = EmbeddingMLP.ids(hashes, vocabulary: net.vocabulary)
        let rows = Array(0..<32)
        let g = try net.gradient(dense: x, rows: rows, ids: ids, y: y, weightDecay: 0)
        func loss(_ m: EmbeddingMLP) throws -> Double {
            let z = try m.forward(dense: x, rows: rows, ids: ids).logits
            return zip(z, y).map { z, t in softplus(z) - t * z }.reduce(0, +) / Double(rows.count)
        }
        var rng = SeededRandom(seed: 1)
        for _ in 0..<40 {
            let i = Int.random(in: 0..<net.parameters.count, using: &rng)
            let h = 1e-6, saved = net.parameters[i]
            net.parameters[i] = saved + h; let up = try loss(net)
            net.parameters[i] = saved - h; let down = try loss(net)
            net.parameters[i] = saved
            let numeric = (up - down) / (2 * h)
            #expect(abs(numeric - g[i]) < 1e-6 + 1e-4 * abs(numeric), "parameter \(i): numeric \(numeric), backprop \(g[i])")
        }
    }

    @Test("learns an interaction of two categorical fields that a linear model cannot; the same seed gives the same network")
    func learnsInteraction() throws {
        // One OpenBLAS thread for both trainings, as the CLI runs: other tests pin and
        // release the process-wide count in parallel, and sums split over a different
        // number of threads differ in their last bits.
        try BLASThreading.withThreadCount(1) { () throws -> Void in try learnsInteractionPinned() }
    }

    func learnsInteractionPinned() throws {
        let (x, hashes, y) = try interactionData(n: 4_000, seed: 8)
        var net = EmbeddingMLP(sources: sources, hashes: hashes, dense: 1, seed: 2)
        let ids = EmbeddingMLP.ids(hashes, vocabulary: net.vocabulary)
        try net.train(dense: x, ids: ids, y: y, epochs: 8, seed: 2)
        let ap = averagePrecision(try net.logits(dense: x, ids: ids), y)
        #expect(ap > 0.95, "average precision \(ap)")
        let linear = averagePrecision(try LogisticRegression.fit(x, y).logits(x), y)
        #expect(linear < 0.6, "the dense feature alone says nothing: \(linear)")
        var again = EmbeddingMLP(sources: sources, hashes: hashes, dense: 1, seed: 2)
        try again.train(dense: x, ids: ids, y: y, epochs: 8, seed: 2)
        #expect(again.parameters == net.parameters)
        let unseen = EmbeddingMLP.ids([[123], [456]], vocabulary: net.vocabulary)
        #expect(unseen == [0, 0], "values never seen share the rare id 0")
    }
}
