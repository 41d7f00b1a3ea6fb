/// Problems that stop a file or a run from being read (as opposed to bad rows,
/// which are rejected one by one).
public enum IngestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The mapping file is malformed or does not fit the header.
    case mapping(file: String, message: String)
    /// A file cannot be opened or read.
    case unreadable(file: String, reason: String)
    /// A file was read but its bytes cannot be decoded (damaged gzip, invalid
    /// GB18030); `line` is set when the position is known in the decoded text.
    case undecodable(file: String, line: Int?, reason: String, hint: String)
    /// The file is not UTF-8 (and no --encoding was given).
    case encoding(file: String, line: Int, column: Int, byte: UInt8, guess: String)
    /// `--on-error fail`: the first bad row, rendered.
    case rejected(Diagnostic)
    /// No input files were found.
    case noInput(String)

    public var description: String {
        switch self {
        case let .mapping(file, message):
            return "\(file): error: \(message)"
        case let .unreadable(file, reason):
            return "\(file): error: cannot read (\(reason)); check the path and permissions"
        case let .undecodable(file, line, reason, hint):
            return "\(file)\(line.map { ":\($0)" } ?? ""): error: \(reason)\n  hint: \(hint)"
        case let .encoding(file, line, column, byte, guess):
            let hex = String(byte, radix: 16, uppercase: true)
            let name = guess.isEmpty ? "GB18030" : guess
            return "\(file):\(line):\(column): error: the file is not UTF-8 (byte 0x\(hex))\(guess.isEmpty ? "" : "; it looks like \(guess)")\n"
                + "  hint: pass --encoding \(name.lowercased()) to decode it"
                + (guess.isEmpty ? " (or windows-1252 for a European single-byte file)" : "")
                + ", or convert it to UTF-8 first (iconv -f \(name.uppercased()) -t UTF-8)"
        case let .rejected(d):
            return d.rendered
        case let .noInput(what):
            return "error: \(what)"
        }
    }
}

/// A positioned message about one record, rendered like a compiler's:
///
///     exports.csv:1042:17: error: unterminated quoted field (record 1041, field "description")
///       | 2025-03-07,DE,"Gallium ingot, 99.99%;8112.92…
///       hint: close the quoted field or double the quotes inside it
public struct Diagnostic: Sendable, Equatable {
    public var file: String
    /// 1-based line of the field (or record) start.
    public var line: Int
    /// 1-based column (byte) within that line.
    public var column: Int
    /// 0-based data record, header excluded.
    public var record: Int
    public var field: String
    public var reason: RejectReason
    public var message: String
    /// The line as read, capped, invalid bytes escaped.
    public var excerpt: String

    public var rendered: String {
        // A repeated row's reject has no record number (-1: rejects.csv leaves the cell empty).
        let place = (record >= 0 ? ["record \(record)"] : []) + (field.isEmpty ? [] : ["field \"\(field)\""])
        var s = "\(file):\(line):\(column): error: \(message)" + (place.isEmpty ? "" : " (" + place.joined(separator: ", ") + ")") + "\n"
        s += "  | \(excerpt)\n"
        s += "  hint: \(reason.hint)"
        return s
    }
}
