@testable import Declarations
import TestSupport
import Testing

/// Text codes stored in one byte while they fit, two while they fit, four
/// after that: every way of appending reads back the codes appended, against a
/// plain array, and widens exactly when a code needs more bits.
@Suite("code columns")
struct CodeColumnTests {
    @Test("init picks the width; codes read back", arguments: [
        ([], 1), ([0, 1, 255], 1), ([0, 256], 2), ([0, 1, 65_535], 2), ([0, 65_536], 4), ([UInt32.max, 7], 4),
    ] as [([UInt32], Int)])
    func initWidth(codes: [UInt32], bytes: Int) {
        let c = CodeColumn(codes)
        #expect(c.bytesPerCode == bytes)
        #expect(Array(c) == codes)
    }

    @Test("appends one by one, in runs and through a dictionary map (all rows or the kept ones) widen exactly when a code needs it", arguments: [1, 2, 3, 4] as [UInt64])
    func appends(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        var c = CodeColumn()
        c.reserveCapacity(64)
        var oracle: [UInt32] = []
        // Codes fit a byte until the first mark, two until the second, then up to 18 bits.
        let twoAt = Int.random(in: 30..<90, using: &rng), fourAt = Int.random(in: 100..<160, using: &rng)
        func limit(_ step: Int) -> UInt32 { step >= fourAt ? 200_000 : step >= twoAt ? 65_535 : 255 }
        for step in 0..<200 {
            let code = UInt32.random(in: 0...limit(step), using: &rng)
            switch step % 3 {
            case 0:
                c.append(code); oracle.append(code)
            case 1:
                let n = Int.random(in: 0..<5, using: &rng)
                c.append(code, count: n); oracle.append(contentsOf: repeatElement(code, count: n))
            default:
                let map = (0..<10).map { _ in UInt32.random(in: 0...limit(step), using: &rng) }
                let source = CodeColumn(narrow: (0..<Int.random(in: 0..<8, using: &rng)).map { _ in UInt16.random(in: 0..<10, using: &rng) })
                if Bool.random(using: &rng) {
                    c.append(source, through: map)
                    oracle.append(contentsOf: source.map { map[Int($0)] })
                } else {
                    // Only the kept rows, a run at a time.
                    let keep = source.map { _ in Bool.random(using: &rng) }
                    c.append(source, through: map, keep: KeptRows(keep))
                    oracle.append(contentsOf: source.indices.filter { keep[$0] }.map { map[Int(source[$0])] })
                }
            }
            #expect(Array(c) == oracle, "seed \(seed) step \(step)")
            if step < twoAt { #expect(c.bytesPerCode == 1, "one byte until a code needs 9 bits: seed \(seed) step \(step)") }
            if step < fourAt { #expect(c.bytesPerCode <= 2, "at most two bytes until a code needs 17 bits: seed \(seed) step \(step)") }
            if (oracle.max() ?? 0) > 255 { #expect(c.bytesPerCode >= 2, "seed \(seed) step \(step)") }
            if (oracle.max() ?? 0) > 65_535 { #expect(c.bytesPerCode == 4, "seed \(seed) step \(step)") }
        }
        let keep = oracle.count / 2
        c.truncate(keep)
        #expect(Array(c) == Array(oracle.prefix(keep)))
        #expect(c == CodeColumn(Array(oracle.prefix(keep))))
    }

    @Test("a map's largest code widens the column before its codes go in, even when the codes appended are small")
    func widensByMap() {
        var c = CodeColumn([1, 2, 3])
        c.append(CodeColumn(narrow: [0, 0]), through: [7, 300])
        #expect(c.bytesPerCode == 2 && Array(c) == [1, 2, 3, 7, 7])
        c.append(CodeColumn(narrow: [1]), through: [0, 5], largest: 70_000)
        #expect(c.bytesPerCode == 4 && Array(c) == [1, 2, 3, 7, 7, 5])
        // From one byte straight to four, with codes already in the column.
        var d = CodeColumn([1, 2])
        d.reserveCapacity(10)
        d.append(CodeColumn(narrow: [0]), through: [70_000])
        #expect(d.bytesPerCode == 4 && Array(d) == [1, 2, 70_000])
        var e = CodeColumn([9])
        e.append(UInt32.max)
        #expect(e.bytesPerCode == 4 && Array(e) == [9, UInt32.max])
    }

    @Test("kept rows as runs: every true flag in one run, in order, and nothing else", arguments: [
        ([], [], 0), ([false, false], [], 0), ([true], [0..<1], 1), ([true, true, false, true], [0..<2, 3..<4], 3),
        ([false, true, true, true, false, false, true], [1..<4, 6..<7], 4), ([true, false, true, false, true], [0..<1, 2..<3, 4..<5], 3),
    ] as [([Bool], [Range<Int>], Int)])
    func keptRuns(keep: [Bool], runs: [Range<Int>], count: Int) {
        let k = KeptRows(keep)
        #expect(k.runs == runs && k.count == count)
        #expect(k.runs.flatMap { Array($0) } == keep.indices.filter { keep[$0] })
    }
}
