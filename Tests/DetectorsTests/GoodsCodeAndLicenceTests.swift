import CSVCore
@testable import Declarations
@testable import Detectors
import Foundation
import LinearAlgebra
import TestSupport
import Testing

@Suite("goods-vs-code and licence detectors", .serialized)
struct GoodsCodeAndLicenceTests {
    static let data = try! DetectorData.make(rows: 80_000, seed: 13)

    @Test("pair counts equal a dictionary's, added row by row and merged from parts, sorted by key, through growth", arguments: [41, 42] as [UInt64])
    func pairCounts(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        // Keys packed like goods_code's (description code, line code), some colliding in low bits.
        let keys = (0..<30_000).map { _ in UInt64(Int.random(in: 0..<3_000, using: &rng)) << 32 | UInt64(Int.random(in: 0..<40, using: &rng) * 1024) }
        var oracle: [UInt64: Int] = [:]
        for k in keys { oracle[k, default: 0] += 1 }
        var whole = PairCounts()
        for k in keys { whole.add(k, 1) }
        var first = PairCounts(), second = PairCounts(), third = PairCounts()
        for (i, k) in keys.enumerated() { if i % 3 == 0 { first.add(k, 1) } else if i % 3 == 1 { second.add(k, 1) } else { third.add(k, 1) } }
        // Joined without one table of them all (goods_code's fit).
        let joined = PairCounts.sorted(merging: [first, second, third])
        let expected = oracle.sorted { $0.key < $1.key }.map { [Int($0.key >> 32), Int($0.key & 0xFFFF_FFFF), $0.value] }
        #expect(whole.count == oracle.count)
        #expect(whole.sorted().map { [Int($0.key >> 32), Int($0.key & 0xFFFF_FFFF), $0.count] } == expected)
        #expect(joined.map { [Int($0.key >> 32), Int($0.key & 0xFFFF_FFFF), $0.count] } == expected)
    }

    @Test("centroids: the same bits on 1, 2 or 3 cores as one pass adding every pair's stored grams in pair order (the fit before it stopped keeping them)")
    func centroidsAgainstOnePass() throws {
        let t = Self.data.table
        let fitted = try GoodsCodeDetector().fit(t)
        let hs = try #require(t.text(.hsCode)), desc = try #require(t.text(.description))
        var pairs = PairCounts()
        for r in 0..<t.count { pairs.add(UInt64(desc.codes[r]) << 32 | UInt64(hs.codes[r]), 1) }
        let sorted = pairs.sorted(), lines = hs.values.count, dimension = TextModel.dimension
        // The oracle: every description's grams kept, one serial pass, then each line normalised.
        let grams = (0..<desc.values.count).map { TextModel.gramsOfScalars(desc.values.string(UInt32($0))) }
        var oracle = [[Double]](repeating: [Double](repeating: 0, count: dimension), count: lines)
        for (pair, count) in sorted {
            let d = Int(pair >> 32), c = Int(pair & 0xFFFF_FFFF)
            var norm = 0.0
            for (b, n) in grams[d] { let w = (1 + Math.log(n)) * fitted.text.idf[b]; norm += w * w }
            norm = max(norm.squareRoot(), 1e-12)
            for (b, n) in grams[d] { oracle[c][b] += Double(count) * (1 + Math.log(n)) * fitted.text.idf[b] / norm }
        }
        for c in 0..<lines {
            var s = 0.0
            for b in 0..<dimension { s += oracle[c][b] * oracle[c][b] }
            s = max(s.squareRoot(), 1e-12)
            for b in 0..<dimension { oracle[c][b] /= s }
        }
        for cores in 1...3 {
            let m = GoodsCodeDetector.centroids(lines: lines, pairs: sorted, values: desc.values, model: fitted.text, cores: cores)
            var differing = 0
            for c in 0..<lines { for b in 0..<dimension where m[b, c].bitPattern != oracle[c][b].bitPattern { differing += 1 } }
            #expect(differing == 0, "\(cores) cores: \(differing) cells")
        }
        #expect(fitted.centroids.columns == lines && fitted.centroids.rows == dimension)
    }

