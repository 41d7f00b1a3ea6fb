import CSVCore
import Declarations

/// Split shipments (structuring): bursts of shipments from one exporter to one
/// consignee, within a few days, each just under a licence threshold and
/// declared without a licence.
///
/// Thresholds come from the controls table (licence rules with a quantity
/// threshold, in force on the date, the destination in scope). For a controlled
/// group whose rules give none, fit learns a round-number threshold from the
/// data: the `x ∈ {1, 2, 5}·10ᵏ` kg with the most unlicensed shipments in
/// `[0.85x, x)` against the larger of `[x, 1.15x)` and `[0.7x, 0.85x)` (at least
/// 10 of them and 3 times as many as either neighbour).
///
/// A shipment is one declaration's goods of one group (its items add up: a
/// licence covers the declaration). It is near the threshold `t` when its net
/// weight is in `[0.8t, t)` and no item carries a well-formed licence number. For each such
/// shipment, `n` counts the near-threshold shipments of the same exporter,
/// consignee and item group within `window` days either side (itself included)
/// and `S` their kg. Score, when `n ≥ 2` (else 0): `−log10 P(N ≥ n − 1) +
/// max(0, S/t − 1)/2 · max(0, 1 − λ/n)`, N Poisson with the pair's own rate of such shipments in
/// a window of that length: λ = (its near-threshold shipments in the fit data
/// + 1) · (2·window + 1) / the fit data's days (0.1st to 99.9th percentile date,
/// at least 365). A burst is evidence of splitting
/// only against the pair's habit: a dealer pair that ships just under the
/// threshold every few days has chance bursts (on 10M generated rows, counted
/// once by a script not kept, those pairs had a median of 196 such shipments
/// and λ ≈ 5, the planted ones 39 and λ ≈ 0.9; with the count alone, `log2(n)`, they held 9,778 of the top 1%'s
/// 13,400 false positives). A single shipment just under the threshold scores 0:
/// it is legitimate on its own.
/// Near-threshold shipments of the last `window` days of the history are kept in
/// the model, so a burst spanning the history and a new feed is still seen.
public struct SplitShipmentDetector: Detector {
    public typealias Fitted = FittedSplitShipment
    public static let requiredFields: [CanonicalField] = [.hsCode, .netWeightKg, .counterpartyName]
    public var controls: ControlsTable
    public var window: Int

    public init(controls: ControlsTable = .standard, window: Int = 14) {
        self.controls = controls
        self.window = window
    }

    public func fit(_ table: DeclarationTable) throws -> FittedSplitShipment { try fit(table, facts: TableFacts(table)) }

    public func fit(_ table: DeclarationTable, facts: TableFacts) throws -> FittedSplitShipment {
        let context = facts.context(controls)
        var model = FittedSplitShipment(controls: controls, window: window, learned: [:], tail: [:])
        model.historyDays = FittedSplitShipment.historyDays(table.date)
        // Learned thresholds for groups the controls table gives none.
        let net = table.numbers(.netWeightKg)!
        let withThreshold = Set(controls.rules.filter { $0.kind == .licence && $0.thresholdKg != nil }.map(\.group))
        let learns = context.groups.map { !withThreshold.contains($0) }
        let licensed = FittedSplitShipment.licensed(table)
        var weights = [[Double]](repeating: [], count: context.groups.count)
        for r in 0..<table.count {
            let g = Int(context.group[r])
            if g >= 0 && learns[g] && !licensed(r) { weights[g].append(net[r]) }
        }
        for (g, name) in context.groups.enumerated() where learns[g] {
            if let t = FittedSplitShipment.learnThreshold(weights[g]) { model.learned[name] = t }
        }
        // The tail: near-threshold shipments of the history's last `window` days.
        if let last = table.date.max() {
            let p = model.prepare(table, facts: facts)
            var counts: [String: Int] = [:]
            for ship in p.nearThreshold { counts[model.pairName(p, table, ship.rows[0]), default: 0] += 1 }
            model.pairCounts = counts
            for ship in p.nearThreshold where Int(ship.day) > Int(last) - window {
                model.tail[model.pairName(p, table, ship.rows[0]), default: []].append(.init(day: ship.day, kg: ship.kg, threshold: ship.threshold, key: ship.key))
            }
            for k in model.tail.keys { model.tail[k]!.sort { ($0.day, $0.key) < ($1.day, $1.key) } }
            // Every tail key is a row of this table: its scoring need not hash every row to find them.
            let keys = model.tailKeys
            _ = facts.memo(FittedSplitShipment.presentKey(keys)) { keys }
        }
        return model
    }
}

