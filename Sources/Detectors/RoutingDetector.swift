import CSVCore
import Declarations

/// Routing: the countries on a declaration that disagree, judged against how
/// often that disagreement occurs for the goods, and weighted when one of them
/// is a restricted destination for the goods on that date.
///
/// A row's route signature says which of trading country, final destination,
/// counterparty country (and, when present, dispatch vs origin) differ from the
/// destination. Fit counts signatures per item group (the controls table's group
/// for controlled codes, else the 4-digit heading) and keeps a smoothed
/// probability: `P(sig | group) = (n(group, sig) + α·P(sig)) / (n(group) + α)`,
/// α = 20. Trading houses and other ordinary mismatches are common in their
/// groups, so they score little.
///
/// Score = `−log10 P(sig | group)` + `restrictedWeight` when a country on the route
/// (trading, final destination, counterparty, destination) is a banned destination
/// for the code on the date (controls table) + `restrictedWeight` when controlled
/// goods go to a consignee on the restricted-party list (`--parties`: a restricted
/// end user, such as a known front, whose route looks ordinary) +
/// `newDestinationWeight` (halved for ordinary goods) when the destination first
/// imported the group within the last 90 days, at least 180 days after the
/// history starts.
public struct RoutingDetector: Detector {
    public typealias Fitted = FittedRouting
    public static let requiredFields: [CanonicalField] = [.hsCode, .destinationCountry]
    public var controls: ControlsTable
    public var restrictedWeight: Double
    public var newDestinationWeight: Double
    /// Restricted end users; nil: the route's countries only.
    public var parties: PartyList?

    public init(controls: ControlsTable = .standard, parties: PartyList? = nil, restrictedWeight: Double = 4, newDestinationWeight: Double = 1) {
        self.controls = controls
        self.parties = parties
        self.restrictedWeight = restrictedWeight
        self.newDestinationWeight = newDestinationWeight
    }

    /// Routing compares the destination with at least one other country on the route.
    public static func missingFields(in table: DeclarationTable) -> [CanonicalField] {
        var missing = requiredFields.filter { !table.has($0) }
        let others: [CanonicalField] = [.tradingCountry, .finalDestinationCountry, .counterpartyCountry, .dispatchCountry]
        if !others.contains(where: table.has) { missing.append(.tradingCountry) }
        return missing
    }

    public func fit(_ table: DeclarationTable) throws -> FittedRouting { try fit(table, facts: TableFacts(table)) }

    public func fit(_ table: DeclarationTable, facts: TableFacts) throws -> FittedRouting {
        let context = facts.context(controls)
        let keys = FittedRouting.groupKeys(table, context: context)
        let route = RouteColumns(table)
        let width = FittedRouting.signatures, countries = CountryCodes.count + 1
        // Per row range: signature counts per key and first day per (key, destination).
        let n = table.count, pieces = max(1, min(System.cores, n / 65_536))
        let parts = Parallel.map(0..<pieces, threads: System.cores) { part -> ([Int], [Int32]) in
            var perKey = [Int](repeating: 0, count: keys.names.count * width)
            var first = [Int32](repeating: .max, count: keys.names.count * countries)
            for r in (n * part / pieces)..<(n * (part + 1) / pieces) {
                let k = Int(keys.row[r]), d = context.destination[r]
                perKey[k * width + route.signature(r, destination: d)] += 1
                if d != 0 { first[k * countries + Int(d)] = min(first[k * countries + Int(d)], table.date[r]) }
            }
            return (perKey, first)
        }
        var perKey = parts[0].0, first = parts[0].1
        for (counts, days) in parts.dropFirst() {
            for i in perKey.indices { perKey[i] += counts[i] }
            for i in first.indices { first[i] = min(first[i], days[i]) }
        }
        var counts: [String: [Int]] = [:]
        var global = [Int](repeating: 0, count: width)
        var firstSeen: [String: Int32] = [:]
        for (k, name) in keys.names.enumerated() {
            let row = Array(perKey[(k * width)..<((k + 1) * width)])
            for sig in 0..<width { global[sig] += row[sig] }
            if row.contains(where: { $0 > 0 }) { counts[name] = row }
            for d in 1..<countries where first[k * countries + d] != .max {
                firstSeen[name + "|" + CountryCodes.alpha2(UInt16(d))] = first[k * countries + d]
            }
        }
        let screening = try parties.flatMap { table.has(.counterpartyName) ? try PartyScreeningDetector(parties: $0).fit(table, facts: facts) : nil }
        return FittedRouting(controls: controls, screening: screening, counts: counts, global: global, firstSeen: firstSeen,
                             historyStart: table.date.min() ?? 0,
                             restrictedWeight: restrictedWeight, newDestinationWeight: newDestinationWeight)
    }
}

