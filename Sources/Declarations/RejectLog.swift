import CSVCore

/// rejects.csv: one row per rejected record, for analysts to open in a
/// spreadsheet. Columns: file, line, byte_offset, column, record, field,
/// reason, message, raw. `raw` is the record as read, capped at 1 KiB, with
/// invalid bytes escaped as `\xNN`. Cells that a spreadsheet would run as a
/// formula (starting with `=`, `+`, `-`, `@`, tab or CR), or starting with `'`,
/// get a leading `'` (`CSVWriter.neutralised`).
public enum RejectLog {
    public static let header = ["file", "line", "byte_offset", "column", "record", "field", "reason", "message", "raw"]

    public static func csv(_ rejects: [Reject], files: [String]) -> [UInt8] {
        var w = CSVWriter(capacity: 256 * (rejects.count + 1))
        w.record(header)
        for r in rejects {
            w.record([
                files[r.fileIndex], String(r.line), String(r.byteOffset), String(r.column),
                r.record >= 0 ? String(r.record) : "", r.field, r.reason.rawValue, r.message, r.escapedRaw,
            ].map(neutralised))
        }
        return w.buffer
    }

    /// A cell safe to open in a spreadsheet.
    public static func neutralised(_ cell: String) -> String { CSVWriter.neutralised(cell) }
}
