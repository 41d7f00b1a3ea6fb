import CSVCore
import Declarations
import Dispatch
import LinearAlgebra

/// Unit value and physical consistency per tariff group.
///
/// Fit: for every group of rows (tariff line × unit class) a robust location
/// and scatter of the log features (`UnitValueFeatures`) by MCD over BLAS
/// (`Moments`: syrk; `Mahalanobis`: potrf + trsm). A line with fewer than
/// `minimumRows` rows falls back up the code hierarchy: HS6, HS4, chapter, all.
/// Score: batched squared Mahalanobis distances against the row's group, one
/// triangular solve per group, and with one more solve each feature's residual
/// given the others (`Mahalanobis.distancesAndResiduals`). Two tests: the χ²
/// tail of the distance (several features off together) and the largest
/// residual's normal tail times the number of features (one feature off, as
/// in undervaluation or a false weight, where the distance dilutes the signal
/// with the other features' noise). The score is −log10 of twice the smaller p
/// (Bonferroni over the two tests);
/// at least `FittedUnitValue.grossBelowNetScore` when the gross weight is below
/// the net weight.
/// Missing features are filled with the group's location (they add nothing).
/// Goods declared as samples (`DeclaredSample`) have no USD/kg feature: their
/// value is nominal, so only their weights are compared.
public struct UnitValueDetector: Detector {
    public typealias Fitted = FittedUnitValue
    public static let requiredFields: [CanonicalField] = [.netWeightKg]

    /// Rows a group needs before it gets its own model.
    public var minimumRows: Int
    /// Rows a group is fitted on at most (a sample by row-key hash: the same whatever the row order).
    public var maximumFitRows: Int

    public init(minimumRows: Int = 40, maximumFitRows: Int = 8_000) {
        self.minimumRows = minimumRows
        self.maximumFitRows = maximumFitRows
    }

    /// Rows grouped by (tariff code, unit class) pair: pairs numbered in order of
    /// first appearance, each pair's rows in row order, laid out pair after pair
    /// in one flat array (`rows[starts[p]..<starts[p + 1]]`: 4 bytes a row where
    /// an array per pair took 8 and its growth).
    struct Pairs {
        /// Pair number per (code, class) key, `code × 4 + class` (−1: none).
        let index: [Int32]
        let code: [String], unitClass: [Int]
        let starts: [Int]
        let rows: [Int32]
        /// Row ranges counted apart, and where each range's rows of each pair
        /// start in `rows` (`firsts[range × pairs + pair]`).
        let ranges: [Range<Int>]
        let firsts: [Int]

        /// The pairs of `table`, counted and placed over `parts` row ranges on
        /// every core (0: a few per core, of at least 64K rows): the numbering and
        /// order one pass in row order gives, whatever the ranges.
        init(_ table: DeclarationTable, parts: Int = 0) {
            let hs = table.text(.hsCode)!
            let classes = UnitValueFeatures.Classes(table)
            let codes = hs.codes, n = table.count, keys = hs.values.count * 4
            let partCount = parts > 0 ? max(1, min(parts, n)) : min(System.cores * 4, n / 65_536 + 1)
            let ranges = (0..<partCount).map { (n * $0 / partCount)..<(n * ($0 + 1) / partCount) }
            // Pass 1, per range: its keys in order of first appearance and each one's rows.
            let local = Parallel.map(0..<partCount, threads: System.cores) { k -> (order: [Int32], counts: [Int]) in
                var slot = [Int32](repeating: -1, count: keys)
                var order: [Int32] = [], counts: [Int] = []
                for r in ranges[k] {
                    let key = Int(codes[r]) * 4 + classes[r]
                    var i = Int(slot[key])
                    if i < 0 {
                        i = order.count
                        slot[key] = Int32(i)
                        order.append(Int32(key))
                        counts.append(0)
                    }
                    counts[i] += 1
                }
                return (order, counts)
            }
            // Pairs numbered as the ranges met them, range after range.
            var index = [Int32](repeating: -1, count: keys)
            var code: [String] = [], unitClass: [Int] = []
            for part in local {
                for key in part.order where index[Int(key)] < 0 {
                    index[Int(key)] = Int32(code.count)
                    code.append(hs.values.string(UInt32(key / 4)))
                    unitClass.append(Int(key % 4))
                }
            }
            let pairs = code.count
            var counts = [Int](repeating: 0, count: partCount * pairs)
            for (k, part) in local.enumerated() {
                for (key, c) in zip(part.order, part.counts) { counts[k * pairs + Int(index[Int(key)])] = c }
            }
            var starts = [0], firsts = [Int](repeating: 0, count: partCount * pairs)
            starts.reserveCapacity(pairs + 1)
            for p in 0..<pairs {
                var at = starts[p]
                for k in 0..<partCount {
                    firsts[k * pairs + p] = at
                    at += counts[k * pairs + p]
                }
                starts.append(at)
            }
            self.index = index
            self.code = code
            self.unitClass = unitClass
            self.starts = starts
            self.ranges = ranges
            self.firsts = firsts
            // Pass 2: each row after its pair's earlier rows.
            rows = Pairs.placed(table, index: index, ranges: ranges, firsts: firsts) { Int32(truncatingIfNeeded: $0) }
        }

