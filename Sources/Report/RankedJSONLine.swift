import CSVCore
import Detectors
import Scoring

extension RankedFiles {
    /// The parts of a ranked.jsonl line that are the same on every line
    /// (detector keys, key-field keys, lane names), encoded once per block.
    struct JSONParts {
        /// `"name":` per detector, in `scores.names` order.
        let detectorKeys: [[UInt8]]
        /// `"name":` per entry of `keyFields`.
        let fieldKeys: [[UInt8]]
        /// Each lane's name as a JSON string.
        let lanes: [[UInt8]]

        init(_ data: ReportData) {
            func key(_ name: String) -> [UInt8] { JSONBytes.encoded(name) + [UInt8(ascii: ":")] }
            detectorKeys = data.scores.names.map(key)
            fieldKeys = keyFields.map(key)
            lanes = Lane.allCases.map { JSONBytes.encoded($0.name) }
        }

        /// One ranked.jsonl line. `cells` are the row's key cells (`KeyCells.gather`
        /// order, starting at `cells.first`); `weight` is NaN when the feed has none.
        func line(_ data: ReportData, rank k: Int, row: Int, id: UnsafeRawBufferPointer, reasons: [Reason], status: String,
                  cells: (writer: KeyCells.CellWriter, indices: [Int32], first: Int), value: Double, weight: Double,
                  into j: inout JSONBytes) {
            let names = data.scores.names, columns = data.scores.columns
            j.raw("{\"rank\":"); j.int(k + 1)
            j.raw(",\"declaration_id\":"); j.string(utf8: id)
            j.raw(",\"item_no\":"); j.int(Int(data.table.itemNo[row]))
            j.raw(",\"risk_score\":"); j.number(data.risk[row])
            j.raw(",\"lane\":"); j.raw(bytes: lanes[Int(data.lanes.lane[row].rawValue)])
            j.raw(",\"exploration\":"); j.bool(data.lanes.explored[row])
            j.raw(",\"previous\":"); if status.isEmpty { j.raw("null") } else { j.string(status) }
            j.raw(",\"scores\":{")
            var first = true
            for d in names.indices where columns[d][row] != 0 {
                if !first { j.comma() }
                first = false
                j.raw(bytes: detectorKeys[d]); j.number(columns[d][row])
            }
            j.raw("},\"contributions\":{")
            first = true
            if data.risk[row] > 0 {
                for d in names.indices {
                    let c = data.model.contribution(d, score: columns[d][row])
                    guard c != 0 else { continue }
                    if !first { j.comma() }
                    first = false
                    j.raw(bytes: detectorKeys[d]); j.number(c)
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
            for f in 0..<9 {
                let cell = cells.writer.json(cell: cells.indices[cells.first + f])
                guard !cell.isEmpty else { continue }
                if !first { j.comma() }
                first = false
                j.raw(bytes: fieldKeys[f]); j.raw(encoded: cell)
            }
            // value_usd with 2 decimals, net_weight_kg with 3, as ranked.csv spells them.
            if value.isFinite {
                if !first { j.comma() }
                first = false
                j.raw(bytes: fieldKeys[9]); j.decimalString(value, places: 2)
            }
            if weight.isFinite {
                if !first { j.comma() }
                j.raw(bytes: fieldKeys[10]); j.decimalString(weight, places: 3)
            }
            j.raw("},\"file\":")
            let file = cells.writer.json(cell: cells.indices[cells.first + 9])
            if file.isEmpty { j.raw("\"\"") } else { j.raw(encoded: file) }
            j.raw(",\"line\":"); j.int(Int(data.table.line[row]))
            j.raw("}\n")
        }
    }
}
