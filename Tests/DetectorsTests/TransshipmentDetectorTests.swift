import Declarations
@testable import Detectors
import Foundation
import TestSupport
import Testing

/// A small table from CSV records under a generator-style header.
enum TinyTable {
    static let header = "declaration_id,item_no,export_date,exporter_id,consignee_name,consignee_country,destination_country,trading_country,final_destination_country,hs_code,net_weight_kg,declared_value,currency,licence_number"

    static func make(_ records: [String], header: String = TinyTable.header) throws -> DeclarationTable {
        let dir = try TemporaryDirectory("tiny-table")
        defer { dir.remove() }
        try Data((([header] + records).joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: dir.file("t.csv")))
        let result = try Ingest.read([dir.file("t.csv")], options: IngestOptions())
        precondition(result.rejects.isEmpty, "tiny table rejected rows: \(result.rejects)")
        return result.table
    }
}

@Suite("Transshipment detectors on generated data")
struct TransshipmentQualityTests {
    static let data = try! DetectorData.make(rows: 400_000, seed: 16)

    @Test("each detector alone: recall at 1% ≥ 0.9 for its pattern", arguments: [
        ("routing", "transshipment_route"),
        ("diversion", "transshipment_surge"),
        ("new_party", "transshipment_surge"),
        ("split_shipments", "split_shipments"),
    ])
    func recallAtOnePercent(detector: String, pattern: String) throws {
        let scores = try Self.scores(detector)
        let recall = DetectorData.recall(scores, Self.data, pattern: pattern, fraction: 0.01)
        #expect(recall >= 0.9, "\(detector) recall@1% for \(pattern): \(recall)")
    }

    @Test("free text, consignees under several spellings (split-shipment and restricted-party evaders' too): the party detectors keep their recall at 1%", arguments: [
        ("split_shipments", "split_shipments"),
        ("new_party", "transshipment_surge"),
        ("diversion", "transshipment_surge"),
        ("restricted_party", "restricted_party"),
    ])
    func recallOnFreeText(detector: String, pattern: String) throws {
        let data = try DetectorData.make(rows: 200_000, seed: 16, freeText: true)
        defer { data.dir.remove() }
        let scores = detector == "restricted_party"
            ? try PartyScreeningDetector(parties: PartyList(csv: [UInt8](Data(contentsOf: URL(fileURLWithPath: data.dir.file("restricted_parties.csv")))), source: "parties")).fit(data.table).anomalyScores(data.table)
            : try Self.scores(detector, data.table)
        let recall = DetectorData.recall(scores, data, pattern: pattern, fraction: 0.01)
        #expect(recall >= 0.9, "\(detector) recall@1% for \(pattern) on free text: \(recall)")
    }

    static func scores(_ detector: String, _ t: DeclarationTable = data.table) throws -> [Double] {
        switch detector {
        case "routing": return try RoutingDetector(parties: parties()).fit(t).anomalyScores(t)
        case "routing without a list": return try RoutingDetector().fit(t).anomalyScores(t)
        case "diversion": return try DiversionDetector().fit(t).anomalyScores(t)
        case "new_party": return try NewPartyDetector().fit(t).anomalyScores(t)
        case "split_shipments": return try SplitShipmentDetector().fit(t).anomalyScores(t)
        default: fatalError("no detector \(detector)")
        }
    }

    static func parties() throws -> PartyList {
        try PartyList(csv: [UInt8](Data(contentsOf: URL(fileURLWithPath: data.dir.file("restricted_parties.csv")))), source: "parties")
    }

    @Test("routing without a restricted-party list still finds the route rows that have a mismatch (fronts need the list)")
    func routingWithoutList() throws {
        let recall = DetectorData.recall(try Self.scores("routing without a list"), Self.data, pattern: "transshipment_route", fraction: 0.01)
        #expect(recall >= 0.8, "routing without a list: recall@1% \(recall)")
    }

