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

        /// A row's values as its block gathered them (`RankedFiles.render`): a
        /// line reads none of the table's columns at the row itself, which in
        /// rank order would miss the cache at every read.
        struct RowValues {
            var item: Int32, risk: Double, lane: Lane, explored: Bool, line: UInt32
            /// NaN when the feed has no such column.
            var value: Double, weight: Double
            /// The row's scores, one per detector, at `scores[first...]`.
            var scores: [Double], first: Int
            /// Per detector, its contribution to the risk (empty for a row of risk 0).
            var contributions: [Double]
        }

        /// One ranked.jsonl line. `cells` are the row's key cells (`KeyCells.gather`
        /// order, starting at `cells.first`).
        func line(rank k: Int, id: UnsafeRawBufferPointer, _ v: RowValues, reasons: [Reason], status: String,
                  cells: (writer: KeyCells.CellWriter, indices: [Int32], first: Int), into j: inout JSONBytes) {
            let value = v.value, weight = v.weight
            j.raw("{\"rank\":"); j.int(k + 1)
            j.raw(",\"declaration_id\":"); j.string(utf8: id)
            j.raw(",\"item_no\":"); j.int(Int(v.item))
            j.raw(",\"risk_score\":"); j.number(v.risk)
            j.raw(",\"lane\":"); j.raw(bytes: lanes[Int(v.lane.rawValue)])
            j.raw(",\"exploration\":"); j.bool(v.explored)
            j.raw(",\"previous\":"); if status.isEmpty { j.raw("null") } else { j.string(status) }
            j.raw(",\"scores\":{")
            var first = true
            for d in detectorKeys.indices where v.scores[v.first &+ d] != 0 {
                if !first { j.comma() }
                first = false
                j.raw(bytes: detectorKeys[d]); j.number(v.scores[v.first &+ d])
            }
            j.raw("},\"contributions\":{")
            first = true
            for (d, c) in v.contributions.enumerated() where c != 0 {
                if !first { j.comma() }
                first = false
                j.raw(bytes: detectorKeys[d]); j.number(c)
            }
            j.raw("},\"reasons\":[")
            for (i, r) in reasons.enumerated() {
                if i > 0 { j.comma() }
                j.raw("{\"detector\":"); j.string(r.detector)
                j.raw(",\"text\":"); j.string(r.text)
                j.raw(",\"strength\":"); j.number(r.strength)
                j.raw(",\"evidence\":{")
                for (e, kv) in r.evidence.enumerated() {   // facts come sorted by name
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
            j.raw(",\"line\":"); j.int(Int(v.line))
            j.raw("}\n")
        }
    }
}
