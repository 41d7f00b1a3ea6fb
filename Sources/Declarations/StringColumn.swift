/// A text column stored as is: every row's bytes back to back with offsets.
/// For values that rarely repeat (declaration numbers), where a dictionary
/// would cost a hash lookup per row and save nothing.
public struct StringColumn: Sendable {
    public internal(set) var bytes: [UInt8] = []
    /// `offsets[r] ..< offsets[r + 1]` are row r's bytes.
    public internal(set) var offsets: [Int] = [0]

    public init() {}

    /// Rows whose bytes end at `ends` (ascending), back to back in `bytes`.
    init(bytes: [UInt8], ends: [Int]) {
        self.bytes = bytes
        offsets = [0] + ends
    }

    public var count: Int { offsets.count - 1 }

    /// Row `r` as a `String` (invalid UTF-8 repaired).
    public func string(_ r: Int) -> String { String(decoding: bytes[offsets[r]..<offsets[r + 1]], as: UTF8.self) }

    /// Row `r`'s bytes.
    public func slice(_ r: Int) -> ArraySlice<UInt8> { bytes[offsets[r]..<offsets[r + 1]] }

    @inline(__always)
    mutating func append(_ v: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: v)
        offsets.append(bytes.count)
    }

    /// Appends `other`'s rows where `keep` allows (all when nil).
    mutating func append(_ other: StringColumn, keep: [Bool]?) {
        if let keep {
            for r in 0..<other.count where keep[r] {
                bytes.append(contentsOf: other.bytes[other.offsets[r]..<other.offsets[r + 1]])
                offsets.append(bytes.count)
            }
            return
        }
        let shift = bytes.count
        bytes.append(contentsOf: other.bytes)
        offsets.reserveCapacity(offsets.count + other.count)
        for o in other.offsets.dropFirst() { offsets.append(o + shift) }
    }
}

/// Finds repeated row keys by their 64-bit hashes, in row order: an
/// open-addressing table of (hash, row) pairs side by side, so a probe of a
/// 10M-key table misses the cache once, not once per array; bytes are compared
/// only when hashes match.
struct KeySet {
    private struct Slot {
        var hash: UInt64
        var row: Int32   // -1: empty
    }
    private var slots: [Slot]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 1024
        while size < capacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(hash: 0, row: -1), count: size)
        mask = size - 1
    }

    /// Sizes the table for `n` keys at once (no rehashing on the way).
    mutating func reserve(_ n: Int) {
        guard n * 2 > slots.count else { return }
        var size = slots.count
        while size < n * 2 { size <<= 1 }
        let old = slots
        slots = [Slot](repeating: Slot(hash: 0, row: -1), count: size)
        mask = size - 1
        for s in old where s.row >= 0 {
            var i = Int(truncatingIfNeeded: s.hash) & mask
            while slots[i].row >= 0 { i = (i + 1) & mask }
            slots[i] = s
        }
    }

    /// Inserts row `row` with key hash `h`; returns the earlier row with an
    /// equal key (as `same` decides), or nil when the key is new.
    mutating func insert(_ h: UInt64, row: Int32, same: (Int32) -> Bool) -> Int32? {
        if count * 2 >= slots.count { grow() }
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i].row >= 0 {
            if slots[i].hash == h && same(slots[i].row) { return slots[i].row }
            i = (i + 1) & mask
        }
        slots[i] = Slot(hash: h, row: row)
        count += 1
        return nil
    }

    private mutating func grow() { reserve(slots.count) }
}
