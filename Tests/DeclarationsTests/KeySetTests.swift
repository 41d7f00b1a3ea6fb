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
}
