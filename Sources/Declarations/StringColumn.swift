import CSVCore

/// A text column for values that rarely repeat (declaration numbers), where a
/// dictionary would cost a hash lookup per row and save nothing.
///
/// Rows are stored in the smallest of three forms the values allow:
/// - **digits**: every value is the same number (1...19) of ASCII digits, kept
///   as one `UInt64` per row. Leading zeros come back from the width. An
///   18-digit id takes 8 bytes where its text and offset took 26: 180 MB less
///   at 10M rows.
/// - **fixed**: every value has the same length: the bytes back to back, no offsets.
/// - **varying**: the bytes back to back, with an offset per row.
///
/// The form is chosen from the values and never shows outside: every form reads
/// back the same bytes. Appending a value the form cannot hold moves the column
/// to the form that holds both, once.
public struct StringColumn: Sendable {
    enum Form: Sendable, Equatable {
        case digits, fixed, varying
    }

    private(set) var form: Form = .fixed
    /// The length of every value (digits, fixed).
    private(set) var width = 0
    /// Digits: row r's value as a number.
    private var numbers: [UInt64] = []
    /// Fixed: row r is `bytes[r * width ..< (r + 1) * width]`; varying: `bytes[offsets[r] ..< offsets[r + 1]]`.
    private var bytes: [UInt8] = []
    /// Varying: `offsets[r] ..< offsets[r + 1]` are row r's bytes.
    private var offsets: [Int] = []
    public private(set) var count = 0

    public init() {}

    /// Rows whose bytes end at `ends` (ascending), back to back in `bytes`, in
    /// the smallest form they fit.
    init(bytes: [UInt8], ends: [Int]) {
        count = ends.count
        guard let first = ends.first else { return }
        var start = 0, sameWidth = true
        for e in ends {
            if e - start != first { sameWidth = false; break }
            start = e
        }
        guard sameWidth else {
            form = .varying
            self.bytes = bytes
            offsets = [0] + ends
            return
        }
        width = first
        if first >= 1 && first <= 19, let numbers = StringColumn.numbers(bytes, rows: count, width: first) {
            form = .digits
            self.numbers = numbers
        } else {
            form = .fixed
            self.bytes = bytes
        }
    }

