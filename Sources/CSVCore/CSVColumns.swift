/// Reads chosen fields of every record of a CSV buffer as strings, without
/// decoding the others. For side files that can be large (rankings, labels).
public struct CSVColumns: Sendable {
    /// The header's fields.
    public var header: [String]
    /// `values[c][r]`: field `columns[c]` of data record `r`.
    public var values: [[String]]
    /// Per data record: the 1-based line it starts on.
    public var lines: [Int]

    /// Decodes the fields at header positions `columns` (nil entries give empty
    /// columns). Every record must have the header's field count.
    public init(bytes: UnsafeRawBufferPointer, columns: (_ header: [String]) throws(CSVTableError) -> [Int?],
                dialect: Dialect = .comma, source: String) throws(CSVTableError) {
        let t = ScalarTokenizer.tokenize(bytes, dialect: dialect)
        guard t.recordCount > 0 else { throw CSVTableError(source: source, line: 1, message: "the file is empty; expected a header line") }
        func field(_ f: Int) -> String {
            FieldValue.string(bytes, start: t.fieldStart[f], end: t.fieldEnd[f], flags: t.fieldFlags[f], quote: dialect.quote)
        }
        let header = t.fields(ofRecord: 0).map(field)
        let wanted = try columns(header)
        var values = Array(repeating: [String](), count: wanted.count)
        for c in values.indices { values[c].reserveCapacity(t.recordCount - 1) }
        for r in 1..<t.recordCount {
            if t.recordFlags[r].contains(.unterminatedQuote) {
                throw CSVTableError(source: source, line: t.recordLine[r], message: "unterminated quoted field; close the quote or double the quotes inside it")
            }
            let fields = t.fields(ofRecord: r)
            guard fields.count == header.count else {
                throw CSVTableError(source: source, line: t.recordLine[r], message: "\(fields.count) fields, the header has \(header.count)")
            }
            for (c, w) in wanted.enumerated() {
                values[c].append(w.map { field(fields.lowerBound + $0) } ?? "")
            }
        }
        self.header = header
        self.values = values
        self.lines = Array(t.recordLine.dropFirst())
    }
}
