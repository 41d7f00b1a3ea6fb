import CSVCore
import Declarations

/// Diversion after a control date: controlled goods whose flow to a third
/// country surges above its own history once the control starts, above all
/// while flows to the restricted destination collapse.
///
/// Fit builds monthly series of kg and USD per (controlled item group,
/// destination), scaled up for months the data only partly covers, on a log
/// scale relative to the group's typical month (`log1p(flow / median nonzero
/// monthly corridor flow before the event)`, so a corridor growing from nothing
/// to an ordinary size is not taken for a surge). For each group the event is its first destination ban in the
/// controls table, else its first licence rule; every series of the group is
/// fitted at once on the months before it (`CorridorBaseline`, one `dgels`).
/// Residual deviations are shrunk toward the group's pooled one
/// (`σ² = (RSS + 6·σ²_pool) / (dof + 6)`), so a corridor with no history is
/// judged by its group's noise.
///
/// For each month from the event on: `z` = (observed − baseline) / σ, the mean
/// of the kg and USD series; the restricted destinations' collapse `c` = −mean z
/// of their kg series; the corridor's surge score `max(0, z) · (1 + min(1, max(0, c)/3))`.
///
/// A declaration of the group to that destination in that month carries the
/// surge score weighted by its consignee: `0.2 + 0.5·new + 0.3·gain`, where
/// `new` is 1 when the consignee was first seen on or after the event and
/// `gain` is how much its part of the corridor's kg grew from before the event
/// to after it (an incumbent that always took most of a corridor gains nothing).
public struct DiversionDetector: Detector {
    public typealias Fitted = FittedDiversion
    public static let requiredFields: [CanonicalField] = [.hsCode, .destinationCountry, .netWeightKg]
    public var controls: ControlsTable

    public init(controls: ControlsTable = .standard) { self.controls = controls }

    public func fit(_ table: DeclarationTable) throws -> FittedDiversion { try fit(table, facts: TableFacts(table)) }