    /// Each `width`-byte value of `bytes` as a number, or nil when a byte is
    /// not an ASCII digit: one pass that reads and checks, eight digits a step.
    static func numbers(_ bytes: [UInt8], rows: Int, width: Int) -> [UInt64]? {
        var bad: UInt64 = 0
        let numbers = [UInt64](unsafeUninitializedCapacity: rows) { out, initialized in
            bytes.withUnsafeBytes { b in
                var i = 0
                for r in 0..<rows {
                    var v: UInt64 = 0
                    var left = width
                    while left >= 8 {
                        let (digits, check) = eightDigits(b.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                        bad |= check
                        v = v &* 100_000_000 &+ digits
                        i &+= 8
                        left &-= 8
                    }
                    while left > 0 {
                        let d = b[i] &- UInt8(ascii: "0")
                        bad |= d > 9 ? 1 : 0
                        v = v &* 10 &+ UInt64(d)
                        i &+= 1
                        left &-= 1
                    }
                    out[r] = v
                }
            }
            initialized = rows
        }
        return bad == 0 ? numbers : nil
    }

    /// Eight ASCII digits read as a little-endian word (the first digit in the
    /// low byte) as their number, and a check word that is 0 when all eight
    /// are digits. SWAR: the digit check of each byte, then pairs, quads and
    /// the eight combined by multiplications.
    @inline(__always)
    static func eightDigits(_ word: UInt64) -> (UInt64, UInt64) {
        let x = word &- 0x3030_3030_3030_3030
        // A byte below "0" borrows and sets its top bit; one above "9" does once 0x76 is added.
        let check = (x | (x &+ 0x7676_7676_7676_7676)) & 0x8080_8080_8080_8080
        let pairs = (x &* 10) &+ (x >> 8)   // bytes 0, 2, 4, 6: 10·d0 + d1, 10·d2 + d3, …
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        let high: UInt64 = 100 + (1_000_000 << 32), low: UInt64 = 1 + (10_000 << 32)
        let even = (pairs & mask) &* high, odd = ((pairs >> 16) & mask) &* low
        return (((even &+ odd) >> 32) & 0xFFFF_FFFF, check)
    }

    /// Row `r` as a `String` (invalid UTF-8 repaired).
    public func string(_ r: Int) -> String { withBytes(r) { String(decoding: $0, as: UTF8.self) } }

    /// `ByteInterner.hash` of row `r`'s bytes; a digits column's from its number.
    @inline(__always)
    func hash(_ r: Int) -> UInt64 {
        form == .digits ? ByteInterner.hash(digits: numbers[r], width: width) : withBytes(r) { ByteInterner.hash($0) }
    }

    /// The number of digits of every value when the column holds them as
    /// numbers (`number(_:)`); nil otherwise. A writer then spells row r as
    /// `number(r)` in that many digits, without reading bytes.
    public var digitWidth: Int? { form == .digits ? width : nil }

    /// Row `r`'s value as a number (only when `digitWidth` is not nil).
    @inline(__always)
    public func number(_ r: Int) -> UInt64 { numbers[r] }

    /// Calls `body` with row `r`'s bytes (valid only inside `body`).
    @inline(__always)
    public func withBytes<R>(_ r: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        switch form {
        case .digits:
            let w = width
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { out in
                DecimalDigits.writeDigits(numbers[r], count: w, to: out.baseAddress!)
                return body(UnsafeRawBufferPointer(start: out.baseAddress, count: w))
            }
        case .fixed:
            let lo = r * width, hi = lo + width
            return bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[lo..<hi])) }
        case .varying:
            let lo = offsets[r], hi = offsets[r + 1]
            return bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[lo..<hi])) }
        }
    }

    /// The rows at `rows`, in that order, as a column of their own (in the same
    /// form). One tight loop per form: at 10M rows read in rank order every row
    /// misses the cache, and a loop of independent loads keeps many misses in
    /// flight where reading a row at a time as it is written waits for each.
    public func gather(_ rows: [Int]) -> StringColumn {
        var out = StringColumn()
        out.form = form
        out.width = width
        out.count = rows.count
        switch form {
        case .digits:
            out.numbers = rows.map { numbers[$0] }
        case .fixed:
            out.bytes.reserveCapacity(rows.count * width)
            for r in rows { out.bytes.append(contentsOf: bytes[(r * width)..<((r + 1) * width)]) }
        case .varying:
            let bounds = rows.map { (offsets[$0], offsets[$0 + 1]) }
            out.offsets.reserveCapacity(rows.count + 1)
            out.offsets.append(0)
            out.bytes.reserveCapacity(bounds.reduce(0) { $0 + $1.1 - $1.0 })
            for (lo, hi) in bounds {
                out.bytes.append(contentsOf: bytes[lo..<hi])
                out.offsets.append(out.bytes.count)
            }
        }
        return out
    }

    /// Whether row `r` holds the same bytes as row `o` of `other`.
    @inline(__always)
    public func equals(_ r: Int, _ other: StringColumn, _ o: Int) -> Bool {
        if form == .digits, other.form == .digits, width == other.width { return numbers[r] == other.numbers[o] }
        return withBytes(r) { a in other.withBytes(o) { b in a.elementsEqual(b) } }
    }

    /// Whether row `a`'s bytes come before row `b`'s (byte order, a prefix first).
    @inline(__always)
    public func precedes(_ a: Int, _ b: Int) -> Bool {
        if form == .digits { return numbers[a] < numbers[b] }   // one width: number order is byte order
        return withBytes(a) { x in withBytes(b) { y in x.lexicographicallyPrecedes(y) } }
    }

    /// The rows as numbers when every value is `width` ASCII digits (the
    /// digits form): then number order is byte order.
    public var digitNumbers: (width: Int, numbers: [UInt64])? { form == .digits ? (width, numbers) : nil }

    /// Bytes the column takes.
    public var byteCount: Int { numbers.count * 8 + bytes.count + offsets.count * 8 }

    /// The form in words, for the run summary: "18-digit numbers", "12 bytes each", "bytes with offsets".
    public var formDescription: String {
        switch form {
        case .digits: "\(width)-digit numbers"
        case .fixed: "\(width) bytes each"
        case .varying: "bytes with offsets"
        }
    }
}

