@testable import Detectors
import Foundation
import TestSupport
import Testing

@Suite("a reason's evidence")
struct ReasonEvidenceTests {
    @Test("sets and removals agree with a dictionary's, facts always sorted by name", arguments: [3, 4, 5] as [UInt64])
    func againstDictionary(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let names = ["z", "group", "median", "value", "feature", "a", "observed_kg", "baseline_kg", "", "é"]
        var e = Reason.Evidence(), oracle: [String: String] = [:]
        for step in 0..<400 {
            let k = names[Int.random(in: 0..<names.count, using: &rng)]
            let v: String? = Int.random(in: 0..<4, using: &rng) == 0 ? nil : "v\(step)"
            e[k] = v
            oracle[k] = v
            #expect(e.dictionary == oracle, "step \(step)")
            #expect(e.map(\.key) == oracle.keys.sorted(), "step \(step)")
            #expect(e.count == oracle.count)
            for n in names { #expect(e[n] == oracle[n]) }
        }
    }

    @Test("a literal: sorted by name, a repeated name keeps its last value; equality ignores the literal's order")
    func literal() {
        let e: Reason.Evidence = ["z": "1", "a": "2", "m": "3", "a": "4"]
        #expect(e.map(\.key) == ["a", "m", "z"])
        #expect(e["a"] == "4" && e["q"] == nil)
        #expect(e == ["m": "3", "z": "1", "a": "4"])
        #expect(e != ["m": "3", "z": "1"])
        #expect(Reason.Evidence().isEmpty)
    }

    @Test("encodes as the JSON object a dictionary gives, and decodes back")
    func codable() throws {
        let e: Reason.Evidence = ["z": "1", "group": "8112", "value": "x\"y"]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(String(decoding: try encoder.encode(e), as: UTF8.self) == #"{"group":"8112","value":"x\"y","z":"1"}"#)
        #expect(try JSONDecoder().decode(Reason.Evidence.self, from: encoder.encode(e)) == e)
    }
}
