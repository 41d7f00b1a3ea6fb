import CSVCore

/// Interns byte strings to dense codes: 0, 1, 2… in order of first appearance.
///
/// Bytes live in one arena; an open-addressing table of code slots finds them
/// by a 64-bit hash. No `String` per value, no allocation per lookup.
public struct ByteInterner: Sendable {
    /// All interned bytes, back to back.
    public private(set) var arena: [UInt8] = []
    /// `offsets[c] ..< offsets[c + 1]` are the bytes of code `c`.
    public private(set) var offsets: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Open addressing, two words per slot: the high 32 bits of the hash above
    /// code + 1 (0: empty), then the value's place in the arena (offset above
    /// its length, `farPlace` when it does not fit). A probe touches one
    /// array, and a match goes straight to the value's bytes: two dependent
    /// reads per lookup, where a slot of code only (then `offsets`, then the
    /// bytes) took three.
    private var slots: [UInt64]
    private var mask: Int
    /// Every short value's code, in front of the table.
    private var short = WordIndex()
    /// The length of the longest value interned (a dictionary of short values
    /// only is looked up value by value, through its word index).
    private(set) var longest = 0

    public init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: 2 * size)
        mask = size - 1
    }

    /// Number of distinct values.
    public var count: Int { offsets.count - 1 }

    /// The values from code `base` on, with their hashes, as a dictionary that
    /// only carries them (it has no lookup table: `intern` must not be called
    /// on it). A worker's dictionary outlives its chunks; each chunk hands the
    /// merge the values it added this way (`TextColumn.append(_:keep:remap:)`).
    func values(from base: Int) -> ByteInterner {
        var out = ByteInterner(slotless: ())
        out.firstCode = base
        let start = offsets[base]
        out.arena = Array(arena[start...])
        out.offsets = offsets[base...].map { $0 - start }
        out.hashes = folded ? (base..<count).map(hash(of:)) : Array(hashes[base...])
        return out
    }

    /// The code of the first value, in the dictionary these values were taken
    /// from (`values(from:)`); 0 for a dictionary of its own.
    private(set) var firstCode = 0

    private init(slotless: Void) {
        slots = []
        mask = -1
    }

    /// A dictionary that lists values as they come, without looking them up
    /// (`append`): a value's code is its place in the list, and a value may
    /// be listed twice. A worker lists a field this way while nearly every
    /// value is new to it (free text): the lookup found nothing, and the
    /// table's dictionary, which the merge interns the values into, finds
    /// the repeats. Like `values(from:)`, it has no lookup table.
    static func list(capacity: Int) -> ByteInterner {
        var d = ByteInterner(slotless: ())
        d.offsets.reserveCapacity(capacity + 1)
        d.hashes.reserveCapacity(capacity)
        return d
    }

    /// Whether this dictionary has no lookup table (`list(capacity:)`, `values(from:)`).
    var isList: Bool { mask < 0 && !folded }

    /// The lookup table and the hashes were dropped (`foldLookup`): an intern builds them again.
    private var folded = false

    /// Drops the lookup table and the values' hashes: a table's dictionary of
    /// millions of values (free-text descriptions: 16M slots, 256 MB, and 80 MB of
    /// hashes at 10M rows) is only read by code once ingest is done. The values and
    /// their bounds stay; an intern afterwards hashes them again and builds the
    /// table (same codes), and `hash(of:)` hashes the value asked for.
    public mutating func foldLookup() {
        guard mask >= 0 else { return }
        slots = []
        mask = -1
        hashes = []
        folded = true
    }

    /// Builds the table and the hashes `foldLookup` dropped, if it did.
    @inline(never)
    private mutating func unfold() {
        precondition(folded, "a dictionary without a lookup table (a list, or values(from:)) cannot intern")
        var size = 16
        while size * 3 < count * 4 + 4 { size <<= 1 }
        hashes = (0..<count).map(hash(of:))
        folded = false
        rehash(size: size)
    }

    /// Lists `bytes`, whose hash is `h` (`ByteInterner.hash`), under the next code
    /// (interning adds a new value this way, then enters it in the lookup table).
    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer, hash h: UInt64) -> UInt32 {
        let code = UInt32(count)
        longest = max(longest, bytes.count)
        arena.append(contentsOf: bytes)
        offsets.append(arena.count)
        hashes.append(h)
        return code
    }

    /// The code of `bytes`, adding it when new.
    @inline(__always)
    public mutating func intern(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard bytes.count <= WordIndex.longest else { return intern(bytes, hash: ByteInterner.hash(bytes)) }
        return internShort(bytes)
    }

    /// `intern` of a value of at most `WordIndex.longest` bytes: through the word index.
    @inline(__always)
    private mutating func internShort(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        if let c = short.code(WordIndex.word(bytes), count: bytes.count) { return c }
        return intern(bytes, hash: ByteInterner.hash(bytes))
    }

    /// The hash `intern` computed for `code` (merging dictionaries reuses it); made
    /// again from the value's bytes once `foldLookup` dropped the hashes.
    func hash(of code: Int) -> UInt64 {
        folded ? withBytes(UInt32(code)) { ByteInterner.hash($0) } : hashes[code]
    }

    /// `intern(bytes)` when `h` is already known to be `ByteInterner.hash(bytes)`.
    @inline(__always)
    mutating func intern(_ bytes: UnsafeRawBufferPointer, hash h: UInt64) -> UInt32 {
        if mask < 0 { unfold() }
        let tag = h & 0xFFFF_FFFF_0000_0000
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i &* 2]
            if s == 0 { break }
            if s & 0xFFFF_FFFF_0000_0000 == tag, equal(place: slots[i &* 2 &+ 1], s, bytes) {
                return UInt32(truncatingIfNeeded: s & 0xFFFF_FFFF) &- 1
            }
            i = (i + 1) & mask
        }
        let at = arena.count
        let code = append(bytes, hash: h)
        if bytes.count <= WordIndex.longest { short.add(WordIndex.word(bytes), count: bytes.count, code: code) }
        slots[i &* 2] = tag | UInt64(code + 1)
        slots[i &* 2 &+ 1] = ByteInterner.place(at: at, count: bytes.count)
        // Grown at three quarters full: a probe of two-word slots stays within a cache line or two.
        if count &* 4 > (mask &+ 1) &* 3 { grow() }
        return code
    }

    /// A slot's second word: the value's arena offset above its length, or
    /// `farPlace` for a value of 65,535 bytes or more (then read through `offsets`).
    @inline(__always)
    static func place(at offset: Int, count: Int) -> UInt64 {
        count < 0xFFFF ? UInt64(truncatingIfNeeded: offset) << 16 | UInt64(truncatingIfNeeded: count) : farPlace
    }

    static let farPlace = UInt64(0xFFFF)

    /// `intern` of `n` values in turn, `views[k]` for k in 0..<n, with
    /// `code(k, c)` receiving each code: the codes interning them one by one
    /// gives. `hashes` is room for `n` hashes.
    ///
    /// A lookup is two dependent reads (the table slot, the value's bytes),
    /// each a cache miss once a dictionary outgrows the L2 cache. So this
    /// hashes all the values first, asking for each one's first table slot;
    /// then, in a pass of its own, asks for the bytes of each value whose slot
    /// matches; then looks the values up. Their misses overlap instead of
    /// following one another. Dictionaries of up to `cachedValues` values skip
    /// the middle pass. The prefetches are hints read through the current
    /// table; an insertion between one and its lookup only makes it useless.
    @inline(__always)
    mutating func intern(_ n: Int, views: UnsafePointer<UnsafeRawBufferPointer>, hashes scratch: UnsafeMutablePointer<UInt64>,
                         _ code: (Int, UInt32) -> Void) {
        if mask < 0 { unfold() }
        let mask = mask
        slots.withUnsafeBufferPointer { s in
            for k in 0..<n where views[k].count > WordIndex.longest {
                let h = ByteInterner.hash(views[k])
                scratch[k] = h
                Prefetch.read(s.baseAddress! + (Int(truncatingIfNeeded: h) & mask) &* 2)
            }
        }
        // The bytes of each value whose first slot matches (the slot holds
        // their place): by the lookups below, the block's slots and bytes are
        // all on their way or in cache. A small dictionary (all of it in the
        // L1 cache) skips this pass; it would only add work.
        if count > ByteInterner.cachedValues {
            arena.withUnsafeBufferPointer { a in
                for k in 0..<n where views[k].count > WordIndex.longest {
                    let p = firstMatch(scratch[k])
                    if p != 0, p != ByteInterner.farPlace {
                        let lo = Int(truncatingIfNeeded: p >> 16), m = Int(truncatingIfNeeded: p & 0xFFFF)
                        Prefetch.read(a.baseAddress! + lo)
                        Prefetch.read(a.baseAddress! + (lo &+ m &- 1))
                    }
                }
            }
        }
        var last: UInt32 = 0
        for k in 0..<n {
            let v = views[k]
            // A short value (or an empty one) is its word index's.
            if v.count <= WordIndex.longest {
                last = internShort(v)
                code(k, last)
                continue
            }
            // Rows come in runs (a declaration's items share their parties): a value
            // equal to the one before it has its code.
            if k > 0, v.count == views[k &- 1].count, scratch[k] == scratch[k &- 1],
               memcmpBytes(v.baseAddress!, views[k &- 1].baseAddress!, v.count) {
                code(k, last)
                continue
            }
            last = intern(v, hash: scratch[k])
            code(k, last)
        }
    }

    /// Asks for the table slot a lookup of hash `h` reads first (a hint: see
    /// `intern(_:views:hashes:_:)`). Merging a chunk's new values into a table's
    /// dictionary of millions asks a few values ahead, so their misses overlap.
    @inline(__always)
    func prefetch(hash h: UInt64) {
        guard mask >= 0 else { return }
        slots.withUnsafeBufferPointer { Prefetch.read($0.baseAddress! + (Int(truncatingIfNeeded: h) & mask) &* 2) }
    }

    /// Values up to which a dictionary's slots, bounds and bytes stay in cache
    /// without being asked for.
    static let cachedValues = 512

    /// The place (`place(at:count:)`) in the slot a lookup of hash `h` reads
    /// first, if its hash bits match (the value is then most likely there); 0 if not.
    @inline(__always)
    private func firstMatch(_ h: UInt64) -> UInt64 {
        let i = Int(truncatingIfNeeded: h) & mask
        let s = slots[i &* 2]
        guard s != 0, s & 0xFFFF_FFFF_0000_0000 == h & 0xFFFF_FFFF_0000_0000 else { return 0 }
        return slots[i &* 2 &+ 1]
    }

    public mutating func intern(_ text: String) -> UInt32 {
        var t = text
        return t.withUTF8 { intern(UnsafeRawBufferPointer($0)) }
    }

    /// The bytes of `code`.
    public func bytes(_ code: UInt32) -> ArraySlice<UInt8> { arena[offsets[Int(code)]..<offsets[Int(code) + 1]] }

    /// `body` of the bytes of `code`, read in place (no copy, no `String`).
    @inlinable
    public func withBytes<R>(_ code: UInt32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let lo = offsets[Int(code)], hi = offsets[Int(code) + 1]
        return try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[lo..<hi])) }
    }

    /// Every value's bytes in place, by code, for as long as `body` runs: a
    /// loop over many values takes the arena once. (Value by value, each
    /// access retained and released the arena's storage; with every core in
    /// such a loop, they fought over its reference count.)
    public struct ValueBytes {
        let arena: UnsafeRawBufferPointer
        let offsets: UnsafeBufferPointer<Int>

        /// The bytes of `code`.
        @inline(__always)
        public subscript(code: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: arena[offsets[code]..<offsets[code + 1]])
        }
    }

    public func withValueBytes<R>(_ body: (ValueBytes) throws -> R) rethrows -> R {
        try arena.withUnsafeBytes { a in try offsets.withUnsafeBufferPointer { o in try body(ValueBytes(arena: a, offsets: o)) } }
    }

    /// The value of `code` as a `String` (invalid UTF-8 repaired).
    public func string(_ code: UInt32) -> String { String(decoding: bytes(code), as: UTF8.self) }

    /// Whether the value at `place` (of the slot whose first word is `s`) is `bytes`.
    @inline(__always)
    private func equal(place: UInt64, _ s: UInt64, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard place != ByteInterner.farPlace else { return equal(Int(truncatingIfNeeded: s & 0xFFFF_FFFF) &- 1, bytes) }
        guard Int(truncatingIfNeeded: place & 0xFFFF) == bytes.count else { return false }
        guard bytes.count > 0 else { return true }
        let lo = Int(truncatingIfNeeded: place >> 16)
        return arena.withUnsafeBufferPointer { a in
            // safe: a place's offset and length lie within the arena.
            memcmpBytes(UnsafeRawPointer(a.baseAddress! + lo), bytes.baseAddress!, bytes.count)
        }
    }

    @inline(never)
    private func equal(_ c: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let lo = offsets[c], hi = offsets[c + 1]
        guard hi - lo == bytes.count else { return false }
        guard bytes.count > 0 else { return true }
        return arena.withUnsafeBufferPointer { a in
            // safe: lo..<hi lies within the arena.
            memcmpBytes(UnsafeRawPointer(a.baseAddress! + lo), bytes.baseAddress!, bytes.count)
        }
    }

    /// Room for `n` values of `bytes` bytes in all without growing: the
    /// table sized at once, the value arrays reserved (their pages are touched
    /// only as values come). For a field whose values hardly repeat, where
    /// growing by doubling rehashed the whole table and copied every array at
    /// each step, on the one thread that merges (`Ingest.readFile`).
    mutating func reserve(values n: Int, bytes: Int) {
        if mask < 0 { unfold() }
        var size = mask + 1
        while n * 4 > size * 3 { size <<= 1 }
        if size > mask + 1 { rehash(size: size) }
        arena.reserveCapacity(bytes)
        offsets.reserveCapacity(n + 1)
        hashes.reserveCapacity(n)
    }

    /// Slots for values at most three quarters of the table (a power of two).
    var slotCount: Int { mask + 1 }

    private mutating func grow() { rehash(size: (mask + 1) * 2) }

    private mutating func rehash(size: Int) {
        slots = [UInt64](repeating: 0, count: 2 * size)
        mask = size - 1
        for c in 0..<count {
            let h = hashes[c]
            var i = Int(truncatingIfNeeded: h) & mask
            while slots[i &* 2] != 0 { i = (i + 1) & mask }
            slots[i &* 2] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(c + 1)
            slots[i &* 2 &+ 1] = ByteInterner.place(at: offsets[c], count: offsets[c + 1] - offsets[c])
        }
    }

    /// A fast 64-bit hash of bytes (8 bytes at a time, then a strong finish).
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h = hashStart(count: bytes.count)
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            h = hashWord(h, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        // The last n − i (< 8) bytes, little-endian, as one word: the top bytes of the
        // word ending at n when there is one (those before i were hashed above), else
        // the value itself as `WordIndex` reads it.
        let rest = n &- i
        var tail: UInt64 = 0
        if rest > 0 {
            tail = n >= 8 ? bytes.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) >> UInt64(8 &* (8 &- rest))
                          : WordIndex.word(bytes)
        }
        return hashFinish(h, tail: tail)
    }

    /// `hash` of the `width` ASCII digits of `v` (leading zeros kept; width 1...19),
    /// without writing them out: each eight-digit group's word straight from its
    /// number (`DecimalDigits.eightDigits`). A digits column's key hash
    /// (`DeclarationTable.keyHash`), ten million a fit.
    @inline(__always)
    static func hash(digits v: UInt64, width: Int) -> UInt64 {
        let rest = width & 7
        var u = v, tail: UInt64 = 0
        if rest > 0 {
            // The last `rest` digits split off by a constant (a multiply, where a
            // division by a power looked up at run time was a division instruction).
            let low: UInt64
            switch rest {
            case 1: (u, low) = (u / 10, u % 10)
            case 2: (u, low) = (u / 100, u % 100)
            case 3: (u, low) = (u / 1_000, u % 1_000)
            case 4: (u, low) = (u / 10_000, u % 10_000)
            case 5: (u, low) = (u / 100_000, u % 100_000)
            case 6: (u, low) = (u / 1_000_000, u % 1_000_000)
            default: (u, low) = (u / 10_000_000, u % 10_000_000)
            }
            tail = DecimalDigits.eightDigits(UInt32(truncatingIfNeeded: low)) >> UInt64(8 &* (8 &- rest))
        }
        var h = hashStart(count: width)
        switch width >> 3 {
        case 2:
            h = hashWord(h, DecimalDigits.eightDigits(UInt32(truncatingIfNeeded: u / 100_000_000)))
            h = hashWord(h, DecimalDigits.eightDigits(UInt32(truncatingIfNeeded: u % 100_000_000)))
        case 1:
            h = hashWord(h, DecimalDigits.eightDigits(UInt32(truncatingIfNeeded: u)))
        default:
            break
        }
        return hashFinish(h, tail: tail)
    }

    /// The hash's state before any word, for `count` bytes.
    @inline(__always)
    static func hashStart(count: Int) -> UInt64 { 0x9E37_79B9_7F4A_7C15 ^ UInt64(count) }

    /// The state after one more eight-byte word (little-endian).
    @inline(__always)
    static func hashWord(_ h: UInt64, _ w: UInt64) -> UInt64 {
        var h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 29
        return h
    }

    /// The hash, from the state and the last bytes' word (0 when none are left).
    @inline(__always)
    static func hashFinish(_ h: UInt64, tail: UInt64) -> UInt64 {
        var h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 31
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }
}

@inline(__always)
func memcmpBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    if n >= 8 {
        var i = 0
        while i + 8 <= n {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        // The last bytes as the word ending at n (overlapping what was compared).
        return i == n || a.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
    }
    if n >= 4 {
        // Two overlapping 4-byte words.
        return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
            && a.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == b.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
    }
    var i = 0
    while i < n {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
    }
    return true
}