    @Test("a controlled item named under a cover code counts more when the exporter declares the item under its controlled lines; the dealers travel in the model file")
    func dealers() throws {
        var rows: [String] = []
        func row(_ id: String, _ exporter: String, _ code: String, _ description: String) -> String {
            "\(id),1,2024-03-01,\(exporter),Acme,DE,DE,DE,DE,\(code),1000,900,USD,,\(description)"
        }
        // E1 ships graphite under its controlled line; E3 ships activated carbon under 38029000.
        for k in 0..<30 { rows.append(row("G\(k)", "E1", "2504101000", "natural flake graphite")) }
        for k in 0..<40 { rows.append(row("C\(k)", "E3", "38029000", "activated carbon granules")) }
        // The same goods, the same code, the same price, from the dealer and from E2.
        rows.append(row("A", "E1", "38029000", "expandable graphite 80 mesh"))
        rows.append(row("B", "E2", "38029000", "expandable graphite 80 mesh"))
        let t = try TinyTable.make(rows, header: TinyTable.header + ",goods_description")
        let fitted = try GoodsCodeDetector().fit(t)
        #expect(fitted.dealers.groups == ["E1": ["graphite"]])
        let a = t.count - 2, b = t.count - 1
        let scores = fitted.anomalyScores(t)
        #expect(scores[b] >= 2, "the keyword alone: \(scores[b])")
        #expect(scores[a] == scores[b] + GoodsCodeDetector.dealerBonus, "\(scores[a]) against \(scores[b])")
        #expect(fitted.reasons(t, row: a).contains { $0.text == "the trader declares graphite under its controlled lines too" })
        #expect(!fitted.reasons(t, row: b).contains { $0.evidence["dealer_group"] != nil })
        // Through the model file, and from a file written before dealers were kept (none: no corroboration).
        let json = try JSONEncoder().encode(fitted)
        let again = try JSONDecoder().decode(FittedGoodsCode.self, from: json)
        #expect(again.dealers == fitted.dealers && again.anomalyScores(t) == scores)
        var object = try #require(JSONSerialization.jsonObject(with: json) as? [String: Any])
        object["dealers"] = nil
        let older = try JSONDecoder().decode(FittedGoodsCode.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(older.dealers.groups.isEmpty && older.anomalyScores(t)[a] == scores[b])
        // Rows with neither a trader id nor a name are no one's: together they make no dealer.
        let anonymous = try TinyTable.make(rows.map { $0.replacingOccurrences(of: ",E1,", with: ",,") + "," } + [row("N", "", "38029000", "expandable graphite 80 mesh") + ","],
                                           header: TinyTable.header + ",goods_description,exporter_name")
        let none = try GoodsCodeDetector().fit(anonymous)
        #expect(none.dealers.groups["E1"] == nil && none.dealers.groups.keys.allSatisfy { $0 != "" && $0 != "name:" }, "\(none.dealers.groups)")
        #expect(!none.reasons(anonymous, row: anonymous.count - 1).contains { $0.evidence["dealer_group"] != nil })
    }

    @Test("scoring's per-description similarities are those of each description's own vector, in and beyond its code slots")
    func ownSimilarities() throws {
        let t = Self.data.table
        let fitted = try GoodsCodeDetector().fit(t)
        let p = try #require(fitted.prepare(t))
        let desc = try #require(t.text(.description))
        let slots = try #require(p.codeSlots)
        #expect(p.ownSimilarities.count == slots.slotCount)
        var full = 0, compared = 0
        for d in 0..<desc.values.count where p.best[d] != nil {
            let v = fitted.text.sparseVector(desc.values.string(UInt32(d)))
            slots.forEachSlot(d) { s, hc in
                guard p.centroidOf[hc] >= 0 else { return }
                #expect(p.ownSimilarities[s].bitPattern == fitted.similarity(v, p.centroidOf[hc]).bitPattern)
                #expect(p.ownSimilarity(d, hc)?.bitPattern == p.ownSimilarities[s].bitPattern)
                compared += 1
            }
            if slots.isFull(d) {
                full += 1
                // Beyond the slots: the kept vector, for any line.
                for c in fitted.controlledCentroids.prefix(3) { #expect(fitted.similarity(p, d, c) == fitted.similarity(v, c)) }
            }
        }
        #expect(full > 0 && p.fullVectors.count == full, "descriptions with every slot taken: \(full)")
        #expect(compared > desc.values.count / 2, "\(compared) similarities compared")
    }

    @Test("a controls table of more keywords than 16 bits count scores without trapping")
    func manyKeywords() throws {
        // 33,000 made-up keywords besides the standard ones (a user's `--controls +FILE` is not capped).
        let extra = (0..<33_000).map { "kw\($0)zq" }.joined(separator: ";")
        var csv = String(decoding: ControlsTable.defaultCSV.utf8, as: UTF8.self)
        if !csv.hasSuffix("\n") { csv += "\n" }
        csv += "madeup,2846901000,\(extra),2024-01-01,,all,licence,10,made-up keywords\n"
        let controls = try ControlsTable(csv: Array(csv.utf8), source: "big")
        let t = Self.data.table
        let s = try GoodsCodeDetector(controls: controls).fit(t).anomalyScores(t)
        #expect(s.count == t.count && s.contains { $0 > 0 })
    }

    @Test("goods_code meets the detector contract")
    func goodsConformance() throws {
        try Conformance.check(GoodsCodeDetector(), data: Self.data)
    }

    @Test("goods_code alone: recall at 1% ≥ 0.9 for misdeclared_hs; decoy descriptions stay out of the top")
    func goodsQuality() throws {
        let t = Self.data.table
        let fitted = try GoodsCodeDetector().fit(t)
        let scores = fitted.anomalyScores(t)
        let recall = DetectorData.recall(scores, Self.data, pattern: "misdeclared_hs", fraction: 0.01)
        #expect(recall >= 0.9, "misdeclared_hs recall@1% \(recall)")
        let desc = try #require(t.text(.description))
        let top = (0..<t.count).sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }.prefix(200)
        let decoys = ["GaN LED", "graphite electrode", "antimony-free", "diamond saw", "germanium infrared lens", "GaN fast charger", "polishing powder"]
        let flooded = top.filter { r in decoys.contains { desc.string(r).lowercased().contains($0.lowercased()) } }
        #expect(flooded.count <= 4, "\(flooded.count) decoys in the top 200: \(flooded.prefix(5).map { desc.string($0) })")
        // The strongest misdeclared row is explained with the keyword and the value.
        let best = top.first { Self.data.labels[DetectorData.key(t, $0)] == "misdeclared_hs" }!
        let reasons = fitted.reasons(t, row: best)
        #expect(!reasons.isEmpty)
        #expect(reasons.contains { $0.text.contains("likelihood ratio") || $0.text.contains("no control covers") }, "\(reasons.map(\.text))")
    }

    @Test("a stored model whose IDF or centroids are the wrong shape is refused when decoded, not read past its end")
    func damagedModelRefused() throws {
        let fitted = try GoodsCodeDetector().fit(Self.data.table)
        let data = try JSONEncoder().encode(fitted)
        let back = try JSONDecoder().decode(FittedGoodsCode.self, from: data)
        #expect(back.centroids == fitted.centroids && back.text.idf == fitted.text.idf && back.controlledCentroids == fitted.controlledCentroids)
        func damaged(_ change: (inout [String: Any]) -> Void) throws -> Data {
            var object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
            change(&object)
            return try JSONSerialization.data(withJSONObject: object)
        }
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("short IDF", { o in var t = o["text"] as! [String: Any]; t["idf"] = Array((t["idf"] as! [Double]).dropLast()); o["text"] = t }),
            ("short centroids", { o in var m = o["centroids"] as! [String: Any]; m["elements"] = Array((m["elements"] as! [Double]).dropLast(5)); o["centroids"] = m }),
            ("a line too many", { o in o["centroidCodes"] = (o["centroidCodes"] as! [String]) + ["99999999"] }),
            ("a controlled line past the centroids", { o in o["controlledCentroids"] = (o["controlledCentroids"] as! [Int]) + [1_000_000] }),
        ]
        for (name, change) in cases {
            #expect(throws: DecodingError.self, "\(name)") { try JSONDecoder().decode(FittedGoodsCode.self, from: try damaged(change)) }
        }
    }