    /// The `q`-quantile of `pattern`'s scores: the look-alikes must stay under it.
    static func quantile(_ scores: [Double], pattern: String, _ q: Double) -> Double {
        let t = data.table
        let s = (0..<t.count).filter { data.labels[DetectorData.key(t, $0)] == pattern }.map { scores[$0] }.sorted()
        return s[Int(q * Double(s.count - 1))]
    }

    @Test("routing: trading-house rows score below the planted routes")
    func routingLookAlikes() throws {
        let t = Self.data.table
        let scores = try Self.scores("routing")
        let cut = Self.quantile(scores, pattern: "transshipment_route", 0.1)
        let trading = t.countries(.trading)!, dest = t.countries(.destination)!, cp = t.countries(.counterparty)!
        var houses = 0, housesInTop = 0
        for r in 0..<t.count where Self.data.labels[DetectorData.key(t, r)] == nil && trading[r] == cp[r] && cp[r] != dest[r] {
            houses += 1
            if scores[r] >= cut { housesInTop += 1 }
        }
        #expect(houses > 1000, "the generated data has trading-house rows (\(houses))")
        #expect(Double(housesInTop) / Double(houses) < 0.001, "\(housesInTop) of \(houses) trading-house rows reach the planted routes' 10th percentile \(cut)")
    }

    @Test("split shipments: unplanted shipments just under a threshold score below the planted bursts")
    func splitLookAlikes() throws {
        let t = Self.data.table
        let scores = try Self.scores("split_shipments")
        let net = t.numbers(.netWeightKg)!
        let licence = t.text(.licenceNumber)!
        let hs = t.text(.hsCode)!, dest = t.countries(.destination)!
        var singles = 0, flagged = 0, high = 0
        let cut = Self.quantile(scores, pattern: "split_shipments", 0.1)
        for r in 0..<t.count where Self.data.labels[DetectorData.key(t, r)] == nil && licence.string(r).isEmpty {
            let date = CivilDate(daysSinceEpoch: Int(t.date[r]))
            guard let th = ControlsTable.standard.licenceRules(code: hs.string(r), date: date, destination: CountryCodes.alpha2(dest[r])).first?.thresholdKg,
                  net[r] >= 0.8 * th && net[r] < th else { continue }
            singles += 1
            if scores[r] > 0 { flagged += 1 }
            if scores[r] >= cut { high += 1 }
        }
        #expect(Double(high) / Double(singles) < 0.1, "\(high) of \(singles) unplanted near-threshold shipments reach the planted bursts' 10th percentile \(cut)")
        #expect(singles > 20, "the generated data has single near-threshold shipments (\(singles))")
        #expect(Double(flagged) / Double(singles) < 0.25, "\(flagged) of \(singles) unplanted near-threshold shipments were flagged")
    }

    @Test("new parties: legitimate consignees first seen after a control score below the planted surge")
    func newPartyLookAlikes() throws {
        let t = Self.data.table
        let model = try NewPartyDetector().fit(t)
        let (scores, explain) = model.scoresAndExplainer(t)
        let cut = Self.quantile(scores, pattern: "transshipment_surge", 0.1)
        var newLegit = 0, inTop = 0
        var legitScores: [Double] = []
        for r in 0..<t.count where Self.data.labels[DetectorData.key(t, r)] == nil {
            guard explain(r).contains(where: { $0.text.contains("first seen") }) else { continue }
            newLegit += 1
            legitScores.append(scores[r])
            if scores[r] >= cut { inTop += 1 }
        }
        legitScores.sort()
        #expect(legitScores[legitScores.count / 2] < cut, "the median legitimate new consignee (\(legitScores[legitScores.count / 2])) scores below the surge rows' 10th percentile \(cut)")
        #expect(newLegit > 200, "the generated data has legitimate new consignees of controlled goods (\(newLegit) rows)")
        #expect(Double(inTop) / Double(newLegit) < 0.4, "\(inTop) of \(newLegit) legitimate new-consignee rows reach the surge rows' 10th percentile \(cut)")
    }

