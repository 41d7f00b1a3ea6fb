import LinearAlgebra

/// Robust location and scatter: a minimum covariance determinant (MCD) estimate
/// by concentration steps (Rousseeuw & Van Driessen's FastMCD C-steps from one
/// robust start), with consistency correction and one reweighting step.
///
/// The plain covariance is dragged by the very outliers a detector looks for;
/// this one is fitted on the 75% of rows that fit each other best.
enum RobustCovariance {
    struct Estimate: Sendable, Codable {
        var location: [Double]
        var scatter: Matrix
        var rows: Int
    }

    /// Fits `x` (`n × d`, d ≤ 4). `order` breaks ties between equal distances
    /// (row keys' hashes) so the result does not depend on row order.
    static func fit(_ x: Matrix, order: [UInt64]) -> Estimate? {
        let n = x.rows, d = x.columns
        guard n > d + 2 else { return nil }
        let h = max(d + 1, (3 * n) / 4)
        // Start: coordinate-wise median and MAD.
        var start = [Double](repeating: 0, count: d), spread = [Double](repeating: 1, count: d)
        for j in 0..<d {
            let col = Array(x.column(j))
            let med = Select.median(col)
            let mad = Select.median(col.map { abs($0 - med) }) * 1.4826
            start[j] = med
            spread[j] = max(mad, 1e-6)
        }
        var distance = [Double](repeating: 0, count: n)
        let e = x.elements
        for i in 0..<n {
            var s = 0.0
            for j in 0..<d { let z = (e[i + j * n] - start[j]) / spread[j]; s += z * z }
            distance[i] = s
        }
        var subset = smallest(distance, h, order: order)
        var estimate: (mean: [Double], cov: Matrix)? = nil
        for _ in 0..<12 {
            guard let e = moments(x, rows: subset) else { return nil }
            estimate = e
            guard let d2 = try? Mahalanobis.squaredDistances(x, location: e.mean, scatter: regularised(e.cov)) else { break }
            let next = smallest(d2, h, order: order)
            distance = d2
            if next == subset { break }
            subset = next
        }
        guard let raw = estimate else { return nil }
        // Consistency: the median squared distance should be χ²_d's median.
        let factor = max(1e-12, Select.median(distance) / ChiSquare.median[d])
        var cov = raw.cov
        for i in 0..<d { for j in 0..<d { cov[i, j] *= factor } }
        // Reweight: rows within the 97.5% quantile.
        guard let d2 = try? Mahalanobis.squaredDistances(x, location: raw.mean, scatter: regularised(cov)) else { return nil }
        let inliers = (0..<n).filter { d2[$0] <= ChiSquare.q975[d] }
        guard inliers.count > d + 2, var final = moments(x, rows: inliers) else {
            return Estimate(location: raw.mean, scatter: regularised(cov), rows: n)
        }
        // The inliers' covariance is that of a normal cut at its 97.5% ellipsoid:
        // scale it back (Croux & Haesbroeck's factor 0.975 / P(χ²_{d+2} ≤ q)).
        for i in 0..<d { for j in 0..<d { final.cov[i, j] *= ChiSquare.truncation975[d] } }
        return Estimate(location: final.mean, scatter: regularised(final.cov), rows: n)
    }

    /// Indices of the `k` smallest values, ties broken by `order`, in index order.
    static func smallest(_ v: [Double], _ k: Int, order: [UInt64]) -> [Int] {
        // A NaN distance (features of bad data) counts as the farthest: quickselect has no order for it.
        if v.contains(where: \.isNaN) { return smallest(v.map { $0.isNaN ? .infinity : $0 }, k, order: order) }
        let threshold = Select.kthOfCopy(v, k - 1, threads: 1)
        var out: [Int] = []
        out.reserveCapacity(k)
        var ties: [Int] = []
        for i in v.indices {
            if v[i] < threshold { out.append(i) } else if v[i] == threshold { ties.append(i) }
        }
        // Both lists are in index order; only ties cut by `order` need sorting back.
        if out.count + ties.count > k {
            ties.sort { order[$0] < order[$1] }
            ties.removeSubrange((k - out.count)...)
            ties.sort()
        }
        guard !ties.isEmpty else { return out }
        var merged: [Int] = []
        merged.reserveCapacity(out.count + ties.count)
        var a = 0, b = 0
        while a < out.count && b < ties.count {
            if out[a] < ties[b] { merged.append(out[a]); a += 1 } else { merged.append(ties[b]); b += 1 }
        }
        merged.append(contentsOf: out[a...])
        merged.append(contentsOf: ties[b...])
        return merged
    }

    static func moments(_ x: Matrix, rows: [Int]) -> (mean: [Double], cov: Matrix)? {
        let e = x.elements, n = x.rows, count = rows.count
        var columns = [Double](repeating: 0, count: count * x.columns)
        for j in 0..<x.columns { for (k, i) in rows.enumerated() { columns[k + j * count] = e[i + j * n] } }
        guard let sub = try? Matrix(rows: count, columns: x.columns, columnMajor: columns) else { return nil }
        let m = Moments(batch: sub)
        guard let c = m.covariance() else { return nil }
        return (m.mean, c)
    }

    /// Adds a small ridge so a degenerate group (constant feature) stays positive definite.
    static func regularised(_ c: Matrix) -> Matrix {
        var r = c
        let d = c.rows
        var trace = 0.0
        for i in 0..<d { trace += c[i, i] }
        let ridge = max(1e-4, 1e-3 * trace / Double(max(1, d)))
        for i in 0..<d { r[i, i] += ridge }
        return r
    }
}
