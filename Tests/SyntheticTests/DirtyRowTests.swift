import CSVCore
import Declarations
import Foundation
import Synthetic
import TestSupport
import Testing

@Suite("--dirty bad rows")
struct DirtyRowTests {
    @Test("every bad row is at the line bad_rows.csv names, shows its problem, and every other row is clean")
    func badRowsAtTheirLines() throws {
        let d = try GeneratedData.make(rows: 60_000, seed: 3, dirty: true)
        defer { d.dir.remove() }
        let bytes = try d.file("declarations.csv")
        let t = ScalarTokenizer.tokenize(bytes)
        let bad = try CSVTable(bytes: d.file("bad_rows.csv"))
        #expect(bad.header == ["line", "declaration_id", "item_no", "kind", "problem", "expected", "reason"])
        var byLine: [Int: [String]] = [:]
        for r in bad.rows { byLine[Int(r[0])!] = r }
        #expect(Set(bad.rows.map { $0[3] }) == Set(DirtyKind.allCases.map(\.rawValue)), "every kind occurs")
        #expect(bad.rows.count > 100)

        var recordAtLine: [Int: Int] = [:]
        for r in 0..<t.recordCount { recordAtLine[t.recordLine[r]] = r }
        let utf8OK: (Int) -> Bool = { r in
            let range = t.recordOffset[r]..<(r + 1 < t.recordCount ? t.recordOffset[r + 1] : bytes.count)
            return String(validating: bytes[range], as: UTF8.self) != nil
        }
        func fields(_ r: Int) -> [String] {
            bytes.withUnsafeBytes { buf in
                t.fields(ofRecord: r).map { FieldValue.string(buf, start: t.fieldStart[$0], end: t.fieldEnd[$0], flags: t.fieldFlags[$0]) }
            }
        }
        func rawLine(_ r: Int) -> [UInt8] {
            let end = r + 1 < t.recordCount ? t.recordOffset[r + 1] : bytes.count
            return Array(bytes[t.recordOffset[r]..<end])
        }
        let col = { (name: String) in d.header.firstIndex(of: name)! }

        for (line, entry) in byLine {
            let r = try #require(recordAtLine[line], "no record starts at line \(line)")
            let f = fields(r)
            #expect(f[0] == entry[1], "line \(line): key \(f[0]) vs \(entry[1])")
            let kind = DirtyKind(rawValue: entry[3])!
            #expect(entry[5] == kind.expectedHandling)
            switch kind {
            case .wrongFieldCount: #expect(f.count != 21)
            case .strayQuote: #expect(t.recordFlags[r].contains(.strayQuote) && f.count == 21)
            case .unparsableNumber: #expect(Double(f[col("net_weight_kg")]) == nil || Double(f[col("declared_value")]) == nil)
            case .badDate: #expect(CivilDate(iso: f[col("export_date")]) == nil)
            case .emptyTariffCode: #expect(f[col("hs_code")].isEmpty)
            case .negativeWeight: #expect((Double(f[col("net_weight_kg")]) ?? 0) < 0)
            case .invalidUTF8: #expect(!utf8OK(r))
            case .crlfEnding: #expect(rawLine(r).suffix(2) == [0x0D, 0x0A])
            case .duplicateRowKey:
                let prev = fields(r - 1)
                #expect(f[0] == prev[0] && f[1] == prev[1], "line \(line) repeats the previous key")
            case .unterminatedQuote:
                #expect(t.recordFlags[r].contains(.unterminatedQuote))
                #expect(r == t.recordCount - 1)
            }
        }
        // Nothing else is bad: 21 fields, valid UTF-8, numbers and dates parse, tariff code present.
        var keys = Set<String>()
        for r in 1..<t.recordCount where byLine[t.recordLine[r]] == nil {
            let f = fields(r)
            #expect(f.count == 21, "line \(t.recordLine[r])")
            guard f.count == 21 else { continue }
            #expect(utf8OK(r) && t.recordFlags[r].isEmpty)
            #expect(CivilDate(iso: f[col("export_date")]) != nil)
            #expect(!f[col("hs_code")].isEmpty)
            #expect((Double(f[col("net_weight_kg")]) ?? -1) >= 0 && Double(f[col("declared_value")]) != nil)
            #expect(keys.insert(f[0] + "/" + f[1]).inserted, "duplicate key at line \(t.recordLine[r])")
        }
    }
}
