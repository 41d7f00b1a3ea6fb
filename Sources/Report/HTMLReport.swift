import Declarations
import Detectors
import Foundation
import Scoring

/// report.html: one self-contained page (inline CSS and SVG, no script, no
/// network). A Content-Security-Policy forbids scripts outright, and every
/// piece of input text is escaped, so nothing from a declaration can run.
public enum HTMLReport {
    public struct Facts: Sendable {
        /// Label → value rows of the summary table (already plain text).
        public var rows: [(String, String)]
        public var skipped: [(name: String, reason: String)]
        public init(rows: [(String, String)], skipped: [(name: String, reason: String)]) {
            self.rows = rows
            self.skipped = skipped
        }
    }

    public static let topDeclarations = 100
    public static let topParties = 50
    public static let topCorridors = 4

    public static func render(_ data: ReportData, parties: PartiesTable, facts: Facts) -> String {
        var h = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>TradeScan risk report</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
            h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}
            table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:3px 6px;vertical-align:top;text-align:left}
            th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
            .red{background:#fadbd8}.amber{background:#fdebd0}.green{background:#e9f7ef}
            ul.r{margin:0;padding-left:16px}.charts{display:flex;flex-wrap:wrap;gap:16px}
            .small{color:#666;font-size:12px}
            </style></head><body>
            <h1>TradeScan risk report</h1>

            """
        h += "<h2>Summary</h2><table id=\"summary\">"
        for (k, v) in facts.rows { h += "<tr><th>\(htmlEscaped(k))</th><td>\(htmlEscaped(v))</td></tr>" }
        h += "</table>"
        if !facts.skipped.isEmpty {
            h += "<p>Detectors skipped: " + facts.skipped.map { "<code>\(htmlEscaped($0.name))</code> (\(htmlEscaped($0.reason)))" }.joined(separator: ", ") + "</p>"
        }
        h += "<p class=\"small\">Risk score = Σ weight × (detector score − its background), in log10-odds units; "
        h += "background = the detector's 99th percentile on the fit data. Weights: "
        h += data.model.terms.map { "\(htmlEscaped($0.detector)) \(Format.decimal($0.weight)) (background \(Format.decimal($0.background)))" }.joined(separator: ", ")
        h += ".</p>"

        h += "<h2>Charts</h2><div class=\"charts\">"
        h += "<figure><figcaption>Risk distribution (rows per risk band)</figcaption>" + riskHistogram(data) + "</figure>"
        h += "<figure><figcaption>Red-lane rows each detector contributes to</figcaption>" + flagsPerDetector(data) + "</figure>"
        h += "</div>"
        h += corridorCharts(data)

        h += "<h2>Top \(min(topDeclarations, data.ranking.count)) declarations</h2>"
        h += "<table id=\"top\"><tr><th>rank</th><th>declaration</th><th>item</th><th>risk</th><th>lane</th><th>reasons</th><th>date</th><th>trader</th><th>counterparty</th><th>route</th><th>code</th><th>description</th><th>USD</th><th>kg</th></tr>"
        for (k, row) in data.ranking.prefix(topDeclarations).enumerated() {
            let lane = data.lanes.lane[row]
            let route = [data.country(.origin, row), data.country(.destination, row), data.country(.trading, row), data.country(.finalDestination, row)]
                .filter { !$0.isEmpty }.joined(separator: " → ")
            var laneText = lane.name
            if data.lanes.explored[row] { laneText += " (exploration)" }
            let status = data.flagStatus(row)
            if !status.isEmpty { laneText += ", " + status }
            h += "<tr class=\"\(lane.name)\"><td class=\"n\">\(k + 1)</td><td>\(htmlEscaped(data.table.declarationID.string(row)))</td>"
            h += "<td class=\"n\">\(data.table.itemNo[row])</td><td class=\"n\">\(Format.decimal(data.risk[row], places: 2))</td><td>\(htmlEscaped(laneText))</td><td><ul class=\"r\">"
            for r in data.reasons(row).prefix(4) { h += "<li>\(htmlEscaped(r.text)) <span class=\"small\">(\(htmlEscaped(r.detector)))</span></li>" }
            h += "</ul></td><td>\(data.date(row))</td><td>\(htmlEscaped(data.trader(row)))</td><td>\(htmlEscaped(data.counterparty(row)))</td>"
            var description = data.text(.description, row)
            if description.count > 120 { description = String(description.prefix(119)) + "…" }
            h += "<td>\(htmlEscaped(route))</td><td>\(htmlEscaped(data.text(.hsCode, row)))</td><td>\(htmlEscaped(description))</td>"
            h += "<td class=\"n\">\(Format.decimal(data.table.valueUSD[row], places: 0))</td><td class=\"n\">\(data.number(.netWeightKg, row).map { Format.decimal($0, places: 1) } ?? "")</td></tr>"
        }
        h += "</table>"

        h += "<h2>Parties by aggregated risk (top \(min(topParties, parties.parties.count)))</h2>"
        h += "<table id=\"parties\"><tr><th>rank</th><th>role</th><th>name</th><th>id</th><th>country</th><th>declarations</th><th>red</th><th>amber</th><th>risk (sum)</th><th>risk (max)</th><th>main detector</th><th>first seen</th><th>last seen</th><th>spellings</th></tr>"
        for (k, p) in parties.parties.prefix(topParties).enumerated() {
            h += "<tr><td class=\"n\">\(k + 1)</td><td>\(p.role)</td><td>\(htmlEscaped(p.name))</td><td>\(htmlEscaped(p.id))</td><td>\(htmlEscaped(p.country))</td>"
            h += "<td class=\"n\">\(p.declarations)</td><td class=\"n\">\(p.red)</td><td class=\"n\">\(p.amber)</td>"
            h += "<td class=\"n\">\(Format.decimal(p.riskSum, places: 2))</td><td class=\"n\">\(Format.decimal(p.riskMax, places: 2))</td>"
            h += "<td>\(htmlEscaped(p.topDetector))</td><td>\(CivilDate(daysSinceEpoch: Int(p.firstSeen)))</td><td>\(CivilDate(daysSinceEpoch: Int(p.lastSeen)))</td><td class=\"n\">\(p.spellings)</td></tr>"
        }
        h += "</table>"
        h += "<p class=\"small\">Written by TradeScan. Full lists: ranked.csv, ranked.jsonl, parties.csv, corridors.csv, rejects.csv.</p>"
        h += "</body></html>\n"
        return h
    }

    /// Rows per risk band: 0, (0,1], (1,2], … (9,10], over 10.
    static func riskHistogram(_ data: ReportData) -> String {
        var counts = [Double](repeating: 0, count: 12)
        for r in data.risk {
            let b = r <= 0 || r.isNaN ? 0 : r >= 11 ? 11 : Int(r.rounded(.up))
            counts[b] += 1
        }
        let labels = ["0"] + (1...10).map { "≤\($0)" } + [">10"]
        return SVGCharts.bars(Array(zip(labels, counts)).map { ($0.0, $0.1) }, logScale: true, title: "risk distribution")
    }

    /// Red-lane rows each detector contributes to.
    static func flagsPerDetector(_ data: ReportData) -> String {
        var counts = [Double](repeating: 0, count: data.scores.names.count)
        for row in data.ranking.prefix(data.lanes.redCount) {
            for d in counts.indices where data.model.contribution(d, score: data.scores.columns[d][row]) > 0 { counts[d] += 1 }
        }
        return SVGCharts.bars(Array(zip(data.scores.names, counts)).map { ($0.0, $0.1) }, width: 60 + 100 * Double(counts.count), title: "flags per detector")
    }

    /// The most diverted corridors over time against their baseline.
    static func corridorCharts(_ data: ReportData) -> String {
        guard !data.corridors.isEmpty else { return "<p class=\"small\">No corridor chart: the diversion detector did not run.</p>" }
        var best: [String: Double] = [:]
        var order: [String] = []
        for c in data.corridors {
            let key = c.group + "\u{1F}" + c.destination
            if best[key] == nil { order.append(key); best[key] = 0 }
            if c.afterEvent { best[key] = max(best[key]!, c.diversion) }
        }
        let top = order.filter { best[$0]! > 0 }.sorted { best[$0]! != best[$1]! ? best[$0]! > best[$1]! : $0 < $1 }.prefix(topCorridors)
        guard !top.isEmpty else { return "<p class=\"small\">No corridor rose above its baseline after a control date.</p>" }
        var h = "<h2>Most diverted corridors: observed kg against the baseline fitted before the control</h2><div class=\"charts\">"
        for key in top {
            let rows = data.corridors.filter { $0.group + "\u{1F}" + $0.destination == key }
            let parts = key.split(separator: "\u{1F}").map(String.init)
            h += "<figure>" + SVGCharts.series(months: rows.map(\.month), observed: rows.map(\.observedKg), baseline: rows.map(\.baselineKg),
                                               eventIndex: rows.firstIndex(where: \.afterEvent),
                                               title: "\(parts[0]) to \(parts.count > 1 ? parts[1] : "") (diversion \(Format.decimal(best[key]!, places: 1)))")
            h += "</figure>"
        }
        return h + "</div><p class=\"small\">Solid: observed kg per month. Dashed: baseline. Vertical dashes: the control date.</p>"
    }
}