public struct FittedRouting: FittedDetector {
    public static let name = "routing"
    static let signatures = 16
    static let alpha = 20.0

    public var controls: ControlsTable
    /// Screening of consignees against the restricted-party list, when one was given.
    var screening: FittedPartyScreening?
    /// Item group → route-signature counts.
    var counts: [String: [Int]]
    var global: [Int]
    /// "group|destination" → first day (days since 1970) it appears in the history.
    var firstSeen: [String: Int32]
    var historyStart: Int32
    public var restrictedWeight: Double
    public var newDestinationWeight: Double


    static func describe(_ sig: Int) -> String {
        var parts: [String] = []
        if sig & 1 != 0 { parts.append("trading country") }
        if sig & 2 != 0 { parts.append("final destination") }
        if sig & 4 != 0 { parts.append("consignee's country") }
        var s = parts.isEmpty ? "" : parts.joined(separator: " and ") + " differ\(parts.count == 1 ? "s" : "") from the destination"
        if sig & 8 != 0 { s += (s.isEmpty ? "" : "; ") + "dispatch country differs from origin" }
        return s
    }

    /// Item group per row: the controls group for controlled codes, else "HS " + the heading.
    static func groupKeys(_ table: DeclarationTable, context: TradeContext) -> (row: PerCode<UInt32>, names: [String]) {
        guard let hs = table.text(.hsCode) else { return (PerCode(constant: 0), ["all goods"]) }
        var names: [String] = []
        var index: [String: Int32] = [:]
        var controlledOfCode = [Int16](repeating: -1, count: hs.values.count)
        for r in 0..<table.count where context.group[r] >= 0 { controlledOfCode[Int(hs.codes[r])] = context.group[r] }
        let byCode: [UInt32] = (0..<hs.values.count).map { c in
            let g = controlledOfCode[c]
            let name = g >= 0 ? context.groups[Int(g)] : "HS " + String(hs.values.string(UInt32(c)).prefix(4))
            if let k = index[name] { return UInt32(k) }
            index[name] = Int32(names.count)
            names.append(name)
            return UInt32(names.count - 1)
        }
        return (PerCode(codes: hs.codes, values: byCode), names)
    }

    struct Evidence: Sendable {
        var signature: Int
        var probability: Double
        var group: String
        /// The restricted country on the route, and the rule that makes it so.
        var restricted: (country: String, rule: ControlsTable.Rule)?
        var newDestinationSince: CivilDate?
        var controlled: Bool
        var destination: UInt16
        /// The listed party the consignee matches, for controlled goods.
        var endUser: FittedPartyScreening.Entry?
    }