    @Test("explainers that keep each corridor month's text, and unit_value's places, say what one row's reasons say")
    func cachedExplainers() throws {
        let t = Self.data.table
        let diversion = try DiversionDetector().fit(t)
        let (scores, explain) = diversion.scoresAndExplainer(t, facts: TableFacts(t))
        let rows = (0..<t.count).filter { scores[$0] > 0 }
        #expect(rows.count > 100)
        // Twice over each row: the second time the corridor month's text comes from the cache.
        let p = diversion.prepare(t)
        for r in rows.prefix(2_000) + rows.prefix(2_000) {
            #expect(explain(r) == diversion.reasons(diversion.evidence(p, t, r), table: t, row: r), "row \(r)")
        }
        #expect(explain(rows[0]) == diversion.reasons(t, row: rows[0]))
        let unitValue = try UnitValueDetector().fit(t)
        let (uvScores, uvExplain) = unitValue.scoresAndExplainer(t, facts: TableFacts(t))
        let flagged = (0..<t.count).filter { uvScores[$0] > 2 }
        #expect(flagged.count > 100)
        for r in flagged.prefix(2_000) + flagged.prefix(2_000) { #expect(uvExplain(r) == unitValue.reasons(t, row: r), "row \(r)") }
    }

    @Test("diversion: the corridor table covers every controlled kg and marks surging corridors")
    func corridorTable() throws {
        let t = Self.data.table
        let model = try DiversionDetector().fit(t)
        let table = model.corridorTable
        #expect(!table.isEmpty)
        // Coverage-adjusted observed kg, scaled back, add up to the controlled kg with a destination.
        let coverage = Dictionary(uniqueKeysWithValues: model.coverage.enumerated().map { ($0.offset, $0.element) })
        var total = 0.0
        for row in table {
            let parts = row.month.split(separator: "-").map { Int($0)! }
            total += row.observedKg * coverage[parts[0] * 12 + parts[1] - 1 - model.firstMonth]!
        }
        let controls = ControlsTable.standard
        let hs = t.text(.hsCode)!, net = t.numbers(.netWeightKg)!, dest = t.countries(.destination)!
        var expected = 0.0
        for r in 0..<t.count where dest[r] != 0 && controls.isControlled(code: hs.string(r)) { expected += net[r] }
        #expect(Approximate.equal(total, expected, relative: 1e-9), "corridor kg \(total) vs controlled kg \(expected)")
        // The generator's surge corridors lead the table in the order reports show it.
        let top = table.filter { $0.afterEvent }.sorted { $0.diversion > $1.diversion }.prefix(20)
        let surgeCorridors: Set<String> = ["gallium|TH", "gallium|MY", "germanium|VN", "antimony|MX", "antimony|TH", "superhard|AE"]
        let hits = top.filter { surgeCorridors.contains($0.group + "|" + $0.destination) }.count
        #expect(hits >= 15, "\(hits) of the 20 strongest corridor-months are planted surge corridors: \(top.map { "\($0.group)|\($0.destination)|\($0.month)" })")
        // Restricted destinations are never scored as surging.
        #expect(table.filter { $0.restricted }.allSatisfy { $0.surge == 0 })
    }
}

@Suite("Transshipment detectors: the detector contract")
struct TransshipmentConformanceTests {
    static let data = try! DetectorData.make(rows: 30_000, seed: 18)

    @Test func routing() throws { try Conformance.check(RoutingDetector(), data: Self.data) }
    @Test func diversion() throws { try Conformance.check(DiversionDetector(), data: Self.data) }
    @Test func newParty() throws { try Conformance.check(NewPartyDetector(), data: Self.data) }
    @Test func splitShipments() throws { try Conformance.check(SplitShipmentDetector(), data: Self.data) }

