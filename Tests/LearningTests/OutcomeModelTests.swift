import Declarations
import Foundation
@testable import Learning
import TestSupport
import Testing

/// Declarations over 2024 where some goods × origin pairs are usually positive
/// on inspection and the rest rarely; outcome in the last column.
func plantedCSV(rows: Int, seed: UInt64, outcome: Bool = true) -> String {
    var rng = SeededRandom(seed: seed)
    var s = "declaration_id,declaration_date,hs_code,value,currency,net_weight_kg,trader_id,origin_country" + (outcome ? ",outcome\n" : "\n")
    let codes = (0..<30).map { String(format: "%06d", 100_000 + $0 * 1237) }
    let countries = ["CN", "VN", "DE", "US", "TR", "IN"]
    for i in 0..<rows {
        let day = i * 365 / rows
        let date = CivilDate(daysSinceEpoch: CivilDate(year: 2024, month: 1, day: 1)!.daysSinceEpoch + day).description
        let c = Int.random(in: 0..<codes.count, using: &rng), o = Int.random(in: 0..<countries.count, using: &rng)
        let risky = (c * 7 + o * 3) % 11 == 0
        let p = risky ? 0.8 : 0.05
        let kg = Double.random(in: 10..<1000, using: &rng)
        s += "D\(i),\(date),\(codes[c]),\(String(format: "%.2f", kg * Double.random(in: 2..<4, using: &rng))),USD,\(String(format: "%.1f", kg)),T\(Int.random(in: 0..<300, using: &rng)),\(countries[o])"
        let positive = Double.random(in: 0..<1, using: &rng) < p   // drawn either way: the rows match with and without labels
        s += outcome ? ",\(positive ? 1 : 0)\n" : "\n"
    }
    return s
}

func ingest(_ csv: String) throws -> DeclarationTable {
    let dir = try TemporaryDirectory("learning-table")
    defer { dir.remove() }
    try Data(csv.utf8).write(to: URL(fileURLWithPath: dir.file("t.csv")))
    return try Ingest.read([dir.file("t.csv")], options: IngestOptions()).table
}

@Suite("OutcomeModel: profiles, time-ordered choice, scores and reasons")
struct OutcomeModelTests {
    @Test("learns planted risky goods × origin pairs; new rows are scored from history alone; reasons name the pair")
    func planted() throws {
        let history = try ingest(plantedCSV(rows: 6_000, seed: 1))
        let outcome = try #require(history.outcome)
        var options = OutcomeModel.Options()
        options.maxEpochs = 3
        let (model, fitScores) = try OutcomeModel.fit(history, outcome: outcome, scores: [:],
                                                      unsupervised: [Double](repeating: 0, count: history.count), options: options)
        let validation = try #require(model.validation, "a time-ordered validation split was made")
        #expect(validation.cutDate.hasPrefix("2024-1"), "the last fifth of 2024 is held out: \(validation.cutDate)")
        #expect(validation.candidates.keys.contains("logistic m=1") && validation.candidates.keys.contains("network epoch 1"))
        let y = outcome.map(Double.init)
        #expect(averagePrecision(fitScores, y) > 0.6, "out-of-fold scores rank the planted pairs first")

        let today = try ingest(plantedCSV(rows: 2_000, seed: 2, outcome: false))
        #expect(today.outcome == nil)
        let scores = try model.scores(today, detectorScores: [:])
        let truth = try ingest(plantedCSV(rows: 2_000, seed: 2)).outcome!.map(Double.init)
        // The best any ranking can do: the planted pairs first (the rest's positives are noise).
        let hs = try #require(today.text(.hsCode)), origin = try #require(today.countries(.origin))
        let countries = ["CN", "VN", "DE", "US", "TR", "IN"]
        let oracle = (0..<today.count).map { r -> Double in
            let c = (Int(hs.string(r))! - 100_000) / 1237, o = countries.firstIndex(of: CountryCodes.alpha2(origin[r]))!
            return (c * 7 + o * 3) % 11 == 0 ? 1 : 0
        }
        let ap = averagePrecision(scores, truth), best = averagePrecision(oracle, truth)
        #expect(ap > 0.9 * best, "new rows: average precision \(ap), the planted pairs alone \(best), base rate near 0.12")

        let top = scores.indices.max { scores[$0] < scores[$1] }!
        let reasons = model.explainer(today, detectorScores: [:])(top)
        #expect(!reasons.isEmpty && reasons.allSatisfy { $0.detector == OutcomeModel.name })
        #expect(reasons.contains { $0.evidence["profile"]?.contains("hs_code") == true }, "\(reasons.map(\.text))")
        #expect(reasons.first!.text.contains("inspected found positive"))
    }

    @Test("the same data and seed give the same model bytes and scores; another seed gives other folds")
    func deterministic() throws {
        let t = try ingest(plantedCSV(rows: 3_000, seed: 4))
        var o = OutcomeModel.Options()
        o.network = false
        let zero = [Double](repeating: 0, count: t.count)
        let (a, sa) = try OutcomeModel.fit(t, outcome: t.outcome!, scores: [:], unsupervised: zero, options: o)
        let (b, sb) = try OutcomeModel.fit(t, outcome: t.outcome!, scores: [:], unsupervised: zero, options: o)
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        #expect(try e.encode(a) == e.encode(b))
        #expect(sa == sb)
        o.seed = 99
        let (_, sc) = try OutcomeModel.fit(t, outcome: t.outcome!, scores: [:], unsupervised: zero, options: o)
        #expect(sc != sa)
        let back = try JSONDecoder().decode(OutcomeModel.self, from: try e.encode(a))
        #expect(try back.scores(t, detectorScores: [:]) == a.scores(t, detectorScores: [:]))
    }

    @Test("too few labels is a clear error, not a model", arguments: [0, 5])
    func tooFew(positives: Int) throws {
        let t = try ingest(plantedCSV(rows: 300, seed: 5))
        var outcome = [Int8](repeating: 0, count: t.count)
        for i in 0..<positives { outcome[i] = 1 }
        #expect(throws: OutcomeModelError.self) {
            try OutcomeModel.fit(t, outcome: outcome, scores: [:], unsupervised: [Double](repeating: 0, count: t.count))
        }
    }
}