    @Test("an explainer without the code slots (free text) finds every row's evidence with the same bits")
    func explainerWithoutSlots() throws {
        let t = Self.data.table
        let fitted = try GoodsCodeDetector().fit(t)
        let p = try #require(fitted.prepare(t))
        let lean = p.forExplaining(past: 0)
        #expect(lean.codeSlots == nil && lean.ownSimilarities.isEmpty)
        #expect(p.forExplaining().codeSlots == p.codeSlots && p.codeSlots != nil, "a table of few descriptions keeps its slots")
        var differing = 0, withOwn = 0
        for r in 0..<t.count {
            let a = fitted.evidence(p, r), b = fitted.evidence(lean, r)
            if a.ownSimilarity != 0 { withOwn += 1 }
            if a.score.bitPattern != b.score.bitPattern || a.margin.bitPattern != b.margin.bitPattern
                || a.ownSimilarity.bitPattern != b.ownSimilarity.bitPattern || a.keyword != b.keyword || a.controlled != b.controlled { differing += 1 }
        }
        #expect(differing == 0 && withOwn > t.count / 2, "\(differing) rows differ; \(withOwn) with an own similarity")
    }

    @Test("closest controlled line: sparse similarities equal a dense GEMM of the TF-IDF vectors, every distinct description")
    func closestControlledAgainstGEMM() throws {
        let t = Self.data.table
        let fitted = try GoodsCodeDetector().fit(t)
        let k = fitted.controlledCentroids.count
        try #require(k > 1, "the fixture has several controlled lines")
        let desc = try #require(t.text(.description))
        let distinct = (0..<desc.values.count).map { desc.values.string(UInt32($0)) }
        // The oracle: dense rows of every description, one GEMM against the controlled centroids.
        var dense = Matrix(rows: distinct.count, columns: TextModel.dimension)
        var controlled = Matrix(rows: k, columns: TextModel.dimension)
        for (i, d) in distinct.enumerated() { for (b, w) in fitted.text.sparseVector(d) { dense[i, b] = w } }
        for (j, c) in fitted.controlledCentroids.enumerated() { for b in 0..<TextModel.dimension { controlled[j, b] = fitted.centroids[b, c] } }
        let sim = try BLAS.gemm(dense, controlled, transB: .transpose)
        let byBucket = fitted.controlledByBucket()
        var scratch = [Double](repeating: 0, count: byBucket.width)
        var mismatches = 0
        for (i, d) in distinct.enumerated() {
            let got = try #require(fitted.closestControlled(fitted.text.sparseVector(d), byBucket, scratch: &scratch))
            let best = (0..<k).max { sim[i, $0] < sim[i, $1] || (sim[i, $0] == sim[i, $1] && $0 > $1) }!
            // Equal up to summation order; the chosen line is the oracle's unless two lines all but tie.
            let runnerUp = (0..<k).filter { $0 != best }.map { sim[i, $0] }.max() ?? -1
            if abs(got.1 - sim[i, best]) > 1e-12 || (got.0 != fitted.controlledCentroids[best] && sim[i, best] - runnerUp > 1e-12) { mismatches += 1 }
        }
        #expect(mismatches == 0, "\(mismatches) of \(distinct.count) descriptions")
        // No nonzero bucket: every similarity is 0, and the first controlled line is the first of equals.
        let none = try #require(fitted.closestControlled([], byBucket, scratch: &scratch))
        #expect(none.1 == 0 && none.0 == fitted.controlledCentroids[0])
    }

