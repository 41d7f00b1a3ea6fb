import Declarations
@testable import Detectors
import Foundation
import LinearAlgebra
import TestSupport
import Testing

@Suite("declared samples, packaging share and the unit-value score")
struct DeclaredSampleTests {
    @Test("a description declares a sample", arguments: [
        ("WASHING MACHINE, FULLY AUTOMATIC SAMPLE", true),
        ("twin tub washer (sample, no commercial value)", true),
        ("free samples of germanium wafers", true),
        ("gallium ingot, NCV", true),
        ("镓锭 样品", true),
        ("GERMANIUM WAFER SAMPLE，2PCS", true),   // a full-width comma ends the word
        ("Samples", true),
        ("resampled powder", false),
        ("sampler valve, stainless", false),
        ("sampling probe", false),
        ("examples of use", false),
        ("germanium ingot 5N", false),
        ("", false),
        ("NO COMMERCIAL VALUE", true),
        ("spare parts - No Commercial Value!", true),
        ("casino commercial value chips", true),       // the phrase as a substring, as it always was read
        ("no commercial values", true),
        ("no commercial  value", false),               // two spaces: not the phrase
        ("commercial value only", false),
        ("non-commercial value", false),
        ("ncvx ncv1", false),
    ])
    func declares(description: String, expected: Bool) {
        #expect(DeclaredSample.declares(description) == expected, "\(description)")
    }

    @Test("each word of the rule is found at every place of texts of every length up to 40, and the quick test never rules a declaring text out")
    func everyPlace() {
        for word in ["sample", "SAMPLES", "Ncv", "no commercial value"] {
            for length in word.count...40 {
                for at in 0...(length - word.count) {
                    // Filler that is not a word byte next to the word, and words elsewhere.
                    var bytes = Array(repeating: UInt8(ascii: "x"), count: length)
                    for k in 0..<length where k % 5 == 4 || k == at - 1 || k == at + word.count { bytes[k] = UInt8(ascii: " ") }
                    bytes.replaceSubrange(at..<(at + word.count), with: Array(word.utf8))
                    let text = String(decoding: bytes, as: UTF8.self)
                    #expect(DeclaredSample.declares(text) == Self.reference(text), "\(text)")
                    #expect(DeclaredSample.declares(text), "\(text)")
                    #expect(bytes.withUnsafeBytes { DeclaredSample.mayDeclare($0) }, "\(text)")
                }
            }
        }
        // Ruled out: long text without the trigrams.
        let plain = Array("germanium ingots 5N, lot 23-3347, grey".utf8)
        #expect(!plain.withUnsafeBytes { DeclaredSample.mayDeclare($0) })
    }

    /// The rule read plainly: the lower-cased text holds the phrase or a Chinese word, or one
    /// of its words (runs of ASCII letters and digits) is "sample", "samples" or "ncv".
    static func reference(_ text: String) -> Bool {
        let bytes = Array(text.utf8).map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
        let lower = String(decoding: bytes, as: UTF8.self)
        if lower.contains("no commercial value") || text.contains("样品") || text.contains("样本") { return true }
        let words = bytes.split { !(($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57)) }.map { String(decoding: $0, as: UTF8.self) }
        return words.contains { $0 == "sample" || $0 == "samples" || $0 == "ncv" }
    }