public struct FittedSplitShipment: FittedDetector {
    public static let name = "split_shipments"

    struct Event: Sendable, Codable, Equatable {
        var day: Int32
        var kg: Double
        var threshold: Double
        /// The row's key hash, so a rescored history row is not counted twice.
        var key: UInt64
    }

    public var controls: ControlsTable
    public var window: Int
    /// Item group → learned threshold (kg), for groups the controls table gives none.
    public var learned: [String: Double]
    /// Pair name → near-threshold shipments of the history's last `window` days.
    var tail: [String: [Event]]
    /// Pair name → its near-threshold shipments in the fit data, and the fit data's
    /// days (`historyDays`): each pair's own rate. nil in a model written
    /// before they were kept, which scores every pair at the rate of one such
    /// shipment in a year.
    var pairCounts: [String: Int]? = nil
    var historyDays: Int? = nil

    /// The days a history spans, from its 0.1st to its 99.9th percentile date
    /// (nil when empty): one mistyped date (ingest takes 1990–2035) does not
    /// stretch it, where first to last made every pair's rate smaller and every
    /// burst more surprising. A count per day, one pass.
    static func historyDays(_ dates: [Int32]) -> Int? {
        guard let lo = dates.min(), let hi = dates.max() else { return nil }
        var perDay = [Int](repeating: 0, count: Int(hi) - Int(lo) + 1)
        for d in dates { perDay[Int(d) - Int(lo)] += 1 }
        let cut = dates.count / 1000
        var seen = 0, first = 0
        while seen + perDay[first] <= cut { seen += perDay[first]; first += 1 }
        seen = 0
        var last = perDay.count - 1
        while seen + perDay[last] <= cut { seen += perDay[last]; last -= 1 }
        return last - first + 1
    }

    /// The expected near-threshold shipments of pair `name` in a window of
    /// `2·window + 1` days. A history shorter than a year is read as a year's
    /// trade: a week's file cannot tell a burst from a habit, and a burst in it
    /// is taken as unusual.
    func usualInWindow(_ name: String) -> Double {
        let days = max(historyDays ?? 365, 365)
        return (Double(pairCounts?[name] ?? 0) + 1) * Double(2 * window + 1) / Double(days)
    }

    /// A burst's score (see the type's notes): how unusual `count` near-threshold
    /// shipments in a window are for a pair that has `usual` of them there, plus
    /// half the thresholds' worth of kg past the first, counted for the share of
    /// the burst its habit does not explain.
    static func burstScore(count n: Int, kg: Double, threshold t: Double, usual: Double) -> Double {
        poissonSurprise(atLeast: n - 1, mean: usual) + max(0, kg / t - 1) / 2 * max(0, 1 - usual / Double(n))
    }

    /// −log10 of P(N ≥ k) for N Poisson with mean `lambda` > 0 (0 for k ≤ 0), from
    /// the upper terms summed in log space (no cancellation for a tiny tail), at most 300.
    static func poissonSurprise(atLeast k: Int, mean lambda: Double) -> Double {
        guard k > 0, lambda > 0 else { return 0 }
        var logFactorial = 0.0
        for i in stride(from: 2, through: k, by: 1) { logFactorial += Math.log(Double(i)) }
        let logLambda = Math.log(lambda)
        let first = -lambda + Double(k) * logLambda - logFactorial
        // Terms relative to the first: ratios λ / j, summed until they no longer count.
        var sum = 1.0, term = 1.0, j = k
        while true {
            j += 1
            term *= lambda / Double(j)
            sum += term
            if (Double(j) > lambda && term < 1e-17 * sum) || j > k + 10_000 { break }
        }
        let log10P = (first + Math.log(sum)) / Math.log(10)
        return min(300, max(0, -log10P))
    }

