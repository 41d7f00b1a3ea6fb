/// How a worker dictionary's codes map to a table dictionary's, for one text
/// field: the merge's side of a dictionary that outlives chunks
/// (`TextColumn.append(_:keep:codes:)`).
///
/// A worker reads its chunks in order and hands each one's new values to the
/// merge, which places them in the table's dictionary as it appends the chunks
/// in order. A chunk the merge drops (an irregular file's piece whose guessed
/// start was wrong, or whose visit gave up) still added values to its worker's
/// dictionary, and that worker's later chunks may use them. Those values are
/// kept here, unplaced, and each is placed at its first use by a later chunk,
/// in row order: the table's dictionary gets its values in the order one pass
/// over the file would give, and no chunk is read twice for it.
struct WorkerCodes: Sendable {
    /// A code whose value the table's dictionary does not have yet.
    static let unplaced = UInt32.max

    /// Per worker code: the table's code, or `unplaced`.
    var remap: [UInt32] = []
    /// The values of dropped chunks (`ByteInterner.values(from:)`: each starts at its `firstCode`).
    private(set) var orphans: [ByteInterner] = []

    /// Whether a code may be unplaced (a chunk was dropped).
    var hasOrphans: Bool { !orphans.isEmpty }

    /// Takes the values a dropped chunk added, unplaced.
    mutating func drop(_ values: ByteInterner) {
        precondition(values.firstCode == remap.count, "a worker's chunks are dropped or appended in the order it read them")
        guard values.count > 0 else { return }
        remap.append(contentsOf: repeatElement(WorkerCodes.unplaced, count: values.count))
        orphans.append(values)
    }

    /// The dropped chunk's values holding worker code `c`, and `c`'s place among them.
    func orphan(_ c: Int) -> (values: ByteInterner, index: Int) {
        for o in orphans where c >= o.firstCode && c < o.firstCode + o.count { return (o, c - o.firstCode) }
        preconditionFailure("worker code \(c) is neither placed nor a dropped chunk's")
    }
}
