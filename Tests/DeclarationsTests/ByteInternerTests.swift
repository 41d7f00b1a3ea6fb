@testable import Declarations
import TestSupport
import Testing

/// The interner's hash reads its last bytes as whole words; the plain
/// byte-by-byte form is the oracle (hashes choose samples and fold orders, so a
/// change of value would change results).
@Suite("byte interner")
struct ByteInternerTests {
    static func oracleHash(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var i = 0
        while i + 8 <= bytes.count {
            var w: UInt64 = 0
            for k in 0..<8 { w |= UInt64(bytes[i + k]) << UInt64(8 * k) }
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0, shift: UInt64 = 0
        while i < bytes.count { tail |= UInt64(bytes[i]) << shift; shift += 8; i += 1 }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 31
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }

    @Test("hash equals the byte-by-byte oracle at every length 0...40 and every alignment", arguments: [1, 2] as [UInt64])
    func hashOracle(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let pool = (0..<64).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for length in 0...40 {
            for start in 0...(pool.count - length) where start < 9 {
                let value = Array(pool[start..<(start + length)])
                let h = pool.withUnsafeBytes { ByteInterner.hash(UnsafeRawBufferPointer(rebasing: $0[start..<(start + length)])) }
                #expect(h == Self.oracleHash(value), "length \(length) at \(start)")
            }
        }
    }

    @Test("the hash of a number's digits equals the hash of their bytes, every width 1...19, and a digits column's row hash is its bytes' hash", arguments: [8, 9] as [UInt64])
    func digitsHash(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        for width in 1...19 {
            let top: UInt64 = width == 19 ? 9_999_999_999_999_999_999 : (0..<width).reduce(1) { p, _ in p * 10 } - 1
            for v in [0, 1, top, top / 2] + (0..<50).map({ _ in UInt64.random(in: 0...top, using: &rng) }) {
                var text = Array(String(v).utf8)
                text.insert(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - text.count), at: 0)
                #expect(ByteInterner.hash(digits: v, width: width) == Self.oracleHash(text), "width \(width) value \(v)")
            }
        }
        // Every form of a column: its row hash is the hash of the row's bytes.
        for values in [["514120230000000001", "000000000000000042", "999999999999999999"], ["AB12", "CD34"], ["7", "12345", ""]] {
            let column = StringColumn(bytes: values.flatMap { Array($0.utf8) }, ends: values.reduce(into: [Int]()) { $0.append(($0.last ?? 0) + $1.utf8.count) })
            for (r, v) in values.enumerated() { #expect(column.hash(r) == Self.oracleHash(Array(v.utf8)), "\(values) row \(r)") }
        }
    }

    @Test("byte comparison agrees with ==, for every length 0...40 and a difference at every position")
    func compareEveryPosition() {
        var rng = SeededRandom(seed: 3)
        for length in 0...40 {
            let a = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var cases = [a]
            for k in 0..<length { var b = a; b[k] ^= 1 << UInt8(k % 8); cases.append(b) }
            for b in cases {
                let same = a.withUnsafeBytes { x in b.withUnsafeBytes { y in memcmpBytes(x.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!, y.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!, length) } }
                #expect(same == (a == b), "length \(length)")
            }
        }
    }

    @Test("the word index's word is the value's bytes, little-endian, zero above, at every length 0...8 and alignment")
    func shortWords() {
        var rng = SeededRandom(seed: 5)
        let pool = (0..<24).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for length in 0...8 {
            for start in 0...(pool.count - length) {
                var expected: UInt64 = 0
                for k in 0..<length { expected |= UInt64(pool[start + k]) << UInt64(8 * k) }
                let word = pool.withUnsafeBytes { WordIndex.word(UnsafeRawBufferPointer(rebasing: $0[start..<(start + length)])) }
                #expect(word == expected, "length \(length) at \(start)")
            }
        }
    }

    /// Codes in order of first appearance: what interning must give.
    static func firstAppearance(_ rows: [[UInt8]]) -> [UInt32] {
        var seen: [[UInt8]: UInt32] = [:]
        return rows.map { r in
            if let c = seen[r] { return c }
            seen[r] = UInt32(seen.count)
            return UInt32(seen.count - 1)
        }
    }

    /// `rows` interned `batch` at a time (`intern(_:views:hashes:_:)`), each
    /// row's bytes in a buffer of its own, so equal values lie at different addresses.
    static func internInBatches(_ rows: [[UInt8]], batch: Int, into interner: inout ByteInterner) -> [UInt32] {
        let copies = rows.map { r -> UnsafeMutableRawBufferPointer in
            let p = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, r.count), alignment: 1)
            p.copyBytes(from: r)
            return p
        }
        defer { copies.forEach { $0.deallocate() } }
        var codes = [UInt32](repeating: .max, count: rows.count)
        var first = 0
        while first < rows.count {
            let n = min(batch, rows.count - first)
            let views = (first..<first + n).map { UnsafeRawBufferPointer(start: copies[$0].baseAddress, count: rows[$0].count) }
            var hashes = [UInt64](repeating: 0, count: n)
            views.withUnsafeBufferPointer { v in
                hashes.withUnsafeMutableBufferPointer { h in
                    interner.intern(n, views: v.baseAddress!, hashes: h.baseAddress!) { k, c in codes[first + k] = c }
                }
            }
            first += n
        }
        return codes
    }

    @Test("short and long values, one by one and in batches, get the codes of a dictionary oracle: first appearance, row order", arguments: [1, 2] as [UInt64])
    func shortAndLongAgainstOracle(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        // Values of 0 to 12 bytes over a small alphabet: many short ones (past the word index's
        // first size, so it grows), zero bytes inside, equal prefixes of different lengths.
        let pool: [[UInt8]] = (0..<3_000).map { _ in (0..<Int.random(in: 0...12, using: &rng)).map { _ in [0, 65, 66][Int.random(in: 0...2, using: &rng)] } }
        let rows = (0..<20_000).map { _ in pool[Int.random(in: 0..<pool.count, using: &rng)] }
        let expected = Self.firstAppearance(rows)
        var one = ByteInterner(capacity: 2)
        #expect(rows.map { r in r.withUnsafeBytes { one.intern($0) } } == expected)
        for batch in [1, 7, 2048] {
            var interner = ByteInterner(capacity: 2)
            let codes = Self.internInBatches(rows, batch: batch, into: &interner)
            #expect(codes == expected, "batch \(batch)")
            #expect(interner.longest == 12)
        }
    }

    @Test("a dictionary whose lookup table was folded away interns as before, one by one and in batches, through growth", arguments: [3, 4] as [UInt64])
    func foldedLookup(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        // Short and long values, so both the word index and the table are asked.
        let pool: [[UInt8]] = (0..<4_000).map { _ in (0..<Int.random(in: 0...30, using: &rng)).map { _ in UInt8.random(in: 97...100, using: &rng) } }
        let rows = (0..<30_000).map { _ in pool[Int.random(in: 0..<pool.count, using: &rng)] }
        let expected = Self.firstAppearance(rows)
        for cut in [0, 1, 5_000, 29_999] {
            for batch in [1, 2048] {
                var d = ByteInterner(capacity: 2)
                var codes = Self.internInBatches(Array(rows[..<cut]), batch: batch, into: &d)
                let hashes = (0..<d.count).map(d.hash(of:))
                d.foldLookup()
                #expect(d.slotCount == 0 && !d.isList)
                // The hashes are dropped with the table and made again from the values: the same ones.
                #expect((0..<d.count).map(d.hash(of:)) == hashes)
                let values = d.values(from: 0)
                #expect(values.count == d.count && (0..<d.count).map(values.hash(of:)) == hashes)
                codes += Self.internInBatches(Array(rows[cut...]), batch: batch, into: &d)
                #expect(codes == expected, "folded after \(cut) rows, batches of \(batch)")
                #expect(d.slotCount > 0)
            }
        }
        // A list (or a chunk's values) has no table to fold or rebuild: folding leaves it a list.
        var list = ByteInterner.list(capacity: 4)
        list.foldLookup()
        #expect(list.isList)
    }

    @Test("room reserved up front: the same codes, and no growing up to the values reserved; a field of new values gets it, one that repeats does not")
    func reserved() {
        let values = (0..<5_000).map { "value number \($0) of a free-text field" }
        var plain = ByteInterner(), sized = ByteInterner()
        _ = plain.intern(values[0])
        _ = sized.intern(values[0])
        sized.reserve(values: values.count, bytes: values.count * 40)
        let slots = sized.slotCount
        #expect(slots * 3 >= values.count * 4)
        #expect(values.map { plain.intern($0) } == values.map { sized.intern($0) })
        #expect(sized.slotCount == slots && sized.arena == plain.arena)
        // Ingest's rule: a chunk that added a value for most of its rows sizes that dictionary for the rest.
        var table = DeclarationTable()
        var free = TextColumn(), repeating = TextColumn()
        for k in 0..<1_000 { _ = free.values.intern("lot \(k)"); _ = repeating.values.intern("party \(k % 100)") }
        table.text[TextField.description.rawValue] = free
        table.text[TextField.counterpartyName.rawValue] = repeating
        var before = [(values: Int, bytes: Int)?](repeating: nil, count: table.text.count)
        before[TextField.description.rawValue] = (100, 500)
        before[TextField.counterpartyName.rawValue] = (90, 700)
        Ingest.sizeDictionaries(&table, before: before, rows: 1_000, remainingRows: 100_000)
        #expect(table.text(.description)!.values.slotCount * 3 >= 4 * (1_000 + 90_000))
        #expect(table.text(.counterpartyName)!.values.slotCount < 1_024)
    }

    @Test("a value interned again right after itself, or after another, keeps its code; new values get the next code")
    func repeats() {
        var interner = ByteInterner()
        let values = ["a", "a", "bc", "a", "bc", "bc", "", "", "a", "longer than eight bytes", "longer than eight bytez", "a"]
        let codes = values.map { interner.intern($0) }
        #expect(codes == [0, 0, 1, 0, 1, 1, 2, 2, 0, 3, 4, 0])
        #expect((0..<interner.count).map { interner.string(UInt32($0)) } == ["a", "bc", "", "longer than eight bytes", "longer than eight bytez"])
        // Read in place, one at a time or all at once, a value's bytes are `bytes(code)`.
        for c in 0..<interner.count {
            #expect(interner.withBytes(UInt32(c)) { Array($0) } == Array(interner.bytes(UInt32(c))))
            #expect(interner.withValueBytes { Array($0[c]) } == Array(interner.bytes(UInt32(c))))
        }
    }

    /// A slot holds a value's length in 16 bits; from 65,535 bytes on, the
    /// value is found through `offsets` instead (`farPlace`).
    @Test("values at and past the slot's length limit keep their codes, in batches, across growth", arguments: [
        [0, 9, 65_534, 65_535, 65_536, 70_000],
        [65_535, 65_535, 1, 65_536, 65_534],
    ])
    func longValues(lengths: [Int]) {
        // Each length twice: the same bytes, then one byte changed at the end (same length), among
        // enough other values that the table grows in between and batches take the prefetch pass.
        var values: [[UInt8]] = []
        for (k, n) in lengths.enumerated() {
            let v = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ k) }
            values.append(v)
            if n > 0 { var w = v; w[n - 1] ^= 1; values.append(w) }
            for j in 0..<100 { values.append(Array("filler \(k) \(j)".utf8)) }
        }
        let rows = values + values.reversed()
        let expected = Self.firstAppearance(rows)
        var one = ByteInterner(capacity: 2)
        #expect(rows.map { r in r.withUnsafeBytes { one.intern($0) } } == expected)
        for c in 0..<one.count { #expect(Array(one.bytes(UInt32(c))) == rows[expected.firstIndex(of: UInt32(c))!]) }
        for batch in [1, 5, rows.count] {
            var interner = ByteInterner(capacity: 2)
            #expect(Self.internInBatches(rows, batch: batch, into: &interner) == expected, "batch \(batch)")
        }
    }

    @Test("batch interning gives the codes one-by-one interning gives: runs, empty values, growth mid-batch, every batch size", arguments: [1, 2, 3] as [UInt64])
    func batchAgainstOneByOne(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        // A pool of values of 0 to 30 bytes; rows draw from it with runs of one value.
        // More values than `ByteInterner.cachedValues`, so blocks run both without and with the prefetch pass.
        let pool: [[UInt8]] = (0..<1_500).map { _ in (0..<Int.random(in: 0...30, using: &rng)).map { _ in UInt8.random(in: 97...100, using: &rng) } }
        var rows: [[UInt8]] = []
        while rows.count < 6000 {
            let v = pool[Int.random(in: 0..<pool.count, using: &rng)]
            for _ in 0..<Int.random(in: 1...4, using: &rng) { rows.append(v) }
        }
        var oracle = ByteInterner(capacity: 2)
        let expected = rows.map { r in r.withUnsafeBytes { oracle.intern($0) } }
        for batch in [1, 2, 5, 9, 64, 2048] {
            var interner = ByteInterner(capacity: 2)
            let codes = Self.internInBatches(rows, batch: batch, into: &interner)
            #expect(codes == expected, "batch \(batch)")
            #expect(interner.count == oracle.count)
            #expect(interner.count > ByteInterner.cachedValues)
        }
    }
}