    @Test("shared table facts (one trade context, one party matching, one set of shipments) change no score")
    func sharedFacts() throws {
        let t = Self.data.table
        let parties = try PartyList(csv: [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.data.dir.file("restricted_parties.csv")))), source: "parties")
        let facts = TableFacts(t)
        func same<D: Detector>(_ d: D) throws {
            let shared = try d.fit(t, facts: facts).scoresAndExplainer(t, facts: facts).0
            let alone = try d.fit(t).anomalyScores(t)
            #expect(shared == alone, "\(D.Fitted.name): \(zip(shared, alone).filter { $0 != $1 }.count) rows differ")
        }
        // Routing and restricted_party share the names' matches; split_shipments' fit and score share shipments.
        try same(RoutingDetector(parties: parties))
        try same(PartyScreeningDetector(parties: parties))
        try same(DiversionDetector())
        try same(NewPartyDetector())
        try same(SplitShipmentDetector())
        try same(SplitShipmentDetector(window: 3))
    }

    @Test("routing's per-row score equals the score of the evidence its reasons are built from, on every row")
    func routingFastScore() throws {
        let parties = try PartyList(csv: [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.data.dir.file("restricted_parties.csv")))), source: "parties")
        let fitted = try RoutingDetector(parties: parties).fit(Self.data.table)
        let t = Self.data.table
        let p = fitted.prepare(t)
        let hs = t.text(.hsCode)?.codes
        var differing: [Int] = []
        for r in 0..<t.count where fitted.fastScore(p, t, hs: hs, r) != fitted.score(fitted.evidence(p, t, r)) { differing.append(r) }
        #expect(differing.isEmpty, "\(differing.count) rows differ, first \(differing.prefix(5))")
        // The rows where each term of the score fires are there to compare.
        let e = (0..<t.count).map { fitted.evidence(p, t, $0) }
        #expect(e.contains { $0.restricted != nil } && e.contains { $0.endUser != nil } && e.contains { $0.newDestinationSince != nil })
    }
}

@Suite("Routing: signatures and restricted destinations")
struct RoutingTableTests {
    /// (consignee country, destination, trading, final destination, code, date) → reason fragments expected.
    static let cases: [(String, String, String, String, String, String, [String])] = [
        ("TH", "TH", "TH", "TH", "8112929010", "2025-03-01", []),
        ("TH", "TH", "US", "TH", "8112929010", "2025-03-01", ["US is a banned destination for gallium", "trading country differs"]),
        ("TH", "TH", "TH", "US", "8112929010", "2025-03-01", ["US is a banned destination for gallium", "final destination differs"]),
        ("TH", "TH", "US", "TH", "8112929010", "2024-06-01", ["trading country differs"]),           // before the ban
        ("HK", "VN", "HK", "VN", "8112929010", "2025-03-01", ["trading country and consignee's country differ"]),
        ("US", "US", "US", "US", "8112921010", "2025-03-01", ["US is a banned destination for germanium"]),
        ("TH", "TH", "US", "TH", "28043000", "2025-03-01", ["trading country differs"]),              // ordinary goods: no ban
    ]

