import CSVCore
import Declarations
import Detectors
import Foundation
import Scoring

/// ranked.csv and ranked.jsonl: every accepted row, highest risk first, in one pass.
public enum RankedFiles {
    /// Key fields written for every row, after the detector scores.
    static let keyFields = ["declaration_date", "trader", "counterparty", "counterparty_country", "origin_country",
                            "destination_country", "trading_country", "final_destination_country", "hs_code",
                            "value_usd", "net_weight_kg"]

    /// How many reasons ranked.csv spells out per row (ranked.jsonl has them all).
    public static let reasonsInCSV = 3

    public static func header(_ data: ReportData) -> [String] {
        ["rank", "declaration_id", "item_no", "risk_score", "lane", "exploration", "previous", "reasons"]
            + data.scores.names + keyFields + ["file", "line"]
    }

    /// Writes both files. Cells of ranked.csv that a spreadsheet could run as a
    /// formula (first character `=`, `+`, `-`, `@`, tab, CR) get a leading `'`.
    public static func write(_ data: ReportData, csv csvPath: String, jsonl jsonlPath: String) throws {
        let csvFile = try OutputFile(path: csvPath)
        let jsonFile = try OutputFile(path: jsonlPath)
        let t = data.table
        var w = CSVWriter(capacity: 9 << 20)
        var j = JSONBytes()
        j.buffer.reserveCapacity(9 << 20)
        w.record(header(data))
        let files = t.files.map(RejectLog.neutralised)
        let names = data.scores.names
        for (k, row) in data.ranking.enumerated() {
            let reasons = data.reasons(row)
            let id = t.declarationID.string(row)
            let lane = data.lanes.lane[row].name
            let explored = data.lanes.explored[row]
            let status = data.flagStatus(row)
            let fields: [String] = [
                data.date(row), data.trader(row), data.counterparty(row), data.country(.counterparty, row),
                data.country(.origin, row), data.country(.destination, row), data.country(.trading, row),
                data.country(.finalDestination, row), data.text(.hsCode, row),
                Format.decimal(t.valueUSD[row], places: 2), data.number(.netWeightKg, row).map { Format.decimal($0, places: 3) } ?? "",
            ]

            w.field(int: k + 1)
            w.field(RejectLog.neutralised(id))
            w.field(int: Int(t.itemNo[row]))
            w.field(decimal: data.risk[row])
            w.field(lane)
            w.field(explored ? "1" : "0")
            w.field(status)
            w.field(RejectLog.neutralised(reasons.prefix(reasonsInCSV).map(\.text).joined(separator: "; ")))
            for c in data.scores.columns { w.field(decimal: c[row]) }
            for f in fields { w.field(RejectLog.neutralised(f)) }
            w.field(files[Int(t.fileIndex[row])])
            w.field(int: Int(t.line[row]))
            w.endRecord()

            j.raw("{\"rank\":"); j.int(k + 1)
            j.raw(",\"declaration_id\":"); j.string(id)
            j.raw(",\"item_no\":"); j.int(Int(t.itemNo[row]))
            j.raw(",\"risk_score\":"); j.number(data.risk[row])
            j.raw(",\"lane\":"); j.string(lane)
            j.raw(",\"exploration\":"); j.bool(explored)
            j.raw(",\"previous\":"); if status.isEmpty { j.raw("null") } else { j.string(status) }
            j.raw(",\"scores\":{")
            for (d, name) in names.enumerated() {
                if d > 0 { j.comma() }
                j.key(name); j.number(data.scores.columns[d][row])
            }
            j.raw("},\"contributions\":{")
            for (d, name) in names.enumerated() {
                if d > 0 { j.comma() }
                j.key(name); j.number(data.model.contribution(d, score: data.scores.columns[d][row]))
            }
            j.raw("},\"reasons\":[")
            for (i, r) in reasons.enumerated() {
                if i > 0 { j.comma() }
                j.raw("{\"detector\":"); j.string(r.detector)
                j.raw(",\"text\":"); j.string(r.text)
                j.raw(",\"strength\":"); j.number(r.strength)
                j.raw(",\"evidence\":{")
                for (e, kv) in r.evidence.sorted(by: { $0.key < $1.key }).enumerated() {
                    if e > 0 { j.comma() }
                    j.key(kv.key); j.string(kv.value)
                }
                j.raw("}}")
            }
            j.raw("],\"fields\":{")
            for (i, name) in keyFields.enumerated() {
                if i > 0 { j.comma() }
                j.key(name); j.string(fields[i])
            }
            j.raw("},\"file\":"); j.string(t.files[Int(t.fileIndex[row])])
            j.raw(",\"line\":"); j.int(Int(t.line[row]))
            j.raw("}\n")

            if w.buffer.count >= 8 << 20 {
                try csvFile.write(w.buffer)
                w.buffer.removeAll(keepingCapacity: true)
            }
            if j.buffer.count >= 8 << 20 {
                try jsonFile.write(j.buffer)
                j.buffer.removeAll(keepingCapacity: true)
            }
        }
        try csvFile.write(w.buffer)
        try jsonFile.write(j.buffer)
        try csvFile.close()
        try jsonFile.close()
    }
}
