import Declarations
import Foundation
import LinearAlgebra

/// A small neural ranker: an embedding per value of each categorical source,
/// concatenated with the dense features, through two ReLU layers to one logit.
///
/// Every layer's forward and backward pass is a GEMM (`dgemm`) over a batch;
/// training is mini-batch Adam on the mean log-loss with L2 weight decay,
/// seeded (initial weights and batch order), so the same data and seed give the
/// same network. Values seen fewer than `minCount` times share one "rare" embedding.
public struct EmbeddingMLP: Codable, Sendable {
    public struct Shape: Codable, Sendable, Equatable {
        public var dense: Int
        public var embedding: Int
        public var hidden1: Int
        public var hidden2: Int
        public var vocabularies: [Int]   // per source, ids 0 (rare/unseen) ..< count

        var inputs: Int { dense + embedding * vocabularies.count }
        var w1: Int { 0 }
        var b1: Int { w1 + inputs * hidden1 }
        var w2: Int { b1 + hidden1 }
        var b2: Int { w2 + hidden1 * hidden2 }
        var w3: Int { b2 + hidden2 }
        var b3: Int { w3 + hidden2 }
        func table(_ s: Int) -> Int { b3 + 1 + vocabularies[..<s].reduce(0, +) * embedding }
        var parameterCount: Int { table(vocabularies.count) }
    }

    public struct Settings: Sendable {
        public var embedding = 8
        public var hidden1 = 64
        public var hidden2 = 32
        public var batch = 256
        public var learningRate = 2e-3
        public var weightDecay = 1e-4
        public var minCount = 2
        public init() {}
    }

    public var shape: Shape
    public var sources: [CategoricalSource]
    /// Per source: the hashes of values with an embedding, sorted (id = index + 1).
    public var vocabulary: [[UInt64]]
    public var parameters: [Double]
    public var epochs: Int

    /// Ids (0 = rare or unseen) of `rows` for every source, row-major (row * sources + s).
    static func ids(_ hashes: [[UInt64]], vocabulary: [[UInt64]]) -> [Int32] {
        let n = hashes.first?.count ?? 0, s = hashes.count
        var out = [Int32](repeating: 0, count: n * s)
        for j in 0..<s {
            let v = vocabulary[j]
            var index = [UInt64: Int32](minimumCapacity: v.count)
            for (i, h) in v.enumerated() { index[h] = Int32(i + 1) }
            for r in 0..<n { out[r * s + j] = index[hashes[j][r]] ?? 0 }
        }
        return out
    }

    /// A network with seeded initial weights (He-scaled normal) for the vocabulary of `hashes`.
    public init(sources: [CategoricalSource], hashes: [[UInt64]], dense: Int, settings: Settings = Settings(), seed: UInt64) {
        self.sources = sources
        vocabulary = hashes.map { h in
            var counts: [UInt64: Int] = [:]
            for x in h { counts[x, default: 0] += 1 }
            return counts.filter { $0.value >= settings.minCount }.map(\.key).sorted()
        }
        shape = Shape(dense: dense, embedding: settings.embedding, hidden1: settings.hidden1, hidden2: settings.hidden2,
                      vocabularies: vocabulary.map { $0.count + 1 })
        var rng = SeededGenerator(seed: seed ^ 0x4D4C_5000)
        var p = [Double](repeating: 0, count: shape.parameterCount)
        func fill(_ from: Int, _ count: Int, _ scale: Double) { for i in from..<(from + count) { p[i] = rng.normal() * scale } }
        fill(shape.w1, shape.inputs * shape.hidden1, (2 / Double(shape.inputs)).squareRoot())
        fill(shape.w2, shape.hidden1 * shape.hidden2, (2 / Double(shape.hidden1)).squareRoot())
        fill(shape.w3, shape.hidden2, (1 / Double(shape.hidden2)).squareRoot())
        fill(shape.table(0), shape.parameterCount - shape.table(0), 0.05)
        parameters = p
        epochs = 0
    }

    /// The first-layer input of a batch: dense features then each source's embedding.
    func inputs(dense x: Matrix, rows: [Int], ids: [Int32]) throws(LinearAlgebraError) -> Matrix {
        let b = rows.count, s = shape.vocabularies.count, e = shape.embedding
        var a = [Double](repeating: 0, count: b * shape.inputs)
        for j in 0..<shape.dense {
            let o = j * b, src = j * x.rows
            for (i, r) in rows.enumerated() { a[o + i] = x.elements[src + r] }
        }
        for t in 0..<s {
            let base = shape.table(t)
            for (i, r) in rows.enumerated() {
                let id = Int(ids[r * s + t])
                for k in 0..<e { a[(shape.dense + t * e + k) * b + i] = parameters[base + id * e + k] }
            }
        }
        return try Matrix(rows: b, columns: shape.inputs, columnMajor: a)
    }

    func weights(_ offset: Int, _ rows: Int, _ columns: Int) throws(LinearAlgebraError) -> Matrix {
        try Matrix(rows: rows, columns: columns, columnMajor: Array(parameters[offset..<(offset + rows * columns)]))
    }

    struct Forward {
        var a0: Matrix, z1: Matrix, h1: Matrix, z2: Matrix, h2: Matrix, logits: [Double]
    }

