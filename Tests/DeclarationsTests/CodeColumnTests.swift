@testable import Declarations
import TestSupport
import Testing

/// Text codes stored in two bytes while they fit, four once one does not:
/// every way of appending reads back the codes appended, against a plain array.
@Suite("code columns")
struct CodeColumnTests {
    @Test("init picks the width; codes read back", arguments: [
        ([], false), ([0, 1, 65_535], false), ([0, 65_536], true), ([UInt32.max, 7], true),
    ] as [([UInt32], Bool)])
    func initWidth(codes: [UInt32], wide: Bool) {
        let c = CodeColumn(codes)
        #expect(c.isWide == wide)
        #expect(Array(c) == codes)
        #expect(c.bytesPerCode == (wide ? 4 : 2))
    }

    @Test("appends one by one, in runs and through a dictionary map widen exactly when a code needs it", arguments: [1, 2, 3] as [UInt64])
    func appends(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        var c = CodeColumn()
        var oracle: [UInt32] = []
        let widenAt = Int.random(in: 50..<150, using: &rng)
        for step in 0..<200 {
            let big = step >= widenAt
            let code = UInt32.random(in: 0...(big ? 200_000 : 65_535), using: &rng)
            switch step % 3 {
            case 0:
                c.append(code); oracle.append(code)
            case 1:
                let n = Int.random(in: 0..<5, using: &rng)
                c.append(code, count: n); oracle.append(contentsOf: repeatElement(code, count: n))
            default:
                let map = (0..<10).map { _ in UInt32.random(in: 0...(big ? 200_000 : 65_535), using: &rng) }
                let source = CodeColumn((0..<Int.random(in: 0..<8, using: &rng)).map { _ in UInt32.random(in: 0..<10, using: &rng) })
                c.append(source, through: map)
                oracle.append(contentsOf: source.map { map[Int($0)] })
            }
            #expect(Array(c) == oracle, "seed \(seed) step \(step)")
            if (oracle.max() ?? 0) > 65_535 { #expect(c.isWide, "seed \(seed) step \(step)") }
            if step < widenAt { #expect(!c.isWide, "narrow until a code needs 17 bits: seed \(seed) step \(step)") }
        }
        let keep = oracle.count / 2
        c.truncate(keep)
        #expect(Array(c) == Array(oracle.prefix(keep)))
        #expect(c == CodeColumn(Array(oracle.prefix(keep))))
    }
}
