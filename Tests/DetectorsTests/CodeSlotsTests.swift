import Declarations
@testable import Detectors
import TestSupport
import Testing

@Suite("goods_code's code slots: each description's first codes in row order")
struct CodeSlotsTests {
    /// The oracle: `CodeSlots.slots` slots for every description, filled in one pass in row order.
    static func naive(_ rows: [(d: Int, hc: Int)], distinct: Int) -> [[Int]] {
        var out = [[Int]](repeating: [], count: distinct)
        for (d, hc) in rows where !out[d].contains(hc) && out[d].count < CodeSlots.slots { out[d].append(hc) }
        return out
    }

    /// Each description's codes as the slots give them, in slot order, and the slots' ids.
    static func read(_ s: CodeSlots) -> (codes: [[Int]], slots: [Int]) {
        var codes = [[Int]](repeating: [], count: s.distinct), ids: [Int] = []
        for d in 0..<s.distinct { s.forEachSlot(d) { slot, hc in codes[d].append(hc); ids.append(slot) } }
        return (codes, ids)
    }

    static func slots(_ rows: [(d: Int, hc: Int)], distinct: Int, parts: Int) -> CodeSlots {
        CodeSlots(descriptions: CodeColumn(rows.map { UInt32($0.d) }), hsCodes: CodeColumn(rows.map { UInt32($0.hc) }),
                  distinct: distinct, parts: parts)
    }

    @Test("table: first codes in row order, repeats and a fifth code left out, free slots",
          arguments: [
              ("one description, one code", [(0, 7), (0, 7)], 1, [[7]]),
              ("second code after a repeat", [(0, 7), (0, 7), (0, 3)], 1, [[7, 3]]),
              ("five codes: the first four kept", [(0, 1), (0, 2), (0, 3), (0, 4), (0, 5), (0, 1)], 1, [[1, 2, 3, 4]]),
              ("interleaved descriptions", [(1, 9), (0, 4), (1, 8), (0, 4), (2, 9), (1, 9), (1, 7)], 3, [[4], [9, 8, 7], [9]]),
              ("a description with no rows", [(1, 5), (1, 6)], 3, [[], [5, 6], []]),
              ("no rows", [], 2, [[], []]),
          ] as [(String, [(Int, Int)], Int, [[Int]])])
    func table(_ name: String, _ rows: [(Int, Int)], _ distinct: Int, _ expected: [[Int]]) {
        for parts in [1, 2, 3] {
            let s = Self.slots(rows.map { (d: $0.0, hc: $0.1) }, distinct: distinct, parts: parts)
            #expect(Self.read(s).codes == expected, "\(name), \(parts) ranges")
            #expect(s.distinct == distinct)
        }
    }

    @Test("seeded: any number of row ranges gives the one-pass codes; slots are distinct, first slots dense; lookups find each code")
    func seeded() {
        var rng = SeededRandom(seed: 41)
        for trial in 0..<40 {
            let distinct = Int.random(in: 1...300, using: &rng), n = Int.random(in: 0...3_000, using: &rng)
            // Some descriptions come with one code, some with a few, some with many.
            let spread = (0..<distinct).map { _ in [1, 1, 1, 2, 3, 6][Int.random(in: 0..<6, using: &rng)] }
            let rows = (0..<n).map { _ -> (d: Int, hc: Int) in
                let d = Int.random(in: 0..<distinct, using: &rng)
                return (d, d % 11 + Int.random(in: 0..<spread[d], using: &rng) * 13)
            }
            let oracle = Self.naive(rows, distinct: distinct)
            let one = Self.slots(rows, distinct: distinct, parts: 1)
            for parts in [1, 2, 3, 7, max(1, n)] {
                let s = Self.slots(rows, distinct: distinct, parts: parts)
                #expect(Self.read(s).codes == oracle, "trial \(trial), \(parts) ranges")
                #expect(s == one, "trial \(trial), \(parts) ranges")
            }
            let (_, ids) = Self.read(one)
            #expect(Set(ids).count == ids.count && ids.allSatisfy { $0 < one.slotCount }, "trial \(trial): each slot once")
            let many = oracle.filter { $0.count > 1 }.count
            #expect(one.slotCount == distinct + many * (CodeSlots.slots - 1), "trial \(trial): slots only for descriptions with a second code")
            for d in 0..<distinct {
                if let first = oracle[d].first { #expect(one.slot(of: d, code: first) == d, "the first slot is the description's own") }
                var seen: [Int] = []
                one.forEachSlot(d) { slot, hc in
                    #expect(one.slot(of: d, code: hc) == slot)
                    seen.append(hc)
                }
                #expect(one.slot(of: d, code: 1_000_000) == nil)
                #expect(one.isFull(d) == (oracle[d].count == CodeSlots.slots), "trial \(trial), description \(d)")
                #expect(seen == oracle[d])
            }
        }
    }
}
