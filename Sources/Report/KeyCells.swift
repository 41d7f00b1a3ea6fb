import CSVCore
import Declarations

/// The key-field cells of ranked.csv and ranked.jsonl, encoded once per
/// distinct value (text dictionaries, countries, dates, files) instead of once
/// per row: a row is then a handful of byte copies from one arena. Holds the
/// table's columns by reference (copy on write: no copy is made).
struct KeyCells: Sendable {
    /// Every cell as ranked.csv writes it, back to back; cell c is `arena[bounds[c] ..< bounds[c + 1]]`.
    private var arena: [UInt8] = []
    private var bounds: [Int] = [0]
    /// The same cells as JSON strings (quotes included; empty for an empty value), in `jsonArena`.
    private var jsonArena: [UInt8] = []
    private var jsonBounds: [Int] = [0]
    /// Per text field: the cell index of dictionary code 0 (−1: no column), and the rows' codes.
    private var textBase: [Int] = []
    private var textCodes: [CodeColumn] = []
    /// The cell index of country code 0, and per country field the rows' codes (empty: no column).
    private var countryBase = 0
    private var countryCodes: [[UInt16]] = []
    /// The cell index of day `firstDay`, and the rows' days.
    private var dayBase = 0
    private var firstDay: Int32 = 0
    private var days: [Int32] = []
    /// Per input file.
    private var fileBase = 0
    private var fileCount = 0
    private var fileIndex = CodeColumn()
    /// The empty cell.
    private var empty = 0

    init(_ t: DeclarationTable) {
        empty = add("")
        for f in TextField.allCases {
            guard KeyCells.textFields.contains(f), let c = t.text(f) else {
                textBase.append(-1)
                textCodes.append(CodeColumn())
                continue
            }
            textBase.append(bounds.count - 1)
            for code in 0..<c.values.count { add(c.values.string(UInt32(code))) }
            textCodes.append(c.codes)
        }
        countryBase = bounds.count - 1
        for code in 0...CountryCodes.count { add(CountryCodes.alpha2(UInt16(code))) }
        countryCodes = CountryField.allCases.map { t.countries($0) ?? [] }
        days = t.date
        firstDay = t.date.min() ?? 0
        dayBase = bounds.count - 1
        if t.count > 0 {
            for d in firstDay...(t.date.max() ?? 0) { add(CivilDate(daysSinceEpoch: Int(d)).description) }
        }
        fileBase = bounds.count - 1
        for f in t.files { add(csv: CSVWriter.encodedCell(CSVWriter.neutralised(f)), json: f) }
        fileIndex = t.fileIndex
        fileCount = t.files.count
    }

    /// The text fields key cells are made of (the others' dictionaries, such as
    /// descriptions and licence numbers, are never encoded).
    static let textFields: Set<TextField> = [.traderName, .traderID, .counterpartyName, .counterpartyID, .hsCode]

    /// Key cells per row of ranked.csv, in column order: date, trader,
    /// counterparty, the five countries, hs_code, file.
    static let perRow = 10

    /// The cell indices of `rows`, row-major (`perRow` per row), gathered one
    /// column at a time: at 10M rows in rank order every lookup misses the
    /// cache, and a tight loop per column keeps many misses in flight where a
    /// row-at-a-time render waits for each.
    func gather(_ rows: [Int]) -> [Int32] {
        let n = rows.count, w = KeyCells.perRow
        var out = [Int32](repeating: Int32(empty), count: n * w)
        func column(_ c: Int, _ cell: (Int) -> Int) {
            for i in 0..<n { out[i * w + c] = Int32(truncatingIfNeeded: cell(rows[i])) }
        }
        column(0) { dayBase + Int(days[$0] - firstDay) }
        column(1) { partyCell(name: .traderName, id: .traderID, $0) }
        column(2) { partyCell(name: .counterpartyName, id: .counterpartyID, $0) }
        for (c, f) in [CountryField.counterparty, .origin, .destination, .trading, .finalDestination].enumerated() {
            let codes = countryCodes[f.rawValue]
            guard !codes.isEmpty else { continue }
            column(3 + c) { countryBase + Int(codes[$0]) }
        }
        column(8) { textCell(.hsCode, $0) }
        // One input file (the usual case): the same cell on every row, no column read.
        if fileCount == 1 {
            for i in 0..<n { out[i * w + 9] = Int32(truncatingIfNeeded: fileBase) }
        } else {
            column(9) { fileBase + Int(fileIndex[$0]) }
        }
        return out
    }

    /// Runs `body` with a writer of cells that reads the arenas in place: no
    /// slice, so no retain and release of an arena, per cell of a 10M-row file.
    func withWriter<R>(_ body: (CellWriter) -> R) -> R {
        arena.withUnsafeBytes { a in
            bounds.withUnsafeBufferPointer { b in
                jsonArena.withUnsafeBytes { ja in
                    jsonBounds.withUnsafeBufferPointer { jb in
                        body(CellWriter(arena: a, bounds: b, jsonArena: ja, jsonBounds: jb))
                    }
                }
            }
        }
    }

    /// Writes cells from the arenas (valid inside `withWriter`).
    struct CellWriter {
        let arena: UnsafeRawBufferPointer
        let bounds: UnsafeBufferPointer<Int>
        let jsonArena: UnsafeRawBufferPointer
        let jsonBounds: UnsafeBufferPointer<Int>

        /// Cell `cell` (an index from `gather`) through a cursor (see `RankedFiles.csvRow`).
        @inline(__always)
        func write(cell: Int32, _ c: inout FieldCursor) {
            let i = Int(cell)
            c.encoded(UnsafeRawBufferPointer(rebasing: arena[bounds[i]..<bounds[i + 1]]))
        }

        /// The bytes of cell `cell` in ranked.csv.
        @inline(__always)
        func count(cell: Int32) -> Int {
            let i = Int(cell)
            return bounds[i + 1] &- bounds[i]
        }

        /// Cell `cell` as a JSON string; empty (nothing to write) for an empty value.
        @inline(__always)
        func json(cell: Int32) -> UnsafeRawBufferPointer {
            let c = Int(cell)
            return UnsafeRawBufferPointer(rebasing: jsonArena[jsonBounds[c]..<jsonBounds[c + 1]])
        }
    }

    @inline(__always)
    private func partyCell(name: TextField, id: TextField, _ row: Int) -> Int {
        let n = textCell(name, row)
        return bounds[n] == bounds[n + 1] ? textCell(id, row) : n
    }

    /// Adds `value` as a cell: neutralised for ranked.csv, escaped for ranked.jsonl.
    @discardableResult
    private mutating func add(_ value: String) -> Int {
        add(csv: CSVWriter.encodedCell(value, neutralise: true), json: value)
    }

    @discardableResult
    private mutating func add(csv: [UInt8], json: String) -> Int {
        arena.append(contentsOf: csv)
        bounds.append(arena.count)
        if !json.isEmpty { jsonArena.append(contentsOf: JSONBytes.encoded(json)) }
        jsonBounds.append(jsonArena.count)
        return bounds.count - 2
    }

    /// The cell index of text field `f` at `row` (`empty` when the feed lacks it).
    @inline(__always)
    private func textCell(_ f: TextField, _ row: Int) -> Int {
        let base = textBase[f.rawValue]
        return base < 0 ? empty : base + Int(textCodes[f.rawValue][row])
    }
}
