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
    /// A block's ranked.csv bytes (about 900 KB) stay in a core's L2 cache
    /// until they are written.
    static let blockRows = 4_096

    /// Writes both files: ranked.csv with every row (reasons for the rows
    /// `explain` covers), ranked.jsonl with the explained rows. Cells of
    /// ranked.csv that a spreadsheet could run as a formula (first character
    /// `=`, `+`, `-`, `@`, tab, CR) get a leading `'`. In ranked.jsonl,
    /// `scores` and `contributions` list the detectors whose value is not 0,
    /// and empty key fields are left out.
    ///
    /// With `directIO`, both files are written around the page cache where the
    /// file system allows it (`DirectOutputFile`): the same bytes, without
    /// copying 2 GB into freshly allocated cache pages or evicting the input
    /// from the cache; the device's time overlaps rendering (a staging buffer is
    /// written on a thread of its own while the next one fills).
    public static func write(_ data: ReportData, csv csvPath: String, jsonl jsonlPath: String, explain: ExplainScope = .flagged,
                             threads: Int = 0, directIO: Bool = false) throws {
        try write(data, csv: csvPath, jsonl: jsonlPath, explain: explain, threads: threads, blockRows: blockRows, directIO: directIO)
    }

    /// `write` in blocks of `blockRows` rows (tests use small blocks; the files do not depend on it).
    static func write(_ data: ReportData, csv csvPath: String, jsonl jsonlPath: String, explain: ExplainScope,
                      threads: Int, blockRows: Int, directIO: Bool = false) throws {
        let csvFile = try DirectOutputFile(path: csvPath, direct: directIO)
        let jsonFile = try DirectOutputFile(path: jsonlPath, direct: directIO)
        var w = CSVWriter()
        w.record(header(data))
        try w.withBytes { (b) throws(OutputFileError) in try csvFile.write(b) }
        let cells = KeyCells(data.table)
        let blocks = (data.ranking.count + blockRows - 1) / blockRows
        let workers = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
        // Blocks are rendered on every core and each is written, in rank
        // order, by the thread that rendered it while its bytes are still in
        // cache (see `OrderedBlocks`).
        let files = (csv: csvFile, json: jsonFile)
        try OrderedBlocks.run(count: blocks, threads: workers, make: { RenderedBlock(rows: blockRows) }) { b, block in
            block.csv.removeAll()
            block.json.removeAll()
            render(data, cells: cells, explain: explain, ranks: (b * blockRows)..<min(data.ranking.count, (b + 1) * blockRows),
                   csv: &block.csv, json: &block.json)
        } write: { block in
            try block.csv.withBytes { (b) throws(OutputFileError) in try files.csv.write(b) }
            try block.json.bytes.withBytes { (b) throws(OutputFileError) in try files.json.write(b) }
        }
        try csvFile.close()
        try jsonFile.close()
    }

    /// One block's ranked.csv and ranked.jsonl bytes; reused block after block.
    final class RenderedBlock: @unchecked Sendable {
        var csv: CSVWriter
        var json = JSONBytes()

        init(rows: Int) { csv = CSVWriter(capacity: rows * 256) }
    }

    /// Appends the ranked.csv and ranked.jsonl bytes of the rows at `ranks`.
    static func render(_ data: ReportData, cells: KeyCells, explain: ExplainScope, ranks: Range<Int>,
                       csv w: inout CSVWriter, json j: inout JSONBytes) {
        let t = data.table
        // Columns bound once, outside the row loop.
        let ranking = data.ranking, risk = data.risk, lanes = data.lanes.lane, explored = data.lanes.explored
        let columns = data.scores.columns, itemNo = t.itemNo, valueUSD = t.valueUSD, line = t.line, ids = t.declarationID
        let model = data.model
        let netWeight = t.numbers(.netWeightKg) ?? []
        let json = JSONParts(data)
        // Everything a CSV row needs, gathered for the block one column at a
        // time (see `KeyCells.gather`); the render below then reads the block's
        // own small arrays.
        let rows = ranks.map { ranking[$0] }
        let keyCells = cells.gather(rows)
        let blockIDs = ids.gather(rows)
        let detectors = columns.count
        var blockScores = [Double](repeating: 0, count: rows.count * detectors)
        for d in 0..<detectors { columns[d].gather(rows, into: &blockScores, offset: d, stride: detectors) }
        let blockRisk = rows.map { risk[$0] }, blockLane = rows.map { lanes[$0] }, blockExplored = rows.map { explored[$0] }
        let blockItem = rows.map { itemNo[$0] }, blockLine = rows.map { line[$0] }, blockValue = rows.map { valueUSD[$0] }
        let blockWeight = netWeight.isEmpty ? [] : rows.map { netWeight[$0] }
        // Arenas are read in place for the whole block (no slice, so no retain, per cell).
        cells.withWriter { cellWriter in
            for (i, k) in ranks.enumerated() {
                let row = rows[i]
                let lane = blockLane[i]
                let explained = explain.explains(rank: k, lane: lane)
                // The row's contributions from the block's scores (explained rows with risk only).
                let contributions = explained && blockRisk[i] > 0
                    ? (0..<detectors).map { model.contribution($0, score: blockScores[i &* detectors &+ $0]) } : []
                let reasons = contributions.isEmpty ? [] : data.reasons(row, contributions: contributions)
                let status = lane == .green ? "" : data.flagStatus(row)
                let weight = blockWeight.isEmpty ? Double.nan : blockWeight[i]
                w.reserve(1024)
                w.field(int: k + 1)
                blockIDs.withBytes(i) { w.field(raw: $0, neutralise: true) }
                w.field(int: Int(blockItem[i]))
                decimal(blockRisk[i], places: 4, &w)
                // Static cells: a shared array would be retained and released per row by every thread.
                w.field(static: lane.staticName)
                w.field(static: blockExplored[i] ? "1" : "0")
                if status.isEmpty { w.field(static: "") } else { w.field(text: status) }
                if reasons.isEmpty { w.field(static: "") } else {
                    w.field(text: reasons.prefix(reasonsInCSV).map(\.text).joined(separator: "; "), neutralise: true)
                }
                for d in 0..<detectors { decimal(blockScores[i * detectors + d], places: 4, &w) }
                let c = i * KeyCells.perRow
                for f in 0..<9 { cellWriter.write(cell: keyCells[c + f], &w) }
                decimal(blockValue[i], places: 2, &w)
                decimal(weight, places: 3, &w)
                cellWriter.write(cell: keyCells[c + 9], &w)
                w.field(int: Int(blockLine[i]))
                w.endRecord()
                guard explained else { continue }
                let values = JSONParts.RowValues(
                    item: blockItem[i], risk: blockRisk[i], lane: lane, explored: blockExplored[i], line: blockLine[i],
                    value: blockValue[i], weight: weight, scores: blockScores, first: i &* detectors, contributions: contributions)
                blockIDs.withBytes(i) { id in
                    json.line(rank: k, id: id, values, reasons: reasons, status: status, cells: (cellWriter, keyCells, c), into: &j)
                }
            }
        }
    }


    /// A number cell as `Format.decimal` spells it (empty when not finite).
    @inline(__always)
    private static func decimal(_ v: Double, places: Int, _ w: inout CSVWriter) {
        guard v.isFinite, !DecimalDigits.covers(v, places: places) else { return w.field(decimal: v, places: places) }
        w.field(Format.decimal(v, places: places))
    }
}