    @Test("score: keyword, text margin, and value evidence above prior odds of 1 in 1000", arguments: [
        (false, 0.0, 2.9, 0.0),      // a price merely high for its line adds nothing
        (false, 0.0, 14.0, 11.0),    // goods priced like a controlled line count
        (false, 0.0, 40.0, 20.0),    // capped
        (true, 0.5, 0.0, 4.0),       // keyword and text alone
        (true, -0.2, 5.0, 4.0),      // a negative margin adds nothing
    ])
    func score(keyword: Bool, margin: Double, lr: Double, expected: Double) {
        #expect(abs(GoodsCodeDetector.score(keyword: keyword, margin: margin, log10LR: lr) - expected) < 1e-12)
    }

    @Test("keywords: whole words for symbols, Chinese as substrings, negations ignored", arguments: [
        ("grey metal ingots 5N (Ga)", "gallium"), ("镓锭 99.99%", "gallium"), ("Garden furniture", nil), ("antimony-free PET resin", nil),
        ("PET chips, antimony catalyst free", nil), ("Sb2O3 99.8% powder", "antimony"), ("SPHERICAL GRAPHITE SG-17", "graphite"),
        ("GaN LED chips", nil), ("Tb4O7 powder", "rare_earths"), ("non-graphite lubricant", nil),
    ] as [(String, String?)])
    func keywords(text: String, group: String?) {
        #expect(KeywordMatcher(controls: .standard).match(text)?.group == group)
    }

