@testable import Declarations
import Testing

/// A worker dictionary's chunks appended to a table column, some dropped on the
/// way: the rows read back their values, and the table's dictionary holds its
/// values in order of first use by the appended rows, as one pass would.
@Suite("worker codes")
struct WorkerCodesTests {
    /// Appends `chunks` (each a list of row values, read into one worker dictionary in
    /// turn; `dropped` ones are not appended) and returns the column.
    static func appended(_ chunks: [(rows: [String], dropped: Bool)]) -> TextColumn {
        var worker = ByteInterner()
        var map = WorkerCodes()
        var column = TextColumn()
        for chunk in chunks {
            let base = worker.count
            let codes = chunk.rows.map { worker.intern($0) }
            var part = TextColumn()
            part.codes = CodeColumn(codes)
            part.values = worker.values(from: base)
            if chunk.dropped { map.drop(part.values) } else { column.append(part, keep: nil, codes: &map) }
        }
        return column
    }

    @Test("values placed at first use, rows read back", arguments: [
        // Nothing dropped: code order, which is first use.
        ([(["a", "b", "a"], false), (["c", "b"], false)], ["a", "b", "a", "c", "b"], ["a", "b", "c"]),
        // The first chunk dropped: its values wait for their first use ("b" before "a"); "z" is never used.
        ([(["a", "z", "b"], true), (["c", "b", "a"], false)], ["c", "b", "a"], ["c", "b", "a"]),
        // A dropped chunk between two appended ones; a value of the first that the dropped one used again.
        ([(["a"], false), (["a", "x", "y"], true), (["y", "b", "x"], false), (["x", "a", "q"], false)],
         ["a", "y", "b", "x", "x", "a", "q"], ["a", "y", "b", "x", "q"]),
        // Everything dropped but the last chunk, which uses none of it.
        ([(["a"], true), (["b"], true), (["c"], false)], ["c"], ["c"]),
    ] as [([([String], Bool)], [String], [String])])
    func placed(chunks: [([String], Bool)], rows: [String], dictionary: [String]) {
        let column = Self.appended(chunks.map { (rows: $0.0, dropped: $0.1) })
        #expect((0..<column.codes.count).map { column.string($0) } == rows)
        #expect((0..<column.values.count).map { column.values.string(UInt32($0)) } == dictionary)
    }
}
