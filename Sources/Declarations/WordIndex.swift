/// Every short value of a dictionary (up to eight bytes: units, ports,
/// currencies, transport modes, tariff codes, the empty value) by its bytes
/// read as one word, with its code: an index in front of the dictionary's
/// table, a few kilobytes for the usual fields, so it stays in the L1 cache.
///
/// A lookup is a word load, a multiply and two compares per probe, where the
/// dictionary's table hashes the bytes, probes, and compares them against its
/// arena. The dictionary adds each short value here when it first interns it,
/// so a value not found here is new.
struct WordIndex: Sendable {
    /// Two words per slot: the value's bytes, and its length + 1 (0: empty) with its code above.
    private var slots: [UInt64] = []
    private var mask = -1
    private var count = 0

    static let longest = 8

    /// The code of the value of `n` bytes (at most `longest`) spelled by `word`, if it was added.
    @inline(__always)
    func code(_ word: UInt64, count n: Int) -> UInt32? {
        guard mask >= 0 else { return nil }
        let tag = UInt64(truncatingIfNeeded: n &+ 1)
        var i = WordIndex.start(word, n) & mask
        while true {
            let meta = slots[i &* 2 &+ 1]
            if meta == 0 { return nil }
            if slots[i &* 2] == word && meta & 0xFF == tag { return UInt32(truncatingIfNeeded: meta >> 8) }
            i = (i &+ 1) & mask
        }
    }

    /// Adds the value of `n` bytes spelled by `word` (not added before) with its code.
    mutating func add(_ word: UInt64, count n: Int, code: UInt32) {
        if (count &+ 1) &* 2 > mask &+ 1 { grow() }
        place(word, n, UInt64(truncatingIfNeeded: n &+ 1) | UInt64(code) << 8)
        count &+= 1
    }

    private mutating func place(_ word: UInt64, _ n: Int, _ meta: UInt64) {
        var i = WordIndex.start(word, n) & mask
        while slots[i &* 2 &+ 1] != 0 { i = (i &+ 1) & mask }
        slots[i &* 2] = word
        slots[i &* 2 &+ 1] = meta
    }

    private mutating func grow() {
        let old = slots
        let size = max(64, (mask &+ 1) &* 2)
        slots = [UInt64](repeating: 0, count: 2 &* size)
        mask = size &- 1
        for i in stride(from: 0, to: old.count, by: 2) where old[i &+ 1] != 0 {
            place(old[i], Int(old[i &+ 1] & 0xFF) &- 1, old[i &+ 1])
        }
    }

    @inline(__always)
    private static func start(_ word: UInt64, _ n: Int) -> Int {
        // The top bits of a multiplicative hash (the low ones are the word's first bytes).
        Int(truncatingIfNeeded: ((word ^ UInt64(truncatingIfNeeded: n) << 59) &* 0x9E37_79B9_7F4A_7C15) >> 40)
    }

    /// The bytes of `v` (at most eight) as a little-endian word, zero above
    /// them; never reads outside `v`. `ByteInterner.hash` reads a short
    /// value's tail this way too.
    @inline(__always)
    static func word(_ v: UnsafeRawBufferPointer) -> UInt64 {
        let n = v.count
        if n == 8 { return v.loadUnaligned(as: UInt64.self) }
        if n >= 4 {
            // Two overlapping four-byte words.
            let lo = UInt64(v.loadUnaligned(as: UInt32.self))
            let hi = UInt64(v.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self))
            return lo | (hi >> UInt64(8 &* (8 &- n))) << 32
        }
        // The first, middle and last bytes: all of them for one to three bytes.
        guard n > 0 else { return 0 }
        let mid = n >> 1
        return UInt64(v[0]) | UInt64(v[mid]) << UInt64(8 &* mid) | UInt64(v[n &- 1]) << UInt64(8 &* (n &- 1))
    }
}
