import CSVCore
import Declarations

/// The key-field cells of ranked.csv, encoded once per distinct value (text
/// dictionaries, countries, dates, files) instead of once per row: a row is
/// then a handful of byte copies. Holds the table's columns by reference
/// (copy on write: no copy is made).
struct KeyCells: Sendable {
    /// Per text field: each dictionary code's cell, and the rows' codes (empty: no column).
    private let textCells: [[[UInt8]]]
    private let textCodes: [[UInt32]]
    /// Per country code (0 = empty), and per country field the rows' codes.
    private let countryCells: [[UInt8]]
    private let countryCodes: [[UInt16]]
    /// Per day from `firstDay`, and the rows' days.
    private let dayCells: [[UInt8]]
    private let firstDay: Int32
    private let days: [Int32]
    /// Per input file.
    let files: [[UInt8]]

    init(_ t: DeclarationTable) {
        textCells = TextField.allCases.map { f in
            guard let c = t.text(f) else { return [] }
            return (0..<c.values.count).map { CSVWriter.encodedCell(c.values.string(UInt32($0)), neutralise: true) }
        }
        textCodes = TextField.allCases.map { t.text($0)?.codes ?? [] }
        countryCells = (0...CountryCodes.count).map { CSVWriter.encodedCell(CountryCodes.alpha2(UInt16($0)), neutralise: true) }
        countryCodes = CountryField.allCases.map { t.countries($0) ?? [] }
        days = t.date
        let lo = t.date.min() ?? 0, hi = t.date.max() ?? 0
        firstDay = lo
        dayCells = t.count == 0 ? [] : (lo...hi).map { Array(CivilDate(daysSinceEpoch: Int($0)).description.utf8) }
        files = t.files.map { CSVWriter.encodedCell(RejectLog.neutralised($0)) }
    }

    /// The cell of text field `f` at `row` (empty when the feed lacks it).
    @inline(__always)
    func text(_ f: TextField, _ row: Int) -> [UInt8] {
        let codes = textCodes[f.rawValue]
        return codes.isEmpty ? [] : textCells[f.rawValue][Int(codes[row])]
    }

    /// Name, else id (the trader and counterparty columns).
    @inline(__always)
    func party(name: TextField, id: TextField, _ row: Int) -> [UInt8] {
        let n = text(name, row)
        return n.isEmpty ? text(id, row) : n
    }

    @inline(__always)
    func country(_ f: CountryField, _ row: Int) -> [UInt8] {
        let codes = countryCodes[f.rawValue]
        return codes.isEmpty ? [] : countryCells[Int(codes[row])]
    }

    @inline(__always)
    func date(_ row: Int) -> [UInt8] { dayCells[Int(days[row] - firstDay)] }
}