    struct Prepared: Sendable {
        var keys: (row: PerCode<UInt32>, names: [String])
        var context: TradeContext
        var route: RouteColumns
        /// Per key: smoothed probability of each signature.
        var probability: [[Double]]
        /// `−log10` of `probability`, flat: key × 16 + signature.
        var surprise: [Double]
        /// First-seen day per key and destination code, flat: key × (countries + 1) + code; `.max` never seen.
        var firstSeen: [Int32]
        /// Per tariff-code dictionary entry: the ban rules covering it.
        var bans: [[ControlsTable.Rule]]
        /// The same rules for the per-row loop.
        var banRules: CodeRules?
        /// The listed entry each matching row's consignee matches (controlled
        /// rows only; few), with a bit per row for the per-row loop.
        var endUser: SparseRows<Int32>
        var endUserRows: RowBits

        /// The listed entry row `r`'s consignee matches.
        @inline(__always)
        func endUser(_ r: Int) -> Int? {
            endUserRows.contains(r) ? endUser[r].map { Int($0) } : nil
        }

        func firstSeen(key k: Int, destination d: UInt16) -> Int32? {
            let day = firstSeen[k * (CountryCodes.count + 1) + Int(d)]
            return day == .max ? nil : day
        }
    }

    func prepare(_ table: DeclarationTable, facts: TableFacts? = nil) -> Prepared {
        let facts = facts ?? TableFacts(table)
        let context = facts.context(controls)
        let keys = FittedRouting.groupKeys(table, context: context)
        let total = Double(global.reduce(0, +))
        let prior = global.map { (Double($0) + 1) / (total + Double(FittedRouting.signatures)) }
        let probability: [[Double]] = keys.names.map { name in
            let n = counts[name] ?? Array(repeating: 0, count: FittedRouting.signatures)
            let sum = Double(n.reduce(0, +))
            return (0..<FittedRouting.signatures).map { (Double(n[$0]) + FittedRouting.alpha * prior[$0]) / (sum + FittedRouting.alpha) }
        }
        let countries = CountryCodes.count + 1
        var seen = [Int32](repeating: .max, count: keys.names.count * countries)
        var index: [String: Int] = [:]
        for (k, name) in keys.names.enumerated() { index[name] = k }
        for (key, day) in firstSeen {
            let parts = key.split(separator: "|", omittingEmptySubsequences: false)
            guard parts.count == 2, let k = index[String(parts[0])], let c = CountryCodes.code(String(parts[1])) else { continue }
            seen[k * countries + Int(c)] = day
        }
        let bans: [[ControlsTable.Rule]] = table.text(.hsCode).map { hs in
            (0..<hs.values.count).map { c in
                let code = hs.values.string(UInt32(c))
                return controls.rules.filter { $0.kind == .banned && $0.destinations != nil && $0.covers(code: code) }
            }
        } ?? []
        let banRules = table.text(.hsCode).map { CodeRules($0, controls: controls) { $0.kind == .banned && $0.destinations != nil } }
        var endUser = SparseRows<Int32>(rows: [], values: [])
        if let screening, let match = screening.matcher(table, facts: facts) {
            let n = table.count, parts = max(1, min(System.cores * 4, n / 16_384))
            let found = Parallel.map(0..<parts, threads: System.cores) { k -> (rows: [Int], entries: [Int32]) in
                var rows: [Int] = [], entries: [Int32] = []
                for r in (n * k / parts)..<(n * (k + 1) / parts) {
                    guard context.group[r] >= 0, let m = match(r), m.score >= screening.threshold else { continue }
                    rows.append(r)
                    entries.append(Int32(m.entry))
                }
                return (rows, entries)
            }
            endUser = SparseRows(rows: found.flatMap(\.rows), values: found.flatMap(\.entries))
        }
        let surprise = probability.flatMap { $0.map { -Math.log($0) / Math.log(10) } }
        return Prepared(keys: keys, context: context, route: RouteColumns(table), probability: probability, surprise: surprise,
                        firstSeen: seen, bans: bans, banRules: banRules, endUser: endUser, endUserRows: RowBits(endUser.rows, count: table.count))
    }

