import Declarations
import Detectors
import Foundation
@testable import Scoring
import Synthetic
import TestSupport
import Testing

/// A table from CSV records (header included), read as the command line reads it.
func table(_ csv: String) throws -> DeclarationTable {
    let dir = try TemporaryDirectory("scoring-table")
    defer { dir.remove() }
    try Data(csv.utf8).write(to: URL(fileURLWithPath: dir.file("t.csv")))
    return try Ingest.read([dir.file("t.csv")], options: IngestOptions()).table
}

@Suite("RiskModel: background, weights, contributions")
struct RiskModelTests {
    @Test("contribution = weight × (score − background) above the background, 0 at or below", arguments: [
        (5.0, 2.0, 1.5, 4.5), (2.0, 2.0, 1.5, 0), (1.0, 2.0, 1.0, 0), (0.0, 0.0, 3.0, 0), (10.0, 0.0, 0.0, 0), (2.5, -1.0, 2.0, 7.0),
        // A detector's aggregate of bad data: infinite counts as the largest score, NaN as none.
        (.infinity, 2.0, 1.5, 1.5 * (RiskModel.largestScore - 2)), (.nan, 2.0, 1.5, 0), (-.infinity, 2.0, 1.5, 0),
        (5e6, 0.0, 1.0, 5e6), (2e15, 3e15, 1.0, 0),   // finite scores count as they are; a background past the cap adds nothing

    ])
    func contribution(score: Double, background: Double, weight: Double, expected: Double) {
        let m = RiskModel(terms: [.init(detector: "d", background: background, weight: weight)])
        #expect(m.contribution(0, score: score) == expected)
        #expect(m.risk([[score]]) == [expected])
    }

    @Test("the background is the 99th percentile of the fit scores, in any row order")
    func background() {
        var rng = SeededRandom(seed: 4)
        var scores = (0..<1000).map(Double.init)
        let m = RiskModel.fit([("a", scores)])
        #expect(m.terms[0].background == 989)
        scores.shuffle(using: &rng)
        #expect(RiskModel.fit([("a", scores)]).terms[0].background == 989)
        #expect(RiskModel.fit([("a", [Double](repeating: 0, count: 500) + [7])]).terms[0].background == 0, "a sparse detector's background is 0")
        #expect(m.terms[0].weight == 1, "unlisted detectors weigh 1")
        #expect(RiskModel.fit([("diversion", scores)]).terms[0].weight == RiskModel.defaultWeights["diversion"])
    }

    @Test("risk sums the detectors' contributions")
    func sums() {
        let m = RiskModel(terms: [.init(detector: "a", background: 1, weight: 2), .init(detector: "b", background: 0, weight: 0.5)])
        #expect(m.risk([[0, 3, 1.5], [4, 0, 2]]) == [2, 4, 2])
    }

    @Test("weights: overrides apply by name; unknown names, negative weights and bad syntax are errors")
    func weights() throws {
        let m = RiskModel(terms: [.init(detector: "a", background: 1, weight: 2)])
        #expect(try m.reweighted(["a": 0.5]).terms[0].weight == 0.5)
        #expect(throws: RiskModelError.unknownDetector("b", known: ["a"])) { try m.reweighted(["b": 1]) }
        #expect(try RiskModel.parseWeights(["a=0.5", "b=3"]) == ["a": 0.5, "b": 3])
        for bad in ["a", "=1", "a=x", "a=-1", "a=inf"] {
            #expect(throws: RiskModelError.self) { try RiskModel.parseWeights([bad]) }
        }
    }
}

