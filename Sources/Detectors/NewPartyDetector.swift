import CSVCore
import Declarations

/// New and concentrated consignees: controlled goods taken in volume by
/// consignees first seen after the group's control date, and exporters that
/// turned to new destinations after it.
///
/// For each controlled item group the control date is its first destination
/// ban, else its first licence rule (the diversion detector's event). Fit keeps
/// every consignee of controlled goods with the day it was first seen (any
/// goods), its kg of each group since the control date, and the median of that
/// over the group's consignees; and for each exporter and group, the
/// destinations it shipped to before the control date.
///
/// Score of a controlled row dated on or after the control date:
/// `new · (1 + log2(1 + kg_c / median)) · (0.5 + share)` + `0.5 · switched`, where
/// `new` is 1 when the consignee was first seen on or after the control date,
/// `kg_c` its kg of the group since then, `share` its part of everything its
/// country took of the group since then, and `switched` is 1 when the exporter, with at least 5
/// shipments of the group before the control date, never sent the group to this
/// destination before it. Legitimate new consignees take ordinary volumes and
/// score little; established consignees score only for a switch.
public struct NewPartyDetector: Detector {
    public typealias Fitted = FittedNewParty
    public static let requiredFields: [CanonicalField] = [.hsCode, .netWeightKg, .counterpartyName]
    public var controls: ControlsTable

    public init(controls: ControlsTable = .standard) { self.controls = controls }

    public func fit(_ table: DeclarationTable) throws -> FittedNewParty { try fit(table, facts: TableFacts(table)) }

    public func fit(_ table: DeclarationTable, facts: TableFacts) throws -> FittedNewParty {
        let context = facts.context(controls)
        let calendar = ControlCalendar(controls)
        let events = FittedNewParty.events(calendar: calendar, context: context)
        let net = table.numbers(.netWeightKg)!
        var first = [Int32](repeating: .max, count: context.consigneeKeys.count)
        for r in 0..<table.count {
            let c = Int(context.consignee[r])
            first[c] = min(first[c], table.date[r])
        }
        // Per consignee number × group (flat arrays, in row order): kg since the control,
        // and whether the pair was seen there; per trader number × group before it.
        let groupCount = context.groups.count
        var kg = [Double](repeating: 0, count: context.consigneeKeys.count * groupCount)
        var touched = [Bool](repeating: false, count: kg.count)
        var controlled = [Bool](repeating: false, count: context.consigneeKeys.count)
        let traders = context.trader == nil ? 0 : context.traderKeys.count
        var beforeCount = [Int](repeating: 0, count: traders * groupCount)
        var beforeDestinations = [Set<UInt16>](repeating: [], count: traders * groupCount)
        // (group << 16 | destination) << 32 | consignee → kg since the control; corridor totals.
        var corridorKg: [Int: Double] = [:], consigneeKg: [Int: Double] = [:]
        for r in 0..<table.count where context.group[r] >= 0 {
            let g = Int(context.group[r])
            let c = Int(context.consignee[r])
            controlled[c] = true
            if Int(table.date[r]) >= events[g] {
                if net[r].isFinite {
                    kg[c * groupCount + g] += net[r]
                    touched[c * groupCount + g] = true
                    let key = g << 16 | Int(context.destination[r])
                    corridorKg[key, default: 0] += net[r]
                    consigneeKg[key << 32 | c, default: 0] += net[r]
                }
            } else if let trader = context.trader {
                let t = Int(trader[r]) * groupCount + g
                beforeCount[t] += 1
                beforeDestinations[t].insert(context.destination[r])
            }
        }
        var consignees: [String: FittedNewParty.Consignee] = [:]
        for (c, key) in context.consigneeKeys.enumerated() where controlled[c] {
            var since: [String: Double] = [:]
            for g in 0..<groupCount where touched[c * groupCount + g] { since[context.groups[g]] = kg[c * groupCount + g] }
            consignees[key] = FittedNewParty.Consignee(firstSeen: first[c], kgSinceControl: since)
        }
        // Shares of each (group, destination) corridor's kg since the control date.
        for (pair, taken) in consigneeKg {
            let key = pair >> 32, c = pair & 0xFFFF_FFFF
            guard let total = corridorKg[key], total > 0 else { continue }
            let name = context.consigneeKeys[c], group = context.groups[key >> 16]
            consignees[name]!.shareSinceControl[group] = max(consignees[name]!.shareSinceControl[group] ?? 0, taken / total)
        }
        var medians: [String: Double] = [:]
        for name in context.groups {
            let volumes = consignees.values.compactMap { $0.kgSinceControl[name] }.filter { $0 > 0 }
            if !volumes.isEmpty { medians[name] = Select.median(volumes) }
        }
        var established: [String: [String]] = [:]
        for t in beforeCount.indices where beforeCount[t] >= 5 {
            established[context.traderKeys[t / groupCount] + "|" + context.groups[t % groupCount]] = beforeDestinations[t].map(CountryCodes.alpha2).sorted()
        }
        return FittedNewParty(controls: controls, consignees: consignees, medianKg: medians, destinationsBefore: established)
    }
}

