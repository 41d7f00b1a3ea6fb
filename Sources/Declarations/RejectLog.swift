import CSVCore

/// rejects.csv: one row per rejected record, for analysts to open in a
/// spreadsheet. Columns: file, line, byte_offset, column, record, field,
/// reason, message, raw. `raw` is the record as read, capped at 1 KiB, with
/// invalid bytes escaped as `\xNN`. Cells that a spreadsheet would run as a
/// formula (starting with `=`, `+`, `-`, `@`, tab or CR), or starting with `'`,
/// get a leading `'` (`CSVWriter.neutralised`).
public enum RejectLog {
    public static let header = ["file", "line", "byte_offset", "column", "record", "field", "reason", "message", "raw"]

    /// The whole file as one buffer (what `write(_:files:to:)` streams; the tests' oracle).
    static func csv(_ rejects: [Reject], files: [String]) -> [UInt8] {
        let store = RejectStore(memoryLimit: .max)
        for r in rejects { try! store.append(r) }   // in memory: no spill to fail
        var w = CSVWriter(capacity: 256 * (rejects.count + 1))
        write(store, files: files, into: &w) { _ in }
        return w.buffer
    }

    /// Writes rejects.csv to `path` a block at a time: a million rejects made a
    /// 300 MB buffer, copied once more to be written.
    public static func write(_ rejects: RejectStore, files: [String], to path: String) throws(OutputFileError) {
        let file = try OutputFile(path: path)
        var w = CSVWriter(capacity: 1 << 20)
        var failure: OutputFileError?
        write(rejects, files: files, into: &w) { w in
            guard failure == nil, w.bytes.count >= 1 << 20 else { return }
            do throws(OutputFileError) { try file.write(w.buffer) } catch { failure = error }
            w.removeAll()
        }
        do throws(OutputFileError) {
            if let failure { throw failure }
            try file.write(w.buffer)
        } catch {
            try? file.close()
            throw error
        }
        try file.close()
    }

    /// The header and one record per reject into `w`, calling `flush` after each record.
    static func write(_ rejects: RejectStore, files: [String], into w: inout CSVWriter, flush: (inout CSVWriter) -> Void) {
        w.record(header)
        // Each file's cell encoded once; numbers written as numbers; text read in
        // place from the store; the raw record escaped straight into a reused
        // buffer (a String per byte took 7 s for a million rejects).
        let fileCells = files.map { CSVWriter.encodedCell(CSVWriter.neutralised($0)) }
        var raw: [UInt8] = []
        rejects.forEachView { r in
            w.field(encoded: fileCells[r.fileIndex])
            w.field(int: r.line)
            w.field(int: r.byteOffset)
            w.field(int: r.column)
            if r.record >= 0 { w.field(int: r.record) } else { w.field(static: "") }
            w.field(raw: r.field, neutralise: true)
            w.field(text: r.reason.rawValue)
            w.field(raw: r.message, neutralise: true)
            raw.removeAll(keepingCapacity: true)
            Reject.escape(r.raw, into: &raw)
            raw.withUnsafeBytes { w.field(raw: $0, neutralise: true) }
            w.endRecord()
            flush(&w)
        }
    }
}
