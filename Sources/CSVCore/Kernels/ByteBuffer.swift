/// A growable run of bytes written through a raw pointer: the output side of
/// the hot loop (ranked.csv is 2.2 GB at 10M rows).
///
/// An `Array<UInt8>` append checks uniqueness and capacity and may call out of
/// line for every field; here a caller reserves room once per record
/// (`reserve`) and the appends after it are stores. Appending past the
/// reservation is still safe: every append checks capacity and grows. Owns
/// its memory, so it cannot be copied; `removeAll()` keeps the capacity, so a
/// buffer reused block after block touches no new pages.
public struct ByteBuffer: ~Copyable {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var capacity: Int
    @usableFromInline var written: Int
    /// Bytes written.
    public var count: Int { written }

    public init(capacity: Int = 0) {
        self.capacity = max(64, capacity)
        base = .allocate(capacity: self.capacity)
        written = 0
    }

    deinit { base.deallocate() }

    /// Makes room for `extra` more bytes (at least doubling when it grows).
    @inlinable @inline(__always)
    public mutating func reserve(_ extra: Int) {
        if written + extra > capacity { grow(written + extra) }
    }

    @usableFromInline
    mutating func grow(_ needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: base, count: written)
        base.deallocate()
        base = bigger
        capacity = newCapacity
    }

    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        reserve(1)
        base[written] = byte
        written += 1
    }

    @inlinable @inline(__always)
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let from = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        ByteBuffer.copy(from, to: UnsafeMutableRawPointer(base + written), count: bytes.count)
        written += bytes.count
    }

    /// Copies `n` bytes. Cells are short (a country, a date, a name), and a call
    /// to `memmove` per cell was 7% of writing ranked.csv: up to 32 bytes move as
    /// two overlapping loads and stores of the same width, every one inside both
    /// ranges (no byte read or written outside them); longer runs call `memmove`.
    @inlinable @inline(__always)
    static func copy(_ from: UnsafeRawPointer, to: UnsafeMutableRawPointer, count n: Int) {
        if n >= 16 {
            guard n <= 32 else { return to.copyMemory(from: from, byteCount: n) }
            let head = from.loadUnaligned(as: SIMD16<UInt8>.self), tail = from.loadUnaligned(fromByteOffset: n &- 16, as: SIMD16<UInt8>.self)
            to.storeBytes(of: head, as: SIMD16<UInt8>.self)
            (to + (n &- 16)).storeBytes(of: tail, as: SIMD16<UInt8>.self)
        } else if n >= 8 {
            let head = from.loadUnaligned(as: UInt64.self), tail = from.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            (to + (n &- 8)).storeBytes(of: tail, as: UInt64.self)
        } else if n >= 4 {
            let head = from.loadUnaligned(as: UInt32.self), tail = from.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            (to + (n &- 4)).storeBytes(of: tail, as: UInt32.self)
        } else if n > 0 {
            // 1 to 3 bytes: the first, the middle and the last (all of them).
            let a = from.load(as: UInt8.self), m = from.load(fromByteOffset: n >> 1, as: UInt8.self)
            let z = from.load(fromByteOffset: n &- 1, as: UInt8.self)
            to.storeBytes(of: a, as: UInt8.self)
            to.storeBytes(of: m, toByteOffset: n >> 1, as: UInt8.self)
            to.storeBytes(of: z, toByteOffset: n &- 1, as: UInt8.self)
        }
    }

    @inlinable
    public mutating func append(_ bytes: StaticString) {
        bytes.withUTF8Buffer { append(UnsafeRawBufferPointer($0)) }
    }

    /// Appends a collection's bytes (its contiguous storage when it has one).
    @inlinable
    public mutating func append<C: Collection>(contentsOf bytes: C) where C.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { append(UnsafeRawBufferPointer($0)) }
        guard done == nil else { return }
        reserve(bytes.count)
        for b in bytes { append(b) }
    }

    /// Forgets the bytes, keeping the memory.
    public mutating func removeAll() { written = 0 }

    /// The bytes written, in place.
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// A copy of the bytes written.
    public var array: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Appends `value` in decimal.
    @inlinable @inline(__always)
    public mutating func append(int value: Int) {
        reserve(20)
        written += DecimalDigits.write(value, to: base + written)
    }

    /// Appends `value` as `DecimalDigits.write(_:places:to:)` spells it; false
    /// (nothing appended) for values that format does not cover.
    @inlinable @inline(__always) @discardableResult
    public mutating func append(decimal value: Double, places: Int) -> Bool {
        reserve(DecimalDigits.maxBytes)
        let n = DecimalDigits.write(value, places: places, to: base + written)
        guard n > 0 else { return false }
        written += n
        return true
    }
}

/// A buffer is owned by one holder at a time, so handing it to another thread is safe.
extension ByteBuffer: @unchecked Sendable {}