    func evidence(_ p: Prepared, _ table: DeclarationTable, _ r: Int) -> Evidence {
        let d = p.context.destination[r]
        let sig = p.route.signature(r, destination: d)
        let k = Int(p.keys.row[r])
        var e = Evidence(signature: sig, probability: p.probability[k][sig], group: p.keys.names[k], restricted: nil,
                         newDestinationSince: nil, controlled: p.context.group[r] >= 0, destination: d,
                         endUser: p.endUser(r).map { screening!.entries[$0] })
        let day = table.date[r]
        if let hs = table.text(.hsCode), !p.bans[Int(hs.codes[r])].isEmpty {
            let date = CivilDate(daysSinceEpoch: Int(day))
            let route = p.route.countries(r, destination: d)
            search: for rule in p.bans[Int(hs.codes[r])] where rule.inForce(on: date) {
                for c in route where rule.applies(to: CountryCodes.alpha2(c)) {
                    e.restricted = (CountryCodes.alpha2(c), rule)
                    break search
                }
            }
        }
        if d != 0 {
            let first = p.firstSeen(key: k, destination: d) ?? day
            if first - historyStart >= 180 && day - first <= 90 { e.newDestinationSince = CivilDate(daysSinceEpoch: Int(first)) }
        }
        return e
    }

    /// `score(evidence(p, table, r))` without building the evidence (no strings,
    /// no rules copied): the per-row loop. Tests hold the two equal on every row.
    @inline(__always)
    func fastScore(_ p: Prepared, _ table: DeclarationTable, hs: CodeColumn?, _ r: Int) -> Double {
        let d = p.context.destination[r]
        let k = Int(p.keys.row[r])
        var s = p.surprise[k * FittedRouting.signatures + p.route.signature(r, destination: d)]
        let day = table.date[r]
        if let hs, let bans = p.banRules {
            for k in bans.range(hs[r]) where bans.rules[k].inForce(day: day) {
                if p.route.contains(r, destination: d, where: bans.rules[k].applies) {
                    s += restrictedWeight
                    break
                }
            }
        }
        if p.endUser(r) != nil { s += restrictedWeight }
        if d != 0 {
            let first = p.firstSeen(key: k, destination: d) ?? day
            if first - historyStart >= 180 && day - first <= 90 { s += newDestinationWeight * (p.context.group[r] >= 0 ? 1 : 0.5) }
        }
        return s
    }

    func scores(_ p: Prepared, _ table: DeclarationTable) -> [Double] {
        let model = self, hs = table.text(.hsCode)?.codes
        return Parallel.rows(table.count) { model.fastScore(p, table, hs: hs, $0) }
    }

    func score(_ e: Evidence) -> Double {
        var s = -Math.log(e.probability) / Math.log(10)
        if e.restricted != nil { s += restrictedWeight }
        if e.endUser != nil { s += restrictedWeight }
        if e.newDestinationSince != nil { s += newDestinationWeight * (e.controlled ? 1 : 0.5) }
        return s
    }

    public func anomalyScores(_ table: DeclarationTable) -> [Double] {
        scores(prepare(table), table)
    }

    public func scoresAndExplainer(_ table: DeclarationTable) -> ([Double], @Sendable (Int) -> [Reason]) {
        scoresAndExplainer(table, facts: TableFacts(table))
    }

    public func scoresAndExplainer(_ table: DeclarationTable, facts: TableFacts) -> ([Double], @Sendable (Int) -> [Reason]) {
        let p = prepare(table, facts: facts)
        let model = self
        return (scores(p, table), { model.reasons(model.evidence(p, table, $0), table: table, row: $0) })
    }

    public func explainer(_ table: DeclarationTable) -> @Sendable (Int) -> [Reason] {
        scoresAndExplainer(table).1
    }

    public func reasons(_ table: DeclarationTable, row r: Int) -> [Reason] {
        reasons(evidence(prepare(table), table, r), table: table, row: r)
    }