    @Test("licence: the parallel per-row score equals the score of the finding its reasons are built from, on every row")
    func licenceFastScore() throws {
        // Seeded rows around the rules: controlled and ordinary codes, dates across the
        // rules' starts, destinations in and out of scope or missing, weights around
        // thresholds or missing, licence numbers good, malformed or empty.
        let dir = try TemporaryDirectory("licence-twin")
        defer { dir.remove() }
        var rng = SeededRandom(seed: 41)
        var csv = "declaration_id,item_no,date,hs_code,value,currency,net_weight_kg,destination_country,counterparty_country,licence_number\n"
        let codes = ["81129290", "8112929010", "28053012", "81129210", "28499010", "76012000", "28043000", "71051000", "25041010"]
        let countries = ["US", "DE", "JP", "TH", "", "KR"], licences = ["", "n/a", "LC2024GA000123", "LC-2025-RE-4411", "12345", "许可证123456"]
        for i in 0..<4000 {
            let day = String(format: "20%02d-%02d-%02d", Int.random(in: 22...26, using: &rng), Int.random(in: 1...12, using: &rng), Int.random(in: 1...28, using: &rng))
            let net = Int.random(in: 0..<8, using: &rng) == 0 ? "" : String(Double(Int.random(in: 1...4000, using: &rng)) / 10)
            csv += "D\(i),1,\(day),\(codes.randomElement(using: &rng)!),1000,USD,\(net),\(countries.randomElement(using: &rng)!),\(countries.randomElement(using: &rng)!),\(licences.randomElement(using: &rng)!)\n"
        }
        try Data(csv.utf8).write(to: URL(fileURLWithPath: dir.file("t.csv")))
        let t = try Ingest.read([dir.file("t.csv")], options: IngestOptions()).table
        let fitted = try LicenceDetector().fit(t)
        let fast = fitted.anomalyScores(t), rules = fitted.codeRules(t)
        let differing = (0..<t.count).filter { fast[$0] != fitted.slowScore(t, $0, codeRules: rules) }
        #expect(differing.isEmpty, "\(differing.count) rows differ, first \(differing.prefix(5))")
        #expect(fast.filter { $0 > 0 }.count > 100 && fast.filter { $0 > 1 }.count > 20, "findings to compare")
    }