    /// Whether a row carries a well-formed licence number: judged once per distinct number.
    struct Licensed: Sendable {
        let codes: CodeColumn?
        let wellFormed: [Bool]
        @inline(__always) func callAsFunction(_ r: Int) -> Bool { codes.map { wellFormed[Int($0[r])] } ?? false }
    }

    static func licensed(_ t: DeclarationTable) -> Licensed {
        guard let l = t.text(.licenceNumber) else { return Licensed(codes: nil, wellFormed: []) }
        return Licensed(codes: l.codes, wellFormed: (0..<l.values.count).map { FittedLicence.wellFormed(l.values.bytes(UInt32($0))) })
    }

    /// The round number (kg) with the most excess of shipments just under it, if
    /// any stands out: `[0.85x, x)` against the larger of its neighbours `[x, 1.15x)`
    /// and `[0.7x, 0.85x)`, so the upper edge of a range is not mistaken for a heap.
    public static func learnThreshold(_ weights: [Double]) -> Double? {
        var best: (x: Double, ratio: Double)? = nil
        for k in -1...5 {
            for m in [1.0, 2, 5] {
                let x = m * pow10(k)
                var below = 0, above = 0, lower = 0
                for w in weights where w.isFinite {
                    if w >= 0.85 * x && w < x { below += 1 } else if w >= x && w < 1.15 * x { above += 1 } else if w >= 0.7 * x && w < 0.85 * x { lower += 1 }
                }
                let ratio = Double(below + 1) / Double(max(above, lower) + 1)
                if below >= 10 && ratio >= 3 && ratio > (best?.ratio ?? 0) { best = (x, ratio) }
            }
        }
        return best?.x
    }

    static func pow10(_ k: Int) -> Double {
        var v = 1.0
        for _ in 0..<abs(k) { v *= 10 }
        return k < 0 ? 1 / v : v
    }

    /// One declaration's goods of one controlled group: the shipment a licence is judged on.
    struct Shipment: Sendable {
        var rows: [Int]
        var day: Int32
        var kg: Double
        var threshold: Double
        /// The first row's key hash (identifies the shipment across tables).
        var key: UInt64
    }

    struct Prepared: Sendable {
        var context: TradeContext
        /// Unlicensed shipments whose kg sits in `[0.8t, t)` of their threshold `t`.
        var nearThreshold: [Shipment]
    }

    /// With `facts`, the shipments are worked out once for equal models (fit's tail and
    /// the score read the same ones).
    func prepare(_ table: DeclarationTable, facts: TableFacts? = nil) -> Prepared {
        guard let facts else { return prepare(table, context: TableFacts(table).context(controls)) }
        let key = "split-shipments|" + stableFingerprint("\(controls.rules)|\(learned.sorted { $0.key < $1.key })")
        return facts.memo(key) { prepare(table, context: facts.context(controls)) }
    }

