import CSVCore
import Declarations

/// Declaration ids as order-keeping 64-bit numbers.
///
/// A column that stores its ids as same-width digit strings (`StringColumn`'s
/// digits form) already has them: one width, so number order is byte order.
/// Otherwise every byte value the ids use gets a code 1...A in byte order and
/// the end of an id is 0; an id is then its codes padded with 0s to the longest
/// id's length L, read as a base-(A + 1) number. Comparing the numbers compares
/// the ids byte by byte with a prefix first, exactly, whenever (A + 1)^L fits 64
/// bits: 18-digit ids of varying form (11^18 < 2^64) do, as do 12-character ids
/// over digits and capital letters. Otherwise there is no dense form (nil).
struct DenseIDs: Sendable {
    private let ids: StringColumn
    /// The column's own numbers (digits form), else empty.
    private let digits: [UInt64]
    /// Per byte value, its code (0: unused).
    private let code: [UInt64]
    private let base: UInt64
    /// `powers[i]` = base^i, up to the longest id's length.
    private let powers: [UInt64]

    init?(_ ids: StringColumn, threads: Int) {
        let n = ids.count
        guard n > 0 else { return nil }
        self.ids = ids
        if let (_, numbers) = ids.digitNumbers {
            digits = numbers
            code = []; base = 0; powers = []
            return
        }
        digits = []
        // The alphabet and the longest id, on every core.
        let parts = max(1, min(threads > 0 ? threads : System.cores, n / 65_536))
        let scans = Parallel.map(0..<parts, threads: parts) { k -> (used: [Bool], longest: Int) in
            var used = [Bool](repeating: false, count: 256)
            var longest = 0
            for r in (n * k / parts)..<(n * (k + 1) / parts) {
                ids.withBytes(r) { id in
                    for b in id { used[Int(b)] = true }
                    longest = max(longest, id.count)
                }
            }
            return (used, longest)
        }
        var code = [UInt64](repeating: 0, count: 256)
        var alphabet: UInt64 = 0
        for b in 0..<256 where scans.contains(where: { $0.used[b] }) {
            alphabet += 1
            code[b] = alphabet
        }
        let base = alphabet + 1, longest = scans.map(\.longest).max() ?? 0
        // base^longest must not overflow.
        var powers: [UInt64] = [1]
        for _ in 0..<longest {
            let (next, overflow) = powers.last!.multipliedReportingOverflow(by: base)
            guard !overflow else { return nil }
            powers.append(next)
        }
        self.code = code
        self.base = base
        self.powers = powers
    }

    /// Whether the numbers are the column's own (one load a row), not encoded from the bytes on each call.
    var numbersStored: Bool { !digits.isEmpty }

    /// Row `r`'s id as its number.
    @inline(__always)
    func number(_ r: Int) -> UInt64 {
        if !digits.isEmpty { return digits[r] }
        return ids.withBytes(r) { id in
            var v: UInt64 = 0
            for b in id { v = v &* base &+ code[Int(b)] }
            return v &* powers[powers.count - 1 - id.count]
        }
    }
}

extension Ranking {
    /// A row's sort key on dense ids, compared word by word: the risk (highest
    /// first, NaN last), the id's number, the item number (signed order) and
    /// the row.
    struct DenseKey: Sendable, Comparable {
        var risk: UInt64
        var id: UInt64
        var tail: UInt64

        static func < (a: DenseKey, b: DenseKey) -> Bool {
            if a.risk != b.risk { return a.risk < b.risk }
            if a.id != b.id { return a.id < b.id }
            return a.tail < b.tail
        }
    }

    /// The key word of a risk: ascending in it is descending in risk; 0 and −0
    /// are one value; NaN sorts after everything.
    @inline(__always)
    static func riskWord(_ risk: Double) -> UInt64 {
        guard !risk.isNaN else { return .max }
        let bits = (risk == 0 ? 0.0 : risk).bitPattern
        let ascending = bits >> 63 == 1 ? ~bits : bits | (1 << 63)
        return ~ascending
    }