    public func fit(_ table: DeclarationTable, facts: TableFacts) throws -> FittedDiversion {
        let context = facts.context(controls)
        let calendar = ControlCalendar(controls)
        guard let minDay = table.date.min(), let maxDay = table.date.max() else {
            return FittedDiversion(controls: controls, firstMonth: 0, coverage: [], groups: [], consigneeFirstSeen: [:], consigneeShare: [:], consigneeShareBefore: [:])
        }
        let firstMonth = CivilDate(daysSinceEpoch: Int(minDay)).monthIndex
        let lastMonth = CivilDate(daysSinceEpoch: Int(maxDay)).monthIndex
        let coverage = FittedDiversion.coverage(firstDay: Int(minDay), lastDay: Int(maxDay))
        let months = lastMonth - firstMonth + 1
        let net = table.numbers(.netWeightKg)!

        // Monthly sums per (group, destination), controlled rows only.
        // Flat: a slot per corridor met (found by group × destination code), `months` sums per slot.
        let codes = CountryCodes.count + 1
        var slotOf = [Int32](repeating: -1, count: context.groups.count * codes)
        var slotKeys: [Int] = []
        var kgSums: [Double] = [], usdSums: [Double] = []
        for r in 0..<table.count where context.group[r] >= 0 && context.destination[r] != 0 {
            let g = Int(context.group[r]), d = Int(context.destination[r])
            var slot = Int(slotOf[g * codes + d])
            if slot < 0 {
                slot = slotKeys.count
                slotOf[g * codes + d] = Int32(slot)
                slotKeys.append(g << 16 | d)
                kgSums.append(contentsOf: repeatElement(0, count: months))
                usdSums.append(contentsOf: repeatElement(0, count: months))
            }
            let m = CivilDate(daysSinceEpoch: Int(table.date[r])).monthIndex - firstMonth
            if net[r].isFinite { kgSums[slot * months + m] += net[r] }
            if table.valueUSD[r].isFinite { usdSums[slot * months + m] += table.valueUSD[r] }
        }
        var sums: [Int: (kg: ArraySlice<Double>, usd: ArraySlice<Double>)] = [:]
        for (slot, key) in slotKeys.enumerated() {
            sums[key] = (kgSums[(slot * months)..<((slot + 1) * months)], usdSums[(slot * months)..<((slot + 1) * months)])
        }

        var groups: [FittedDiversion.GroupModel] = []
        for (g, group) in calendar.groups.enumerated() {
            guard let event = group.event else { continue }
            let keys = sums.keys.filter { $0 >> 16 == g }.sorted { CountryCodes.alpha2(UInt16($0 & 0xFFFF)) < CountryCodes.alpha2(UInt16($1 & 0xFFFF)) }
            guard !keys.isEmpty else { continue }
            let corridors = keys.map { key in
                FittedDiversion.Corridor(destination: CountryCodes.alpha2(UInt16(key & 0xFFFF)),
                                         kg: zip(sums[key]!.kg, coverage).map { $0 / $1 },
                                         usd: zip(sums[key]!.usd, coverage).map { $0 / $1 })
            }
            var model = FittedDiversion.GroupModel(name: group.name, event: event, restricted: group.restricted.sorted(), corridors: corridors)
            // The event's month is the first scored one; only whole months before it are fitted.
            let eventMonth = event.monthIndex
            // The scale: the median nonzero monthly corridor flow before the event.
            let pre = max(0, min(months, eventMonth - firstMonth))
            func typical(_ values: [Double]) -> Double {
                let nonzero = values.filter { $0 > 0 }
                return nonzero.isEmpty ? 1 : Select.median(nonzero)
            }
            model.scaleKg = typical(corridors.flatMap { $0.kg.prefix(pre) })
            model.scaleUSD = typical(corridors.flatMap { $0.usd.prefix(pre) })
            let y = corridors.map { $0.kg.map { Math.log1p($0 / model.scaleKg) } } + corridors.map { $0.usd.map { Math.log1p($0 / model.scaleUSD) } }
            if eventMonth > firstMonth, eventMonth - firstMonth <= months,
               var baseline = try CorridorBaseline.fit(y.map { Array($0.prefix(eventMonth - firstMonth)) }, firstMonth: firstMonth, eventMonth: eventMonth) {
                baseline.sigma = FittedDiversion.shrunk(baseline, series: y)
                model.baseline = baseline
            }
            model.surge = model.surgeScores(firstMonth: firstMonth)
            groups.append(model)
        }

        // Consignees: first seen (any goods), and their share of each corridor since its event.
        var first = [Int32](repeating: .max, count: context.consigneeKeys.count)
        for r in 0..<table.count {
            let c = Int(context.consignee[r])
            first[c] = min(first[c], table.date[r])
        }
        // Keyed (group << 16 | destination) << 32 | consignee number: one flat dictionary, not one per corridor.
        var taken: [Int: Double] = [:], takenBefore: [Int: Double] = [:]
        var corridorKg: [Int: Double] = [:], corridorKgBefore: [Int: Double] = [:]
        let events = calendar.groups.map { $0.event?.daysSinceEpoch ?? Int.max }
        var controlledConsignee = [Bool](repeating: false, count: context.consigneeKeys.count)
        for r in 0..<table.count {
            let g = Int(context.group[r])
            guard g >= 0 else { continue }
            let c = Int(context.consignee[r])
            controlledConsignee[c] = true
            guard context.destination[r] != 0 && net[r].isFinite else { continue }
            let key = g << 16 | Int(context.destination[r])
            let pair = key << 32 | c
            guard Int(table.date[r]) >= events[g] else {
                if events[g] != Int.max {
                    takenBefore[pair, default: 0] += net[r]
                    corridorKgBefore[key, default: 0] += net[r]
                }
                continue
            }
            taken[pair, default: 0] += net[r]
            corridorKg[key, default: 0] += net[r]
        }
        var firstSeen: [String: Int32] = [:]
        var share: [String: Double] = [:], shareBefore: [String: Double] = [:]
        for (c, key) in context.consigneeKeys.enumerated() where controlledConsignee[c] { firstSeen[key] = first[c] }
        // In key order, so the new consignees' kg adds up the same way in every run.
        var newKg: [Int: Double] = [:]
        for (pair, kg) in taken.sorted(by: { $0.key < $1.key }) {
            let key = pair >> 32, c = pair & 0xFFFF_FFFF
            let total = corridorKg[key]!
            guard total > 0 else { continue }
            let prefix = calendar.groups[key >> 16].name + "|" + CountryCodes.alpha2(UInt16(key & 0xFFFF)) + "|"
            share[prefix + context.consigneeKeys[c]] = kg / total
            let totalBefore = corridorKgBefore[key] ?? 0
            if totalBefore > 0, let before = takenBefore[pair], before > 0 {
                shareBefore[prefix + context.consigneeKeys[c]] = before / totalBefore
            }
            if Int(first[c]) >= events[key >> 16] { newKg[key, default: 0] += kg }
        }
        for key in corridorKg.keys.sorted() {
            let total = corridorKg[key]!
            guard total > 0 else { continue }
            let name = calendar.groups[key >> 16].name, destination = CountryCodes.alpha2(UInt16(key & 0xFFFF))
            if let gm = groups.firstIndex(where: { $0.name == name }), let s = groups[gm].corridors.firstIndex(where: { $0.destination == destination }) {
                groups[gm].corridors[s].newConsigneeShare = (newKg[key] ?? 0) / total
            }
        }
        return FittedDiversion(controls: controls, firstMonth: firstMonth, coverage: coverage, groups: groups,
                               consigneeFirstSeen: firstSeen, consigneeShare: share, consigneeShareBefore: shareBefore)
    }
}