/// Numbers as ASCII digits, written right to left into memory the caller has
/// made room for. The one number format of every report file.
public enum DecimalDigits {
    /// The most bytes `write(_:places:to:)` writes: a sign, 15 whole digits, a
    /// point and up to 18 decimals.
    public static let maxBytes = 40

    /// Writes `value` rounded to `places` decimals (at most 18) with trailing
    /// zeros dropped (`24.5743`, `1`, `0.5`, `-3`) and returns the bytes
    /// written; returns 0, writing nothing, for non-finite values, magnitudes
    /// of 1e15 or more, and values whose scaled form `value × 10^places`
    /// reaches 9e18 (it would not fit an Int). Meant to be inlined (a hint):
    /// at a caller's constant places the switch below folds to one case.
    @inlinable @inline(__always)
    public static func write(_ value: Double, places: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
        guard covers(value, places: places) else { return 0 }
        if value == 0 { out[0] = UInt8(ascii: "0"); return 1 }
        // The common places divide by a constant where the quotient is taken
        // (a multiply, not a division instruction).
        switch places {
        case 2: return write(scaled: roundHalfAway(value * 100), places: 2, to: out)
        case 3: return write(scaled: roundHalfAway(value * 1000), places: 3, to: out)
        case 4: return write(scaled: roundHalfAway(value * 10000), places: 4, to: out)
        default: return write(scaled: roundHalfAway(value * power(places)), places: places, to: out)
        }
    }

    /// `m / 10^places` with trailing zeros dropped. Up to eight places (every
    /// report number) the whole part and the fraction are split by one
    /// division (a multiply at the places the report uses), each is written
    /// as one word (`eightDigits`), and the fraction's trailing zeros are
    /// counted by divisibility tests.
    ///
    /// The count returned is worked out from the two numbers alone, not from
    /// the digit words: the next field's place (a record is a chain of such
    /// counts) is then known a few cycles after the value, while the digits,
    /// a chain of six multiplies, are still being made. With the count read
    /// from the digits, a record of fourteen numbers was one long chain.
    /// May touch bytes past the ones it counts: at most 8 past the point (25
    /// in all for |m| < 10^15 · 10^places), within `maxBytes`. What
    /// `write(sign:whole:fraction:places:)` writes (its oracle).
    @inlinable @inline(always)
    static func write(scaled m: Int, places: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
        guard places <= 8 else { return writeLong(scaled: m, places: places, to: out) }
        // The sign is always written; a positive number's digits start on it and overwrite it.
        let sign = m < 0 ? 1 : 0
        out[0] = UInt8(ascii: "-")
        let magnitude = UInt64(m.magnitude)
        // The report's places divide by a constant (a multiply); the rest by a division.
        let scale = PowersOfTen.integer(places)
        let whole: UInt64
        switch places {
        case 2: whole = magnitude / 100
        case 3: whole = magnitude / 1_000
        case 4: whole = magnitude / 10_000
        default: whole = magnitude / scale
        }
        let fraction = magnitude &- whole &* scale
        let n = sign &+ writePadded(whole, to: out + sign)
        guard fraction != 0 else { return n }
        let kept = places &- trailingZeros(fraction, below: places)
        // The fraction's `places` digits, the first in the low byte (leading zeros kept).
        let word = eightDigits(UInt32(truncatingIfNeeded: fraction)) >> UInt64(8 &* (8 &- places))
        out[n] = UInt8(ascii: ".")
        UnsafeMutableRawPointer(out + (n &+ 1)).storeBytes(of: word.littleEndian, as: UInt64.self)
        return n &+ 1 &+ kept
    }

    /// The decimal zeros `f` ends with, for 0 < f < 10^places (places ≤ 8):
    /// one divisibility test per power of ten below 10^places, side by side.
    @inlinable @inline(always)
    static func trailingZeros(_ f: UInt64, below places: Int) -> Int {
        let x = UInt32(truncatingIfNeeded: f)
        var zeros = 0
        if places > 1 { zeros &+= x % 10 == 0 ? 1 : 0 }
        if places > 2 { zeros &+= x % 100 == 0 ? 1 : 0 }
        if places > 3 { zeros &+= x % 1_000 == 0 ? 1 : 0 }
        if places > 4 { zeros &+= x % 10_000 == 0 ? 1 : 0 }
        if places > 5 { zeros &+= x % 100_000 == 0 ? 1 : 0 }
        if places > 6 { zeros &+= x % 1_000_000 == 0 ? 1 : 0 }
        if places > 7 { zeros &+= x % 10_000_000 == 0 ? 1 : 0 }
        return zeros
    }