    func reasons(_ e: Evidence, table: DeclarationTable, row r: Int) -> [Reason] {
        var out: [Reason] = []
        let dest = CountryCodes.alpha2(e.destination)
        if let (country, rule) = e.restricted {
            let via = country == dest || dest.isEmpty ? "" : " on a route through \(dest)"
            out.append(Reason(detector: Self.name,
                              text: "\(country) is a banned destination for \(rule.group) since \(rule.from)\(via)",
                              strength: restrictedWeight,
                              evidence: ["country": country, "group": rule.group, "since": rule.from.description, "destination": dest]))
        }
        if let entry = e.endUser {
            out.append(Reason(detector: Self.name,
                              text: "controlled goods to a restricted end user: the consignee matches \(entry.name) (\(entry.list)\(entry.country.isEmpty ? "" : ", " + entry.country))",
                              strength: restrictedWeight, evidence: ["entry": entry.name, "list": entry.list, "country": entry.country]))
        }
        if e.signature != 0 {
            let share = e.probability * 100
            let pct = share >= 1 ? ProseNumber.whole(share) : ProseNumber.cut(share, places: 2)
            out.append(Reason(detector: Self.name,
                              text: "\(FittedRouting.describe(e.signature)): \(pct)% of \(e.group) declarations route this way",
                              strength: -Math.log(e.probability) / Math.log(10),
                              evidence: ["signature": String(e.signature), "share": pct, "group": e.group]))
        }
        if let since = e.newDestinationSince {
            out.append(Reason(detector: Self.name,
                              text: "\(dest) first imported \(e.group) on \(since), after \(since.daysSinceEpoch - Int(historyStart)) days of history without it",
                              strength: newDestinationWeight, evidence: ["destination": dest, "group": e.group, "first_seen": since.description]))
        }
        return out.sorted { $0.strength > $1.strength }
    }
}

/// The country columns a route reads, bound once per table (a row reads plain arrays).
struct RouteColumns: Sendable {
    let trading: [UInt16]?, finalDestination: [UInt16]?, counterparty: [UInt16]?
    let origin: [UInt16]?, dispatch: [UInt16]?

    init(_ t: DeclarationTable) {
        trading = t.countries(.trading)
        finalDestination = t.countries(.finalDestination)
        counterparty = t.countries(.counterparty)
        origin = t.countries(.origin)
        dispatch = t.countries(.dispatch)
    }

    /// Bits: trading ≠ destination, final destination ≠ destination, counterparty
    /// country ≠ destination, dispatch ≠ origin. Missing or empty fields never differ.
    @inline(__always)
    func signature(_ r: Int, destination d: UInt16) -> Int {
        var s = 0
        if d != 0 {
            if let c = trading?[r], c != 0, c != d { s |= 1 }
            if let c = finalDestination?[r], c != 0, c != d { s |= 2 }
            if let c = counterparty?[r], c != 0, c != d { s |= 4 }
        }
        if let o = origin?[r], let p = dispatch?[r], o != 0, p != 0, o != p { s |= 8 }
        return s
    }

    /// Whether the destination or a given trading country, final destination or
    /// counterparty country passes `test` (the countries of `countries(_:destination:)`).
    @inline(__always)
    func contains(_ r: Int, destination d: UInt16, where test: (UInt16) -> Bool) -> Bool {
        if test(d) { return true }
        if let c = trading?[r], c != 0, test(c) { return true }
        if let c = finalDestination?[r], c != 0, test(c) { return true }
        if let c = counterparty?[r], c != 0, test(c) { return true }
        return false
    }

    /// The destination, then trading country, final destination and counterparty
    /// country where given (0 entries skipped; the destination as given).
    @inline(__always)
    func countries(_ r: Int, destination d: UInt16) -> [UInt16] {
        var route: [UInt16] = [d]
        for column in [trading, finalDestination, counterparty] { if let c = column?[r], c != 0 { route.append(c) } }
        return route
    }
}