public struct FittedDiversion: FittedDetector {
    public static let name = "diversion"

    /// One (item group, destination) series, coverage-adjusted, from `firstMonth`.
    public struct Corridor: Sendable, Codable {
        public var destination: String
        public var kg: [Double]
        public var usd: [Double]
        /// The share of the corridor's kg since the event taken by consignees first seen on or after it.
        public var newConsigneeShare: Double = 0
    }

    public struct GroupModel: Sendable, Codable {
        public var name: String
        public var event: CivilDate
        public var restricted: [String]
        public var corridors: [Corridor]
        /// The group's typical monthly corridor flow before the event (median of nonzero months): series are `log1p(flow / scale)`.
        public var scaleKg = 1.0
        public var scaleUSD = 1.0
        /// Series `s` is corridor `s`'s kg, series `corridors.count + s` its USD.
        public var baseline: CorridorBaseline?
        /// Per corridor, per month from `firstMonth`: the surge score (0 before the event).
        public var surge: [[Double]] = []

        init(name: String, event: CivilDate, restricted: [String], corridors: [Corridor]) {
            self.name = name
            self.event = event
            self.restricted = restricted
            self.corridors = corridors
        }

        /// z of corridor `s` in month `m` (kg and USD averaged), from observed kg and USD.
        func z(_ s: Int, month m: Int, kg: Double, usd: Double) -> Double {
            guard let b = baseline else { return 0 }
            return (b.z(series: s, month: m, observed: Math.log1p(kg / scaleKg)) + b.z(series: corridors.count + s, month: m, observed: Math.log1p(usd / scaleUSD))) / 2
        }

        /// The restricted destinations' collapse in month `m`: −mean z of their kg series (0 without any).
        func collapse(month m: Int, firstMonth: Int) -> Double {
            guard let b = baseline else { return 0 }
            let zs = corridors.indices.filter { restricted.contains(corridors[$0].destination) }.map { s in
                b.z(series: s, month: m, observed: Math.log1p(corridors[s].kg[m - firstMonth] / scaleKg))
            }
            return zs.isEmpty ? 0 : -zs.reduce(0, +) / Double(zs.count)
        }

        static func surge(z: Double, collapse: Double) -> Double {
            max(0, z) * (1 + min(1, max(0, collapse) / 3))
        }

        func surgeScores(firstMonth: Int) -> [[Double]] {
            corridors.indices.map { s in
                corridors[s].kg.indices.map { i in
                    let m = firstMonth + i
                    guard m >= event.monthIndex, baseline != nil, !restricted.contains(corridors[s].destination) else { return 0 }
                    return GroupModel.surge(z: z(s, month: m, kg: corridors[s].kg[i], usd: corridors[s].usd[i]),
                                            collapse: collapse(month: m, firstMonth: firstMonth))
                }
            }
        }
    }

    public var controls: ControlsTable
    public var firstMonth: Int
    /// Per month from `firstMonth`: the share of its days the history covers.
    public var coverage: [Double]
    public var groups: [GroupModel]
    /// Consignee key → first day seen (consignees of controlled goods only).
    var consigneeFirstSeen: [String: Int32]
    /// "group|destination|consignee" → share of the corridor's kg since the event.
    var consigneeShare: [String: Double]
    /// "group|destination|consignee" → share of the corridor's kg before the event (absent: none).
    var consigneeShareBefore: [String: Double]

    static func coverage(firstDay: Int, lastDay: Int) -> [Double] {
        let a = CivilDate(daysSinceEpoch: firstDay), b = CivilDate(daysSinceEpoch: lastDay)
        return (a.monthIndex...b.monthIndex).map { m in
            let year = m / 12, month = m % 12 + 1
            let start = CivilDate(year: year, month: month, day: 1)!.daysSinceEpoch
            let days = CivilDate.daysIn(month: month, year: year)
            let covered = min(lastDay, start + days - 1) - max(firstDay, start) + 1
            return Double(covered) / Double(days)
        }
    }

