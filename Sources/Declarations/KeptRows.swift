/// The rows of a table that an append keeps, as runs of consecutive rows.
///
/// The merge drops a chunk's rows that repeat an earlier key, which a dirty
/// feed has in nearly every chunk: a few rows out of thousands. Appending the
/// kept rows run by run copies each column in a few block moves, where testing
/// a flag per row and appending rows one at a time took an eighth of a dirty
/// 10M-row ingest (`TextColumn.append`, `CodeColumn.widen` and the uniqueness
/// checks of one-element appends in its profile).
struct KeptRows: Sendable {
    /// Runs of kept rows, in order, none empty.
    let runs: [Range<Int>]
    /// Rows kept in all.
    let count: Int

    /// The runs of `true` in `keep`.
    init(_ keep: [Bool]) {
        var runs: [Range<Int>] = []
        var count = 0
        var r = 0
        let n = keep.count
        while r < n {
            while r < n && !keep[r] { r += 1 }
            let start = r
            while r < n && keep[r] { r += 1 }
            if r > start {
                runs.append(start..<r)
                count += r - start
            }
        }
        self.runs = runs
        self.count = count
    }

    /// Calls `body` with each run of kept rows among `rows` rows: `keep`'s runs,
    /// or all the rows as one run when `keep` is nil (nothing allocated for it).
    @inline(__always)
    static func forEachRun(_ keep: KeptRows?, rows: Int, _ body: (Range<Int>) -> Void) {
        guard let keep else {
            if rows > 0 { body(0..<rows) }
            return
        }
        for run in keep.runs { body(run) }
    }
}