        /// `values` (one per row, in row order) in the order of `rows`: read in
        /// row order and written pair by pair, so neither side jumps about.
        func inPairOrder<T: Sendable>(_ values: [T], _ table: DeclarationTable) -> [T] {
            Pairs.placed(table, index: index, ranges: ranges, firsts: firsts) { values[$0] }
        }

        /// `value(r)` of every row `r`, placed in pair order (one write stream
        /// per pair and range), the ranges on every core: each range's rows of a
        /// pair go after the earlier ranges' rows of it.
        private static func placed<T: Sendable>(_ table: DeclarationTable, index: [Int32], ranges: [Range<Int>],
                                                firsts: [Int], _ value: @Sendable (Int) -> T) -> [T] {
            let codes = table.text(.hsCode)!.codes, classes = UnitValueFeatures.Classes(table)
            let pairs = firsts.count / max(1, ranges.count)
            return [T](unsafeUninitializedCapacity: table.count) { out, initialized in
                // safe: the ranges' slots of each pair are disjoint, and together they are every slot.
                nonisolated(unsafe) let base = out.baseAddress!
                DispatchQueue.concurrentPerform(iterations: ranges.count) { k in
                    var next = Array(firsts[(k * pairs)..<((k + 1) * pairs)])
                    for r in ranges[k] {
                        let p = Int(index[Int(codes[r]) * 4 + classes[r]])
                        (base + next[p]).initialize(to: value(r))
                        next[p] += 1
                    }
                }
                initialized = table.count
            }
        }

        var count: Int { code.count }
        func rows(of p: Int) -> ArraySlice<Int32> { rows[starts[p]..<starts[p + 1]] }

        /// Where a fit leaves them for the scoring of its table (`TableFacts.stash`).
        static let factsKey = "unit_value.pairs"
    }

    /// The hierarchy levels of a code: full line, HS6, HS4, chapter, everything.
    static func levels(_ code: String) -> [String] {
        var out = [code]
        for n in [6, 4, 2] where code.count > n { out.append(String(code.prefix(n))) }
        out.append("")
        return out
    }

    /// The code level of a group key "level|unitClass" ("" for all goods).
    static func levelOf(groupKey: String) -> String {
        String(groupKey.prefix { $0 != "|" })
    }

    /// The peer group a reason compares `code` with, in words.
    static func scope(level: String, code: String) -> String {
        if level == code { return code }
        return "\(level.isEmpty ? "all goods" : "HS \(level)") (the line \(code) is too thin alone)"
    }

    public func fit(_ table: DeclarationTable) throws -> FittedUnitValue {
        fit(table, sharing: true)
    }

    /// `fit`, reading the declared samples from `facts` and leaving every row's
    /// features there for the scoring of the same table (`FittedUnitValue`
    /// takes them): 240 MB at 10M rows, built once instead of twice.
    public func fit(_ table: DeclarationTable, facts: TableFacts) throws -> FittedUnitValue {
        fit(table, sharing: true, facts: facts)
    }