    /// Residual deviations shrunk toward the pooled one of their kind (kg or USD).
    static func shrunk(_ b: CorridorBaseline, series y: [[Double]]) -> [Double] {
        let half = y.count / 2
        var out = b.sigma
        for range in [0..<half, half..<y.count] where !range.isEmpty {
            let dofs = range.map { Double(max(1, b.fittedMonths - b.terms[$0])) }
            let rss = range.map { s -> Double in
                (0..<b.fittedMonths).reduce(0.0) { acc, i in
                    let e = y[s][i] - b.predict(series: s, month: b.eventMonth - b.fittedMonths + i)
                    return acc + e * e
                }
            }
            let pooled = rss.reduce(0, +) / dofs.reduce(0, +)
            for (k, s) in range.enumerated() {
                out[s] = max(CorridorBaseline.sigmaFloor, ((rss[k] + 6 * pooled) / (dofs[k] + 6)).squareRoot())
            }
        }
        return out
    }

    struct Prepared: Sendable {
        var context: TradeContext
        /// Group model per context group (-1: none).
        var modelOfGroup: [Int]
        /// model << 16 | destination code → corridor index.
        var corridor: [Int: Int]
        /// Surge scores for months the history lacks, from the scored table: model << 16 | corridor → month → score.
        var extra: [Int: [Int: Double]]
        /// Per consignee number: first day seen (history first, else the scored table).
        var firstSeen: [Int32]
        /// (model << 16 | corridor) << 32 | consignee number → share of the corridor's kg since the event, and before it.
        var share: [Int: Double], shareBefore: [Int: Double]
    }

    struct Evidence {
        var model: Int
        var corridor: Int
        var month: Int
        var surge: Double
        var firstSeen: Int32
        var isNew: Bool
        var share: Double
        var shareBefore: Double
    }

    func prepare(_ table: DeclarationTable, facts: TableFacts? = nil) -> Prepared {
        let context = (facts ?? TableFacts(table)).context(controls)
        var modelIndex: [String: Int] = [:]
        for (i, g) in groups.enumerated() { modelIndex[g.name] = i }
        let modelOfGroup = context.groups.map { modelIndex[$0] ?? -1 }
        var corridor: [Int: Int] = [:]
        for (i, g) in groups.enumerated() {
            for (s, c) in g.corridors.enumerated() { if let code = CountryCodes.code(c.destination) { corridor[i << 16 | Int(code)] = s } }
        }
        // Months outside the history: the scored table's own sums, scaled by its coverage.
        var extraSums: [Int: [Int: (kg: Double, usd: Double)]] = [:]
        let lastMonth = firstMonth + coverage.count - 1
        let net = table.numbers(.netWeightKg)
        for r in 0..<table.count where context.group[r] >= 0 {
            let gm = modelOfGroup[Int(context.group[r])]
            guard gm >= 0, let s = corridor[gm << 16 | Int(context.destination[r])] else { continue }
            let m = CivilDate(daysSinceEpoch: Int(table.date[r])).monthIndex
            guard m < firstMonth || m > lastMonth else { continue }
            var e = extraSums[gm << 16 | s, default: [:]][m] ?? (0, 0)
            if let v = net?[r], v.isFinite { e.kg += v }
            if table.valueUSD[r].isFinite { e.usd += table.valueUSD[r] }
            extraSums[gm << 16 | s, default: [:]][m] = e
        }
        var extra: [Int: [Int: Double]] = [:]
        if !extraSums.isEmpty, let lo = table.date.min(), let hi = table.date.max() {
            let cover = FittedDiversion.coverage(firstDay: Int(lo), lastDay: Int(hi))
            let m0 = CivilDate(daysSinceEpoch: Int(lo)).monthIndex
            for (key, months) in extraSums {
                let model = groups[key >> 16]
                for (m, v) in months {
                    let f = cover[m - m0]
                    let z = model.z(key & 0xFFFF, month: m, kg: v.kg / f, usd: v.usd / f)
                    extra[key, default: [:]][m] = m >= model.event.monthIndex ? GroupModel.surge(z: z, collapse: 0) : 0
                }
            }
        }
        let known = context.consigneeKeys.map { consigneeFirstSeen[$0] }
        var firstSeen = known.map { $0 ?? .max }
        for r in 0..<table.count {
            let c = Int(context.consignee[r])
            if known[c] == nil { firstSeen[c] = min(firstSeen[c], table.date[r]) }
        }
        // Shares keyed by numbers once per table, not by a string built per row.
        var number: [String: Int] = [:]
        for (n, k) in context.consigneeKeys.enumerated() { number[k] = n }
        func numbered(_ shares: [String: Double]) -> [Int: Double] {
            var out: [Int: Double] = [:]
            for (key, value) in shares {
                let parts = key.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
                guard parts.count == 3, let gm = modelIndex[String(parts[0])], let code = CountryCodes.code(String(parts[1])),
                      let s = corridor[gm << 16 | Int(code)], let c = number[String(parts[2])] else { continue }
                out[(gm << 16 | s) << 32 | c] = value
            }
            return out
        }
        return Prepared(context: context, modelOfGroup: modelOfGroup, corridor: corridor, extra: extra, firstSeen: firstSeen,
                        share: numbered(consigneeShare), shareBefore: numbered(consigneeShareBefore))
    }

