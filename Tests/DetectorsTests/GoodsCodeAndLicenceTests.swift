import CSVCore
import Declarations
@testable import Detectors
import Foundation
import TestSupport
import Testing

@Suite("goods-vs-code and licence detectors", .serialized)
struct GoodsCodeAndLicenceTests {
    static let data = try! DetectorData.make(rows: 80_000, seed: 13)

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