    /// `fit`, with `sharing` false fitting every group on its own even where
    /// another group has the same rows (the oracle of sharing, in tests).
    func fit(_ table: DeclarationTable, sharing: Bool, facts: TableFacts? = nil) -> FittedUnitValue {
        // Rows by (code, unit class) pair, on interned codes; strings only per distinct pair.
        let pairs = Pairs(table)
        // Rows per level group, from the pairs' counts, to sample big groups while grouping.
        var groupRows: [String: Int] = [:]
        for p in 0..<pairs.count {
            for key in UnitValueDetector.levels(pairs.code[p]) { groupRows["\(key)|\(pairs.unitClass[p])", default: 0] += pairs.rows(of: p).count }
        }
        // Each group's rows (a key-hash sample of big groups), pair by pair in row order.
        var groupIndex: [String: Int] = [:]
        var groupCuts: [UInt64] = []
        // The pairs feeding each group, ascending: groups fed by the same pairs
        // (an HS6 with one tariff line, a chapter with one HS4) have the same rows.
        var pairLists: [[Int32]] = []
        for p in 0..<pairs.count where pairs.starts[p] < pairs.starts[p + 1] {
            for key in UnitValueDetector.levels(pairs.code[p]) {
                let k = "\(key)|\(pairs.unitClass[p])"
                let g = groupIndex[k] ?? pairLists.count
                if g == pairLists.count {
                    groupIndex[k] = g
                    pairLists.append([])
                    groupCuts.append(UnitValueDetector.sampleCut(rows: groupRows[k]!, maxRows: maximumFitRows))
                }
                pairLists[g].append(Int32(p))
            }
        }
        // Every row's key hash, once (the table does not store them), in the pairs' order,
        // so the groups below read them in sequence: sampling and the fits' tie order read them.
        // The groups gather their members on every core, each its own pairs in order.
        let memberLists: [Members] = {
            let keyHashes = pairs.inPairOrder(Parallel.rows(table.count) { table.keyHash($0) }, table)
            return Parallel.map(0..<pairLists.count, threads: System.cores) { [pairLists, groupCuts] g in
                var m = Members()
                let cut = groupCuts[g]
                for p in pairLists[g] {
                    for i in pairs.starts[Int(p)]..<pairs.starts[Int(p) + 1] {
                        let h = keyHashes[i]
                        if cut == .max || h <= cut {
                            m.rows.append(pairs.rows[i])
                            m.hashes.append(h)
                        }
                    }
                }
                return m
            }
        }()
        let members = groupIndex.mapValues { memberLists[$0] }
        // A group's size for the minimum-rows rule is its full size, not its sample's.
        let keys = members.keys.filter { groupRows[$0]! >= minimumRows || $0.hasPrefix("|") }.sorted()
        // Groups fed by the same pairs have the same rows, the same total and so
        // the same sample: one fit serves them all (about 45% of the groups of a
        // generated feed repeat another's). `fits` lists the first key of each
        // distinct group; `fitOf[k]` is key k's place in it.
        var firstFit: [[Int32]: Int] = [:]
        var fits: [Int] = [], fitOf: [Int] = []
        for (k, key) in keys.enumerated() {
            let feeding = pairLists[groupIndex[key]!]
            if sharing, let f = firstFit[feeding] { fitOf.append(f); continue }
            firstFit[feeding] = fits.count
            fitOf.append(fits.count)
            fits.append(k)
        }
        // safe: fits write distinct slots; the table is read only.
        let results = UnsafeMutableBufferPointer<FittedUnitValue.Group?>.allocate(capacity: fits.count)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        nonisolated(unsafe) let out = results
        let maxRows = maximumFitRows
        let features = UnitValueFeatures.Rows(UnitValueFeatures.Source(table), declaredSample: facts?.declaredSamples() ?? DeclaredSample.rows(table))
        let fitKeys = fits.map { keys[$0] }
        let memberRows = fitKeys.map { members[$0]! }
        let totals = fitKeys.map { groupRows[$0]! }
        BLASThreading.withThreadCount(1) {
            DispatchQueue.concurrentPerform(iterations: fitKeys.count) { k in
                out[k] = UnitValueDetector.fitGroup(key: fitKeys[k], rows: memberRows[k], total: totals[k], table: table,
                                                    features: features, maxRows: maxRows)
            }
        }
        var groups: [String: FittedUnitValue.Group] = [:]
        for (k, key) in keys.enumerated() {
            guard var g = results[fitOf[k]] else { continue }
            g.key = key
            groups[key] = g
        }
        facts?.stash(UnitValueFeatures.Rows.factsKey, features)
        facts?.stash(Pairs.factsKey, pairs)
        return FittedUnitValue(groups: groups, minimumRows: minimumRows)
    }