    func evidence(_ p: Prepared, _ table: DeclarationTable, _ r: Int) -> Evidence? {
        let g = Int(p.context.group[r])
        guard g >= 0 else { return nil }
        let gm = p.modelOfGroup[g]
        guard gm >= 0, let s = p.corridor[gm << 16 | Int(p.context.destination[r])] else { return nil }
        let day = table.date[r]
        let event = groups[gm].event.daysSinceEpoch
        guard Int(day) >= event else { return nil }
        let m = CivilDate(daysSinceEpoch: Int(day)).monthIndex
        let i = m - firstMonth
        let surge = i >= 0 && i < coverage.count ? groups[gm].surge[s][i] : p.extra[gm << 16 | s]?[m] ?? 0
        guard surge > 0 else { return nil }
        let c = Int(p.context.consignee[r])
        let first = p.firstSeen[c]
        return Evidence(model: gm, corridor: s, month: m, surge: surge, firstSeen: first,
                        isNew: Int(first) >= event, share: p.share[(gm << 16 | s) << 32 | c] ?? 0,
                        shareBefore: p.shareBefore[(gm << 16 | s) << 32 | c] ?? 0)
    }

    func score(_ e: Evidence?) -> Double {
        guard let e else { return 0 }
        return e.surge * (0.2 + 0.5 * (e.isNew ? 1 : 0) + 0.3 * min(1, max(0, e.share - e.shareBefore)))
    }

    public func anomalyScores(_ table: DeclarationTable) -> [Double] {
        scoresAndExplainer(table).0
    }

    public func scoresAndExplainer(_ table: DeclarationTable) -> ([Double], @Sendable (Int) -> [Reason]) {
        scoresAndExplainer(table, facts: TableFacts(table))
    }

    public func scoresAndExplainer(_ table: DeclarationTable, facts: TableFacts) -> ([Double], @Sendable (Int) -> [Reason]) {
        let p = prepare(table, facts: facts)
        let model = self
        let scores = Parallel.rows(table.count) { model.score(model.evidence(p, table, $0)) }
        let texts = CorridorTexts()
        return (scores, { model.reasons(model.evidence(p, table, $0), table: table, row: $0, texts: texts) })
    }

    public func explainer(_ table: DeclarationTable) -> @Sendable (Int) -> [Reason] { scoresAndExplainer(table).1 }

    public func reasons(_ table: DeclarationTable, row r: Int) -> [Reason] {
        reasons(evidence(prepare(table), table, r), table: table, row: r)
    }

    static func monthName(_ m: Int) -> String {
        let month = m % 12 + 1
        return "\(m / 12)-\(month < 10 ? "0" : "")\(month)"
    }

    static func kg(_ v: Double) -> String { ProseNumber.whole(v) }

    /// A corridor month's part of a reason (`corridorPart`), the same for every
    /// row of that corridor, group and month: an explainer keeps each one it made.
    typealias CorridorTexts = LockedMemo<CorridorKey, (text: String, evidence: Reason.Evidence)>

    struct CorridorKey: Hashable, Sendable {
        var model: Int, corridor: Int, month: Int, surge: UInt64

        init(_ e: Evidence) { (model, corridor, month, surge) = (e.model, e.corridor, e.month, e.surge.bitPattern) }
    }