    @Test("reasons name the countries that disagree and the ban that applies", arguments: 0..<cases.count)
    func row(_ k: Int) throws {
        let (cc, dest, trading, final, code, date, expected) = Self.cases[k]
        // The case row plus a background of ordinary agreeing rows, so mismatches are rare.
        var records = (1...200).map { i in "B\(i),1,2024-01-0\(1 + i % 9),E1,Buyer \(i % 7),TH,TH,TH,TH,8112929010,10,100,USD," }
        records.append("X1,1,\(date),E1,Case Buyer,\(cc),\(dest),\(trading),\(final),\(code),10,100,USD,")
        let t = try TinyTable.make(records)
        let model = try RoutingDetector().fit(t)
        let reasons = model.reasons(t, row: t.count - 1).map(\.text)
        for fragment in expected {
            #expect(reasons.contains { $0.contains(fragment) }, "case \(k): expected '\(fragment)' in \(reasons)")
        }
        if expected.isEmpty { #expect(reasons.isEmpty, "case \(k): \(reasons)") }
        let score = model.anomalyScores(t)[t.count - 1]
        #expect(expected.contains { $0.contains("banned") } == (score >= 4), "case \(k): score \(score)")
    }

    @Test("a mismatch common in its item group scores less than a rare one")
    func learnedFrequencies() throws {
        // In heading 2804 a trading-country mismatch is routine (every third row); in gallium it is rare.
        var records: [String] = []
        for i in 0..<300 {
            let trading = i % 3 == 0 ? "SG" : "KR"
            records.append("O\(i),1,2024-02-0\(1 + i % 9),E2,Buyer \(i % 5),KR,KR,\(trading),KR,28043000,10,100,USD,")
            records.append("G\(i),1,2024-02-0\(1 + i % 9),E3,Buyer \(i % 5),KR,KR,KR,KR,8112929010,10,100,USD,")
        }
        records.append("G999,1,2024-03-01,E3,Buyer 1,KR,KR,SG,KR,8112929010,10,100,USD,")
        let t = try TinyTable.make(records)
        let s = try RoutingDetector().fit(t).anomalyScores(t)
        #expect(s[t.count - 1] > s[0] + 1, "rare gallium mismatch \(s[t.count - 1]) vs routine silicon mismatch \(s[0])")
    }
}

@Suite("Diversion: a corridor's surge weighted by its consignee")
struct DiversionWeightTests {
    /// (new consignee, share after the event, share before) → weight on the surge.
    @Test("new consignees and those whose share grew carry the surge; a steady incumbent carries the base", arguments: [
        (true, 0.4, 0.0, 0.2 + 0.5 + 0.3 * 0.4),
        (false, 0.8, 0.8, 0.2),           // an incumbent that always took most of the corridor
        (false, 0.8, 0.2, 0.2 + 0.3 * 0.6),
        (false, 0.1, 0.5, 0.2),           // a shrinking share gains nothing
    ])
    func weight(isNew: Bool, share: Double, before: Double, expected: Double) {
        let model = FittedDiversion(controls: .standard, firstMonth: 0, coverage: [], groups: [], consigneeFirstSeen: [:],
                                    consigneeShare: [:], consigneeShareBefore: [:])
        let e = FittedDiversion.Evidence(model: 0, corridor: 0, month: 0, surge: 10, firstSeen: 0, isNew: isNew,
                                         share: share, shareBefore: before)
        #expect(abs(model.score(e) - 10 * expected) < 1e-12)
    }
}

@Suite("Split shipments: bursts under a threshold")
struct SplitShipmentTableTests {
    /// (days after 2024-03-01, net kg, licence) of one exporter–consignee pair's gallium shipments → expected burst count per row (0: not near the threshold).
    static let cases: [(String, [(Int, Double, String)], [Int])] = [
        ("three in five days", [(0, 45, ""), (3, 48, ""), (5, 49.5, "")], [3, 3, 3]),
        ("a single one", [(0, 49, "")], [1]),
        ("two, 20 days apart", [(0, 49, ""), (20, 48, "")], [1, 1]),
        ("licensed ones don't count", [(0, 49, "LC2024GA123456"), (1, 48, ""), (2, 47, "")], [0, 2, 2]),
        ("over the threshold or far under it don't count", [(0, 55, "LC2024GA000001"), (1, 30, ""), (2, 49, "")], [0, 0, 1]),
        ("a chain wider than the window", [(0, 49, ""), (10, 49, ""), (20, 49, "")], [2, 3, 2]),
        ("before the control date", [(-400, 49, ""), (-399, 49, "")], [0, 0]),
    ]