public struct FittedNewParty: FittedDetector {
    public static let name = "new_party"

    struct Consignee: Sendable, Codable {
        var firstSeen: Int32
        /// Item group → kg since the group's control date.
        var kgSinceControl: [String: Double]
        /// Item group → its share of that kg among consignees in its country (0…1).
        var shareSinceControl: [String: Double] = [:]
    }

    public var controls: ControlsTable
    var consignees: [String: Consignee]
    /// Item group → median kg since the control date per consignee.
    var medianKg: [String: Double]
    /// "exporter|group" → destinations before the control date (exporters with ≥ 5 such shipments).
    var destinationsBefore: [String: [String]]

    /// Per context group: the control day (days since 1970), Int.max when none.
    static func events(calendar: ControlCalendar, context: TradeContext) -> [Int] {
        context.groups.map { name in calendar.groups.first { $0.name == name }?.event?.daysSinceEpoch ?? Int.max }
    }

    /// Per-row evidence, compact (a few words a row): names are looked up when explaining.
    struct Evidence: Sendable {
        var group: Int16
        var firstSeen: Int32
        var isNew: Bool
        var switched: Bool
        var destination: UInt16
        var kg: Double
        var median: Double
        var share: Double
        var trader: Int32
    }

    /// What explaining needs beside the per-row evidence.
    struct Names: Sendable {
        var groups: [String]
        var events: [Int]
        var traderKeys: [String]
        var destinationsBefore: [String: [String]]
    }

    /// What a row's evidence is computed from, resolved once per table.
    struct Prepared: Sendable {
        var context: TradeContext
        var events: [Int]
        var groupCount: Int
        /// Per consignee number: whether the model knows it; per consignee number × group: its kg
        /// since the control and its share, from the model (0 for consignees it does not know).
        var known: [Bool]
        var knownKg: [Double]
        var knownShare: [Double]
        var first: [Int32]
        /// Consignees the model has not seen, by consignee << 16 | group.
        var extraKg: [Int: Double]
        var extraShare: [Int: Double]
        /// Per trader number × group: the destinations before the control (nil: not established).
        var before: [Set<UInt16>?]
        var medians: [Double?]
        var net: [Double]
        var dates: [Int32]
    }

    func prepare(_ table: DeclarationTable, facts: TableFacts? = nil) -> (Prepared, Names) {
        let context = (facts ?? TableFacts(table)).context(controls)
        let events = FittedNewParty.events(calendar: ControlCalendar(controls), context: context)
        let net = table.numbers(.netWeightKg)!
        let groups = context.groups
        // Consignees the model has not seen: first seen and volumes from this table.
        let entries = context.consigneeKeys.map { consignees[$0] }
        let known = entries.map { $0 != nil }
        let knownKg = entries.flatMap { e in groups.map { e?.kgSinceControl[$0] ?? 0 } }
        let knownShare = entries.flatMap { e in groups.map { e?.shareSinceControl[$0] ?? 0 } }
        let medians = groups.map { medianKg[$0] }
        var first = entries.map { $0?.firstSeen ?? .max }
        var extraKg: [Int: Double] = [:]   // consignee << 16 | group
        var extraCorridor: [Int: Double] = [:], extraShare: [Int: Double] = [:]
        for r in 0..<table.count where !known[Int(context.consignee[r])] {
            let c = Int(context.consignee[r])
            first[c] = min(first[c], table.date[r])
            let g = Int(context.group[r])
            if g >= 0, Int(table.date[r]) >= events[g], net[r].isFinite { extraKg[c << 16 | g, default: 0] += net[r] }
        }
        if !extraKg.isEmpty {
            // Consignees the model has not seen: their share of this table's corridor.
            var byConsignee: [Int: Double] = [:]   // (consignee << 16 | group) << 16 | destination
            for r in 0..<table.count {
                let g = Int(context.group[r])
                guard g >= 0 && net[r].isFinite && Int(table.date[r]) >= events[g] else { continue }
                let d = Int(context.destination[r]), c = Int(context.consignee[r])
                extraCorridor[g << 16 | d, default: 0] += net[r]
                if !known[c] { byConsignee[(c << 16 | g) << 16 | d, default: 0] += net[r] }
            }
            for (key, kg) in byConsignee {
                let cg = key >> 16, gd = (cg & 0xFFFF) << 16 | key & 0xFFFF
                extraShare[cg] = max(extraShare[cg] ?? 0, kg / max(extraCorridor[gd] ?? kg, 1e-9))
            }
        }
        let before: [Set<UInt16>?] = context.traderKeys.flatMap { t in
            groups.map { g in destinationsBefore[t + "|" + g].map { Set($0.compactMap { CountryCodes.code($0) }) } }
        }
        let p = Prepared(context: context, events: events, groupCount: groups.count, known: known, knownKg: knownKg,
                         knownShare: knownShare, first: first, extraKg: extraKg, extraShare: extraShare, before: before,
                         medians: medians, net: net, dates: table.date)
        return (p, Names(groups: groups, events: events, traderKeys: context.traderKeys, destinationsBefore: destinationsBefore))
    }

