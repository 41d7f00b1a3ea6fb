import CSVCore

/// Finds repeated row keys by their hashes, in row order: an open-addressing
/// table of one 8-byte word per slot, the hash's high 32 bits beside the row,
/// so a probe of a 10M-key table misses the cache once; bytes are compared only
/// when those bits match. The slot index is taken from the same 32 bits, which
/// is what lets the table grow without the full hashes. Filled to at most
/// three quarters: 16M slots (128 MB) hold 10M keys, where 16-byte slots kept
/// half empty took 512 MB. The slots lie in huge pages (`HugePageWords`).
struct KeySet {
    /// High 32 bits: the hash's high half; low 32 bits: row + 1 (0: empty).
    /// Copied on write.
    private var table: HugePageWords
    private var slots: UnsafeMutablePointer<UInt64> { table.words }
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 1024) {
        let size = KeySet.size(for: capacity, atLeast: 1024)
        table = HugePageWords(count: size)
        mask = size - 1
    }

    /// Slots for `n` keys at most three quarters full: a power of two.
    private static func size(for n: Int, atLeast minimum: Int) -> Int {
        var size = minimum
        while size * 3 < n * 4 + 4 { size <<= 1 }
        return size
    }

    /// Sizes the table for `n` keys at once (no rehashing on the way).
    mutating func reserve(_ n: Int) {
        let size = KeySet.size(for: n, atLeast: table.count)
        guard size > table.count else { return }
        let old = table
        table = HugePageWords(count: size)
        mask = size - 1
        for s in UnsafeBufferPointer(start: old.words, count: old.count) where s != 0 {
            var i = Int(truncatingIfNeeded: s >> 32) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = s
        }
    }

    /// Slots in the table (a power of two; up to three quarters hold keys before it grows).
    var slotCount: Int { table.count }

    /// Forgets every key and keeps the room. Ingest sizes the table for a whole file
    /// before its first chunk; when that chunk meets a stray quote and the file is read
    /// again in pieces (`Ingest.Merge.truncate`), a fresh table grew back to 10M keys by
    /// fourteen doublings, rehashing at each, on fresh huge pages every time.
    mutating func removeAll() {
        // Fresh pages cost nothing until written; zeroing these would fault them all in.
        if count > 0 { table = HugePageWords(count: table.count) }
        count = 0
    }

    /// Asks for the slot an insert of hash `h` reads first to be brought into
    /// cache: at 10M keys the table is 128 MB and every insert misses it, so
    /// the merge asks a few rows ahead and the misses overlap.
    @inline(__always)
    func prefetch(_ h: UInt64) {
        Prefetch.read(slots + (Int(truncatingIfNeeded: h >> 32) & mask))
    }

    /// Inserts row `row` with key hash `h`; returns the earlier row with an
    /// equal key (as `same` decides), or nil when the key is new.
    mutating func insert(_ h: UInt64, row: Int32, same: (Int32) -> Bool) -> Int32? {
        precondition(row >= 0, "rows are counted from 0")
        // Growing makes a table of its own; only a table kept must be copied if shared.
        if (count + 1) * 4 > table.count * 3 { reserve(count + 1) }
        if !isKnownUniquelyReferenced(&table) { table = table.copy() }
        let tag = h & 0xFFFF_FFFF_0000_0000
        var i = Int(truncatingIfNeeded: h >> 32) & mask
        while slots[i] != 0 {
            let s = slots[i]
            if s & 0xFFFF_FFFF_0000_0000 == tag {
                let earlier = Int32(truncatingIfNeeded: s & 0xFFFF_FFFF) - 1
                if same(earlier) { return earlier }
            }
            i = (i + 1) & mask
        }
        slots[i] = tag | UInt64(UInt32(row) + 1)
        count += 1
        return nil
    }
}
