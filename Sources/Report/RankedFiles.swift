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
        let idDigits = blockIDs.digitWidth
        // Room an explained row's contributions, reasons and detector order are made in, reused row after row.
        var contributions: [Double] = [], reasons: [Reason] = [], order: [Int] = []
        contributions.reserveCapacity(detectors)
        // Arenas are read in place for the whole block (no slice, so no retain, per cell).
        cells.withWriter { cellWriter in
            for (i, k) in ranks.enumerated() {
                let row = rows[i]
                let lane = blockLane[i]
                let explained = explain.explains(rank: k, lane: lane)
                // The row's contributions from the block's scores (explained rows with risk only; else none).
                contributions.removeAll(keepingCapacity: true)
                reasons.removeAll(keepingCapacity: true)
                if explained && blockRisk[i] > 0 {
                    for d in 0..<detectors { contributions.append(model.contribution(d, score: blockScores[i &* detectors &+ d])) }
                    data.reasons(row, contributions: contributions, into: &reasons, order: &order)
                }
                let status = lane == .green ? "" : data.flagStatus(row)
                let weight = blockWeight.isEmpty ? Double.nan : blockWeight[i]
                let reasonText = RankedFiles.reasonText(reasons)
                csvRow(rank: k, id: i, ids: blockIDs, idDigits: idDigits, item: blockItem[i], risk: blockRisk[i], lane: lane,
                       explored: blockExplored[i], status: status, reasons: reasonText,
                       scores: blockScores, first: i &* detectors, detectors: detectors,
                       cells: (cellWriter, keyCells, i &* KeyCells.perRow), value: blockValue[i], weight: weight,
                       line: blockLine[i], &w)
                guard explained else { continue }
                let values = JSONParts.RowValues(
                    item: blockItem[i], risk: blockRisk[i], lane: lane, explored: blockExplored[i], line: blockLine[i],
                    value: blockValue[i], weight: weight, scores: blockScores, first: i &* detectors, contributions: contributions)
                blockIDs.withBytes(i) { id in
                    json.line(rank: k, id: id, values, reasons: reasons, status: status, cells: (cellWriter, keyCells, i &* KeyCells.perRow), into: &j)
                }
            }
        }
    }


    /// ranked.csv's reasons cell: the first `reasonsInCSV` reasons' texts joined by "; ", made in one string.
    static func reasonText(_ reasons: [Reason]) -> String {
        guard !reasons.isEmpty else { return "" }
        let shown = reasons.prefix(reasonsInCSV)
        var text = ""
        text.reserveCapacity(shown.reduce(0) { $0 + $1.text.utf8.count + 2 })
        for (n, r) in shown.enumerated() {
            if n > 0 { text += "; " }
            text += r.text
        }
        return text
    }

    /// One ranked.csv row. Its numbers and key cells go through `FieldCursor`s
    /// (room reserved once per run of fields, no check per field); the text
    /// fields that may need quoting (an id not all digits, the flag status,
    /// the reasons) through the writer. A function of its own, out of line,
    /// so the block loop around it stays small.
    @inline(never)
    static func csvRow(rank k: Int, id i: Int, ids: StringColumn, idDigits: Int?, item: Int32, risk: Double, lane: Lane,
                       explored: Bool, status: String, reasons: String, scores: [Double], first: Int, detectors: Int,
                       cells: (writer: KeyCells.CellWriter, indices: [Int32], first: Int), value: Double, weight: Double,
                       line: UInt32, _ w: inout CSVWriter) {
        var c = w.cursor(reserving: 2 * FieldCursor.intRoom)
        c.int(k &+ 1)
        if let idDigits {
            c.digits(ids.number(i), count: idDigits)
            w.commit(c)
        } else {
            w.commit(c)
            ids.withBytes(i) { w.field(raw: $0, neutralise: true) }
        }
        c = w.cursor(reserving: FieldCursor.intRoom + FieldCursor.decimalRoom + 8)
        c.int(Int(item))
        c.decimal(risk, places: 4)
        c.static(lane.staticName)
        c.static(explored ? "1" : "0")
        w.commit(c)
        if status.isEmpty { w.field(static: "") } else { w.field(text: status) }
        if reasons.isEmpty { w.field(static: "") } else { w.field(text: reasons, neutralise: true) }
        // Scores, key cells, value, weight, file, line.
        var cellBytes = 0
        for f in 0..<KeyCells.perRow { cellBytes &+= cells.writer.count(cell: cells.indices[cells.first &+ f]) &+ 1 }
        c = w.cursor(reserving: (detectors &+ 2) &* FieldCursor.decimalRoom &+ cellBytes &+ FieldCursor.intRoom)
        scores.withUnsafeBufferPointer { s in
            for d in 0..<detectors { c.decimal(s[first &+ d], places: 4) }
        }
        for f in 0..<9 { cells.writer.write(cell: cells.indices[cells.first &+ f], &c) }
        c.decimal(value, places: 2)
        c.decimal(weight, places: 3)
        cells.writer.write(cell: cells.indices[cells.first &+ 9], &c)
        c.int(Int(line))
        w.commit(c)
        w.endRecord()
    }
}