    /// Row `r`'s evidence: controlled rows dated on or after their group's control (nil otherwise).
    @inline(__always)
    static func evidence(_ p: Prepared, _ r: Int) -> Evidence? {
        let g = Int(p.context.group[r])
        guard g >= 0, Int(p.dates[r]) >= p.events[g] else { return nil }
        let c = Int(p.context.consignee[r])
        let kg = p.known[c] ? p.knownKg[c * p.groupCount + g] : p.extraKg[c << 16 | g] ?? 0
        let share = p.known[c] ? p.knownShare[c * p.groupCount + g] : p.extraShare[c << 16 | g] ?? 0
        let destination = p.context.destination[r]
        let trader = p.context.trader?[r] ?? -1
        var switched = false
        if trader >= 0, let b = p.before[Int(trader) * p.groupCount + g] { switched = destination != 0 && !b.contains(destination) }
        return Evidence(group: Int16(g), firstSeen: p.first[c], isNew: Int(p.first[c]) >= p.events[g], switched: switched,
                        destination: destination, kg: kg, median: p.medians[g] ?? max(kg, 1), share: share, trader: trader)
    }

    static func score(_ e: Evidence?) -> Double {
        guard let e else { return 0 }
        var s = 0.0
        if e.isNew { s += (1 + Math.log(1 + e.kg / max(e.median, 1e-9)) / Math.log(2)) * (0.5 + e.share) }
        if e.switched { s += 0.5 }
        return s
    }

    public func anomalyScores(_ table: DeclarationTable) -> [Double] {
        scoresAndExplainer(table).0
    }

    public func scoresAndExplainer(_ table: DeclarationTable) -> ([Double], @Sendable (Int) -> [Reason]) {
        scoresAndExplainer(table, facts: TableFacts(table))
    }

    public func scoresAndExplainer(_ table: DeclarationTable, facts: TableFacts) -> ([Double], @Sendable (Int) -> [Reason]) {
        let (p, names) = prepare(table, facts: facts)
        let scores = Parallel.rows(table.count) { FittedNewParty.score(FittedNewParty.evidence(p, $0)) }
        // The explainer holds only the rows that score (the only ones with reasons), not the whole prepared state.
        let kept = SparseRows(rows: scores.indices.filter { scores[$0] > 0 }) { FittedNewParty.evidence(p, $0)! }
        return (scores, { FittedNewParty.reasons(kept[$0], names: names, table: table, row: $0) })
    }

    public func explainer(_ table: DeclarationTable) -> @Sendable (Int) -> [Reason] { scoresAndExplainer(table).1 }

    public func reasons(_ table: DeclarationTable, row r: Int) -> [Reason] {
        let (p, names) = prepare(table)
        return FittedNewParty.reasons(FittedNewParty.evidence(p, r), names: names, table: table, row: r)
    }

    static func reasons(_ e: Evidence?, names: Names, table: DeclarationTable, row r: Int) -> [Reason] {
        guard let e else { return [] }
        var out: [Reason] = []
        let group = names.groups[Int(e.group)]
        let event = CivilDate(daysSinceEpoch: names.events[Int(e.group)])
        let destination = CountryCodes.alpha2(e.destination)
        if e.isNew {
            let who = table.text(.counterpartyName).map { "consignee \"\($0.string(r))\"" } ?? "the consignee"
            let times = e.kg / max(e.median, 1e-9)
            let ratio = times >= 10 ? ProseNumber.whole(times) : ProseNumber.cut(times, places: 1)
            out.append(Reason(detector: name,
                              text: "\(who) first seen \(CivilDate(daysSinceEpoch: Int(e.firstSeen))), after the \(group) control of \(event), has taken \(ProseNumber.whole(e.kg)) kg of \(group) since: \(ratio)× the median consignee, \(Int((e.share * 100).rounded()))% of what \(destination) took",
                              strength: (1 + Math.log(1 + times) / Math.log(2)) * (0.5 + e.share),
                              evidence: ["group": group, "first_seen": CivilDate(daysSinceEpoch: Int(e.firstSeen)).description, "control": event.description,
                                         "kg_since_control": ProseNumber.whole(e.kg), "median_kg": ProseNumber.whole(e.median),
                                         "share_of_destination": String(Double(Int(e.share * 1000)) / 1000)]))
        }
        if e.switched {
            let before = e.trader >= 0 ? names.destinationsBefore[names.traderKeys[Int(e.trader)] + "|" + group] ?? [] : []
            out.append(Reason(detector: name,
                              text: "the exporter never sent \(group) to \(destination) before the \(event) control (before: \(before.prefix(8).joined(separator: ", ")))",
                              strength: 0.5, evidence: ["group": group, "destination": destination, "destinations_before": before.joined(separator: ";")]))
        }
        return out
    }
}
