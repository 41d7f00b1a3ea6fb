import CSVCore

/// Monthly exchange rates, currency units per US dollar, used to put declared
/// values in different currencies on one scale.
///
/// A default table ships (`FXTable.standard`; see `defaultSource` for where it
/// comes from and how it was approximated); `--fx FILE` replaces it with a CSV
/// of the same columns: `currency,month,units_per_usd` (`month` as `YYYY-MM`).
public struct FXTable: Sendable {
    /// Rates per currency, keyed by month index (`year * 12 + month − 1`).
    private var rates: [String: [Int: Double]]
    /// Where the rates come from, for run summaries.
    public let source: String

    /// The currencies in the table (USD is always implied), sorted.
    public var currencies: [String] { (Array(rates.keys) + ["USD"]).sorted() }

    /// Parses a rates CSV.
    /// - Throws: `CSVTableError` naming the file and line of a malformed row.
    public init(csv bytes: [UInt8], source: String) throws(CSVTableError) {
        let table = try CSVTable(bytes: bytes, source: source)
        guard let ci = table.column("currency"), let mi = table.column("month"), let ri = table.column("units_per_usd") else {
            throw CSVTableError(source: source, line: 1, message: "expected the columns currency,month,units_per_usd")
        }
        var rates: [String: [Int: Double]] = [:]
        for (row, line) in zip(table.rows, table.lines) {
            let cur = row[ci].uppercased()
            guard cur.count == 3, cur.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw CSVTableError(source: source, line: line, message: "currency '\(row[ci])' is not a 3-letter ISO 4217 code")
            }
            guard let month = FXTable.monthIndex(row[mi]) else {
                throw CSVTableError(source: source, line: line, message: "month '\(row[mi])' is not YYYY-MM")
            }
            guard let rate = Double(row[ri]), rate.isFinite, rate > 0 else {
                throw CSVTableError(source: source, line: line, message: "units_per_usd '\(row[ri])' is not a positive number")
            }
            rates[cur, default: [:]][month] = rate
        }
        self.rates = rates
        self.source = source
    }

    /// The table that ships with TradeScan.
    public static let standard: FXTable = {
        do {
            return try FXTable(csv: Array(defaultCSV.utf8), source: "built-in table: " + defaultSource)
        } catch {
            preconditionFailure("the built-in FX table is malformed: \(error)")
        }
    }()

    /// Units of `currency` per US dollar in the given month, or `nil` when the
    /// table has no rate for it. USD is always 1.
    public func unitsPerUSD(_ currency: String, year: Int, month: Int) -> Double? {
        if currency == "USD" { return 1 }
        let code = rates[currency] == nil ? FXTable.aliases[currency] ?? currency : currency
        return rates[code]?[year * 12 + month - 1]
    }

    /// Names feeds use for a currency of the table, read as its ISO 4217 code
    /// (a table that lists one of them itself is read as it says): Chinese
    /// customs data writes the yuan as RMB, offshore trade as CNH.
    public static let aliases: [String: String] = ["RMB": "CNY", "CNH": "CNY"]

    /// `YYYY-MM` to a month index, or `nil`.
    static func monthIndex(_ text: String) -> Int? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m) else { return nil }
        return y * 12 + m - 1
    }
}
