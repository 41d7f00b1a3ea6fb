/// Per-row values kept only for the rows that have one; every other row reads
/// nil. Explainers hold evidence this way: a dense per-row array of evidence
/// would cost tens of bytes for every row of a 10M-row table, when reasons are
/// only asked for the few rows that scored.
struct SparseRows<Value: Sendable>: Sendable {
    /// Rows with a value, ascending.
    private(set) var rows: [Int32] = []
    private var values: [Value] = []

    /// The values of `rows` (ascending, without repeats), from `value`.
    init(rows: [Int], _ value: (Int) -> Value) {
        self.init(rows: rows, values: rows.map(value))
    }

    /// `values[k]` for row `rows[k]`; rows ascending, without repeats.
    init(rows: [Int], values: [Value]) {
        precondition(rows.count == values.count, "one value per row")
        self.rows = rows.map { Int32($0) }
        self.values = values
    }

    var count: Int { rows.count }

    /// Calls `body` with each row that has a value, ascending.
    func forEach(_ body: (Int, Value) -> Void) {
        for k in rows.indices { body(Int(rows[k]), values[k]) }
    }

    /// The value of row `row`, or nil (binary search).
    subscript(row: Int) -> Value? {
        var lo = 0, hi = rows.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(rows[mid]) < row { lo = mid + 1 } else { hi = mid }
        }
        return lo < rows.count && Int(rows[lo]) == row ? values[lo] : nil
    }
}

/// A set of rows as one bit per row: membership for a per-row loop over a
/// table where few rows belong (1.25 MB at 10M rows).
struct RowBits: Sendable {
    private var words: [UInt64]

    init(_ rows: [Int32], count: Int) {
        words = [UInt64](repeating: 0, count: (count + 63) / 64)
        for r in rows { words[Int(r) >> 6] |= 1 << UInt64(r & 63) }
    }

    @inline(__always)
    func contains(_ r: Int) -> Bool { words[r >> 6] >> UInt64(r & 63) & 1 != 0 }
}
