import Foundation
@testable import Learning
import TestSupport
import Testing

@Suite("RiskProfile: smoothed outcome rates, out of fold")
struct RiskProfileTests {
    @Test("out-of-fold counts are exactly the other folds' labelled rows with the same key (seeded, brute-force oracle)", arguments: [1, 2, 3] as [UInt64])
    func outOfFold(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let n = 3_000, k = 5
        let keys = (0..<n).map { _ in UInt64.random(in: 0..<40, using: &rng) }
        let outcome = (0..<n).map { _ in Int8([-1, 0, 0, 1].randomElement(using: &rng)!) }
        let folds = (0..<n).map { _ in UInt8.random(in: 0..<UInt8(k), using: &rng) }
        let spec = ProfileSpec([CategoricalSource(kind: .text, field: "hs_code")])
        let (profile, oof) = RiskProfile.fitOutOfFold(spec: spec, keys: keys, outcome: outcome, folds: folds, foldCount: k)
        for r in 0..<n {
            var c = 0.0, p = 0.0, fc = 0.0, fp = 0.0
            for s in 0..<n where keys[s] == keys[r] && outcome[s] >= 0 {
                fc += 1; fp += Double(outcome[s])
                if folds[s] != folds[r] { c += 1; p += Double(outcome[s]) }
            }
            if outcome[r] < 0 {
                #expect(oof[r].count == fc && oof[r].positives == fp, "an unlabelled row sees every label")
            } else {
                let scale = Double(k) / Double(k - 1)
                #expect(Approximate.equal(oof[r].count, c * scale) && Approximate.equal(oof[r].positives, p * scale), "row \(r)")
            }
            #expect(profile.lookup(keys[r]) == (fc, fp))
        }
        #expect(profile.lookup(999) == (0, 0), "an unseen key has no counts")
    }

    @Test("a row's out-of-fold values do not move when its own label flips")
    func noLeak() {
        let keys: [UInt64] = [7, 7, 7, 7, 7, 7, 8, 8]
        var outcome: [Int8] = [1, 0, 1, 0, 1, 1, 0, 1]
        let folds: [UInt8] = [0, 1, 2, 0, 1, 2, 0, 1]
        let spec = ProfileSpec([CategoricalSource(kind: .text, field: "hs_code")])
        let before = RiskProfile.fitOutOfFold(spec: spec, keys: keys, outcome: outcome, folds: folds, foldCount: 3).oof
        for r in outcome.indices {
            outcome[r] = 1 - outcome[r]
            let after = RiskProfile.fitOutOfFold(spec: spec, keys: keys, outcome: outcome, folds: folds, foldCount: 3).oof
            #expect(after[r] == before[r], "row \(r)")
            outcome[r] = 1 - outcome[r]
        }
    }

    @Test("round-trips through the model file exactly; a damaged entry blob is an error")
    func codable() throws {
        let spec = ProfileSpec([CategoricalSource(kind: .text, field: "hs_code"), CategoricalSource(kind: .country, field: "origin_country")])
        let keys: [UInt64] = [UInt64.max, 1, 1 << 60, 42]
        let (profile, _) = RiskProfile.fitOutOfFold(spec: spec, keys: keys, outcome: [1, 0, 1, 1], folds: [0, 0, 1, 1], foldCount: 2)
        let data = try JSONEncoder().encode(profile)
        let back = try JSONDecoder().decode(RiskProfile.self, from: data)
        #expect(back.spec == spec)
        for k in keys { #expect(back.lookup(k) == profile.lookup(k)) }
        let damaged = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"entries\":\"", with: "\"entries\":\"AAAA")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(RiskProfile.self, from: Data(damaged.utf8)) }
    }
}