    func reasons(_ e: Evidence?, table: DeclarationTable, row r: Int, texts: CorridorTexts? = nil) -> [Reason] {
        guard let e else { return [] }
        let (corridorText, corridorEvidence) = texts?.value(CorridorKey(e)) { corridorPart(e) } ?? corridorPart(e)
        var evidence = corridorEvidence
        let who = table.text(.counterpartyName).map { "consignee \"\($0.string(r))\"" } ?? "the consignee"
        var party = "\(who) first seen \(CivilDate(daysSinceEpoch: Int(e.firstSeen)))"
        party += e.isNew ? ", after the control" : ""
        party += e.share >= 0.01 ? ", takes \(Int((e.share * 100).rounded()))% of the corridor's kg since then" : ""
        party += e.share >= 0.01 && e.shareBefore >= 0.005 ? " (\(Int((e.shareBefore * 100).rounded()))% before)" : ""
        evidence["consignee_first_seen"] = CivilDate(daysSinceEpoch: Int(e.firstSeen)).description
        evidence["consignee_share"] = String(Double(Int(e.share * 1000)) / 1000)
        evidence["consignee_share_before"] = String(Double(Int(e.shareBefore * 1000)) / 1000)
        return [Reason(detector: Self.name, text: corridorText + "; " + party, strength: score(e), evidence: evidence)]
    }

    /// The sentence and evidence of `e`'s corridor month (not its consignee's).
    func corridorPart(_ e: Evidence) -> (text: String, evidence: Reason.Evidence) {
        let model = groups[e.model]
        let c = model.corridors[e.corridor]
        let i = e.month - firstMonth
        var text = "\(model.name) to \(c.destination) surged after \(model.event) (surge score \(ProseNumber.cut(e.surge, places: 1)))"
        var evidence: Reason.Evidence = ["group": model.name, "destination": c.destination, "month": FittedDiversion.monthName(e.month),
                        "event": model.event.description, "surge": ProseNumber.cut(e.surge, places: 2)]
        if i >= 0 && i < coverage.count, let b = model.baseline {
            let baseline = model.scaleKg * Math.expm1(b.predict(series: e.corridor, month: e.month))
            text = "\(model.name) to \(c.destination) in \(FittedDiversion.monthName(e.month)): \(FittedDiversion.kg(c.kg[i])) kg against a baseline of \(FittedDiversion.kg(max(0, baseline))) kg before the \(model.event) control (surge score \(ProseNumber.cut(e.surge, places: 1)))"
            evidence["observed_kg"] = FittedDiversion.kg(c.kg[i])
            evidence["baseline_kg"] = FittedDiversion.kg(max(0, baseline))
            let collapse = model.collapse(month: e.month, firstMonth: firstMonth)
            if collapse > 1 { text += "; flows to \(model.restricted.joined(separator: ", ")) fell" }
        }
        return (text, evidence)
    }

    /// One row of `corridors.csv`: item group × destination × month.
    public struct CorridorMonth: Sendable, Equatable {
        public var group: String
        public var destination: String
        public var month: String
        public var observedKg: Double
        public var baselineKg: Double?
        public var observedUSD: Double
        public var baselineUSD: Double?
        public var surge: Double
        /// Share of the corridor's kg since the event taken by consignees first seen after it.
        public var newConsigneeShare: Double
        /// `surge · (0.3 + 0.7 · newConsigneeShare)`: the order corridors are shown in.
        public var diversion: Double
        public var afterEvent: Bool
        public var restricted: Bool
    }

    /// The corridor table of the history: every (group, destination, month), with
    /// the baseline where one was fitted. Rows in group, destination, month order.
    public var corridorTable: [CorridorMonth] {
        var out: [CorridorMonth] = []
        for model in groups {
            for (s, c) in model.corridors.enumerated() {
                for i in c.kg.indices {
                    let m = firstMonth + i
                    let b = model.baseline
                    out.append(CorridorMonth(
                        group: model.name, destination: c.destination, month: FittedDiversion.monthName(m),
                        observedKg: c.kg[i], baselineKg: b.map { max(0, model.scaleKg * Math.expm1($0.predict(series: s, month: m))) },
                        observedUSD: c.usd[i], baselineUSD: b.map { max(0, model.scaleUSD * Math.expm1($0.predict(series: model.corridors.count + s, month: m))) },
                        surge: model.surge[s][i], newConsigneeShare: c.newConsigneeShare,
                        diversion: model.surge[s][i] * (0.3 + 0.7 * c.newConsigneeShare), afterEvent: m >= model.event.monthIndex, restricted: model.restricted.contains(c.destination)))
                }
            }
        }
        return out
    }
}
