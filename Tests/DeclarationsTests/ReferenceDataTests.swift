import CSVCore
import Declarations
import Testing

@Suite("schema, dates and FX reference data")
struct ReferenceDataTests {
    @Test("headers map to canonical fields", arguments: [
        ("declaration_id", CanonicalField.declarationID), ("Declaration ID", .declarationID),
        ("exporter_id", .traderID), ("EXPORTER-NAME", .traderName), ("consignee_name", .counterpartyName),
        ("Net Mass (kg)", .netWeightKg), ("net.mass", .netWeightKg), ("NET_MASS", .netWeightKg),
        ("Item Price (KRW)", .value), ("HS6 Code", .hsCode), ("Fraud", .outcome), ("export_date", .declarationDate),
        ("Country of Departure", .dispatchCountry), ("Office ID", .port), ("end_use_country", .finalDestinationCountry),
    ])
    func headerMatch(header: String, field: CanonicalField) {
        #expect(CanonicalField.match(header: header) == field)
    }

    @Test("unknown headers do not match", arguments: ["Critical Fraud", "Tax Rate", "colour", ""])
    func headerNoMatch(header: String) {
        #expect(CanonicalField.match(header: header) == nil)
    }

    @Test("civil dates round-trip through days since epoch")
    func civilDates() throws {
        #expect(CivilDate(year: 1970, month: 1, day: 1)?.daysSinceEpoch == 0)
        #expect(CivilDate(iso: "2024-12-03")?.description == "2024-12-03")
        #expect(CivilDate(iso: "2024-02-30") == nil)
        #expect(CivilDate(iso: "2024-2-3") == nil)
        #expect(CivilDate(iso: "2023-08-01")?.weekday == 1)  // a Tuesday
        for day in stride(from: -800_000, through: 800_000, by: 997) {
            let d = CivilDate(daysSinceEpoch: day)
            let c = d.components
            #expect(CivilDate(year: c.year, month: c.month, day: c.day) == d)
        }
    }

    @Test("a date's text is its components zero-padded, for every day of 1900-2100, across year 0 and 9999, and outside them")
    func civilDateText() {
        func padded(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        let first = CivilDate(year: 1900, month: 1, day: 1)!.daysSinceEpoch, last = CivilDate(year: 2100, month: 12, day: 31)!.daysSinceEpoch
        let edges = [CivilDate(year: 0, month: 1, day: 1)!.daysSinceEpoch, CivilDate(year: 9999, month: 12, day: 31)!.daysSinceEpoch]
        var days = Array(first...last) + edges.flatMap { [$0 - 1, $0, $0 + 1] }
        days += stride(from: -4_000_000, through: 4_000_000, by: 7_919).map { $0 }
        for day in days {
            let c = CivilDate(daysSinceEpoch: day).components
            #expect(CivilDate(daysSinceEpoch: day).description == "\(padded(c.year, 4))-\(padded(c.month, 2))-\(padded(c.day, 2))", "day \(day)")
        }
        #expect(CivilDate(year: 2024, month: 2, day: 29)?.description == "2024-02-29")
        #expect(CivilDate(year: 7, month: 3, day: 9)?.description == "0007-03-09")
    }

    @Test("the built-in FX table covers the required currencies monthly from 2019")
    func fxCoverage() throws {
        let fx = FXTable.standard
        for cur in ["USD", "CNY", "EUR", "JPY", "KRW", "GBP", "HKD", "SGD", "THB", "VND", "MYR", "INR", "AED", "MXN", "RUB"] {
            for year in 2019...2026 {
                for month in 1...12 {
                    let r = try #require(fx.unitsPerUSD(cur, year: year, month: month), "\(cur) \(year)-\(month)")
                    #expect(r > 0)
                }
            }
        }
        #expect(fx.unitsPerUSD("CNY", year: 2018, month: 12) == nil)
        #expect(fx.source.contains("approximation"))
        let cny = try #require(fx.unitsPerUSD("CNY", year: 2024, month: 6))
        #expect(cny > 7 && cny < 7.3)
        // RMB and CNH read as CNY, unless a table lists them itself.
        #expect(fx.unitsPerUSD("RMB", year: 2024, month: 6) == cny && fx.unitsPerUSD("CNH", year: 2024, month: 6) == cny)
        #expect(fx.unitsPerUSD("XYZ", year: 2024, month: 6) == nil)
        let own = try FXTable(csv: Array("currency,month,units_per_usd\nCNY,2024-06,7.1\nRMB,2024-06,7.0\n".utf8), source: "fx.csv")
        #expect(own.unitsPerUSD("RMB", year: 2024, month: 6) == 7.0 && own.unitsPerUSD("CNH", year: 2024, month: 6) == 7.1)
    }

    @Test("a malformed FX file names the line")
    func fxErrors() {
        #expect(throws: CSVTableError(source: "fx.csv", line: 3, message: "units_per_usd 'x' is not a positive number")) {
            try FXTable(csv: Array("currency,month,units_per_usd\nEUR,2024-01,0.9\nEUR,2024-02,x\n".utf8), source: "fx.csv")
        }
        #expect(throws: CSVTableError.self) {
            try FXTable(csv: Array("currency,month,units_per_usd\nEUR,2024-13,0.9\n".utf8), source: "fx.csv")
        }
    }
}