    /// `write(scaled:places:to:)` past eight places: every digit written once
    /// (padded to one more than `places`), the fraction's zeros trimmed, the
    /// point put before it.
    @inline(never) @usableFromInline
    static func writeLong(scaled m: Int, places: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        if m < 0 { out[0] = UInt8(ascii: "-"); n = 1 }
        let magnitude = UInt64(m.magnitude)
        let count = max(digitCount(magnitude), places &+ 1)
        writeDigits(magnitude, count: count, to: out + n)
        let end = n &+ count, point = end &- places
        var last = end
        while last > point && out[last &- 1] == UInt8(ascii: "0") { last &-= 1 }
        guard last > point else { return point }
        // The fraction's digits one place right, the point before them.
        var i = last
        while i > point { out[i] = out[i &- 1]; i &-= 1 }
        out[point] = UInt8(ascii: ".")
        return last &+ 1
    }

    /// `Int(x.rounded())` (halves away from zero) for |x| < 2^63, without the
    /// call to libm's `round` (the baseline x86-64 target has no rounding
    /// instruction): truncate, then step away from zero when the part cut off,
    /// `x − trunc(x)` (exact in a double), is half or more.
    @inlinable @inline(always)
    public static func roundHalfAway(_ x: Double) -> Int {
        let t = Int(x)
        let cut = x - Double(t)
        return cut >= 0.5 ? t &+ 1 : cut <= -0.5 ? t &- 1 : t
    }

    /// Whether `write(_:places:to:)` spells `value`: finite, under 1e15, and
    /// `value × 10^places` under 9e18 (it must fit an Int). Else it writes nothing.
    @inlinable @inline(always)
    public static func covers(_ value: Double, places: Int) -> Bool {
        value.isFinite && abs(value) < 1e15 && abs(value * power(places)) < 9e18
    }

    /// 10^places, exactly (places 0...18).
    @inlinable @inline(always)
    static func power(_ places: Int) -> Double {
        precondition(places >= 0 && places <= 18, "at most 18 decimal places")
        return PowersOfTen.exact(places)
    }

    /// A finite number `write(_:places:to:)` does not cover (1e15 or more) as
    /// the shortest text that reads back (`2.5e+16`): at most 24 bytes,
    /// within `maxBytes`. Returns the bytes written. Out of line: bad data only.
    @usableFromInline @inline(never)
    static func writeShortest(_ value: Double, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        for b in "\(value)".utf8 {
            out[n] = b
            n += 1
        }
        return n
    }

    /// The whole part and the fraction written apart: the oracle of `write(scaled:places:to:)`.
    static func write(sign: Bool, whole: UInt, fraction: UInt, places: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        if sign { out[0] = UInt8(ascii: "-"); n = 1 }
        n += write(UInt64(whole), to: out + n)
        guard fraction != 0 else { return n }
        var frac = fraction, width = places
        while frac % 10 == 0 { frac /= 10; width -= 1 }
        out[n] = UInt8(ascii: ".")
        n += 1
        writeDigits(UInt64(frac), count: width, to: out + n)
        return n + width
    }

