import Declarations

/// Rows by risk, highest first; equal risks in row-key order (declaration_id
/// bytes, then item_no), so the order never depends on input order.
public enum Ranking {
    /// A row's sort key: negated risk, the first 24 bytes of its declaration id
    /// packed big-endian (shorter ids padded with 0 bytes, which sort first, as a
    /// prefix does), then the item number.
    struct Key {
        var risk: Double
        var p0: UInt64, p1: UInt64, p2: UInt64
        var item: Int32
        var row: Int32
    }

    public static func order(risk: [Double], table: DeclarationTable) -> [Int] {
        let n = risk.count
        let ids = table.declarationID
        var longOrZero = false
        var keys = [Key]()
        keys.reserveCapacity(n)
        let bytes = ids.bytes
        for r in 0..<n {
            let lo = ids.offsets[r], hi = ids.offsets[r + 1]
            if hi - lo > 24 { longOrZero = true }
            var p = (UInt64(0), UInt64(0), UInt64(0))
            for i in 0..<min(24, hi - lo) {
                let b = bytes[lo + i]
                if b == 0 { longOrZero = true }
                let v = UInt64(b) << UInt64(56 - 8 * (i % 8))
                switch i / 8 {
                case 0: p.0 |= v
                case 1: p.1 |= v
                default: p.2 |= v
                }
            }
            keys.append(Key(risk: -risk[r], p0: p.0, p1: p.1, p2: p.2, item: table.itemNo[r], row: Int32(r)))
        }
        let exact = !longOrZero
        keys.sort { a, b in
            if a.risk != b.risk { return a.risk < b.risk }
            if a.p0 != b.p0 { return a.p0 < b.p0 }
            if a.p1 != b.p1 { return a.p1 < b.p1 }
            if a.p2 != b.p2 { return a.p2 < b.p2 }
            if !exact {
                let ia = ids.slice(Int(a.row)), ib = ids.slice(Int(b.row))
                if ia != ib { return ia.lexicographicallyPrecedes(ib) }
            }
            if a.item != b.item { return a.item < b.item }
            return a.row < b.row
        }
        return keys.map { Int($0.row) }
    }
}