@Suite("Ranking: risk first, then row key, whatever the input order")
struct RankingTests {
    @Test("two runs merged by two threads, split on the merge path, equal the one-thread merge (seeded keys, run sizes at and around the split)",
          arguments: [(0, 70_000), (70_000, 0), (1, 65_535), (65_535, 1), (40_000, 40_000), (100_003, 31_337)] as [(Int, Int)])
    func mergeRows(sizes: (Int, Int)) {
        var rng = SeededRandom(seed: UInt64(sizes.0 &* 31 &+ sizes.1))
        let n = sizes.0 + sizes.1
        // Keys with few distinct ids, so the runs interleave in long stretches and short ones.
        var keys = (0..<n).map { r in Ranking.ZeroKey(id: UInt64.random(in: 0..<50, using: &rng), tail: Ranking.tail(item: 1, row: r)) }
        keys.shuffle(using: &rng)
        let runs = [Array(keys.prefix(sizes.0)).sorted(), Array(keys.dropFirst(sizes.0)).sorted()]
        var expected = [7], got = [7]
        Ranking.merge(runs, into: &expected, less: <, row: \.row)
        Ranking.mergeRows(runs, into: &got)
        #expect(got == expected)
        #expect(got.count == n + 1)
    }

    @Test("equal risks are ordered by declaration id bytes then item number; ids longer than 24 bytes too")
    func ties() throws {
        let ids = ["B", "A", "AB", "A", "000000000000000000000000002", "000000000000000000000000001", "Z9"]
        let items = [1, 2, 1, 1, 1, 1, 1]
        var csv = "declaration_id,item_no,declaration_date,hs_code,value,currency\n"
        for (i, id) in ids.enumerated() { csv += "\(id),\(items[i]),2024-01-01,28049000,10,USD\n" }
        let t = try table(csv)
        let risk = [0, 0, 0, 0, 0, 0, 5.0]
        let order = Ranking.order(risk: risk, table: t).map { "\(t.declarationID.string($0))/\(t.itemNo[$0])" }
        #expect(order == ["Z9/1", "000000000000000000000000001/1", "000000000000000000000000002/1", "A/1", "A/2", "AB/1", "B/1"])
    }

    @Test("seeded property: the order of keys equals a plain sort by (−risk, id, item), for shuffled inputs", arguments: [1, 2, 3, 4])
    func property(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        var csv = "declaration_id,item_no,declaration_date,hs_code,value,currency\n"
        var rows: [(String, Int, Double)] = []
        for i in 0..<400 {
            let len = Int(rng.next() % 30) + 1
            let id = String((0..<len).map { _ in "0123456789AB".randomElement(using: &rng)! }) + "x\(i)"
            let item = Int(rng.next() % 3) + 1
            rows.append((id, item, Double(rng.next() % 4)))
        }
        rows.shuffle(using: &rng)
        for r in rows { csv += "\(r.0),\(r.1),2024-01-01,28049000,10,USD\n" }
        let t = try table(csv)
        let order = Ranking.order(risk: rows.map(\.2), table: t).map { "\(t.declarationID.string($0))/\(t.itemNo[$0])" }
        // Sorted in parallel runs and merged: the same order for any number of runs.
        for threads in [2, 3, 5] {
            let runs = Ranking.order(risk: rows.map(\.2), table: t, threads: threads, runRows: 16)
            #expect(runs.map { "\(t.declarationID.string($0))/\(t.itemNo[$0])" } == order, "\(threads) runs")
        }
        let oracle = rows.sorted { a, b in
            if a.2 != b.2 { return a.2 > b.2 }
            if a.0 != b.0 { return Array(a.0.utf8).lexicographicallyPrecedes(Array(b.0.utf8)) }
            return a.1 < b.1
        }.map { "\($0.0)/\($0.1)" }
        #expect(order == oracle)
    }

