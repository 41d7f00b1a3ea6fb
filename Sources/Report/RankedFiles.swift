import CSVCore
import Declarations
import Detectors
import Foundation
import Scoring

/// ranked.csv (every accepted row, highest risk first) and ranked.jsonl (the
/// explained rows, in the same order), in one pass.
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

    /// Rows per block: blocks are rendered in parallel and written in order.
    static let blockRows = 16_384

    /// Writes both files: ranked.csv with every row (reasons for the rows
    /// `explain` covers), ranked.jsonl with the explained rows. Cells of
    /// ranked.csv that a spreadsheet could run as a formula (first character
    /// `=`, `+`, `-`, `@`, tab, CR) get a leading `'`. In ranked.jsonl,
    /// `scores` and `contributions` list the detectors whose value is not 0,
    /// and empty key fields are left out.
    public static func write(_ data: ReportData, csv csvPath: String, jsonl jsonlPath: String, explain: ExplainScope = .flagged,
                             threads: Int = 0) throws {
        let csvFile = try OutputFile(path: csvPath)
        let jsonFile = try OutputFile(path: jsonlPath)
        var w = CSVWriter()
        w.record(header(data))
        try csvFile.write(w.buffer)
        let cells = KeyCells(data.table)
        let blocks = (data.ranking.count + blockRows - 1) / blockRows
        let workers = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
        // A wave of blocks is rendered in parallel while the wave before it is
        // written (copying into the page cache is a third of the cost); at most
        // two waves are alive, which keeps memory bounded.
        let writer = DispatchQueue(label: "tradescan.ranked-files")
        let written = DispatchGroup()
        nonisolated(unsafe) var failure: (any Error)?
        nonisolated(unsafe) let files = (csv: csvFile, json: jsonFile)
        var next = 0
        while next < blocks {
            let upper = min(blocks, next + workers * 2)
            let rendered = Parallel.map(next..<upper, threads: workers) { b in
                render(data, cells: cells, explain: explain, ranks: (b * blockRows)..<min(data.ranking.count, (b + 1) * blockRows))
            }
            written.wait()
            if let failure { throw failure }
            writer.async(group: written) {
                do {
                    for (c, j) in rendered {
                        try files.csv.write(c)
                        if !j.isEmpty { try files.json.write(j) }
                    }
                } catch { failure = error }
            }
            next = upper
        }
        written.wait()
        if let failure { throw failure }
        try csvFile.close()
        try jsonFile.close()
    }

    /// ranked.csv and ranked.jsonl bytes of the rows at `ranks`.
    static func render(_ data: ReportData, cells: KeyCells, explain: ExplainScope, ranks: Range<Int>) -> ([UInt8], [UInt8]) {
        let t = data.table
        var w = CSVWriter(capacity: ranks.count * 256)
        var j = JSONBytes()
        let names = data.scores.names
        // Columns bound once, outside the row loop.
        let ranking = data.ranking, risk = data.risk, lanes = data.lanes.lane, explored = data.lanes.explored
        let columns = data.scores.columns, itemNo = t.itemNo, valueUSD = t.valueUSD, line = t.line, ids = t.declarationID
        let netWeight = t.numbers(.netWeightKg) ?? []
        // Everything a CSV row needs, gathered for the block one column at a
        // time (see `KeyCells.gather`); the render below then reads the block's
        // own small arrays.
        let rows = ranks.map { ranking[$0] }
        let keyCells = cells.gather(rows)
        let detectors = columns.count
        var blockScores = [Double](repeating: 0, count: rows.count * detectors)
        for d in 0..<detectors {
            let column = columns[d]
            for i in rows.indices { blockScores[i * detectors + d] = column[rows[i]] }
        }
        let blockRisk = rows.map { risk[$0] }, blockLane = rows.map { lanes[$0] }, blockExplored = rows.map { explored[$0] }
        let blockItem = rows.map { itemNo[$0] }, blockLine = rows.map { line[$0] }, blockValue = rows.map { valueUSD[$0] }
        let blockWeight = netWeight.isEmpty ? [] : rows.map { netWeight[$0] }
        // Arenas are read in place for the whole block (no slice, so no retain, per cell).
        let laneCells = RankedFiles.laneCells, one = RankedFiles.one, zero = RankedFiles.zero
        cells.withWriter { cellWriter in
            ids.bytes.withUnsafeBytes { idBytes in
                let idEnds = ids.offsets
                for (i, k) in ranks.enumerated() {
                    let row = rows[i]
                    let lane = blockLane[i]
                    let explained = explain.explains(rank: k, lane: lane)
                    let reasons = explained ? data.reasons(row) : []
                    let status = lane == .green ? "" : data.flagStatus(row)
                    w.field(int: k + 1)
                    w.field(raw: UnsafeRawBufferPointer(rebasing: idBytes[idEnds[row]..<idEnds[row + 1]]), neutralise: true)
                    w.field(int: Int(blockItem[i]))
                    w.field(decimal: blockRisk[i])
                    w.field(encoded: laneCells[Int(lane.rawValue)])
                    w.field(encoded: blockExplored[i] ? one : zero)
                    if status.isEmpty { w.field(encoded: []) } else { w.field(text: status) }
                    if reasons.isEmpty { w.field(encoded: []) } else {
                        w.field(text: reasons.prefix(reasonsInCSV).map(\.text).joined(separator: "; "), neutralise: true)
                    }
                    for d in 0..<detectors { w.field(decimal: blockScores[i * detectors + d]) }
                    let c = i * KeyCells.perRow
                    for f in 0..<9 { cellWriter.write(cell: keyCells[c + f], &w) }
                    decimal(blockValue[i], places: 2, &w)
                    if !blockWeight.isEmpty, blockWeight[i].isFinite { decimal(blockWeight[i], places: 3, &w) } else { w.field(encoded: []) }
                    cellWriter.write(cell: keyCells[c + 9], &w)
                    w.field(int: Int(blockLine[i]))
                    w.endRecord()
                    guard explained else { continue }
                    json(data, rank: k, row: row, reasons: reasons, status: status, names: names, into: &j)
                }
            }
        }
        return (w.buffer, j.buffer)
    }

    private static let laneCells = Lane.allCases.map { Array($0.name.utf8) }
    private static let one: [UInt8] = [UInt8(ascii: "1")], zero: [UInt8] = [UInt8(ascii: "0")]

    /// A number cell as `Format.decimal` spells it (empty when not finite).
    @inline(__always)
    private static func decimal(_ v: Double, places: Int, _ w: inout CSVWriter) {
        guard v.isFinite, abs(v) >= 1e15 else { return w.field(decimal: v, places: places) }
        w.field(Format.decimal(v, places: places))
    }

    /// One ranked.jsonl line.
    static func json(_ data: ReportData, rank k: Int, row: Int, reasons: [Reason], status: String, names: [String], into j: inout JSONBytes) {
        let t = data.table
        let fields: [String] = [
            data.date(row), data.trader(row), data.counterparty(row), data.country(.counterparty, row),
            data.country(.origin, row), data.country(.destination, row), data.country(.trading, row),
            data.country(.finalDestination, row), data.text(.hsCode, row),
            Format.decimal(t.valueUSD[row], places: 2), data.number(.netWeightKg, row).map { Format.decimal($0, places: 3) } ?? "",
        ]
        j.raw("{\"rank\":"); j.int(k + 1)
        j.raw(",\"declaration_id\":"); j.string(t.declarationID.string(row))
        j.raw(",\"item_no\":"); j.int(Int(t.itemNo[row]))
        j.raw(",\"risk_score\":"); j.number(data.risk[row])
        j.raw(",\"lane\":"); j.string(data.lanes.lane[row].name)
        j.raw(",\"exploration\":"); j.bool(data.lanes.explored[row])
        j.raw(",\"previous\":"); if status.isEmpty { j.raw("null") } else { j.string(status) }
        j.raw(",\"scores\":{")
        var first = true
        for (d, name) in names.enumerated() where data.scores.columns[d][row] != 0 {
            if !first { j.comma() }
            first = false
            j.key(name); j.number(data.scores.columns[d][row])
        }
        j.raw("},\"contributions\":{")
        first = true
        if data.risk[row] > 0 {
            for (d, name) in names.enumerated() {
                let c = data.model.contribution(d, score: data.scores.columns[d][row])
                guard c != 0 else { continue }
                if !first { j.comma() }
                first = false
                j.key(name); j.number(c)
            }
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
        first = true
        for (i, name) in keyFields.enumerated() where !fields[i].isEmpty {
            if !first { j.comma() }
            first = false
            j.key(name); j.string(fields[i])
        }
        j.raw("},\"file\":"); j.string(t.files[Int(t.fileIndex[row])])
        j.raw(",\"line\":"); j.int(Int(t.line[row]))
        j.raw("}\n")
    }
}