    func prepare(_ table: DeclarationTable, context: TradeContext) -> Prepared {
        let net = table.numbers(.netWeightKg)!
        let hs = table.text(.hsCode)!
        // Licence rules with a threshold, per tariff-code dictionary entry.
        let rules = CodeRules(hs, controls: controls) { $0.kind == .licence && $0.thresholdKg != nil }
        let learnedOfGroup = context.groups.map { learned[$0] }
        let rowLicensed = FittedSplitShipment.licensed(table)
        // Items of one declaration and group add up to one shipment: a licence covers the declaration.
        // Declarations are numbered by interning their ids; shipment = (declaration number, group).
        let groupCount = context.groups.count
        var declarations = ByteInterner(capacity: 1024)
        var shipmentOf: [Int32] = []   // declaration number × group → shipment, −1 none
        var shipmentOfRow = [Int32](repeating: -1, count: table.count)
        var day: [Int32] = [], kg: [Double] = [], threshold: [Double] = [], key: [UInt64] = [], licensed: [Bool] = []
        let ids = table.declarationID
        for r in 0..<table.count {
            let g = Int(context.group[r])
            guard g >= 0, net[r].isFinite else { continue }
            var t: Double? = nil
            let covering = rules.range(hs.codes[r])
            if !covering.isEmpty {
                let d = table.date[r], dest = context.destination[r]
                t = covering.first { rules.rules[$0].inForce(day: d) && rules.rules[$0].applies(to: dest) }.flatMap { rules.rules[$0].thresholdKg }
            } else {
                t = learnedOfGroup[g]
            }
            guard let t else { continue }
            let number = Int(ids.withBytes(r) { declarations.intern($0) })
            if number * groupCount >= shipmentOf.count { shipmentOf.append(contentsOf: repeatElement(-1, count: groupCount)) }
            let i = shipmentOf[number * groupCount + g]
            if i >= 0 {
                shipmentOfRow[r] = i
                kg[Int(i)] += net[r]
                licensed[Int(i)] = licensed[Int(i)] || rowLicensed(r)
            } else {
                let i = Int32(day.count)
                shipmentOf[number * groupCount + g] = i
                shipmentOfRow[r] = i
                day.append(table.date[r]); kg.append(net[r]); threshold.append(t); key.append(table.keyHash(r))
                licensed.append(rowLicensed(r))
            }
        }
        // Rows are gathered for the near-threshold shipments only.
        var near = [Int32](repeating: -1, count: day.count)
        var shipments: [Shipment] = []
        for i in day.indices where !licensed[i] && kg[i] >= 0.8 * threshold[i] && kg[i] < threshold[i] {
            near[i] = Int32(shipments.count)
            shipments.append(Shipment(rows: [], day: day[i], kg: kg[i], threshold: threshold[i], key: key[i]))
        }
        for r in 0..<table.count where shipmentOfRow[r] >= 0 && near[Int(shipmentOfRow[r])] >= 0 {
            shipments[Int(near[Int(shipmentOfRow[r])])].rows.append(r)
        }
        return Prepared(context: context, nearThreshold: shipments)
    }

    /// Exporter, consignee and item group of row `r` (a row of a controlled group).
    /// The parties are the trade context's (`TradeContext.partyKeys`: a name's spellings are one party).
    func pairName(_ p: Prepared, _ table: DeclarationTable, _ r: Int) -> String {
        let c = p.context
        let trader = c.trader.map { c.traderKeys[Int($0[r])] } ?? ""
        return trader + "|" + c.consigneeKeys[Int(c.consignee[r])] + "|" + c.groups[Int(c.group[r])]
    }

    struct Burst: Sendable {
        var count: Int
        var kg: Double
        var threshold: Double
        var firstDay: Int32
        var lastDay: Int32
        var score: Double
        /// The pair's expected near-threshold shipments in a window of `windowDays` (`usualInWindow`).
        var usual: Double
        var windowDays: Int
    }

    /// The key hashes of the tail's shipments.
    var tailKeys: Set<UInt64> { Set(tail.values.joined().map(\.key)) }

    /// The facts' key for the tail keys (`keys`) a table holds.
    static func presentKey(_ keys: Set<UInt64>) -> String {
        "split_shipments.present:" + stableFingerprint(keys.sorted().map { String($0, radix: 16) }.joined(separator: ","))
    }

    /// The tail keys that are rows of `table`. The fit that made the tail from
    /// the same table and facts left them all there (a scan); otherwise every
    /// row's key hash (an 18-digit id spelt out and hashed), row ranges on every core.
    func presentTailKeys(_ table: DeclarationTable, facts: TableFacts?) -> Set<UInt64> {
        let keys = tailKeys
        guard !keys.isEmpty else { return [] }
        func scan() -> Set<UInt64> {
            let n = table.count, parts = max(1, min(System.cores * 4, n / 65_536))
            let found = Parallel.map(0..<parts, threads: System.cores) { k -> [UInt64] in
                var hits: [UInt64] = []
                for r in (n * k / parts)..<(n * (k + 1) / parts) {
                    let h = table.keyHash(r)
                    if keys.contains(h) { hits.append(h) }
                }
                return hits
            }
            return Set(found.joined())
        }
        guard let facts else { return scan() }
        return facts.memo(FittedSplitShipment.presentKey(keys), scan)
    }

