import Declarations
import Foundation
@testable import Detectors
import LinearAlgebra
import TestSupport
import Testing

@Suite("unit-value detector", .serialized)
struct UnitValueDetectorTests {
    static let data = try! DetectorData.make(rows: 80_000, seed: 12)

    @Test("meets the detector contract")
    func conformance() throws {
        try Conformance.check(UnitValueDetector(), data: Self.data)
    }

    @Test("pairs counted and placed over any number of row ranges equal one pass in row order", arguments: [1, 2, 3, 7, 64, 1_000])
    func pairsOverRanges(parts: Int) throws {
        let t = Self.data.table
        let hs = try #require(t.text(.hsCode))
        let classes = UnitValueFeatures.Classes(t)
        // The oracle: pairs numbered as first met, each pair's rows in row order.
        var number: [Int: Int] = [:]
        var members: [[Int32]] = []
        for r in 0..<t.count {
            let key = Int(hs.codes[r]) * 4 + classes[r]
            let p = number[key] ?? members.count
            if p == members.count { number[key] = p; members.append([]) }
            members[p].append(Int32(r))
        }
        let pairs = UnitValueDetector.Pairs(t, parts: parts)
        #expect(pairs.count == members.count && pairs.ranges.count == min(parts, t.count))
        #expect(pairs.rows == members.flatMap { $0 })
        for (key, p) in number {
            #expect(pairs.index[key] == Int32(p))
            #expect(pairs.code[p] == hs.values.string(UInt32(key / 4)) && pairs.unitClass[p] == key % 4)
            #expect(Array(pairs.rows(of: p)) == members[p])
        }
        let values = (0..<t.count).map { $0 &* 7919 }
        #expect(pairs.inPairOrder(values, t) == pairs.rows.map { Int($0) &* 7919 })
    }