    @Test("a rule's destinations as a country bit set agree with the alpha-2 set, every code")
    func countrySet() {
        // ControlsTable.Rule.applies(to:) is `destinations.contains(alpha2)`; the controls reader stores
        // alpha-2 codes only, so "" (no country) is never a destination. Other spellings match nothing.
        for destinations: Set<String> in [["US"], ["US", "JP", "ZW", "AD"], ["us", "XX"], []] {
            let set = CountrySet(destinations)
            for c in 0...UInt16(CountryCodes.count) {
                #expect(set.contains(c) == destinations.contains(CountryCodes.alpha2(c)), "\(destinations) code \(c)")
            }
        }
    }

    @Test("a well-formed licence number: the byte check agrees with the String check", arguments: [
        ("EL2025-000123", true), ("AB-12/34", true), ("ab12cd", true), ("ab12", false), ("", false), ("AB 123456", false),
        ("ÄB1234567", false), ("ＡＢ１２３４５６", false), ("12345/", false), ("123456/", true), ("许可证123456", false),
    ])
    func wellFormedLicence(text: String, expected: Bool) {
        #expect(FittedLicence.wellFormed(text) == expected)
        #expect(FittedLicence.wellFormed(ArraySlice(text.utf8)) == expected)
    }

    @Test("licence: controlled, in force, in scope, over the threshold, no or malformed licence")
    func licence() throws {
        let dir = try TemporaryDirectory("licence")
        defer { dir.remove() }
        let csv = """
            declaration_id,item_no,date,hs_code,value,currency,net_weight_kg,destination_country,licence_number
            A,1,2024-01-10,81129290,50000,USD,120,DE,
            B,1,2024-01-10,81129290,50000,USD,120,DE,LC2024GA000123
            C,1,2023-07-10,81129290,50000,USD,120,DE,
            D,1,2024-01-10,81129290,5000,USD,20,DE,
            E,1,2024-01-10,76012000,5000,USD,2000,DE,
            F,1,2025-05-01,28053012,9000,USD,300,JP,n/a
            G,1,2025-05-01,28053012,9000,USD,300,JP,LC-2025-RE-4411
            """
        try Data((csv + "\n").utf8).write(to: URL(fileURLWithPath: dir.file("l.csv")))
        let t = try Ingest.read([dir.file("l.csv")], options: IngestOptions()).table
        let fitted = try LicenceDetector().fit(t)
        let s = fitted.anomalyScores(t)
        let byID = Dictionary(uniqueKeysWithValues: (0..<t.count).map { (t.declarationID.string($0), s[$0]) })
        #expect(byID["A"]! > 1 && byID["F"]! > 1, "missing or malformed licences flagged")
        #expect(byID["B"] == 0 && byID["C"] == 0 && byID["D"] == 0 && byID["E"] == 0 && byID["G"] == 0)
        let a = (0..<t.count).first { t.declarationID.string($0) == "A" }!
        #expect(fitted.reasons(t, row: a).first?.text == "gallium under licence since 2023-08-01: 120 kg over the 50 kg threshold, no licence number")
        #expect(LicenceDetector.missingFields(in: Self.data.table).isEmpty)
        var noLicence = MappingFile()
        noLicence.auto = true
        let kcsLike = try Ingest.read([dir.file("l.csv")], options: IngestOptions()).table
        #expect(LicenceDetector.missingFields(in: kcsLike).isEmpty)
    }
}

