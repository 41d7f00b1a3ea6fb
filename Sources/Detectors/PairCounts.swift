/// Counts per 64-bit key (a pair of dictionary codes packed in one word):
/// open addressing with a multiplicative hash, for a count per row of a
/// 10M-row table. A `Dictionary` hashed every key with SipHash, a fifth of
/// goods_code's fit.
struct PairCounts: Sendable {
    /// Per slot: the key, and its count (0: empty; every stored count is at least 1).
    private var keys: [UInt64]
    private var counts: [Int]
    private var mask: Int
    private(set) var count = 0

    init() {
        keys = [UInt64](repeating: 0, count: 1024)
        counts = [Int](repeating: 0, count: 1024)
        mask = 1023
    }

    /// Adds `n` (at least 1) to `key`'s count.
    @inline(__always)
    mutating func add(_ key: UInt64, _ n: Int) {
        var i = PairCounts.start(key) & mask
        while counts[i] != 0 {
            if keys[i] == key { counts[i] &+= n; return }
            i = (i &+ 1) & mask
        }
        keys[i] = key
        counts[i] = n
        count &+= 1
        if count &* 2 > mask { grow() }
    }

    /// Every (key, count), by key.
    func sorted() -> [(key: UInt64, count: Int)] { PairCounts.sorted(merging: [self]) }

    /// Every key of `parts` with its counts summed, by key: what adding every
    /// part into one table and `sorted()` give, without that table. Each part's
    /// entries are copied into one array, sorted, and equal keys joined. With
    /// a distinct description on every row (free text), the parts of 10M rows
    /// hold 10M pairs: one table of them all took 512 MB more.
    static func sorted(merging parts: [PairCounts]) -> [(key: UInt64, count: Int)] {
        var all: [(key: UInt64, count: Int)] = []
        all.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for p in parts {
            for i in p.counts.indices where p.counts[i] != 0 { all.append((p.keys[i], p.counts[i])) }
        }
        all.sort { $0.key < $1.key }
        var n = 0
        for e in all {
            if n > 0 && all[n - 1].key == e.key { all[n - 1].count += e.count } else { all[n] = e; n += 1 }
        }
        all.removeSubrange(n...)
        return all
    }

    private mutating func grow() {
        let oldKeys = keys, oldCounts = counts
        let size = (mask + 1) * 2
        keys = [UInt64](repeating: 0, count: size)
        counts = [Int](repeating: 0, count: size)
        mask = size - 1
        count = 0
        for i in oldCounts.indices where oldCounts[i] != 0 { add(oldKeys[i], oldCounts[i]) }
    }

    @inline(__always)
    private static func start(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32)
    }
}
