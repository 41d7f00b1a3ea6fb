/// Count, mean and co-moment matrix of a stream of `d`-dimensional rows, fed in
/// batches and merged across partitions exactly.
///
/// The co-moment is `M = Σᵢ (xᵢ − x̄)(xᵢ − x̄)ᵀ`; the covariance is `M / (n − 1)`.
/// Each batch is centred on its own mean and reduced with one BLAS `dsyrk`, then
/// combined with the running state by the pairwise update of Chan, Golub and
/// LeVeque (1979):
///
///     n = nA + nB,  δ = x̄B − x̄A,
///     x̄ = x̄A + δ·nB/n,
///     M = MA + MB + δδᵀ·nA·nB/n.
///
/// The update is exact in real arithmetic, so the moments of a concatenation do
/// not depend on how the rows were split into batches or partitions, and in
/// floating point the result agrees with a single pass to rounding. That makes it
/// fit for streaming (memory independent of the row count) and for parallel fits
/// (one accumulator per chunk, merged at the end).
public struct Moments: Sendable, Codable, Hashable {
    /// Number of features per row.
    public let dimension: Int
    /// Number of rows seen.
    public private(set) var count: Int
    /// Mean of the rows seen (zeros while `count == 0`).
    public private(set) var mean: [Double]
    /// Co-moment matrix `Σ (x − x̄)(x − x̄)ᵀ`, both triangles filled.
    public private(set) var comoment: Matrix

    /// An empty accumulator for rows of `dimension` features.
    public init(dimension: Int) {
        precondition(dimension >= 0, "dimension must be non-negative")
        self.dimension = dimension
        self.count = 0
        self.mean = Array(repeating: 0, count: dimension)
        self.comoment = Matrix(rows: dimension, columns: dimension)
    }

    /// The moments of one batch (`n × d`, one row per observation).
    public init(batch: Matrix) {
        self.init(dimension: batch.columns)
        let n = batch.rows, d = batch.columns
        guard n > 0 else { return }
        var centred = batch
        var mu = Array(repeating: 0.0, count: d)
        centred.elements.withUnsafeMutableBufferPointer { buf in
            for j in 0..<d {
                let col = UnsafeMutableBufferPointer(rebasing: buf[(j * n)..<((j + 1) * n)])
                // Two-pass mean with a correction term (Björck): accurate even when
                // the values sit far from zero relative to their spread.
                var s = 0.0
                for v in col { s += v }
                var m = s / Double(n)
                var c = 0.0
                for v in col { c += v - m }
                m += c / Double(n)
                mu[j] = m
                for i in col.indices { col[i] -= m }
            }
        }
        self.count = n
        self.mean = mu
        self.comoment = BLAS.syrk(centred, transA: .transpose)
    }

    /// Adds a batch of rows (`n × d`).
    /// - Throws: `.dimensionMismatch` when the batch has a different number of columns.
    public mutating func add(_ batch: Matrix) throws(LinearAlgebraError) {
        guard batch.columns == dimension else {
            throw .dimensionMismatch(operation: "Moments.add", detail: "batch has \(batch.columns) columns, accumulator \(dimension)")
        }
        guard batch.rows > 0 else { return }
        try merge(Moments(batch: batch))
    }

    /// Adds a single row.
    public mutating func add(row: [Double]) throws(LinearAlgebraError) {
        try add(Matrix(rows: 1, columns: row.count, columnMajor: row))
    }

    /// Combines `other` into `self` as if all of its rows had been added here.
    public mutating func merge(_ other: Moments) throws(LinearAlgebraError) {
        guard other.dimension == dimension else {
            throw .dimensionMismatch(operation: "Moments.merge", detail: "dimensions \(dimension) and \(other.dimension)")
        }
        if other.count == 0 { return }
        if count == 0 { self = other; return }
        let na = Double(count), nb = Double(other.count), n = na + nb
        let d = dimension
        var delta = Array(repeating: 0.0, count: d)
        for j in 0..<d { delta[j] = other.mean[j] - mean[j] }
        let w = na * nb / n
        for j in 0..<d {
            for i in 0..<d {
                let k = i + j * d
                comoment.elements[k] += other.comoment.elements[k] + delta[i] * delta[j] * w
            }
        }
        for j in 0..<d { mean[j] += delta[j] * (nb / n) }
        count += other.count
    }

    /// `self` and `other` combined.
    public func merging(_ other: Moments) throws(LinearAlgebraError) -> Moments {
        var m = self
        try m.merge(other)
        return m
    }

    /// The covariance `M / (n − correction)`; `nil` when `count <= correction`.
    /// `correction = 1` (the default) gives the unbiased sample covariance.
    public func covariance(correction: Int = 1) -> Matrix? {
        guard count > correction else { return nil }
        var c = comoment
        let scale = 1 / Double(count - correction)
        for k in c.elements.indices { c.elements[k] *= scale }
        return c
    }
}