extension StringColumn {
    /// The form that holds the rows of both columns (an empty column takes the other's).
    private static func join(_ a: StringColumn, _ b: StringColumn) -> (Form, Int) {
        if a.count == 0 { return (b.form, b.width) }
        if b.count == 0 { return (a.form, a.width) }
        if a.form == .varying || b.form == .varying || a.width != b.width { return (.varying, 0) }
        return a.form == b.form ? (a.form, a.width) : (.fixed, a.width)
    }

    /// Moves the rows to `form` (one that holds them all; see `join`). Rare:
    /// a feed whose ids change shape part way (the old and new storage both
    /// exist while the rows are copied).
    private mutating func convert(to target: Form, width w: Int) {
        guard target != form || w != width else { return }
        guard count > 0 else {
            self = StringColumn()
            form = target; width = w
            if target == .varying { offsets = [0] }
            return
        }
        var fresh = StringColumn()
        fresh.form = target
        fresh.width = w
        fresh.bytes.reserveCapacity(form == .varying ? bytes.count : count * width)
        if target == .varying { fresh.offsets.reserveCapacity(count + 1); fresh.offsets.append(0) }
        for r in 0..<count { withBytes(r) { fresh.appendConverted($0) } }
        self = fresh
    }

    /// Appends one value that the current form holds (fixed or varying).
    private mutating func appendConverted(_ v: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: v)
        if form == .varying { offsets.append(bytes.count) }
        count += 1
    }

    /// Appends `other`'s rows where `keep` allows (all when nil), a run of kept rows at a time.
    mutating func append(_ other: StringColumn, keep: KeptRows?) {
        let (target, w) = StringColumn.join(self, other)
        convert(to: target, width: w)
        guard other.form == form, other.width == width || form == .varying else {
            // `other` in a smaller form (digits into fixed, or into varying).
            KeptRows.forEachRun(keep, rows: other.count) { run in
                for r in run { other.withBytes(r) { appendConverted($0) } }
            }
            return
        }
        count += keep?.count ?? other.count
        switch form {
        case .digits:
            KeptRows.forEachRun(keep, rows: other.count) { numbers.append(contentsOf: other.numbers[$0]) }
        case .fixed:
            KeptRows.forEachRun(keep, rows: other.count) { bytes.append(contentsOf: other.bytes[($0.lowerBound * w)..<($0.upperBound * w)]) }
        case .varying:
            offsets.reserveCapacity(offsets.count + (keep?.count ?? other.count))
            KeptRows.forEachRun(keep, rows: other.count) { run in
                let shift = bytes.count - other.offsets[run.lowerBound]
                bytes.append(contentsOf: other.bytes[other.offsets[run.lowerBound]..<other.offsets[run.upperBound]])
                for r in run { offsets.append(other.offsets[r + 1] + shift) }
            }
        }
    }

    /// Reserves room for `rows` more rows like those of `sample` (an empty
    /// column takes the sample's form, so appending it needs no conversion).
    mutating func reserve(additional rows: Int, like sample: StringColumn) {
        if count == 0 { convert(to: sample.form, width: sample.width) }
        guard sample.form == form, sample.width == width || form == .varying else { return }
        switch form {
        case .digits: numbers.reserveGrowing(count + rows)
        case .fixed: bytes.reserveGrowing((count + rows) * width)
        case .varying:
            offsets.reserveGrowing(count + rows + 1)
            bytes.reserveGrowing(bytes.count + rows * max(1, sample.bytes.count / max(1, sample.count)))
        }
    }

    /// Keeps the first `n` rows (none: the column starts over, in no form yet).
    mutating func truncate(_ n: Int) {
        guard n < count else { return }
        guard n > 0 else { self = StringColumn(); return }
        switch form {
        case .digits: numbers.removeSubrange(n...)
        case .fixed: bytes.removeSubrange((n * width)...)
        case .varying:
            bytes.removeSubrange(offsets[n]...)
            offsets.removeSubrange((n + 1)...)
        }
        count = n
    }
}