@Suite("goods_code's text model on a sample of free-text descriptions")
struct TextSampleTests {
    @Test("the sample: all up to the cap; beyond, the rate, raised for small lines to their floor of rows", arguments: [
        // descriptions, cap, rows of a line, its expected rate; the expected document rate
        (1_000, 1_000, 10, 1.0, 1.0),
        (4_000, 1_000, 1_000_000, 0.25, 0.25),
        (4_000, 1_000, 512, 0.5, 0.25),        // 256 rows of 512
        (4_000, 1_000, 100, 1.0, 0.25),        // a small line keeps every pair
        (4_000, 1_000, 0, 1.0, 0.25),
    ] as [(Int, Int, Int, Double, Double)])
    func rates(descriptions: Int, cap: Int, rows: Int, lineRate: Double, rate: Double) {
        let s = TextSample(descriptions: descriptions, lineRows: [rows], descriptionRows: [Int32](repeating: 1, count: descriptions), cap: cap)
        #expect(s.lineRate == [lineRate])
        #expect(s.rate == rate)
        #expect(s.isWhole == (rate == 1 && lineRate == 1))
    }

    @Test("draws: in [0, 1), the same for the same code, and about the rate's share of codes kept", arguments: [0.5, 0.1, 0.01])
    func draws(rate: Double) {
        let descriptions = Int(1_000_000 / rate)
        let s = TextSample(descriptions: descriptions, lineRows: [Int.max / 2], descriptionRows: [Int32](repeating: 1, count: descriptions),
                           cap: 1_000_000)
        #expect(abs(s.rate - rate) < 1e-12)
        let n = 200_000
        let kept = (0..<n).filter { s.keeps($0) }.count
        // Binomial: within five standard deviations.
        let sd = (Double(n) * rate * (1 - rate)).squareRoot()
        #expect(abs(Double(kept) - Double(n) * rate) < 5 * sd, "\(kept) of \(n) at rate \(rate)")
        #expect((0..<1000).allSatisfy { TextSample.draw($0) >= 0 && TextSample.draw($0) < 1 && TextSample.draw($0) == TextSample.draw($0) })
        // A pair is kept at its line's rate: the same draw as the description's, and weighs one over it.
        #expect((0..<1000).allSatisfy { s.keeps($0) == s.keeps($0, line: 0) })
        #expect((0..<1000).allSatisfy { s.weight($0, line: 0) == 1 / rate })
    }

    @Test("a description on enough rows is always kept for its lines' centroids, weighing its rows; one on a row or two is drawn and weighs more")
    func heavyDescriptions() {
        // Description 0 on 50 rows, 1 on 9, 2 on 10, the rest on one each; rate 0.1 (10,000 of 100,000).
        var rows = [Int32](repeating: 1, count: 100_000)
        rows[0] = 50; rows[1] = 9; rows[2] = 10
        let s = TextSample(descriptions: 100_000, lineRows: [1_000_000, 100], descriptionRows: rows, cap: 10_000)
        #expect(s.rate == 0.1 && s.lineRate == [0.1, 1])
        #expect(s.keeps(0, line: 0) && s.weight(0, line: 0) == 1)
        #expect(s.keeps(2, line: 0) && s.weight(2, line: 0) == 1)
        #expect(s.keeps(1, line: 0) == (TextSample.draw(1) < 0.1) && s.weight(1, line: 0) == 10)
        // A small line keeps every pair at weight 1.
        #expect((0..<1000).allSatisfy { s.keeps($0, line: 1) && s.weight($0, line: 1) == 1 })
        // The whole keeps no description counts.
        let whole = TextSample(descriptions: 10, lineRows: [5], descriptionRows: [Int32](repeating: 1, count: 10), cap: 10)
        #expect(whole.isWhole && whole.descriptionRows.isEmpty)
    }

