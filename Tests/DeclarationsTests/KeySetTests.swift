import CSVCore
@testable import Declarations
import TestSupport
import Testing

/// The duplicate-key table against a dictionary oracle: keys whose hashes
/// share their high bits (so they land in one probe run and match on the tag),
/// growth from a small table, and reserve.
@Suite("duplicate keys")
struct KeySetTests {
    @Test("finds exactly the earlier row of each repeated key, through growth and colliding hashes", arguments: [1, 2, 3] as [UInt64])
    func againstOracle(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        for reserve in [0, 10, 5000] {
            var set = KeySet(capacity: 16)
            set.reserve(reserve)
            var oracle: [Int: Int32] = [:]       // key → first row
            var keyOfRow: [Int] = []
            for row in 0..<6000 {
                let key = Int.random(in: 0..<3000, using: &rng)
                // Hashes from a weak function: many keys share the high 32 bits (the tag and
                // the slot), so equal tags must still be told apart by `same`.
                let h = UInt64(key % 97) << 32 | UInt64(key)
                keyOfRow.append(key)
                let earlier = set.insert(h, row: Int32(row)) { keyOfRow[Int($0)] == key }
                #expect(earlier == oracle[key], "seed \(seed) row \(row) key \(key)")
                if oracle[key] == nil { oracle[key] = Int32(row) }
            }
            #expect(set.count == oracle.count)
        }
    }

    @Test("a copy is a value: inserting into it leaves the original as it was")
    func copyOnWrite() {
        var a = KeySet(capacity: 16)
        for row in 0..<100 { #expect(a.insert(UInt64(row) << 32 | 7, row: Int32(row)) { _ in true } == nil) }
        var b = a
        #expect(b.insert(UInt64(500) << 32, row: 100) { _ in true } == nil)
        #expect(b.count == 101 && a.count == 100)
        // The original does not hold the copy's key; the copy holds the original's.
        #expect(a.insert(UInt64(500) << 32, row: 100) { _ in true } == nil)
        #expect(b.insert(UInt64(42) << 32 | 7, row: 101) { _ in true } == 42)
        // A shared copy that grows (past 768 keys in 1,024 slots) leaves the original as it was.
        var c = a
        for row in 1200..<2200 { #expect(c.insert(UInt64(row) << 32 | 7, row: Int32(row)) { _ in true } == nil) }
        #expect(c.count == 1101 && a.count == 101)
        #expect(a.insert(UInt64(1500) << 32 | 7, row: 101) { _ in true } == nil)
        #expect(c.insert(UInt64(1500) << 32 | 7, row: 2200) { _ in true } == 1500)
        #expect(c.insert(UInt64(42) << 32 | 7, row: 2201) { _ in true } == 42)
    }

    @Test("removing every key keeps the room: the keys are gone, the table stays its size, and a copy keeps its keys", arguments: [0, 1, 5000])
    func removeAll(keys n: Int) {
        var a = KeySet(capacity: 16)
        a.reserve(100_000)
        let slots = a.slotCount
        for row in 0..<n { #expect(a.insert(UInt64(row) << 32 | 9, row: Int32(row)) { _ in true } == nil) }
        let copy = a
        a.removeAll()
        #expect(a.count == 0 && a.slotCount == slots)
        // Every key is new again, and inserting them does not grow the table.
        for row in 0..<n { #expect(a.insert(UInt64(row) << 32 | 9, row: Int32(row)) { _ in true } == nil) }
        #expect(a.count == n && a.slotCount == slots)
        var b = copy
        #expect(n == 0 || b.insert(UInt64(n - 1) << 32 | 9, row: Int32(n)) { _ in true } == Int32(n - 1))
    }

    @Test("huge-page words start zeroed, hold what is written, and copy", arguments: [1, 1000, 300_000])
    func hugePageWords(count: Int) {
        let w = CSVCore.HugePageWords(count: count)
        #expect((0..<count).allSatisfy { w.words[$0] == 0 })
        for i in 0..<count { w.words[i] = UInt64(i) &* 0x9E37_79B9_7F4A_7C15 }
        let c = w.copy()
        w.words[count - 1] = 0
        #expect((0..<count - 1).allSatisfy { c.words[$0] == UInt64($0) &* 0x9E37_79B9_7F4A_7C15 })
        #expect(c.words[count - 1] == UInt64(count - 1) &* 0x9E37_79B9_7F4A_7C15)
    }
}