    /// A group's member rows in pair order and their key hashes.
    struct Members {
        var rows: [Int32] = []
        var hashes: [UInt64] = []
    }

    /// The key-hash cut that keeps about `maxRows` of `rows` rows: the same sample
    /// whatever the row order (`.max`: keep all).
    static func sampleCut(rows: Int, maxRows: Int) -> UInt64 {
        let fraction = min(1, 1.1 * Double(maxRows) / Double(max(1, rows)))
        return fraction >= 1 ? .max : UInt64(Double(UInt64.max >> 11) * fraction) << 11
    }

    /// `scatter` (of the features `present`) with each variance raised to at
    /// least its feature's floor squared (`UnitValueFeatures.spreadFloors`).
    /// Raising diagonal entries keeps the matrix positive definite; it also
    /// weakens the feature's correlations, as a floor should.
    static func floored(_ scatter: Matrix, features present: [Int]) -> Matrix {
        var s = scatter
        for (k, j) in present.enumerated() {
            let floor = UnitValueFeatures.spreadFloors[j]
            if s[k, k] < floor * floor { s[k, k] = floor * floor }
        }
        return s
    }

    /// Fits one group on `rows` (already sampled by key hash when the group, of
    /// `total` rows, is big).
    static func fitGroup(key: String, rows members: Members, total: Int, table: DeclarationTable,
                         features all: UnitValueFeatures.Rows, maxRows: Int) -> FittedUnitValue.Group? {
        let take = min(members.rows.count, maxRows * 2)
        let sample = members.rows.prefix(take).map { Int($0) }
        let d = UnitValueFeatures.count, n = sample.count
        // Every feature's column (feature j at j × n).
        let features = UnitValueFeatures.columns(all, rows: sample, features: Array(0..<d))
        // Which features this group has at all (≥ half the rows).
        let present = (0..<d).filter { j in features[(j * n)..<((j + 1) * n)].filter { !$0.isNaN }.count * 2 >= n }
        guard !present.isEmpty else { return nil }
        // Medians fill the missing values.
        var medians = [Double](repeating: 0, count: d)
        for j in present {
            let v = features[(j * n)..<((j + 1) * n)].filter { !$0.isNaN }
            medians[j] = v.isEmpty ? 0 : Select.sortedValue(v, at: v.count / 2)
        }
        var columns: [Double] = []
        columns.reserveCapacity(n * present.count)
        for j in present { columns.append(contentsOf: features[(j * n)..<((j + 1) * n)].lazy.map { $0.isNaN ? medians[j] : $0 }) }
        guard let x = try? Matrix(rows: n, columns: present.count, columnMajor: columns) else { return nil }
        guard let e = RobustCovariance.fit(x, order: Array(members.hashes.prefix(take))) else { return nil }
        return FittedUnitValue.Group(key: key, features: present, location: e.location,
                                     scatter: floored(e.scatter, features: present),
                                     medians: medians, rows: total)
    }
}

/// A fitted unit-value model: one robust (location, scatter) per group.
public struct FittedUnitValue: FittedDetector {
    public static let name = "unit_value"

    public struct Group: Sendable, Codable {
        /// "code|unitClass" ("|c" for the fallback over everything).
        public var key: String
        /// Which of `UnitValueFeatures` the group uses.
        public var features: [Int]
        public var location: [Double]
        public var scatter: Matrix
        /// Medians per feature (all features), for filling gaps and explanations.
        public var medians: [Double]
        /// Rows the group had at fit time.
        public var rows: Int
    }