    /// A risk-0 row's key: the id's number, then item and row as in `DenseKey.tail`.
    struct ZeroKey: Sendable, Comparable {
        var id: UInt64
        var tail: UInt64

        static func < (a: ZeroKey, b: ZeroKey) -> Bool { a.id != b.id ? a.id < b.id : a.tail < b.tail }
    }

    /// `order` on dense ids. Rows of risk 0 (most rows of a nightly feed) are
    /// sorted apart on two-word keys (their risk word is one value) and placed
    /// between the rows above and below 0. Runs are sorted on every core and
    /// merged straight into row numbers.
    ///
    /// When the column stores its ids as numbers, the risk-0 rows are sorted in
    /// id ranges of about `zeroPartRows` rows, one range after another
    /// (splitters from a sample of their ids), so only one range's keys exist at
    /// a time: at 10M rows all their keys took 150 MB at the scan's peak; ranges
    /// of 1M take 16 MB. Each risk-0 row's range is found once and kept in a
    /// byte, so a range's pass reads bytes, not every row's risk and id. Ids
    /// encoded from their bytes on each call are sorted in one range (ten
    /// encodings a row would cost more than the memory is worth).
    static func order(risk: [Double], ids: DenseIDs, items: [Int32], threads: Int, runRows: Int,
                      zeroPartRows: Int = 1 << 20) -> [Int] {
        let n = risk.count
        let zeroWord = riskWord(0)
        let parts = max(1, min(threads > 0 ? threads : System.cores, n / max(1, runRows)))
        let runs = Parallel.map(0..<parts, threads: parts) { k -> (scored: [DenseKey], zeros: Int) in
            var scored: [DenseKey] = []
            var zeros = 0
            for r in (n * k / parts)..<(n * (k + 1) / parts) {
                let word = riskWord(risk[r])
                if word == zeroWord {
                    zeros += 1
                } else {
                    scored.append(DenseKey(risk: word, id: ids.number(r), tail: tail(item: items[r], row: r)))
                }
            }
            scored.sort()
            return (scored, zeros)
        }
        var out = [Int]()
        out.reserveCapacity(n)
        let scored = runs.map(\.scored)
        merge(scored, into: &out, less: <, row: \.row) { $0.risk < zeroWord }
        let zeros = runs.reduce(0) { $0 + $1.zeros }
        let ranges = zeroRanges(risk: risk, ids: ids, zeros: zeros, partRows: ids.numbersStored ? zeroPartRows : max(1, zeros))
        // Each risk-0 row's range, found once (a byte a row; `notZero` for the other rows), so a
        // range's pass reads bytes instead of every row's risk and id again.
        let notZero = UInt8.max
        let rangeOf: [UInt8] = ranges.count > 1 && ranges.count < Int(notZero)
            ? Parallel.rows(n, threads: parts) { r in
                guard riskWord(risk[r]) == zeroWord else { return notZero }
                let id = ids.number(r)
                var lo = 0, hi = ranges.count - 1   // the last range whose lower bound is at most id
                while lo < hi {
                    let mid = (lo + hi + 1) / 2
                    if ranges[mid].lowerBound <= id { lo = mid } else { hi = mid - 1 }
                }
                return UInt8(lo)
            }
            : []
        for (index, range) in ranges.enumerated() {
            let zero = Parallel.map(0..<parts, threads: parts) { k -> [ZeroKey] in
                var keys: [ZeroKey] = []
                let rows = (n * k / parts)..<(n * (k + 1) / parts)
                if rangeOf.isEmpty {
                    for r in rows where riskWord(risk[r]) == zeroWord {
                        let id = ids.number(r)
                        if id >= range.lowerBound && (range.upperBound == nil || id < range.upperBound!) {
                            keys.append(ZeroKey(id: id, tail: tail(item: items[r], row: r)))
                        }
                    }
                } else {
                    rangeOf.withUnsafeBufferPointer { rangeOf in
                        ByteMatch.forEach(in: rangeOf, range: rows, equalTo: UInt8(index)) { r in
                            keys.append(ZeroKey(id: ids.number(r), tail: tail(item: items[r], row: r)))
                        }
                    }
                }
                keys.sort()
                return keys
            }
            mergeRows(zero, into: &out)
        }
        merge(scored, into: &out, less: <, row: \.row) { $0.risk > zeroWord }
        return out
    }

