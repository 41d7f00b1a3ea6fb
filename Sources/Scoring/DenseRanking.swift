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
    static func order(risk: [Double], ids: DenseIDs, items: [Int32], threads: Int, runRows: Int) -> [Int] {
        let n = risk.count
        let zeroWord = riskWord(0)
        let parts = max(1, min(threads > 0 ? threads : System.cores, n / max(1, runRows)))
        let runs = Parallel.map(0..<parts, threads: parts) { k -> (scored: [DenseKey], zero: [ZeroKey]) in
            let rows = (n * k / parts)..<(n * (k + 1) / parts)
            var zeros = 0
            for r in rows where risk[r] == 0 { zeros += 1 }
            var scored: [DenseKey] = [], zero: [ZeroKey] = []
            scored.reserveCapacity(rows.count - zeros)
            zero.reserveCapacity(zeros)
            for r in rows {
                let tail = UInt64(UInt32(bitPattern: items[r]) ^ 0x8000_0000) << 32 | UInt64(r)
                let word = riskWord(risk[r])
                if word == zeroWord {
                    zero.append(ZeroKey(id: ids.number(r), tail: tail))
                } else {
                    scored.append(DenseKey(risk: word, id: ids.number(r), tail: tail))
                }
            }
            scored.sort()
            zero.sort()
            return (scored, zero)
        }
        var out = [Int]()
        out.reserveCapacity(n)
        let scored = runs.map(\.scored), zero = runs.map(\.zero)
        merge(scored, into: &out, less: <, row: \.row) { $0.risk < zeroWord }
        merge(zero, into: &out, less: <, row: \.row)
        merge(scored, into: &out, less: <, row: \.row) { $0.risk > zeroWord }
        return out
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