    public var groups: [String: Group]
    public var minimumRows: Int

    /// The least score of a row whose gross weight is more than 1% below its net
    /// weight: physically impossible, whatever the group's spread (a 10⁻⁶ rarity).
    public static let grossBelowNetScore = 6.0

    /// −log10 of twice the smaller of the χ² tail of `squaredDistance` and the
    /// Bonferroni-corrected normal tail of the largest squared residual (see the type's notes).
    ///
    /// Half the rows of a group sit inside both tails' zero region (the joint
    /// tail at least 1/2, the single one at least 1/(2d)): they score exactly 0
    /// without the two `erfc`, the `exp` and the logarithms, which were a third
    /// of scoring's time. `zeroBelow` keeps a 1% margin inside that region.
    static func score(squaredDistance: Double, largestResidual2: Double, features d: Int) -> Double {
        if d > 1, d < zeroBelow.count, squaredDistance < zeroBelow[d].joint, largestResidual2 < zeroBelow[d].single,
           squaredDistance >= 0, largestResidual2 >= 0 {
            return 0
        }
        return fullScore(squaredDistance: squaredDistance, largestResidual2: largestResidual2, features: d)
    }

    /// Per feature count d (2…4): below these a row scores 0. 99% of the χ²(d)
    /// median (where the joint tail is 1/2) and of the χ²(1) quantile where the
    /// single tail is 1/(2d) (found by bisection: 1.32330, 1.91267, 2.35353).
    static let zeroBelow: [(joint: Double, single: Double)] = [
        (0, 0), (0, 0),
        (0.99 * 1.386_294, 0.99 * 1.323_303),
        (0.99 * 2.365_974, 0.99 * 1.912_672),
        (0.99 * 3.356_694, 0.99 * 2.353_525),
    ]

    /// `score` without the zero region's shortcut: its oracle.
    static func fullScore(squaredDistance: Double, largestResidual2: Double, features d: Int) -> Double {
        let joint = ChiSquare.score(squaredDistance, degrees: d)
        guard d > 1 else { return joint }
        let single = ChiSquare.score(largestResidual2, degrees: 1) - Math.log10(Double(d))
        return max(0, max(joint, single) - Math.log10(2))
    }

    @inline(__always)
    static func grossBelowNet(gross: Double, net: Double) -> Bool { gross > 0 && net > 0 && gross < 0.99 * net }

    /// The group that scores a row: the most specific level with a model.
    func group(code: String, unitClass: Int) -> Group? {
        for key in UnitValueDetector.levels(code) { if let g = groups["\(key)|\(unitClass)"] { return g } }
        for uc in 0...3 { if let g = groups["|\(uc)"] { return g } }
        return nil
    }

    public func anomalyScores(_ table: DeclarationTable) -> [Double] { anomalyScores(table, facts: nil) }

    /// Scores, and an explainer, reading the features a fit on the same table
    /// left in `facts` (or the declared samples there, to build them).
    public func scoresAndExplainer(_ table: DeclarationTable, facts: TableFacts) -> ([Double], @Sendable (Int) -> [Reason]) {
        (anomalyScores(table, facts: facts), explainer(table, samples: facts.declaredSamples()))
    }