    /// Appends `value` as `write(_:places:to:)` spells it to an array; false
    /// (nothing appended) for values that format does not cover.
    @discardableResult
    public static func append(_ value: Double, places: Int, to array: inout [UInt8]) -> Bool {
        var digits: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &digits) { d in
            let n = write(value, places: places, to: d.baseAddress!.assumingMemoryBound(to: UInt8.self))
            array.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[0..<n]))
            return n > 0
        }
    }

    /// Writes `value` in decimal (a leading `-` when negative); returns the
    /// bytes written (at most 20). Touches the sign and max(8, digits) bytes
    /// after it (see `writePadded`).
    @inlinable @inline(__always)
    public static func write(_ value: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
        guard value < 0 else { return write(UInt64(value), to: out) }
        out[0] = UInt8(ascii: "-")
        return 1 + write(UInt64(value.magnitude), to: out + 1)
    }

    /// Writes `value`'s decimal digits; returns how many (at least 1, at most
    /// 20). Touches max(8, that) bytes (`writePadded`).
    @inlinable @inline(__always)
    public static func write(_ value: UInt64, to out: UnsafeMutablePointer<UInt8>) -> Int {
        writePadded(value, to: out)
    }

    /// `value`'s decimal digits, their count returned; a value under 10^8
    /// (ranks, lines, item numbers, a number's whole part) as one word store
    /// of its digits from `eightDigits`, shifted past the leading zeros. The
    /// count comes from comparisons with the value, side by side, not from
    /// the digits (see `write(scaled:places:to:)`). Touches max(8, count)
    /// bytes: the caller has room for eight whatever the count.
    @inlinable @inline(always)
    public static func writePadded(_ value: UInt64, to out: UnsafeMutablePointer<UInt8>) -> Int {
        guard value < 100_000_000 else { return writeWide(value, to: out) }
        let count = shortDigitCount(UInt32(truncatingIfNeeded: value))
        let word = eightDigits(UInt32(truncatingIfNeeded: value)) >> UInt64(8 &* (8 &- count))
        UnsafeMutableRawPointer(out).storeBytes(of: word.littleEndian, as: UInt64.self)
        return count
    }

    /// `writePadded` of a value of nine digits or more, out of line (the
    /// common short case stays small enough to be inlined).
    @usableFromInline @inline(never)
    static func writeWide(_ value: UInt64, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let count = digitCount(value)
        writeDigits(value, count: count, to: out)
        return count
    }

    /// Decimal digits of `v` < 10^8 (at least 1): seven comparisons added up.
    @inlinable @inline(always)
    static func shortDigitCount(_ v: UInt32) -> Int {
        var count = 1
        count &+= v >= 10 ? 1 : 0
        count &+= v >= 100 ? 1 : 0
        count &+= v >= 1_000 ? 1 : 0
        count &+= v >= 10_000 ? 1 : 0
        count &+= v >= 100_000 ? 1 : 0
        count &+= v >= 1_000_000 ? 1 : 0
        count &+= v >= 10_000_000 ? 1 : 0
        return count
    }

    /// Decimal digits of `v` (at least 1): the count a value of v's bit length
    /// has at least (bit length × log10 2, as 1233/4096), plus one when v
    /// reaches the next power of ten. No loop of dependent divisions.
    @inlinable @inline(__always)
    public static func digitCount(_ v: UInt64) -> Int {
        let bits = 64 &- (v | 1).leadingZeroBitCount
        let atLeast = (bits &* 1233) >> 12
        return atLeast &+ ((v | 1) >= PowersOfTen.integer(atLeast) ? 1 : 0)
    }

    /// The last `count` decimal digits of `v`, most significant first (leading
    /// zeros kept). Eight digits at a time from the right: one division by 10^8
    /// (a multiply), then the eight as one word (`eightDigits`); the last few
    /// two at a time. An 18-digit id takes two dependent divisions, not nine.
    @inlinable @inline(__always)
    public static func writeDigits(_ v: UInt64, count: Int, to out: UnsafeMutablePointer<UInt8>) {
        var x = v
        var i = count
        while i >= 8 {
            let q = x / 100_000_000
            i &-= 8
            UnsafeMutableRawPointer(out + i).storeBytes(of: eightDigits(UInt32(truncatingIfNeeded: x &- q &* 100_000_000)).littleEndian,
                                                        as: UInt64.self)
            x = q
        }
        writeDigitsByPairs(x, count: i, to: out)
    }

    /// `writeDigits` touching max(8, count) bytes: up to eight digits as one
    /// word store. The caller has room for eight whatever the count.
    @inlinable @inline(__always)
    public static func writeDigitsPadded(_ v: UInt64, count: Int, to out: UnsafeMutablePointer<UInt8>) {
        guard count <= 8 else { return writeDigits(v, count: count, to: out) }
        let word = eightDigits(UInt32(truncatingIfNeeded: v % 100_000_000)) >> UInt64(8 &* (8 &- count))
        UnsafeMutableRawPointer(out).storeBytes(of: word.littleEndian, as: UInt64.self)
    }

    /// `writeDigits` two digits per division by 100: the oracle of the
    /// eight-at-a-time form, and its tail.
    @inlinable @inline(__always)
    public static func writeDigitsByPairs(_ v: UInt64, count: Int, to out: UnsafeMutablePointer<UInt8>) {
        var x = v
        var i = count
        while i >= 2 {
            let q = x / 100
            let pair = x &- q &* 100
            i &-= 2
            out[i] = UInt8(truncatingIfNeeded: 48 &+ pair / 10)
            out[i &+ 1] = UInt8(truncatingIfNeeded: 48 &+ pair % 10)
            x = q
        }
        if i == 1 { out[0] = UInt8(truncatingIfNeeded: 48 &+ x % 10) }
    }

    /// The eight ASCII digits of `x` (< 10^8, leading zeros kept), the first in
    /// the low byte. SWAR: the two four-digit halves in 32-bit lanes, each split
    /// into hundreds and the rest (×10486 >> 20 is ÷100 below 10^4), those four
    /// pairs in 16-bit lanes split into tens and units (×103 >> 10 is ÷10 below
    /// 100), then "0" added to every byte.
    @inlinable @inline(always)
    public static func eightDigits(_ x: UInt32) -> UInt64 {
        let halves = UInt64(x / 10_000) | UInt64(x % 10_000) << 32
        let hundreds = ((halves &* 10_486) >> 20) & 0x0000_007F_0000_007F
        let pairs = hundreds | (halves &- hundreds &* 100) << 16
        let tens = ((pairs &* 103) >> 10) & 0x000F_000F_000F_000F
        let digits = tens | (pairs &- tens &* 10) << 8
        return digits &+ 0x3030_3030_3030_3030
    }
}
