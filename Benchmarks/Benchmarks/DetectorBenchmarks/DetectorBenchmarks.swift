import Benchmark
import BenchmarkSupport
import CSVCore
import Declarations
import Detectors
import Foundation
import Synthetic

/// Fit and score of each detector on 400,000 generated rows (ingested once,
/// outside the measurement), in rows/s. Each checks its answer: the planted
/// rows of its pattern must fill its top 1%.
let benchmarks: @Sendable () -> Void = {
    let rows = 400_000
    /// A generated folder's table, and each row's planted pattern (nil: none).
    func load(_ dir: String) -> (table: DeclarationTable, pattern: [String?]) {
        let table = try! Ingest.read([dir + "/declarations.csv"], options: IngestOptions()).table
        let labelTable = try! CSVTable(bytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/labels.csv"))))
        var labels: [String: String] = [:]
        for r in labelTable.rows { labels[r[0] + "/" + r[1]] = r[2] }
        return (table, (0..<table.count).map { labels[table.declarationID.string($0) + "/" + String(table.itemNo[$0])] })
    }
    /// The share of `p`'s planted rows in the top 1% of `scores`.
    func recall(_ scores: [Double], _ p: String, in pattern: [String?]) -> Double {
        let top = (0..<scores.count).sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }.prefix(scores.count / 100)
        let total = pattern.filter { $0 == p }.count
        return Double(top.filter { pattern[$0] == p }.count) / Double(max(1, total))
    }
    let dir = BenchData.folder(rows: rows)
    let (table, pattern) = load(dir)
    func recall(_ scores: [Double], _ p: String) -> Double { recall(scores, p, in: pattern) }

    let rowsPerSecond = Rate.rows
    let config = Tolerances.configuration([.wallClock, .mallocCountTotal, Rate.rows], maxSeconds: 10, maxIterations: 5)
    func report(_ b: Benchmark, _ start: ContinuousClock.Instant) {
        Rate.report(b, Rate.rows, count: Double(rows), since: start)
    }

    let unitValue = try! UnitValueDetector().fit(table)
    let goods = try! GoodsCodeDetector().fit(table)
    let licence = try! LicenceDetector().fit(table)

    Benchmark("unit_value_fit", configuration: config) { b in
        let start = ContinuousClock.now
        let f = try UnitValueDetector().fit(table)
        report(b, start)
        precondition(f.groups.count > 100, "wrong answer: \(f.groups.count) groups")
        blackHole(f)
    }
    Benchmark("unit_value_score", configuration: config) { b in
        let start = ContinuousClock.now
        let s = unitValue.anomalyScores(table)
        report(b, start)
        precondition(recall(s, "weight_quantity") > 0.9 && recall(s, "undervaluation") > 0.85, "wrong answer")
        blackHole(s)
    }
    /// goods_code's fit and score on `table` (`goods_code_fit` and `goods_code_score`, then `suffix`); the
    /// score checks misdeclared_hs's recall.
    func goodsCode(_ suffix: String, _ table: DeclarationTable, _ fitted: FittedGoodsCode, _ pattern: [String?]) {
        Benchmark("goods_code_fit\(suffix)", configuration: config) { b in
            let start = ContinuousClock.now
            let f = try GoodsCodeDetector().fit(table)
            report(b, start)
            precondition(!f.lines.isEmpty, "wrong answer")
            blackHole(f)
        }
        Benchmark("goods_code_score\(suffix)", configuration: config) { b in
            let start = ContinuousClock.now
            let s = fitted.anomalyScores(table)
            report(b, start)
            let r = recall(s, "misdeclared_hs", in: pattern)
            precondition(r > 0.85, "wrong answer: recall \(r)")
            blackHole(s)
        }
    }
    goodsCode("", table, goods, pattern)
    // A 10,000-entry list: the generator's entries plus synthetic names built from
    // a separate vocabulary (so they block but rarely match).
    var listCSV = try! String(contentsOfFile: dir + "/restricted_parties.csv", encoding: .utf8)
    let syllables = ["ka", "zo", "ri", "men", "tal", "vor", "qui", "lan", "dex", "mur", "sel", "pra", "to", "nik", "var", "usk"]
    var state: UInt64 = 7
    func next() -> Int { state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return Int(state >> 33) }
    var entries = listCSV.split(separator: "\n").count - 1
    while entries < 10_000 {
        let word = { (0..<(2 + next() % 3)).map { _ in syllables[next() % syllables.count] }.joined().capitalized }
        listCSV += "\(word()) \(word()) Trading LLC,RU,SDN,\n"
        entries += 1
    }
    let bigList = try! PartyList(csv: Array(listCSV.utf8), source: "10k list")
    let names = Set((0..<table.count).map { table.text(.counterpartyName)!.string($0) }).count
    let namesPerSecond = BenchmarkMetric.custom("names_per_s", polarity: .prefersLarger, useScalingFactor: false)
    Benchmark("party_screening_10k_list", configuration: Tolerances.configuration([.wallClock, namesPerSecond, rowsPerSecond], maxSeconds: 10, maxIterations: 5)) { b in
        let start = ContinuousClock.now
        let fitted = try PartyScreeningDetector(parties: bigList).fit(table)
        let s = fitted.anomalyScores(table)
        let e = start.duration(to: .now)
        let seconds = Double(e.components.seconds) + Double(e.components.attoseconds) * 1e-18
        b.measurement(namesPerSecond, Int(Double(names) / seconds))
        b.measurement(rowsPerSecond, Int(Double(rows) / seconds))
        precondition(bigList.entries.count >= 10_000 && recall(s, "restricted_party") > 0.85, "wrong answer: recall \(recall(s, "restricted_party"))")
        blackHole(s)
    }

    // No licence_fit: the licence detector learns nothing from the data (its
    // model is the controls table), so its fit would measure nothing.
    Benchmark("licence_score", configuration: config) { b in
        let start = ContinuousClock.now
        let s = licence.anomalyScores(table)
        report(b, start)
        precondition(s.count == rows && s.allSatisfy { $0 >= 0 && $0.isFinite }, "wrong answer")
        blackHole(s)
    }

    let smallList = try! PartyList(csv: [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/restricted_parties.csv"))), source: "parties")
    // Each transshipment detector's fit and score on its own; the score
    // benchmarks check the detector's recall@1% for its pattern.
    func fitAndScore<D: Detector>(_ name: String, _ detector: D, pattern: String, recall minimum: Double) {
        let fitted = try! detector.fit(table)
        Benchmark("\(name)_fit", configuration: config) { b in
            let start = ContinuousClock.now
            let f = try detector.fit(table)
            report(b, start)
            precondition(f.anomalyScores(table).count == rows, "wrong answer")
            blackHole(f)
        }
        Benchmark("\(name)_score", configuration: config) { b in
            let start = ContinuousClock.now
            let s = fitted.anomalyScores(table)
            report(b, start)
            precondition(recall(s, pattern) > minimum, "wrong answer: recall \(recall(s, pattern)) for \(pattern)")
            blackHole(s)
        }
    }
    fitAndScore("routing", RoutingDetector(parties: smallList), pattern: "transshipment_route", recall: 0.85)
    fitAndScore("diversion", DiversionDetector(), pattern: "transshipment_surge", recall: 0.85)
    fitAndScore("new_party", NewPartyDetector(), pattern: "transshipment_surge", recall: 0.85)
    fitAndScore("split_shipments", SplitShipmentDetector(), pattern: "split_shipments", recall: 0.9)
    fitAndScore("restricted_party", PartyScreeningDetector(parties: smallList), pattern: "restricted_party", recall: 0.85)

    // The transshipment step as scan runs it: fit and score routing (with the
    // generator's list), diversion, new parties, split shipments and restricted
    // parties, sharing one TableFacts (the trade context is built once).
    Benchmark("transshipment_step", configuration: config) { b in
        let start = ContinuousClock.now
        let facts = TableFacts(table)
        func run<D: Detector>(_ d: D) throws -> [Double] { try d.fit(table, facts: facts).scoresAndExplainer(table, facts: facts).0 }
        let routing = try run(RoutingDetector(parties: smallList))
        let diversion = try run(DiversionDetector())
        let newParty = try run(NewPartyDetector())
        let split = try run(SplitShipmentDetector())
        let parties = try run(PartyScreeningDetector(parties: smallList))
        report(b, start)
        let r = (recall(routing, "transshipment_route"), recall(diversion, "transshipment_surge"),
                 recall(newParty, "transshipment_surge"), recall(split, "split_shipments"), recall(parties, "restricted_party"))
        precondition(r.0 > 0.85 && r.1 > 0.85 && r.2 > 0.85 && r.3 > 0.9 && r.4 > 0.85, "wrong answer: recalls \(r)")
        blackHole(split)
    }

    // Corridor baselines: 6 item groups × 300 destinations × (kg, USD) series of
    // 34 months, 23 before the event; one dgels per group and model size.
    let seriesPerSecond = BenchmarkMetric.custom("series_per_s", polarity: .prefersLarger, useScalingFactor: false)
    let first = 2023 * 12, event = 2023 * 12 + 23
    var corridorState: UInt64 = 11
    func noise() -> Double {
        corridorState = corridorState &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(corridorState >> 11) * 0x1p-53 - 0.5
    }
    let truth = (0..<600).map { _ in [3 + 4 * noise(), noise(), noise(), noise()] }
    let groupSeries: [[[Double]]] = (0..<6).map { _ in
        truth.map { beta in (first..<(first + 34)).map { m in
            zip(CorridorBaseline.design(month: m, eventMonth: event, terms: 4), beta).reduce(0) { $0 + $1.0 * $1.1 } + 0.01 * noise()
        } }
    }
    let seriesCount = groupSeries.reduce(0) { $0 + $1.count }
    Benchmark("corridor_fitting", configuration: Tolerances.configuration([.wallClock, seriesPerSecond], maxSeconds: 10, maxIterations: 50)) { b in
        let start = ContinuousClock.now
        var fitted: [CorridorBaseline] = []
        for series in groupSeries { fitted.append(try CorridorBaseline.fit(series, firstMonth: first, eventMonth: event)!) }
        let e = start.duration(to: .now)
        b.measurement(seriesPerSecond, Int(Double(seriesCount) / (Double(e.components.seconds) + Double(e.components.attoseconds) * 1e-18)))
        // The answer: every series' coefficients come back within the noise.
        let worst = fitted[0].coefficients.indices.map { s in zip(fitted[0].coefficients[s], truth[s]).map { abs($0 - $1) }.max()! }.max()!
        precondition(worst < 0.05 && fitted.allSatisfy { $0.terms.allSatisfy { $0 == 4 } }, "wrong answer: coefficient error \(worst)")
        blackHole(fitted)
    }

    // The same rows as free text (`tradescan generate --free-text`): a lot, batch or
    // order number in nearly every description, consignees under several spellings.
    // goods_code and party screening do their work once per distinct description or
    // name: here about 400,000 descriptions and 30,000 names, against 22,000 and
    // 13,000 in the plain rows. Each checks its recall as the plain benchmarks do.
    let freeDir = BenchData.folder(rows: rows, freeText: true)
    let (freeTable, freePattern) = load(freeDir)
    let distinctDescriptions = freeTable.text(.description)!.values.count
    precondition(distinctDescriptions > freeTable.count * 9 / 10, "free text: \(distinctDescriptions) distinct descriptions in \(freeTable.count) rows")
    goodsCode("_free_text", freeTable, try! GoodsCodeDetector().fit(freeTable), freePattern)
    let freeList = try! PartyList(csv: [UInt8](Data(contentsOf: URL(fileURLWithPath: freeDir + "/restricted_parties.csv"))), source: "parties")
    // As scan runs it: routing's copy of the screening model and restricted_party share one TableFacts.
    Benchmark("restricted_party_free_text", configuration: config) { b in
        let start = ContinuousClock.now
        let facts = TableFacts(freeTable)
        let routing = try RoutingDetector(parties: freeList).fit(freeTable, facts: facts)
        let fitted = try PartyScreeningDetector(parties: freeList).fit(freeTable, facts: facts)
        let s = fitted.scoresAndExplainer(freeTable, facts: facts).0
        report(b, start)
        let r = recall(s, "restricted_party", in: freePattern)
        precondition(r > 0.85, "wrong answer: recall \(r)")
        blackHole((routing, s))
    }
}