    func anomalyScores(_ table: DeclarationTable, facts: TableFacts?) -> [Double] {
        var scores = [Double](repeating: 0, count: table.count)
        guard table.text(.hsCode) != nil else { return scores }
        // Rows by the group that scores them, decided once per (code, unit class) pair. A fit of
        // this table leaves its pairs (the same for any model): not rebuilding them here keeps
        // a second 40 MB row list (at 10M rows) off the scan's peak, which is in this scoring.
        let pairs = facts?.take(UnitValueDetector.Pairs.factsKey, as: UnitValueDetector.Pairs.self) ?? UnitValueDetector.Pairs(table)
        var byGroup: [String: [Int]] = [:]
        for p in 0..<pairs.count {
            if let g = group(code: pairs.code[p], unitClass: pairs.unitClass[p]) { byGroup[g.key, default: []].append(p) }
        }
        // Each group's pairs; a group's rows (its pairs' rows one pair after another) are
        // gathered as it is scored, so only the groups being scored hold theirs.
        let work = byGroup.sorted { $0.key < $1.key }
        let model = self
        let source = UnitValueFeatures.Source(table)
        let features = facts?.take(UnitValueFeatures.Rows.factsKey, as: UnitValueFeatures.Rows.self)
            ?? UnitValueFeatures.Rows(source, declaredSample: facts?.declaredSamples() ?? DeclaredSample.rows(table))
        // Read in row order too, like the features; one bit a row (bit r % 64 of
        // word r / 64), so the lookups in group order below hit a 1.25 MB bitmap
        // at 10M rows, which stays in cache, where a Bool a row (10 MB) missed on
        // nearly every row: three quarters of the scoring loop's samples.
        let n = table.count
        let below: [UInt64] = source.net.flatMap { net in
            source.gross.map { gross in
                Parallel.rows((n + 63) / 64) { w in
                    var word: UInt64 = 0
                    for r in (w * 64)..<min(n, w * 64 + 64) where FittedUnitValue.grossBelowNet(gross: gross[r], net: net[r]) {
                        word |= 1 << UInt64(r & 63)
                    }
                    return word
                }
            }
        } ?? [UInt64](repeating: 0, count: (n + 63) / 64)
        scores.withUnsafeMutableBufferPointer { out in
            // safe: groups partition the rows, so each iteration writes its own rows.
            nonisolated(unsafe) let shared = out
            BLASThreading.withThreadCount(1) {
                DispatchQueue.concurrentPerform(iterations: work.count) { k in
                    let (key, ps) = work[k]
                    let rows = ps.flatMap { pairs.rows(of: $0) }
                    let g = model.groups[key]!
                    // The group's features, missing values filled with its medians.
                    let n = rows.count
                    var columns = UnitValueFeatures.columns(features, rows: rows, features: g.features)
                    for (c, j) in g.features.enumerated() {
                        for i in (c * n)..<((c + 1) * n) where columns[i].isNaN { columns[i] = g.medians[j] }
                    }
                    guard let x = try? Matrix(rows: n, columns: g.features.count, columnMajor: columns) else { return }
                    // One Cholesky and one triangular solve for the whole group.
                    guard let m = try? Mahalanobis(location: g.location, scatter: g.scatter),
                          let (d2, residuals) = try? m.distancesAndResiduals(x) else { return }
                    let d = g.features.count
                    let residual = residuals.elements, stride = residuals.rows
                    let ahead = UnitValueFeatures.prefetchDistance
                    for (i, row) in rows.enumerated() {
                        let r = Int(row)
                        // The row's score slot lies far from the last one's, as its features did.
                        if i &+ ahead < rows.count { Prefetch.read(shared, at: Int(rows[i &+ ahead])) }
                        var largest = 0.0
                        for c in 0..<d { largest = max(largest, residual[i + c * stride] * residual[i + c * stride]) }
                        var s = FittedUnitValue.score(squaredDistance: d2[i], largestResidual2: largest, features: d)
                        if below[r >> 6] & (1 << UInt64(r & 63)) != 0 { s = max(s, FittedUnitValue.grossBelowNetScore) }
                        shared[r] = s
                    }
                }
            }
        }
        return scores
    }

    public func reasons(_ table: DeclarationTable, row r: Int) -> [Reason] { reasons(table, row: r, places: nil, samples: nil) }

    /// An explainer that finds each (tariff code, unit) pair's group once.
    public func explainer(_ table: DeclarationTable) -> @Sendable (Int) -> [Reason] { explainer(table, samples: nil) }

    /// The same, with every row's declared-sample flag already known (`samples`).
    func explainer(_ table: DeclarationTable, samples: [Bool]?) -> @Sendable (Int) -> [Reason] {
        let model = self, places = Places()
        return { model.reasons(table, row: $0, places: places, samples: samples) }
    }

    /// Where a row's (tariff code, unit) pair is scored: its code and unit as
    /// text, the unit's class, the group, and the group's name and scope in words.
    struct Place: Sendable {
        var code: String, unit: String, unitClass: Int
        var group: Group?, groupName: String, scope: String
    }