    func forward(dense x: Matrix, rows: [Int], ids: [Int32]) throws(LinearAlgebraError) -> Forward {
        let a0 = try inputs(dense: x, rows: rows, ids: ids)
        func layer(_ a: Matrix, _ w: Int, _ bias: Int, _ out: Int) throws(LinearAlgebraError) -> (Matrix, Matrix) {
            var z = try BLAS.gemm(a, try weights(w, a.columns, out)).elements
            for j in 0..<out { for i in 0..<a.rows { z[j * a.rows + i] += parameters[bias + j] } }
            let zm = try Matrix(rows: a.rows, columns: out, columnMajor: z)
            return (zm, try Matrix(rows: a.rows, columns: out, columnMajor: z.map { max($0, 0) }))
        }
        let (z1, h1) = try layer(a0, shape.w1, shape.b1, shape.hidden1)
        let (z2, h2) = try layer(h1, shape.w2, shape.b2, shape.hidden2)
        let logits = try BLAS.gemv(h2, Array(parameters[shape.w3..<(shape.w3 + shape.hidden2)]),
                                   beta: 1, adding: [Double](repeating: parameters[shape.b3], count: rows.count))
        return Forward(a0: a0, z1: z1, h1: h1, z2: z2, h2: h2, logits: logits)
    }

    /// Log-odds for every row of `x` with `ids`, in batches.
    public func logits(dense x: Matrix, ids: [Int32]) throws(LinearAlgebraError) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(x.rows)
        var start = 0
        while start < x.rows {
            let rows = Array(start..<min(start + 4096, x.rows))
            out += try forward(dense: x, rows: rows, ids: ids).logits
            start += rows.count
        }
        return out
    }

    /// Runs `epochs` more epochs of Adam over `x`, `ids`, `y`; calls `afterEpoch` after each.
    public mutating func train(dense x: Matrix, ids: [Int32], y: [Double], epochs: Int, settings: Settings = Settings(),
                               seed: UInt64, afterEpoch: (Int, EmbeddingMLP) throws -> Void = { _, _ in }) throws {
        var m = [Double](repeating: 0, count: parameters.count), v = m
        var step = 0
        let beta1 = 0.9, beta2 = 0.999
        var rng = SeededGenerator(seed: seed ^ 0x4241_5443)
        var order = Array(0..<x.rows)
        for epoch in 0..<epochs {
            rng.shuffle(&order)
            var start = 0
            while start < order.count {
                let rows = Array(order[start..<min(start + settings.batch, order.count)])
                start += rows.count
                let g = try gradient(dense: x, rows: rows, ids: ids, y: y, weightDecay: settings.weightDecay)
                step += 1
                let c1 = 1 - pow(beta1, Double(step)), c2 = 1 - pow(beta2, Double(step))
                for i in parameters.indices where g[i] != 0 || m[i] != 0 {
                    m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                    v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                    parameters[i] -= settings.learningRate * (m[i] / c1) / ((v[i] / c2).squareRoot() + 1e-8)
                }
            }
            self.epochs += 1
            try afterEpoch(epoch + 1, self)
        }
    }

    /// The gradient of the batch's mean log-loss (plus weight decay on the layer weights).
    func gradient(dense x: Matrix, rows: [Int], ids: [Int32], y: [Double], weightDecay: Double) throws(LinearAlgebraError) -> [Double] {
        let f = try forward(dense: x, rows: rows, ids: ids)
        let b = rows.count, h1 = shape.hidden1, h2 = shape.hidden2
        var g = [Double](repeating: 0, count: parameters.count)
        var dz = [Double](repeating: 0, count: b)
        for (i, r) in rows.enumerated() { dz[i] = (sigmoid(f.logits[i]) - y[r]) / Double(b) }
        let dzm = try Matrix(rows: b, columns: 1, columnMajor: dz)
        // Output layer.
        let dw3 = try BLAS.gemm(f.h2, dzm, transA: .transpose).elements
        for j in 0..<h2 { g[shape.w3 + j] = dw3[j] }
        g[shape.b3] = dz.reduce(0, +)
        // Second hidden layer.
        var dh2 = try BLAS.gemm(dzm, try weights(shape.w3, h2, 1), transB: .transpose).elements
        for i in dh2.indices where f.z2.elements[i] <= 0 { dh2[i] = 0 }
        let dz2 = try Matrix(rows: b, columns: h2, columnMajor: dh2)
        let dw2 = try BLAS.gemm(f.h1, dz2, transA: .transpose).elements
        for i in dw2.indices { g[shape.w2 + i] = dw2[i] }
        for j in 0..<h2 { var s = 0.0; for i in 0..<b { s += dh2[j * b + i] }; g[shape.b2 + j] = s }
        // First hidden layer.
        var dh1 = try BLAS.gemm(dz2, try weights(shape.w2, h1, h2), transB: .transpose).elements
        for i in dh1.indices where f.z1.elements[i] <= 0 { dh1[i] = 0 }
        let dz1 = try Matrix(rows: b, columns: h1, columnMajor: dh1)
        let dw1 = try BLAS.gemm(f.a0, dz1, transA: .transpose).elements
        for i in dw1.indices { g[shape.w1 + i] = dw1[i] }
        for j in 0..<h1 { var s = 0.0; for i in 0..<b { s += dh1[j * b + i] }; g[shape.b1 + j] = s }
        // Embeddings: the input gradient scattered to each row's table entries.
        let s = shape.vocabularies.count, e = shape.embedding
        if s > 0 {
            let da0 = try BLAS.gemm(dz1, try weights(shape.w1, shape.inputs, h1), transB: .transpose).elements
            for t in 0..<s {
                let base = shape.table(t)
                for (i, r) in rows.enumerated() {
                    let id = Int(ids[r * s + t])
                    for k in 0..<e { g[base + id * e + k] += da0[(shape.dense + t * e + k) * b + i] }
                }
            }
        }
        for i in shape.w1..<shape.b1 { g[i] += weightDecay * parameters[i] }
        for i in shape.w2..<shape.b2 { g[i] += weightDecay * parameters[i] }
        return g
    }
}