    /// The burst around each row of a near-threshold shipment (rows in no such shipment have none).
    func bursts(_ table: DeclarationTable, facts: TableFacts? = nil) -> SparseRows<Burst> {
        let p = prepare(table, facts: facts)
        let present = presentTailKeys(table, facts: facts)
        // Near-threshold shipments by pair.
        var pairs: [String: [Int]] = [:]
        for (i, s) in p.nearThreshold.enumerated() { pairs[pairName(p, table, s.rows[0]), default: []].append(i) }
        var out: [(row: Int, burst: Burst)] = []
        for (name, members) in pairs {
            let usual = usualInWindow(name)
            var events: [(day: Int32, kg: Double, threshold: Double, shipment: Int)] = members.map {
                (p.nearThreshold[$0].day, p.nearThreshold[$0].kg, p.nearThreshold[$0].threshold, $0)
            }
            for e in tail[name] ?? [] where !present.contains(e.key) { events.append((e.day, e.kg, e.threshold, -1)) }
            events.sort { $0.day != $1.day ? $0.day < $1.day : $0.kg < $1.kg }
            // Two pointers: the events within `window` days of each.
            var lo = 0, hi = 0
            for i in events.indices {
                while events[lo].day < events[i].day - Int32(window) { lo += 1 }
                while hi + 1 < events.count && events[hi + 1].day <= events[i].day + Int32(window) { hi += 1 }
                guard events[i].shipment >= 0 else { continue }
                let n = hi - lo + 1
                var kg = 0.0
                for j in lo...hi { kg += events[j].kg }
                let t = events[i].threshold
                let score = n >= 2 ? FittedSplitShipment.burstScore(count: n, kg: kg, threshold: t, usual: usual) : 0
                let burst = Burst(count: n, kg: kg, threshold: t, firstDay: events[lo].day, lastDay: events[hi].day, score: score, usual: usual, windowDays: 2 * window + 1)
                for r in p.nearThreshold[events[i].shipment].rows { out.append((r, burst)) }
            }
        }
        // A row belongs to one shipment, so to one burst.
        out.sort { $0.row < $1.row }
        return SparseRows(rows: out.map(\.row), values: out.map(\.burst))
    }

    public func anomalyScores(_ table: DeclarationTable) -> [Double] {
        scoresAndExplainer(table).0
    }

    public func scoresAndExplainer(_ table: DeclarationTable) -> ([Double], @Sendable (Int) -> [Reason]) {
        scoresAndExplainer(table, facts: TableFacts(table))
    }

    public func scoresAndExplainer(_ table: DeclarationTable, facts: TableFacts) -> ([Double], @Sendable (Int) -> [Reason]) {
        let kept = bursts(table, facts: facts)     // the explainer holds only the rows in a burst
        var scores = [Double](repeating: 0, count: table.count)
        kept.forEach { r, b in scores[r] = b.score }
        return (scores, { FittedSplitShipment.reasons(kept[$0], table: table, row: $0) })
    }

    public func explainer(_ table: DeclarationTable) -> @Sendable (Int) -> [Reason] { scoresAndExplainer(table).1 }

    public func reasons(_ table: DeclarationTable, row r: Int) -> [Reason] {
        FittedSplitShipment.reasons(bursts(table)[r], table: table, row: r)
    }

    static func reasons(_ b: Burst?, table: DeclarationTable, row r: Int) -> [Reason] {
        guard let b, b.count >= 2 else { return [] }
        let from = CivilDate(daysSinceEpoch: Int(b.firstDay)), to = CivilDate(daysSinceEpoch: Int(b.lastDay))
        let kg = ProseNumber.whole(b.kg), t = ProseNumber.whole(b.threshold)
        return [Reason(detector: name,
                       text: "\(b.count) shipments to the same consignee between \(from) and \(to), each just under the \(t) kg licence threshold without a licence: \(kg) kg in all (the pair's usual: \(ProseNumber.cut(b.usual, places: b.usual < 0.1 ? 2 : 1)) such shipments in \(b.windowDays) days)",
                       strength: b.score,
                       evidence: ["shipments": String(b.count), "total_kg": kg, "threshold_kg": t, "from": from.description, "to": to.description,
                                  "usual_in_window": ProseNumber.cut(b.usual, places: 2)])]
    }
}
