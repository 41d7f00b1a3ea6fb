/// The byte-level conventions of one CSV file: delimiter and quote.
///
/// Records end at LF or CRLF; a UTF-8 byte-order mark at the start is skipped.
/// The quote doubles as its own escape (`""` inside a quoted field is one `"`),
/// as RFC 4180 says.
public struct Dialect: Sendable, Hashable, Codable {
    /// The field delimiter byte.
    public var delimiter: UInt8
    /// The quote byte.
    public var quote: UInt8

    public init(delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8 = UInt8(ascii: "\"")) {
        precondition(delimiter != quote, "delimiter and quote must differ")
        precondition(delimiter != 0x0A && delimiter != 0x0D && quote != 0x0A && quote != 0x0D,
                     "delimiter and quote cannot be line endings")
        self.delimiter = delimiter
        self.quote = quote
    }

    /// Comma-separated, double-quoted (RFC 4180).
    public static let comma = Dialect()
    /// Semicolon-separated (common where the decimal separator is a comma).
    public static let semicolon = Dialect(delimiter: UInt8(ascii: ";"))
    /// Tab-separated.
    public static let tab = Dialect(delimiter: 0x09)
    /// Pipe-separated.
    public static let pipe = Dialect(delimiter: UInt8(ascii: "|"))
}