    /// A key's last word: the item number (signed order), then the row.
    @inline(__always)
    static func tail(item: Int32, row: Int) -> UInt64 { UInt64(UInt32(bitPattern: item) ^ 0x8000_0000) << 32 | UInt64(row) }

    /// Id ranges, ascending and together covering every id, holding about
    /// `partRows` of the `zeros` risk-0 rows each: bounds from a sample of
    /// those rows' ids (an id's rows all fall in one range).
    static func zeroRanges(risk: [Double], ids: DenseIDs, zeros: Int, partRows: Int) -> [(lowerBound: UInt64, upperBound: UInt64?)] {
        let ranges = (zeros + max(1, partRows) - 1) / max(1, partRows)
        guard ranges > 1 else { return [(0, nil)] }
        let zeroWord = riskWord(0)
        var sample: [UInt64] = []
        let step = max(1, risk.count / (64 * ranges))
        for r in stride(from: 0, to: risk.count, by: step) where riskWord(risk[r]) == zeroWord { sample.append(ids.number(r)) }
        sample.sort()
        var bounds: [UInt64] = [0]
        for k in 1..<ranges where !sample.isEmpty {
            let b = sample[k * sample.count / ranges]
            if b > bounds.last! { bounds.append(b) }
        }
        return bounds.indices.map { i in (bounds[i], i + 1 < bounds.count ? bounds[i + 1] : nil) }
    }
}

extension Ranking {
    /// The rows of `runs` (each sorted, no key in two runs) in key order,
    /// appended to `out`: `merge(runs, into:less:row:)`. Two runs of 64K keys
    /// or more are merged by two threads, each writing one half of the output
    /// (where the half splits the runs is found by a binary search on the
    /// merge path), so the merge of a ranking's 1M-row ranges is not serial.
    static func mergeRows<Key: Comparable & RowKey & Sendable>(_ runs: [[Key]], into out: inout [Int]) {
        guard runs.count == 2, runs[0].count + runs[1].count >= 1 << 16 else {
            return merge(runs, into: &out, less: <, row: \.row)
        }
        let a = runs[0], b = runs[1], n = a.count + b.count, half = n / 2
        // The first `half` rows take a[0..<i] and b[0..<half − i].
        var lo = max(0, half - b.count), hi = min(half, a.count)
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < b[half - mid - 1] { lo = mid + 1 } else { hi = mid }
        }
        let i = lo, j = half - lo, base = out.count
        out.append(contentsOf: repeatElement(0, count: n))
        out.withUnsafeMutableBufferPointer { o in
            // safe: the two halves write disjoint ranges of `out`.
            nonisolated(unsafe) let o = o
            _ = Parallel.map(0..<2, threads: 2) { part in
                var x = part == 0 ? 0 : i, y = part == 0 ? 0 : j
                let xEnd = part == 0 ? i : a.count, yEnd = part == 0 ? j : b.count
                var at = base + (part == 0 ? 0 : half)
                while x < xEnd && y < yEnd {
                    if b[y] < a[x] { o[at] = b[y].row; y += 1 } else { o[at] = a[x].row; x += 1 }
                    at += 1
                }
                while x < xEnd { o[at] = a[x].row; x += 1; at += 1 }
                while y < yEnd { o[at] = b[y].row; y += 1; at += 1 }
                return 0
            }
        }
    }
}

/// A sort key that carries its row.
protocol RowKey {
    var tail: UInt64 { get }
}

extension RowKey {
    /// The row, from the low half of `tail`.
    @inline(__always)
    var row: Int { Int(truncatingIfNeeded: tail & 0xFFFF_FFFF) }
}

extension Ranking.DenseKey: RowKey {}
extension Ranking.ZeroKey: RowKey {}