    /// Places by (code, unit) dictionary codes, worked out on first use.
    typealias Places = LockedMemo<UInt64, Place>

    func place(_ table: DeclarationTable, _ r: Int, hs: TextColumn) -> Place {
        let code = hs.string(r)
        let unit = table.text(.quantityUnit)?.string(r) ?? ""
        let uc = UnitValueFeatures.unitClass(unit)
        let g = group(code: code, unitClass: uc)
        let groupName = g.map { UnitValueDetector.levelOf(groupKey: $0.key) } ?? ""
        return Place(code: code, unit: unit, unitClass: uc, group: g, groupName: groupName,
                     scope: UnitValueDetector.scope(level: groupName, code: code))
    }

    func reasons(_ table: DeclarationTable, row r: Int, places: Places?, samples: [Bool]?) -> [Reason] {
        guard let hs = table.text(.hsCode) else { return [] }
        let units = table.text(.quantityUnit)
        let key = UInt64(hs.codes[r]) << 32 | UInt64(units.map { $0.codes[r] } ?? 0)
        let at = places?.value(key) { place(table, r, hs: hs) } ?? place(table, r, hs: hs)
        guard let g = at.group else { return [] }
        let unit = at.unit, uc = at.unitClass, groupName = at.groupName, scope = at.scope
        let f = UnitValueFeatures.row(table, r, declaredSample: samples?[r] ?? DeclaredSample.row(table, r))
        var out: [Reason] = []
        let net = table.numbers(.netWeightKg)?[r] ?? .nan, gross = table.numbers(.grossWeightKg)?[r] ?? .nan
        let below = Self.grossBelowNet(gross: gross, net: net)
        for (k, j) in g.features.enumerated() where !f[j].isNaN {
            let sd = g.scatter[k, k].squareRoot()
            let z = (f[j] - g.location[k]) / max(sd, 1e-9)
            guard abs(z) >= 3 || (j == 2 && below) else { continue }
            let ratio = Math.exp(abs(f[j] - g.medians[j]))
            let direction = f[j] < g.medians[j] ? "below" : "above"
            let times = ratio >= 10 ? ProseNumber.whole(ratio) : ProseNumber.cut(ratio, places: 1)
            let text: String
            switch j {
            case 0: text = "USD/kg \(times)x \(direction) the median of \(scope)"
            case 1 where uc == 0: text = "quantity in kg \(times)x \(f[j] < g.medians[j] ? "above" : "below") the net weight (usual for \(scope): equal)"
            case 1 where uc == 1: text = "kg per unit \(times)x \(direction) the usual for \(scope)"
            case 1: text = "kg per \(unit.isEmpty ? "unit" : unit) \(times)x \(direction) the usual for \(scope)"
            default:
                let grossRatio = gross / net, usual = UnitValueFeatures.grossOverNet(packaging: g.medians[j])
                text = below ? "gross weight below the net weight (gross/net \(format(grossRatio)), usual \(format(usual)) for \(scope))"
                    : "gross weight \(format(grossRatio))x the net weight (usual \(format(usual))x for \(scope))"
            }
            let shown = j == 2 ? gross / net : Math.exp(f[j])
            let usualShown = j == 2 ? UnitValueFeatures.grossOverNet(packaging: g.medians[j]) : Math.exp(g.medians[j])
            out.append(Reason(detector: Self.name, text: text, strength: j == 2 && below ? max(abs(z), Self.grossBelowNetScore) : abs(z), evidence: [
                "feature": UnitValueFeatures.names[j], "value": format(shown), "median": format(usualShown),
                "group": groupName.isEmpty ? "all" : groupName, "z": format(z),
            ]))
        }
        return out.sorted { $0.strength > $1.strength }
    }

    private func format(_ v: Double) -> String {
        let a = abs(v)
        if a >= 100 { return ProseNumber.whole(v) }
        if a >= 1 { return ProseNumber.cut(v, places: 2) }
        return ProseNumber.cut(v, places: 4)
    }
}


