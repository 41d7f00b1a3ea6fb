/// A small CSV file decoded to strings, for side files (labels, rankings,
/// reference tables). Large declaration files go through the columnar ingest.
public struct CSVTable: Sendable {
    /// The header record's fields.
    public var header: [String]
    /// Data records, as strings.
    public var rows: [[String]]
    /// Per data record: the 1-based line it starts on.
    public var lines: [Int]

    /// Decodes `bytes`, taking the first record as the header.
    ///
    /// - Throws: `CSVTableError` with the line of the first record that has an
    ///   unterminated quote or a field count different from the header's.
    public init(bytes: [UInt8], dialect: Dialect = .comma, source: String = "<input>") throws(CSVTableError) {
        let tokens = ScalarTokenizer.tokenize(bytes, dialect: dialect)
        guard tokens.recordCount > 0 else { throw CSVTableError(source: source, line: 1, message: "the file is empty; expected a header line") }
        var decoded: [[String]] = []
        decoded.reserveCapacity(tokens.recordCount)
        bytes.withUnsafeBytes { buf in
            for r in 0..<tokens.recordCount {
                decoded.append(tokens.fields(ofRecord: r).map { f in
                    FieldValue.string(buf, start: tokens.fieldStart[f], end: tokens.fieldEnd[f],
                                      flags: tokens.fieldFlags[f], quote: dialect.quote)
                })
            }
        }
        for r in 0..<tokens.recordCount {
            if tokens.recordFlags[r].contains(.unterminatedQuote) {
                throw CSVTableError(source: source, line: tokens.recordLine[r],
                                    message: "unterminated quoted field; close the quote or double the quotes inside it")
            }
            if r > 0, decoded[r].count != decoded[0].count {
                throw CSVTableError(source: source, line: tokens.recordLine[r],
                                    message: "\(decoded[r].count) fields, the header has \(decoded[0].count)")
            }
        }
        self.header = decoded[0]
        self.rows = Array(decoded.dropFirst())
        self.lines = Array(tokens.recordLine.dropFirst())
    }

    /// The index of the first header field equal to `name`, or `nil`.
    public func column(_ name: String) -> Int? { header.firstIndex(of: name) }
}

/// A side file that could not be read as CSV.
public struct CSVTableError: Error, Sendable, Hashable, CustomStringConvertible {
    public var source: String
    public var line: Int
    public var message: String
    public init(source: String, line: Int, message: String) {
        self.source = source
        self.line = line
        self.message = message
    }
    public var description: String { "\(source):\(line): error: \(message)" }
}
