import Declarations

/// Rows by risk, highest first; equal risks in row-key order (declaration_id
/// bytes, then item_no), so the order never depends on input order.
public enum Ranking {
    /// A row's sort key: negated risk, the first 24 bytes of its declaration id
    /// packed big-endian (shorter ids padded with 0 bytes, which sort first, as a
    /// prefix does), then the item number.
    struct Key: Sendable {
        var risk: Double
        var p0: UInt64, p1: UInt64, p2: UInt64
        var item: Int32
        var row: Int32
    }

    /// Rows by risk, highest first. Keys are built and sorted in parallel runs,
    /// then merged; the order is total (row index last), so it does not depend
    /// on the number of threads.
    public static func order(risk: [Double], table: DeclarationTable, threads: Int = 0) -> [Int] {
        order(risk: risk, table: table, threads: threads, runRows: 65_536)
    }

    /// `order` with runs of at least `runRows` rows (tests use small runs):
    /// on dense id codes when every id fits one (`DenseIDs`), else on packed prefixes.
    static func order(risk: [Double], table: DeclarationTable, threads: Int, runRows: Int) -> [Int] {
        precondition(risk.count == table.count, "one risk per row of the table (\(risk.count) risks, \(table.count) rows)")
        if let ids = DenseIDs(table.declarationID, threads: threads) {
            return order(risk: risk, ids: ids, items: table.itemNo, threads: threads, runRows: runRows)
        }
        return packedOrder(risk: risk, table: table, threads: threads, runRows: runRows)
    }

    /// `order` on the packed 24-byte prefixes of the ids, with a byte comparison
    /// when a prefix is not exact: the general path, and the oracle of the dense one.
    static func packedOrder(risk: [Double], table: DeclarationTable, threads: Int, runRows: Int) -> [Int] {
        let n = risk.count
        let ids = table.declarationID
        let parts = max(1, min(threads > 0 ? threads : System.cores, n / max(1, runRows)))
        let runs = Parallel.map(0..<parts, threads: parts) { k -> (keys: [Key], exact: Bool) in
            var run = keys(risk: risk, table: table, rows: (n * k / parts)..<(n * (k + 1) / parts))
            let exact = run.exact
            run.keys.sort { less($0, $1, exact: exact, ids: ids) }
            return run
        }
        let exact = runs.allSatisfy(\.exact)
        var out = [Int]()
        out.reserveCapacity(n)
        merge(runs.map(\.keys), into: &out, less: { less($0, $1, exact: exact, ids: ids) }, row: { Int($0.row) })
        return out
    }

    /// The keys of `rows`, and whether every id there fits the packed prefix
    /// exactly (at most 24 bytes, no 0 byte).
    static func keys(risk: [Double], table: DeclarationTable, rows: Range<Int>) -> (keys: [Key], exact: Bool) {
        let ids = table.declarationID
        let itemNo = table.itemNo
        var longOrZero = false
        var keys = [Key]()
        keys.reserveCapacity(rows.count)
        for r in rows {
            let p = ids.withBytes(r) { id in
                if id.count > 24 { longOrZero = true }
                var p = (UInt64(0), UInt64(0), UInt64(0))
                for i in 0..<min(24, id.count) {
                    let b = id[i]
                    if b == 0 { longOrZero = true }
                    let v = UInt64(b) << UInt64(56 - 8 * (i % 8))
                    switch i / 8 {
                    case 0: p.0 |= v
                    case 1: p.1 |= v
                    default: p.2 |= v
                    }
                }
                return p
            }
            keys.append(Key(risk: -risk[r], p0: p.0, p1: p.1, p2: p.2, item: itemNo[r], row: Int32(r)))
        }
        return (keys, !longOrZero)
    }

    @inline(__always)
    static func less(_ a: Key, _ b: Key, exact: Bool, ids: StringColumn) -> Bool {
        if a.risk != b.risk { return a.risk < b.risk }
        if a.p0 != b.p0 { return a.p0 < b.p0 }
        if a.p1 != b.p1 { return a.p1 < b.p1 }
        if a.p2 != b.p2 { return a.p2 < b.p2 }
        if !exact {
            if ids.precedes(Int(a.row), Int(b.row)) { return true }
            if ids.precedes(Int(b.row), Int(a.row)) { return false }
        }
        if a.item != b.item { return a.item < b.item }
        return a.row < b.row
    }

    /// Appends the rows of the keys in sorted runs that satisfy `take`, in merged
    /// order under `less`: a k-way merge (k is the core count, so the head is
    /// found by a scan). The keys `take` keeps lie together in each run.
    static func merge<Key>(_ runs: [[Key]], into out: inout [Int], less: (Key, Key) -> Bool, row: (Key) -> Int,
                           where take: (Key) -> Bool = { _ in true }) {
        var head = runs.map { run in run.firstIndex(where: take) ?? run.count }
        while true {
            var best = -1
            for k in runs.indices where head[k] < runs[k].count && take(runs[k][head[k]]) {
                if best < 0 || less(runs[k][head[k]], runs[best][head[best]]) { best = k }
            }
            guard best >= 0 else { return }
            out.append(row(runs[best][head[best]]))
            head[best] += 1
        }
    }
}