    @Test("burst counts and scores", arguments: 0..<cases.count)
    func burst(_ k: Int) throws {
        let (name, shipments, counts) = Self.cases[k]
        let start = CivilDate(iso: "2024-03-01")!
        let records = shipments.enumerated().map { i, s in
            "S\(i),1,\(start + s.0),E1,Buyer One,TH,TH,TH,TH,8112929010,\(s.1),1000,USD,\(s.2)"
        }
        let t = try TinyTable.make(records)
        let model = try SplitShipmentDetector().fit(t)
        let scores = model.anomalyScores(t)
        for (r, n) in counts.enumerated() {
            let reasons = model.reasons(t, row: r)
            if n >= 2 {
                #expect(reasons.first?.evidence["shipments"] == String(n), "\(name): row \(r) reasons \(reasons)")
                // Two shipments of a pair with no other history: P(another in the window) is about a quarter (0.57) plus the kg.
                #expect(scores[r] > 0.9, "\(name): row \(r) score \(scores[r])")
            } else {
                #expect(scores[r] == 0 && reasons.isEmpty, "\(name): row \(r) score \(scores[r])")
            }
        }
    }

    @Test("the Poisson surprise: −log10 P(N ≥ k), against the closed forms and far into the tail", arguments: [
        (1, 0.5, -log10(1 - exp(-0.5))),
        (3, 2.0, -log10(1 - 5 * exp(-2.0))),
        (2, 0.1, -log10(1 - exp(-0.1) * 1.1)),
        // 0.01^20 / 20! · e^-0.01 · (1 + 0.01/21 + …): the first term carries it.
        (20, 0.01, -log10(pow(0.01, 20) / 2_432_902_008_176_640_000 * exp(-0.01) * (1 + 0.01 / 21))),
        (0, 3.0, 0.0),
        (400, 0.001, 300.0),   // capped
    ])
    func poissonSurprise(k: Int, lambda: Double, expected: Double) {
        let got = FittedSplitShipment.poissonSurprise(atLeast: k, mean: lambda)
        #expect(Approximate.equal(got, expected, relative: 1e-8, absolute: 1e-12), "k \(k), λ \(lambda): \(got) against \(expected)")
    }

    @Test("a history's days: first to last date, less a mistyped one in a thousand at either end", arguments: [
        ([Int32](repeating: 100, count: 5) + [110], 11),                                       // under 1,000 rows: first to last
        ((0..<2_000).map { Int32(19_000 + $0 % 730) } + [Int32(8_000)], 729),                   // one date 30 years early (and the last day's 2 rows, within the 0.1%)
        ((0..<2_000).map { Int32(19_000 + $0 % 730) } + [Int32(8_000), 8_001, 8_002], 11_727), // three: the third is past the 0.1%
        ([Int32](), nil),
    ] as [([Int32], Int?)])
    func historyDays(dates: [Int32], expected: Int?) {
        #expect(FittedSplitShipment.historyDays(dates) == expected)
    }