    @Test("a line whose rows share one standard description keeps its centroid when the fit is sampled")
    func standardDescriptionKeepsCentroid() throws {
        // 2,000 free-text rows over four lines and 1,000 rows of one standard description under 28049000.
        var records: [String] = []
        let lines = ["81129210", "69072000", "28259090", "76012000"]
        for i in 0..<2_000 {
            records.append("D\(i),1,2024-03-01,EXP\(i % 50),Buyer \(i % 40),DE,DE,DE,DE,\(lines[i % 4]),\(10 + i % 7),\(1000 + i),USD,")
        }
        for i in 0..<1_000 { records.append("S\(i),1,2024-03-02,EXP\(i % 50),Buyer \(i % 40),DE,DE,DE,DE,28049000,\(5 + i % 3),\(900 + i),USD,") }
        let header = TinyTable.header + ",goods_description"
        let descs = (0..<2_000).map { "ceramic tiles lot \($0 * 7919 % 100_000) grade \($0 % 13)" } + Array(repeating: "selenium powder 99.9%", count: 1_000)
        let t = try TinyTable.make(zip(records, descs).map { $0 + ",\($1)" }, header: header)
        let whole = try GoodsCodeDetector().fit(t)
        var sampler = GoodsCodeDetector()
        sampler.textSampleCap = 100
        #expect(!GoodsCodeDetector.textSample(t, cap: 100).isWhole)
        let sampled = try sampler.fit(t)
        let c = try #require(whole.centroidCodes.firstIndex(of: "28049000"))
        let a = (0..<TextModel.dimension).map { whole.centroids[$0, c] }, b = (0..<TextModel.dimension).map { sampled.centroids[$0, c] }
        // One description: the same direction under either IDF, so nearly the same unit vector.
        #expect(b.reduce(0) { $0 + $1 * $1 } > 0.99, "the standard line lost its centroid")
        #expect(zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } > 0.95)
    }

    @Test("free text fitted on a fifth of its descriptions: every line keeps a centroid close to the whole fit's, the IDF stays close, and recall holds")
    func sampledFit() throws {
        let data = try DetectorData.make(rows: 60_000, seed: 23, freeText: true)
        let t = data.table
        let desc = try #require(t.text(.description))
        let distinct = desc.values.count
        try #require(distinct > 50_000, "free text: a description nearly per row (\(distinct))")
        let whole = try GoodsCodeDetector().fit(t)
        var sampler = GoodsCodeDetector()
        sampler.textSampleCap = distinct / 5
        let sampled = try sampler.fit(t)
        // The sample is drawn: under the cap, the same fit bit for bit.
        #expect(!GoodsCodeDetector.textSample(t, cap: sampler.textSampleCap).isWhole)
        var atCap = GoodsCodeDetector()
        atCap.textSampleCap = distinct
        #expect(try atCap.fit(t).centroids == whole.centroids)
        // IDF within a few percent where buckets are common enough to estimate.
        var idfOff = 0
        for b in 0..<TextModel.dimension where whole.text.idf[b] < 5 && abs(sampled.text.idf[b] / whole.text.idf[b] - 1) > 0.05 { idfOff += 1 }
        #expect(idfOff == 0, "\(idfOff) buckets' IDF off by more than 5%")
        // Every line with a centroid in the whole fit has one in the sampled fit, pointing the same way.
        let lines = whole.centroids.columns, dimension = TextModel.dimension
        #expect(sampled.centroids.columns == lines)
        var worst = 1.0
        for c in 0..<lines {
            let a = (0..<dimension).map { whole.centroids[$0, c] }, b = (0..<dimension).map { sampled.centroids[$0, c] }
            let na = a.reduce(0) { $0 + $1 * $1 }, nb = b.reduce(0) { $0 + $1 * $1 }
            guard na > 0.5 else { continue }
            #expect(nb > 0.5, "line \(whole.centroidCodes[c]) lost its centroid")
            worst = min(worst, zip(a, b).reduce(0) { $0 + $1.0 * $1.1 })
        }
        #expect(worst > 0.98, "least cosine between a line's whole and sampled centroid: \(worst)")
        let recall = DetectorData.recall(sampled.anomalyScores(t), data, pattern: "misdeclared_hs", fraction: 0.01)
        let wholeRecall = DetectorData.recall(whole.anomalyScores(t), data, pattern: "misdeclared_hs", fraction: 0.01)
        #expect(recall >= wholeRecall - 0.02, "misdeclared_hs recall@1%: \(recall) sampled, \(wholeRecall) whole")
    }
}