    @Test("the features and pairs a fit leaves in the table's facts score as ones built afresh, and are taken, not kept")
    func featuresThroughFacts() throws {
        let t = Self.data.table
        let facts = TableFacts(t)
        let fitted = try UnitValueDetector().fit(t, facts: facts)
        let alone = try UnitValueDetector().fit(t)
        #expect(fitted.groups.keys.sorted() == alone.groups.keys.sorted())
        let stashed = facts.take(UnitValueFeatures.Rows.factsKey, as: UnitValueFeatures.Rows.self)
        #expect(stashed?.values.count == t.count)
        // The pairs left behind are those of the table: every row once, numbered as a fresh count numbers them.
        let pairs = try #require(facts.take(UnitValueDetector.Pairs.factsKey, as: UnitValueDetector.Pairs.self))
        let fresh = UnitValueDetector.Pairs(t)
        #expect(pairs.rows == fresh.rows && pairs.starts == fresh.starts && pairs.code == fresh.code && pairs.unitClass == fresh.unitClass)
        facts.stash(UnitValueDetector.Pairs.factsKey, pairs)
        facts.stash(UnitValueFeatures.Rows.factsKey, try #require(stashed))
        let (viaFacts, _) = fitted.scoresAndExplainer(t, facts: facts)
        #expect(facts.take(UnitValueFeatures.Rows.factsKey, as: UnitValueFeatures.Rows.self) == nil, "scoring took them")
        #expect(facts.take(UnitValueDetector.Pairs.factsKey, as: UnitValueDetector.Pairs.self) == nil, "scoring took the pairs")
        #expect(viaFacts == alone.anomalyScores(t))
        // Without a stash (a model file scoring a new feed) the features are built from the facts' samples.
        #expect(fitted.scoresAndExplainer(t, facts: TableFacts(t)).0 == viaFacts)
        let goods = try GoodsCodeDetector().fit(t, facts: facts)
        #expect(goods.scoresAndExplainer(t, facts: facts).0 == (try GoodsCodeDetector().fit(t)).anomalyScores(t))
        #expect(facts.declaredSamples() == DeclaredSample.rows(t))
    }

    @Test("quality floor on planted rows: recall at 1% of rows ≥ 0.9 for undervaluation and weight_quantity")
    func qualityFloor() throws {
        let fitted = try UnitValueDetector().fit(Self.data.table)
        let scores = fitted.anomalyScores(Self.data.table)
        let under = DetectorData.recall(scores, Self.data, pattern: "undervaluation", fraction: 0.01)
        let weight = DetectorData.recall(scores, Self.data, pattern: "weight_quantity", fraction: 0.01)
        #expect(under >= 0.9, "undervaluation recall@1% \(under)")
        #expect(weight >= 0.9, "weight_quantity recall@1% \(weight)")
        // The top of the list is planted rows, not look-alikes (samples, wide lines).
        let t = Self.data.table
        let top = (0..<t.count).sorted { scores[$0] > scores[$1] }.prefix(100)
        let precision = Double(top.filter { Self.data.labels[DetectorData.key(t, $0)] != nil }.count) / 100
        #expect(precision >= 0.95, "precision@100 \(precision)")
    }

    @Test("groups fed by the same tariff lines share one fit, and it is the fit each would get alone")
    func sharedFits() throws {
        let t = Self.data.table
        let shared = UnitValueDetector().fit(t, sharing: true), alone = UnitValueDetector().fit(t, sharing: false)
        #expect(shared.groups.keys.sorted() == alone.groups.keys.sorted())
        for (key, g) in alone.groups {
            let s = try #require(shared.groups[key])
            #expect(s.key == key && s.features == g.features && s.rows == g.rows, "\(key)")
            #expect(s.location.map(\.bitPattern) == g.location.map(\.bitPattern), "\(key)")
            #expect(s.scatter.elements.map(\.bitPattern) == g.scatter.elements.map(\.bitPattern), "\(key)")
            #expect(s.medians.map(\.bitPattern) == g.medians.map(\.bitPattern), "\(key)")
        }
        // Sharing happens: some HS6 groups hold one tariff line, so their fit is that line's.
        let repeats = alone.groups.filter { key, g in
            alone.groups.contains { $0.key != key && $0.value.rows == g.rows && $0.value.location == g.location }
        }
        #expect(!repeats.isEmpty)
    }

    @Test("a spread floor: on a line whose packaging barely varies, 2% packaging is not a flag and gross five times net still is")
    func spreadFloor() throws {
        // 72109900 at 1% packaging ± 4% of it, 0.9 USD/kg ± 10%: packaging's fitted spread is far under its floor.
        var rng = SeededRandom(seed: 31)
        var rows: [String] = []
        func row(_ k: Int, net: Double, gross: Double, usd: Double) -> String {
            "D\(k),1,2024-03-01,E\(k % 7),Acme Steel,DE,DE,DE,DE,72109900,\(net),\(usd),USD,,\(gross),\(net),KG"
        }
        for k in 0..<400 {
            let net = 10_000 * (1 + 0.2 * rng.normal())
            rows.append(row(k, net: net, gross: net * (1 + 0.01 * exp(0.04 * rng.normal())), usd: net * 0.9 * exp(0.1 * rng.normal())))
        }
        rows.append(row(400, net: 10_000, gross: 10_200, usd: 9_000))   // 2% packaging
        rows.append(row(401, net: 10_000, gross: 50_000, usd: 9_000))   // gross five times net
        let t = try TinyTable.make(rows, header: TinyTable.header + ",gross_weight_kg,quantity,unit")
        let fitted = try UnitValueDetector().fit(t)
        let group = try #require(fitted.groups.values.first { $0.key.hasPrefix("72109900") })
        let k = try #require(group.features.firstIndex(of: 2))
        #expect(Approximate.equal(group.scatter[k, k], UnitValueFeatures.spreadFloors[2] * UnitValueFeatures.spreadFloors[2], relative: 1e-12))
        let scores = fitted.anomalyScores(t)
        #expect(scores[400] < 1, "2% packaging scored \(scores[400])")
        #expect(scores[401] > 10, "gross five times net scored \(scores[401])")
        // The floor only raises: a variance above it is kept, and the matrix stays positive definite.
        var wide = Matrix(rows: 2, columns: 2)
        wide[0, 0] = 0.5; wide[1, 1] = 0.001; wide[0, 1] = 0.02; wide[1, 0] = 0.02
        let f = UnitValueDetector.floored(wide, features: [0, 2])
        #expect(f[0, 0] == 0.5 && f[1, 1] == 0.09 && f[0, 1] == 0.02)
    }

    @Test("reasons speak an officer's language")
    func reasons() throws {
        let t = Self.data.table
        let fitted = try UnitValueDetector().fit(t)
        let scores = fitted.anomalyScores(t)
        let under = (0..<t.count).filter { Self.data.labels[DetectorData.key(t, $0)] == "undervaluation" }.max { scores[$0] < scores[$1] }!
        let r = fitted.reasons(t, row: under)
        #expect(r.first?.text.contains("USD/kg") == true && r.first?.text.contains("below the median of") == true, "\(r.map(\.text))")
        #expect(r.first?.evidence["feature"] == "USD/kg")
        let calm = (0..<t.count).min { scores[$0] < scores[$1] }!
        #expect(fitted.reasons(t, row: calm).isEmpty)
    }

    @Test("reasons name the peer group a row is compared with", arguments: [
        ("81129290|0", "81129290", "81129290"),
        ("811292|0", "81129290", "HS 811292 (the line 81129290 is too thin alone)"),
        ("81|2", "81129290", "HS 81 (the line 81129290 is too thin alone)"),
        ("|0", "81129290", "all goods (the line 81129290 is too thin alone)"),
        ("|2", "38082900", "all goods (the line 38082900 is too thin alone)"),
    ])
    func scope(key: String, code: String, expected: String) {
        #expect(UnitValueDetector.scope(level: UnitValueDetector.levelOf(groupKey: key), code: code) == expected)
    }

    @Test("the robust fit ignores a 20% cluster of outliers that drags the plain covariance")
    func robustness() throws {
        var rng = SeededRandom(seed: 5)
        let n = 2000
        var x = Matrix(rows: n, columns: 2)
        for i in 0..<n {
            let outlier = i % 5 == 0
            x[i, 0] = (outlier ? 8 : 0) + rng.normal()
            x[i, 1] = (outlier ? -6 : 0) + 0.5 * rng.normal()
        }
        let est = try #require(RobustCovariance.fit(x, order: (0..<n).map { UInt64($0) }))
        #expect(abs(est.location[0]) < 0.15 && abs(est.location[1]) < 0.1, "\(est.location)")
        #expect(abs(est.scatter[0, 0] - 1) < 0.25 && abs(est.scatter[1, 1] - 0.25) < 0.08, "\(est.scatter)")
        let plain = Moments(batch: x)
        #expect(plain.mean[0] > 1.4, "the plain mean is dragged")
    }

    @Test("the reweighted scatter of a clean normal sample is consistent: the 97.5% cut is scaled back")
    func consistency() throws {
        var rng = SeededRandom(seed: 9)
        let n = 40_000
        var x = Matrix(rows: n, columns: 2)
        for i in 0..<n {
            x[i, 0] = rng.normal()
            x[i, 1] = 2 * rng.normal()
        }
        let est = try #require(RobustCovariance.fit(x, order: (0..<n).map { UInt64($0) }))
        // Uncorrected, the inliers' variances come out about 9% small (1 / 1.104 for two features).
        #expect(abs(est.scatter[0, 0] - 1) < 0.04 && abs(est.scatter[1, 1] - 4) < 0.16, "\(est.scatter)")
    }

    @Test("χ² tails and quickselect", arguments: [1, 2, 3, 4])
    func chiSquare(k: Int) {
        // Survival at the 0.975 quantile is 0.025; at the median 0.5.
        #expect(Approximate.equal(ChiSquare.survival(ChiSquare.q975[k], degrees: k), 0.025, relative: 1e-5))
        #expect(Approximate.equal(ChiSquare.survival(ChiSquare.median[k], degrees: k), 0.5, relative: 1e-5))
        #expect(ChiSquare.score(1e6, degrees: k) == 300)
        var rng = SeededRandom(seed: UInt64(k))
        var v = (0..<1001).map { _ in Double.random(in: -5...5, using: &rng) }
        let sorted = v.sorted()
        #expect(Select.kth(&v, 500) == sorted[500])
    }

    @Test("kthOfCopy is kth of a copy, bit for bit, on one and two cores: spread, repeats, zeros of both signs, a NaN, data periodic in the sample's step",
          arguments: [31, 32] as [UInt64])
    func kthOfCopy(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let n = 70_000, step = n / 4096
        let cases: [(String, [Double])] = [
            ("spread", (0..<n).map { _ in Double.random(in: -1e3...1e3, using: &rng) }),
            ("heavy tail", (0..<n).map { _ in Math.exp(Double.random(in: 0...12, using: &rng)) }),
            ("repeats", (0..<n).map { _ in Double(Int.random(in: 0...9, using: &rng)) }),
            ("signed zeros", (0..<n).map { _ in [0.0, -0.0, 1, -1][Int.random(in: 0...3, using: &rng)] }),
            ("a NaN", (0..<n).map { $0 == 777 ? .nan : Double.random(in: 0...1, using: &rng) }),
            // Every sampled value is 0 and every other one large: the sample's bracket misses.
            ("periodic", (0..<n).map { $0 % step == 0 ? 0 : 1e6 + Double($0) }),
        ]
        // A size the one-core bracket takes (the robust fits' subsets), beside the parallel one's.
        let small = (0..<5_000).map { _ in Double.random(in: 0...30, using: &rng) }
        for (name, v) in cases + [("one-core size", small)] {
            let n = v.count
            for k in [0, 1, n / 2, (n - 1) * 3 / 4, (n - 1) * 99 / 100, n - 2, n - 1] {
                var copy = v
                let expected = Select.kth(&copy, k)
                for threads in [1, 2] {
                    let got = Select.kthOfCopy(v, k, threads: threads)
                    #expect(got.bitPattern == expected.bitPattern || (got.isNaN && expected.isNaN), "\(name) k \(k) threads \(threads)")
                }
            }
        }
    }

    @Test("the MCD subset: the k smallest, ties cut by the order array, in index order", arguments: [21, 22, 23] as [UInt64])
    func smallest(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        for count in [1, 2, 5, 64, 500] {
            // Few distinct values, so most thresholds fall in a run of ties.
            let v = (0..<count).map { _ in Double(Int.random(in: 0...6, using: &rng)) }
            let order = (0..<count).map { _ in UInt64.random(in: 0...1_000, using: &rng) }
            for k in Set([1, count / 3 + 1, count / 2 + 1, count]) where k <= count {
                // The definition: by value, then by order, then by index; the first k, by index.
                let expected = v.indices.sorted { (v[$0], order[$0], $0) < (v[$1], order[$1], $1) }.prefix(k).sorted()
                let got = RobustCovariance.smallest(v, k, order: order)
                #expect(got == expected, "seed \(seed) count \(count) k \(k)")
            }
        }
    }

    @Test("the MCD subset with NaN and infinite distances (features of bad data): a NaN counts as the farthest", arguments: [24, 25] as [UInt64])
    func smallestWithNaN(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        for count in [2, 7, 64, 500, 5000] {
            let v = (0..<count).map { _ in
                [Double.nan, .infinity, Double(Int.random(in: 0...6, using: &rng))].randomElement(using: &rng)!
            }
            let order = (0..<count).map { _ in UInt64.random(in: 0...1_000, using: &rng) }
            let key = v.map { $0.isNaN ? Double.infinity : $0 }
            for k in Set([1, count / 2 + 1, count]) where k <= count {
                let expected = v.indices.sorted { (key[$0], order[$0], $0) < (key[$1], order[$1], $1) }.prefix(k).sorted()
                #expect(RobustCovariance.smallest(v, k, order: order) == expected, "seed \(seed) count \(count) k \(k)")
            }
        }
    }

    @Test("features of absurd values are held finite and extreme, never infinite", arguments: [
        (1e308, 1e-300, 1.0, 1.0, 0, UnitValueFeatures.extreme), (1e-300, 1e300, 1.0, 1.0, 0, Math.log(0.01 / 1e300)),
        (1.0, 1e-300, 1e-300, 1e250, 1, -UnitValueFeatures.extreme), (1.0, 1e-300, 1e300, 1.0, 2, UnitValueFeatures.extreme),
        (100.0, 0.0, 1.0, 1.0, 0, Double.nan),
    ])
    func absurdFeatures(usd: Double, net: Double, gross: Double, quantity: Double, j: Int, expected: Double) {
        let f = UnitValueFeatures.feature(j, usd: usd, net: net, gross: gross, quantity: quantity)
        #expect(f.isNaN ? expected.isNaN : Approximate.equal(f, expected), "\(f)")
    }

    @Test("sortedValue is sorted()[k] to the bit: repeats, and zeros of both signs in any order", arguments: [5, 6, 7] as [UInt64])
    func sortedValue(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let pool: [Double] = [-0.0, 0.0, -1.5, 2.25, 0.0, -0.0, 7, -3]
        for count in [1, 2, 3, 10, 101] {
            let v = (0..<count).map { _ in Bool.random(using: &rng) ? pool.randomElement(using: &rng)! : Double.random(in: -4...4, using: &rng) }
            let sorted = v.sorted()
            for k in 0..<count {
                #expect(Select.sortedValue(v, at: k).bitPattern == sorted[k].bitPattern, "seed \(seed) \(v) k \(k)")
            }
        }
    }
}