    @Test("a burst counts against the pair's habit: the same four shipments score high from a pair that rarely ships under the threshold, low from one that does every few days")
    func habit() throws {
        let start = CivilDate(iso: "2024-03-01")!
        var records: [String] = []
        // E1 → Buyer One: a shipment of 45 kg every 3 days for two years; E2 → Buyer Two: four in a week, once.
        for d in stride(from: 0, to: 730, by: 3) { records.append("A\(d),1,\(start + d),E1,Buyer One,TH,TH,TH,TH,8112929010,45,1000,USD,") }
        for (i, d) in [400, 402, 404, 406].enumerated() { records.append("B\(i),1,\(start + d),E2,Buyer Two,TH,TH,TH,TH,8112929010,47,1000,USD,") }
        let t = try TinyTable.make(records)
        let model = try SplitShipmentDetector().fit(t)
        let scores = model.anomalyScores(t)
        let dense = (0..<(t.count - 4)).map { scores[$0] }.max()!, sparse = scores[t.count - 1]
        #expect(sparse >= 4, "the rare pair's burst: \(sparse)")
        #expect(dense < 1, "the habitual pair's busiest window: \(dense)")
        let reason = try #require(model.reasons(t, row: t.count - 1).first)
        #expect(reason.evidence["shipments"] == "4" && reason.text.contains("the pair's usual"), "\(reason.text)")
        // Through the model file, and from one written before the pairs' rates were kept.
        let json = try JSONEncoder().encode(model)
        #expect(try JSONDecoder().decode(FittedSplitShipment.self, from: json).anomalyScores(t) == scores)
        var object = try #require(JSONSerialization.jsonObject(with: json) as? [String: Any])
        object["pairCounts"] = nil
        object["historyDays"] = nil
        let older = try JSONDecoder().decode(FittedSplitShipment.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(older.anomalyScores(t)[t.count - 1] > 0)
    }

    @Test("one consignee under several spellings is one burst, in one table and across the history and a feed; another consignee is not counted")
    func burstUnderSpellings() throws {
        let names = ["Buyer One Ltd", "BUYER ONE LTD. (Bangkok branch)", "Buyer One Limited c/o Siam Forwarding 3", "Buyer Two Ltd"]
        let start = CivilDate(iso: "2024-03-01")!
        let t = try TinyTable.make(names.enumerated().map { i, name in
            "S\(i),1,\(start + i),E1,\(name),TH,TH,TH,TH,8112929010,\(45 + i),1000,USD,"
        })
        let model = try SplitShipmentDetector().fit(t)
        for r in 0..<3 { #expect(model.reasons(t, row: r).first?.evidence["shipments"] == "3", "row \(r): \(model.reasons(t, row: r))") }
        #expect(model.anomalyScores(t)[3] == 0)
        let feed = try TinyTable.make(["N1,1,\(start + 4),E1,Buyer One Ltd - Warehouse 5,TH,TH,TH,TH,8112929010,47,100,USD,"])
        #expect(model.reasons(feed, row: 0).first?.evidence["shipments"] == "4")
    }

    @Test("a burst that spans the history and a new feed is found from the model's tail")
    func spansTheFit() throws {
        let history = try TinyTable.make([
            "H1,1,2024-03-01,E1,Buyer One,TH,TH,TH,TH,8112929010,20,100,USD,",
            "H2,1,2024-03-10,E1,Buyer One,TH,TH,TH,TH,8112929010,48,100,USD,",
            "H3,1,2024-03-11,E1,Buyer One,TH,TH,TH,TH,8112929010,49,100,USD,",
        ])
        let feed = try TinyTable.make(["N1,1,2024-03-13,E1,Buyer One,TH,TH,TH,TH,8112929010,47,100,USD,"])
        let model = try SplitShipmentDetector().fit(history)
        #expect(model.reasons(feed, row: 0).first?.evidence["shipments"] == "3")
        // Rescoring the history itself does not count its tail twice.
        #expect(model.reasons(history, row: 2).first?.evidence["shipments"] == "2")
        // A fit leaves its tail's keys in the facts of the table it came from: the same set a
        // scan of every row's key finds there; a new feed holds none of them.
        let facts = TableFacts(history)
        let shared = try SplitShipmentDetector().fit(history, facts: facts)
        #expect(!shared.tailKeys.isEmpty)
        #expect(shared.presentTailKeys(history, facts: facts) == shared.presentTailKeys(history, facts: nil))
        #expect(shared.presentTailKeys(history, facts: nil) == shared.tailKeys)
        #expect(shared.presentTailKeys(feed, facts: TableFacts(feed)).isEmpty)
    }

    @Test("without a threshold in the controls table, one is learned from shipments heaped under a round number")
    func learnedThreshold() throws {
        var rng = SeededRandom(seed: 5)
        var weights = (0..<400).map { _ in 10 + 2000 * Double(rng.next() % 10_000) / 10_000 }
        weights += (0..<40).map { _ in 200 * (0.86 + 0.13 * Double(rng.next() % 1000) / 1000) }
        let learned = FittedSplitShipment.learnThreshold(weights)
        #expect(learned == 200)
        #expect(FittedSplitShipment.learnThreshold((0..<400).map { _ in 10 + 2000 * Double(rng.next() % 10_000) / 10_000 }) == nil)
    }
}

@Suite("Corridor baselines: batched least squares")
struct CorridorBaselineTests {
    @Test("terms by the months before the event", arguments: [(2, 0), (3, 1), (5, 1), (6, 2), (13, 2), (14, 4), (30, 4)])
    func terms(_ c: (Int, Int)) { #expect(CorridorBaseline.terms(forMonths: c.0) == c.1) }

    @Test("noise-free series give back their coefficients; batched equals one series at a time")
    func recovers() throws {
        var rng = SeededRandom(seed: 11)
        let first = 2023 * 12, event = 2023 * 12 + 23
        let truth = (0..<7).map { _ in (0..<4).map { _ in rng.normal() * 3 } }
        let series = truth.map { beta in (first..<(event + 6)).map { m in
            zip(CorridorBaseline.design(month: m, eventMonth: event, terms: 4), beta).reduce(0) { $0 + $1.0 * $1.1 }
        } }
        let b = try #require(try CorridorBaseline.fit(series, firstMonth: first, eventMonth: event))
        #expect(b.terms.allSatisfy { $0 == 4 } && b.fittedMonths == 23)
        for s in truth.indices {
            #expect(Approximate.equal(b.coefficients[s], truth[s], relative: 1e-9, absolute: 1e-9))
            let single = try #require(try CorridorBaseline.fit([series[s]], firstMonth: first, eventMonth: event))
            #expect(Approximate.equal(single.coefficients[0], b.coefficients[s], relative: 1e-12, absolute: 1e-12))
            #expect(abs(b.z(series: s, month: event + 3, observed: series[s][26])) < 1e-6)
            #expect(b.sigma[s] == CorridorBaseline.sigmaFloor)
        }
    }

    @Test("the trend is extrapolated at most 12 months past the event")
    func trendCap() {
        let at12 = CorridorBaseline.design(month: 100 + 12, eventMonth: 100, terms: 2)
        let at30 = CorridorBaseline.design(month: 100 + 30, eventMonth: 100, terms: 2)
        #expect(at12 == at30 && at12[1] == 1)
    }

    @Test("fewer than 3 months before the event give no baseline")
    func tooShort() throws {
        #expect(try CorridorBaseline.fit([[1, 2]], firstMonth: 10, eventMonth: 12) == nil)
    }
}

@Suite("Trade context: traders keyed by id, else by name")
struct TraderKeyTests {
    @Test("each row's trader key is its id, else its name's party; names are keyed only when a row has no id", arguments: [
        (["E1", "E2", "E1"], ["Acme Ltd", "Acme Limited", "Bolt GmbH"], ["E1", "E2", "E1"], false),
        (["E1", "", ""], ["Acme Ltd", "ACME LIMITED", "Bolt GmbH"], ["E1", "name:acme limited", "name:bolt gmbh"], true),
    ])
    func traderKeys(ids: [String], names: [String], expected: [String], keysNames: Bool) throws {
        let rows = ids.indices.map { "D\($0),1,2024-03-01,\(ids[$0]),Consignee,DE,DE,DE,DE,81129290,10,100,USD,,\"\(names[$0])\"" }
        let t = try TinyTable.make(rows, header: TinyTable.header + ",exporter_name")
        let (numbers, keys) = TradeContext.traders(t)
        let trader = try #require(numbers)
        // Against every name keyed (the whole of `partyKeys`): the same key for every row.
        let (allNumbers, allKeys) = TradeContext.partyKeys(id: t.text(.traderID), name: t.text(.traderName))
        for r in 0..<t.count {
            let key = keys[Int(trader[r])]
            #expect(key == allKeys[Int(allNumbers[r])], "row \(r)")
            #expect(expected[r].hasPrefix("name:") ? key.hasPrefix("name:") : key == expected[r], "row \(r): \(key)")
        }
        #expect(keys.contains { $0.hasPrefix("name:") } == keysNames, "\(keys)")
    }
}