    @Test("risk-0 rows ranked in sampled id ranges: the all-zeros id, one id on many rows, few and many ranges",
          arguments: [(1, 300), (2, 1000), (3, 7), (4, 100_000)] as [(UInt64, Int)])
    func zeroRanges(seed: UInt64, partRows: Int) throws {
        var rng = SeededRandom(seed: seed)
        // 40 ids of 18 digits (the first all zeros, the second on most rows), items 1... under each.
        let pool = ["000000000000000000"] + (1..<40).map { _ in String((0..<18).map { _ in "0123456789".randomElement(using: &rng)! }) }
        var csv = "declaration_id,item_no,declaration_date,hs_code,value,currency\n"
        var risks: [Double] = [], next = [Int](repeating: 1, count: pool.count)
        for _ in 0..<5000 {
            let k = rng.next() % 3 == 0 ? 1 : Int(rng.next() % UInt64(pool.count))
            csv += "\(pool[k]),\(next[k]),2024-01-01,28049000,10,USD\n"
            next[k] += 1
            risks.append(rng.next() % 10 == 0 ? Double(rng.next() % 5) - 2 : 0)
        }
        let t = try table(csv)
        #expect(t.count == 5000 && t.declarationID.digitNumbers != nil)
        let dense = try #require(DenseIDs(t.declarationID, threads: 2))
        #expect(dense.numbersStored)
        let zeros = risks.filter { $0 == 0 }.count
        let ranges = Ranking.zeroRanges(risk: risks, ids: dense, zeros: zeros, partRows: partRows)
        // Ascending from 0, the last one open: every id in exactly one range.
        #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == nil)
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound && $0.lowerBound < $1.lowerBound })
        if partRows < zeros / 4 { #expect(ranges.count > 1, "\(zeros) zero rows in ranges of \(partRows)") }
        let packed = Ranking.packedOrder(risk: risks, table: t, threads: 2, runRows: 64)
        #expect(Ranking.order(risk: risks, ids: dense, items: t.itemNo, threads: 2, runRows: 64, zeroPartRows: partRows) == packed)
    }

    @Test("dense id codes give the packed-prefix order: numeric, mixed, prefix-related and overlong ids; risks of every sign",
          arguments: [("0123456789", 18, true), ("0123456789", 19, true), ("0123456789", 5, false), ("AB", 30, false), ("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 12, false),
                      ("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 14, false), ("-./0", 3, false)])
    func dense(alphabet: String, length: Int, fixedLength: Bool) throws {
        var rng = SeededRandom(seed: UInt64(length * 31 + alphabet.count))
        var csv = "declaration_id,item_no,declaration_date,hs_code,value,currency\n"
        var risks: [Double] = []
        for _ in 0..<600 {
            let len = fixedLength ? length : Int(rng.next() % UInt64(length)) + 1
            let id = String((0..<len).map { _ in alphabet.randomElement(using: &rng)! })
            for item in 1...Int(rng.next() % 2 + 1) {
                csv += "\(id),\(item),2024-01-01,28049000,10,USD\n"
                risks.append([0, -0.0, 0, 0, 1.5, 2, -1, 1e-9][Int(rng.next() % 8)])
            }
        }
        let t = try table(csv)   // short random ids repeat: those rows are rejected as duplicates
        let risk = Array(risks.prefix(t.count))
        let dense = DenseIDs(t.declarationID, threads: 2)
        // Fits when the column keeps its ids as same-width numbers (19 digits: 11^19 > 2^64) or
        // (symbols used + 1)^(longest id) < 2^64 (a 14-character id over 36 symbols does not).
        let ids = (0..<t.count).map { t.declarationID.withBytes($0) { Array($0) } }
        let used = Set(ids.joined()).count, longest = ids.map(\.count).max()!
        let numbers = t.declarationID.digitNumbers != nil
        #expect(numbers == (fixedLength && alphabet == "0123456789" && length <= 19))
        #expect((dense != nil) == (numbers || Foundation.pow(Double(used + 1), Double(longest)) < 1.8e19), "\(used) symbols, \(longest) long")
        let packed = Ranking.packedOrder(risk: risk, table: t, threads: 3, runRows: 16)
        #expect(Ranking.order(risk: risk, table: t, threads: 3, runRows: 16) == packed)
        if let dense {
            #expect(Ranking.order(risk: risk, ids: dense, items: t.itemNo, threads: 1, runRows: 16) == packed)
            #expect(Ranking.order(risk: risk, ids: dense, items: t.itemNo, threads: 5, runRows: 16) == packed)
            // Risk-0 rows sorted in id ranges of a few rows each, and of one row each.
            #expect(Ranking.order(risk: risk, ids: dense, items: t.itemNo, threads: 2, runRows: 16, zeroPartRows: 37) == packed)
            #expect(Ranking.order(risk: risk, ids: dense, items: t.itemNo, threads: 3, runRows: 16, zeroPartRows: 1) == packed)
        }
    }
}

@Suite("Lanes by inspection budget, with seeded exploration")
struct LanesTests {
    @Test("red, amber and green counts follow the rates; exploration picks come from below the targeted red rows",
          arguments: [(1000, 0.01, 0.04, 0.0), (1000, 0.05, 0.1, 0.2), (997, 0.013, 0.0, 1.0), (10, 0.5, 0.5, 0.5), (0, 0.01, 0.04, 0.1)])
    func counts(n: Int, inspect: Double, amber: Double, explore: Double) {
        let ranking = Array((0..<n).reversed())
        let lanes = Lanes(ranking: ranking, policy: LanePolicy(inspectRate: inspect, amberRate: amber, explore: explore, seed: 7))
        let red = n == 0 ? 0 : Int((Double(n) * inspect).rounded(.up))
        let picks = Int((Double(red) * explore).rounded())
        #expect(lanes.redCount == red)
        #expect(lanes.lane.filter { $0 == .red }.count == red)
        #expect(lanes.exploredCount == picks && lanes.explored.filter { $0 }.count == picks)
        for k in 0..<(red - picks) { #expect(lanes.lane[ranking[k]] == .red && !lanes.explored[ranking[k]]) }
        #expect(lanes.amberCount == min(n - red, n == 0 ? 0 : Int((Double(n) * amber).rounded(.up))))
        // Amber rows are the highest-ranked rows not red.
        let firstGreen = ranking.firstIndex { lanes.lane[$0] == .green } ?? n
        #expect(ranking[firstGreen...].allSatisfy { lanes.lane[$0] != .amber })
    }

    @Test("the same seed picks the same rows; another seed other rows")
    func seeded() {
        let ranking = Array(0..<5000)
        func picks(_ seed: UInt64) -> [Int] {
            let l = Lanes(ranking: ranking, policy: LanePolicy(inspectRate: 0.02, explore: 0.5, seed: seed))
            return ranking.filter { l.explored[$0] }
        }
        #expect(picks(1) == picks(1))
        #expect(picks(1) != picks(2))
        #expect(picks(1).allSatisfy { $0 >= 50 }, "picks lie below the 50 targeted rows")
    }
}

@Suite("The model file")
struct ModelFileTests {
    static let data: (DeclarationTable, PartyList) = {
        let dir = try! TemporaryDirectory("model-file")
        defer { dir.remove() }
        _ = try! Generator.run(GeneratorOptions(rows: 6000, seed: 31), into: dir.path)
        let table = try! Ingest.read([dir.file("declarations.csv")], options: IngestOptions()).table
        let parties = try! PartyList(csv: [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.file("restricted_parties.csv")))), source: "parties")
        return (table, parties)
    }()

    @Test("encode → decode → score gives the scores of the fit exactly; encoding is deterministic")
    func roundTrip() throws {
        let (table, parties) = Self.data
        let (suite, scores) = try DetectorSuite.fit(table, parties: parties)
        #expect(suite.names == ["unit_value", "goods_code", "licence", "routing", "diversion", "new_party", "split_shipments", "restricted_party"])
        let bytes = try ModelFile.encode(suite)
        let back = try ModelFile.decode(bytes, source: "m.json")
        #expect(back.names == suite.names)
        #expect(back.risk == suite.risk)
        #expect(back.schema == suite.schema)
        let again = try back.score(table)
        for d in scores.columns.indices {
            #expect(again.columns[d] == scores.columns[d], "\(scores.names[d]) scores survive the model file")
        }
        #expect(try ModelFile.encode(back) == bytes, "encoding is deterministic")
        try ModelFile.check(back, against: table, source: "m.json")
        // The consignees' parties the detectors keyed, handed on for parties.csv by the fit and by scoring.
        let own = PartyResolution(table.text(.counterpartyName)!.values)
        for handed in [scores.counterpartyParties, again.counterpartyParties] {
            #expect(handed?.party == own.party && handed?.keys == own.keys, "the suite hands on the consignees' parties")
        }
    }

    @Test("detectors run side by side score as each does alone; stages and parts are reported in the suite's order")
    func sideBySide() throws {
        let (table, parties) = Self.data
        var stages: [String] = [], parts: [String] = []
        let (suite, scores) = try DetectorSuite.fit(table, parties: parties, learning: nil,
                                                    stage: { stages.append($0) }, part: { name, seconds in
                                                        #expect(seconds >= 0)
                                                        parts.append(name)
                                                    })
        let beside = ["licence", "routing", "diversion", "new_party", "split_shipments", "restricted_party"]
        #expect(stages == ["fit unit_value", "score unit_value", "fit goods_code", "score goods_code",
                           "fit and score " + beside.joined(separator: ", ") + " (side by side)"])
        #expect(parts == beside.flatMap { ["fit \($0)", "score \($0)"] })
        // Each alone, one after another, on a fresh table's facts.
        let alone: [any FittedDetector] = [
            try LicenceDetector().fit(table), try RoutingDetector(parties: parties).fit(table), try DiversionDetector().fit(table),
            try NewPartyDetector().fit(table), try SplitShipmentDetector().fit(table), try PartyScreeningDetector(parties: parties).fit(table),
        ]
        for f in alone {
            let name = type(of: f).name
            let k = try #require(scores.names.firstIndex(of: name))
            #expect(scores.columns[k] == ScoreColumn(f.anomalyScores(table)), "\(name) side by side scores as alone")
        }
        var scoreStages: [String] = [], scoreParts: [String] = []
        let again = try suite.score(table, stage: { scoreStages.append($0) }, part: { name, _ in scoreParts.append(name) })
        #expect(scoreStages == ["score unit_value", "score goods_code", "score " + beside.joined(separator: ", ") + " (side by side)"])
        #expect(scoreParts == beside.map { "score \($0)" })
        for d in scores.columns.indices { #expect(again.columns[d] == scores.columns[d], "\(scores.names[d])") }
    }

    @Test("a feed with other fields, another format version, or not a model at all is refused with what to do")
    func refusals() throws {
        let (table, _) = Self.data
        let (suite, _) = try DetectorSuite.fit(table)
        let narrow = try ScoringTests_table()
        #expect(throws: ModelFileError.self) { try ModelFile.check(suite, against: narrow, source: "m.json") }
        do {
            try ModelFile.check(suite, against: narrow, source: "m.json")
        } catch {
            #expect(error.description.contains("the feed lacks"))
        }
        var text = String(decoding: try ModelFile.encode(suite), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"formatVersion\":\(ModelFile.formatVersion)", with: "\"formatVersion\":\(ModelFile.formatVersion + 1)")
        #expect(throws: ModelFileError.version("m.json", found: ModelFile.formatVersion + 1, expected: ModelFile.formatVersion)) { try ModelFile.decode(Array(text.utf8), source: "m.json") }
        #expect(throws: ModelFileError.notAModel("x.csv")) { try ModelFile.decode(Array("a,b\n1,2\n".utf8), source: "x.csv") }
    }

    @Test("the schema hash is stable across runs and changes with the fields")
    func schemaHash() {
        let a = SchemaSignature(fields: ["hs_code", "value"]), b = SchemaSignature(fields: ["value", "hs_code"])
        #expect(a == b)
        #expect(a.hash == "6174e82dfebc081c", "FNV-1a 64 of the field list: the same on every machine")
        #expect(SchemaSignature(fields: ["hs_code"]).hash != a.hash)
    }
}

func ScoringTests_table() throws -> DeclarationTable {
    try table("declaration_id,item_no,declaration_date,hs_code,value,currency\nA,1,2024-01-01,28049000,10,USD\n")
}