    @Test("seeded: descriptions made of the rule's words, their near misses and noise declare a sample as the plain reading says")
    func declaresSeeded() {
        var rng = SeededRandom(seed: 77)
        let pieces = ["no", "No", "commercial", "COMMERCIAL", "value", "values", "sample", "Samples", "sampler", "ncv", "NCV",
                      "no commercial value", "No Commercial  Value", "no commercial", "commercial value", "casino commercial value",
                      "casino", "x", "样品", "样", "品", "germanium", "5N", " ", " ", " ", ",", "-", "(", ")", "，"]
        var declaring = 0
        for _ in 0..<4_000 {
            let text = (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &rng)] }.joined()
            let expected = Self.reference(text)
            if expected { declaring += 1 }
            #expect(DeclaredSample.declares(text) == expected, "\(text)")
        }
        #expect(declaring > 400 && declaring < 3_600, "\(declaring) of 4,000 declare a sample")
    }

    @Test("sample-sized: a little weight, or a few pieces", arguments: [
        (2.0, 2.0, 0, true), (30.0, 30.0, 0, true), (31.0, 31.0, 0, false),
        (76.0, 1.0, 1, true), (500.0, 5.0, 1, true), (500.0, 6.0, 1, false), (500.0, 2.0, 2, false),
    ])
    func sampleSized(kg: Double, quantity: Double, unitClass: Int, expected: Bool) {
        #expect(DeclaredSample.sampleSized(netKg: kg, quantity: quantity, unitClass: unitClass) == expected)
    }

    @Test("packaging share: started at 0.5%, gross at or below net gives the start", arguments: [
        (1000.0, 1000.0, 0.005), (1100.0, 1000.0, 0.105), (1030.0, 1000.0, 0.035), (500.0, 1000.0, 0.005),
    ])
    func packaging(gross: Double, net: Double, share: Double) {
        let f = UnitValueFeatures.packaging(gross: gross, net: net)
        #expect(abs(Math.exp(f) - share) < 1e-12)
        #expect(abs(UnitValueFeatures.grossOverNet(packaging: f) - max(1, gross / net)) < 1e-12)
    }

    @Test("score: the χ² of the distance for several features off, the largest residual for one", arguments: [
        // (squared distance, largest squared residual, features)
        (25.0, 25.0, 1), (25.0, 25.0, 3), (30.0, 4.0, 3), (4.0, 4.0, 2),
    ])
    func score(d2: Double, r2: Double, features: Int) {
        let s = FittedUnitValue.score(squaredDistance: d2, largestResidual2: r2, features: features)
        let joint = ChiSquare.score(d2, degrees: features)
        if features == 1 {
            #expect(s == joint)
        } else {
            let single = ChiSquare.score(r2, degrees: 1) - log10(Double(features))
            #expect(abs(s - max(0, max(joint, single) - log10(2))) < 1e-12)
        }
        // One feature 5σ off in three dimensions: the residual test says more than the distance's χ²(3).
        if features == 3 && r2 == d2 { #expect(s > joint - log10(2) + 0.4) }
    }

    @Test("score: the zero region's shortcut gives what the full formula gives, inside it, at its edges and beyond", arguments: 1...4)
    func zeroRegion(features d: Int) {
        var rng = SeededRandom(seed: UInt64(90 + d))
        var points: [(Double, Double)] = []
        // A grid across both thresholds, the thresholds themselves and their neighbours, and seeded points.
        for i in 0...60 { for j in 0...60 { points.append((Double(i) * 0.08, Double(j) * 0.06)) } }
        if d < FittedUnitValue.zeroBelow.count {
            let z = FittedUnitValue.zeroBelow[d]
            for a in [z.joint, z.joint.nextDown, z.joint.nextUp] { for b in [z.single, z.single.nextDown, z.single.nextUp, 0] { points.append((a, b)) } }
        }
        for _ in 0..<5_000 { points.append((Double.random(in: 0...6, using: &rng), Double.random(in: 0...4, using: &rng))) }
        points += [(0, 0), (-0.0, 0), (.nan, 0), (0, .nan), (.infinity, 0), (1e-300, 1e-300)]
        var zeros = 0
        for (d2, r2) in points {
            let fast = FittedUnitValue.score(squaredDistance: d2, largestResidual2: r2, features: d)
            let full = FittedUnitValue.fullScore(squaredDistance: d2, largestResidual2: r2, features: d)
            #expect(fast.bitPattern == full.bitPattern || (fast.isNaN && full.isNaN), "d2 \(d2), r2 \(r2), \(d) features: \(fast) vs \(full)")
            if full == 0 { zeros += 1 }
        }
        // The region is not empty: with two or more features a good share of the grid scores 0.
        if d > 1 { #expect(zeros > points.count / 20) }
    }

    static let header = "declaration_id,item_no,export_date,exporter_id,consignee_name,consignee_country,destination_country,trading_country,final_destination_country,hs_code,goods_description,quantity,unit,net_weight_kg,gross_weight_kg,declared_value,currency,licence_number"

    /// `ordinary` silicon rows (about 2 USD/kg, 3% packaging with a 0.25 log-spread), then `cases`
    /// (description, kg, gross, USD).
    static func table(_ cases: [(String, Double, Double, Double)], ordinary: Int = 300) throws -> DeclarationTable {
        var rng = SeededRandom(seed: 77)
        var records: [String] = []
        for i in 0..<ordinary {
            let kg = 1000 * Math.exp(0.5 * rng.normal())
            let gross = kg * (1 + 0.03 * Math.exp(0.25 * rng.normal()))
            let usd = kg * 2 * Math.exp(0.3 * rng.normal())
            records.append("B\(i),1,2024-01-0\(1 + i % 9),E1,Buyer \(i % 7),KR,KR,KR,KR,28043000,silicon metal 441,\(kg),KG,\(kg),\(gross),\(usd),USD,")
        }
        for (i, c) in cases.enumerated() {
            records.append("X\(i),1,2024-01-15,E1,Buyer 1,KR,KR,KR,KR,28043000,\"\(c.0)\",\(c.1),KG,\(c.1),\(c.2),\(c.3),USD,")
        }
        return try TinyTable.make(records, header: header)
    }

    @Test("a declared sample's nominal value is not undervaluation; the same value undeclared, or on a big load, is")
    func samples() throws {
        let t = try Self.table([
            ("silicon metal (sample, no commercial value)", 2, 2.06, 0.5),
            ("silicon metal 441", 2, 2.06, 0.5),
            ("silicon metal SAMPLE", 900, 927, 2),
            ("silicon metal SAMPLE", 2, 2.06, 4),
        ])
        let model = try UnitValueDetector().fit(t)
        let s = model.anomalyScores(t)
        let n = t.count
        #expect(s[n - 4] < 3, "declared sample scores \(s[n - 4])")
        #expect(!model.reasons(t, row: n - 4).contains { $0.text.contains("USD/kg") })
        #expect(s[n - 3] > 8, "the same value without the word scores \(s[n - 3])")
        #expect(model.reasons(t, row: n - 3).first?.text.contains("USD/kg") == true)
        #expect(s[n - 2] > 8, "a 900 kg 'sample' is no sample: \(s[n - 2])")
        #expect(abs(s[n - 1] - s[n - 4]) < 1e-9, "a sample's score does not depend on its value")
    }

    @Test("gross below net is never ordinary: at least the floor score, whatever the spread")
    func grossBelowNet() throws {
        let t = try Self.table([("silicon metal 441", 1000, 500, 2000), ("silicon metal 441", 1000, 995, 2000)])
        let model = try UnitValueDetector().fit(t)
        let s = model.anomalyScores(t)
        #expect(s[t.count - 2] >= FittedUnitValue.grossBelowNetScore)
        #expect(model.reasons(t, row: t.count - 2).contains { $0.text.hasPrefix("gross weight below the net weight") })
        // Within 1% of net is rounding, not impossible physics.
        #expect(!model.reasons(t, row: t.count - 1).contains { $0.text.hasPrefix("gross weight below") })
        // Rows on both sides of a 64-row word's edge (scoring keeps one bit a row).
        let edge = try Self.table(Array(repeating: ("silicon metal 441", 1000, 500, 2000), count: 6), ordinary: 60)
        let edgeScores = try UnitValueDetector().fit(edge).anomalyScores(edge)
        for r in 60..<66 { #expect(edgeScores[r] >= FittedUnitValue.grossBelowNetScore, "row \(r)") }
        #expect(edgeScores[0..<60].allSatisfy { $0 < FittedUnitValue.grossBelowNetScore })
    }

    @Test("ordinary heavy packaging is not a false weight: the packaging share's log is near normal")
    func heavyPackaging() throws {
        // 3,000 ordinary rows whose packaging share is log-normal. The longest tail is about 4σ on the
        // share's log (a score near 3); on ln(gross/net) it sat 5.5–6.5 robust σ out (scores 6.5–9.5).
        let t = try Self.table([], ordinary: 3000)
        let s = try UnitValueDetector().fit(t).anomalyScores(t)
        #expect(s.max()! < 5, "the heaviest ordinary packaging scores \(s.max()!)")
    }
}
