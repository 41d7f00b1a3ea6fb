import CSVCore
import Declarations
import Detectors
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `tradescan scan`: read, fit every detector whose fields exist, score, rank.
public enum ScanJob {
    public struct Result: Sendable {
        public var ingest: IngestResult
        /// Detector name → scores (row order of the table).
        public var scores: [(name: String, scores: [Double])]
        /// Detectors skipped and why.
        public var skipped: [(name: String, reason: String)]
        /// Row indices, highest risk first.
        public var ranking: [Int]
        public var risk: [Double]
        /// Whether the reject rate allowed a report.
        public var reported: Bool
        public var seconds: [(stage: String, seconds: Double)]
    }

    /// Rows by risk, highest first; equal risks in row-key order (declaration_id
    /// bytes, then item_no), so the output never depends on input order.
    static func rank(_ risk: [Double], table: DeclarationTable) -> [Int] {
        let ids = table.declarationID
        return (0..<risk.count).sorted { a, b in
            if risk[a] != risk[b] { return risk[a] > risk[b] }
            let ia = ids.slice(a), ib = ids.slice(b)
            if ia != ib { return ia.lexicographicallyPrecedes(ib) }
            return table.itemNo[a] < table.itemNo[b]
        }
    }

    /// Share of rows scoring strictly lower, per row (ties share the lower rank).
    static func percentiles(_ s: [Double]) -> [Double] {
        let n = s.count
        guard n > 1 else { return s.map { _ in 0 } }
        let order = s.indices.sorted { s[$0] < s[$1] }
        var out = [Double](repeating: 0, count: n)
        var i = 0
        while i < n {
            var j = i
            while j + 1 < n && s[order[j + 1]] == s[order[i]] { j += 1 }
            for k in i...j { out[order[k]] = Double(i) / Double(n - 1) }
            i = j + 1
        }
        return out
    }

    public static func run(_ inputs: [String], options: IngestOptions, maxRejectRate: Double, out: String,
                           controls: ControlsTable = .standard, parties: PartyList? = nil) throws -> Result {
        let clock = ContinuousClock()
        var stages: [(String, Double)] = []
        var t0 = clock.now
        func lap(_ name: String) {
            let e = t0.duration(to: clock.now)
            stages.append((name, Double(e.components.seconds) + Double(e.components.attoseconds) * 1e-18))
            t0 = clock.now
        }
        let ingest = try Ingest.read(inputs, options: options)
        lap("ingest")
        let table = ingest.table
        var scores: [(String, [Double])] = []
        var skipped: [(String, String)] = []
        var reasoners: [@Sendable (Int) -> [Reason]] = []
        var corridors: [FittedDiversion.CorridorMonth]? = nil
        let reported = ingest.rejectRate <= maxRejectRate
        if reported {
            func run<D: Detector>(_ detector: D) throws {
                let missing = D.missingFields(in: table)
                guard missing.isEmpty else {
                    skipped.append((D.Fitted.name, "missing " + missing.map(\.rawValue).joined(separator: ", ")))
                    return
                }
                let fitted = try detector.fit(table)
                if let diversion = fitted as? FittedDiversion { corridors = diversion.corridorTable }
                lap("fit \(D.Fitted.name)")
                let (s, explain) = fitted.scoresAndExplainer(table)
                scores.append((D.Fitted.name, s))
                reasoners.append(explain)
                lap("score \(D.Fitted.name)")
            }
            try run(UnitValueDetector())
            try run(GoodsCodeDetector(controls: controls))
            try run(LicenceDetector(controls: controls))
            try run(RoutingDetector(controls: controls, parties: parties))
            try run(DiversionDetector(controls: controls))
            try run(NewPartyDetector(controls: controls))
            try run(SplitShipmentDetector(controls: controls))
            if let parties {
                try run(PartyScreeningDetector(parties: parties))
            } else {
                skipped.append((FittedPartyScreening.name, "no --parties list given"))
            }
        }
        // One risk score for now: each row's highest percentile rank among the
        // detectors (issue 6 combines calibrated evidence as log-odds).
        var risk = [Double](repeating: 0, count: table.count)
        for (_, s) in scores {
            let p = percentiles(s)
            for r in risk.indices { risk[r] = max(risk[r], p[r]) }
        }
        let ranking = rank(risk, table: table)
        lap("rank")
        let result = Result(ingest: ingest, scores: scores, skipped: skipped, ranking: ranking, risk: risk, reported: reported, seconds: stages)
        try AtomicDirectory.write(to: out) { dir in
            try Data(RejectLog.csv(ingest.rejects, files: table.files)).write(to: URL(fileURLWithPath: dir + "/rejects.csv"))
            if reported {
                try writeRankedCSV(result, reasons: reasoners, to: dir + "/ranked.csv")
                if let corridors { try writeCorridorsCSV(corridors, to: dir + "/corridors.csv") }
            }
            try Data(summary(result).utf8).write(to: URL(fileURLWithPath: dir + "/summary.md"))
        }
        return result
    }

    /// ranked.csv: every accepted row, highest risk first. Written as bytes (no
    /// `String` per cell); cells that could run as spreadsheet formulas are neutralised.
    static func writeRankedCSV(_ r: Result, reasons: [@Sendable (Int) -> [Reason]], to path: String) throws {
        let file = try OutputFile(path: path)
        let t = r.ingest.table
        var w = CSVWriter(capacity: 9 << 20)
        func flush() throws {
            try file.write(w.buffer)
            w.buffer.removeAll(keepingCapacity: true)
        }
        w.record(["rank", "declaration_id", "item_no", "risk_score"] + r.scores.map(\.name) + ["reasons", "file", "line"])
        // Reasons in words for the top of the list (the red lane analysts read): 1%, at least 1,000 rows.
        let explainTop = min(t.count, max(1000, t.count / 100))
        let files = t.files.map { Array(RejectLog.neutralised($0).utf8) }
        try t.declarationID.bytes.withUnsafeBytes { ids in
            for (k, row) in r.ranking.enumerated() {
                w.field(int: k + 1)
                let lo = t.declarationID.offsets[row], hi = t.declarationID.offsets[row + 1]
                w.field(raw: UnsafeRawBufferPointer(rebasing: ids[lo..<hi]), neutralise: true)
                w.field(int: Int(t.itemNo[row]))
                w.field(decimal: r.risk[row])
                for s in r.scores { w.field(decimal: s.scores[row]) }
                if k < explainTop {
                    w.field(RejectLog.neutralised(reasons.flatMap { $0(row) }.sorted { $0.strength > $1.strength }.prefix(3).map(\.text).joined(separator: "; ")))
                } else {
                    w.field("")
                }
                files[Int(t.fileIndex[row])].withUnsafeBytes { w.field(raw: $0) }
                w.field(int: Int(t.line[row]))
                w.endRecord()
                if w.buffer.count >= 8 << 20 { try flush() }
            }
        }
        try flush()
        try file.close()
    }

    /// corridors.csv: item group × destination × month, observed against the baseline.
    static func writeCorridorsCSV(_ rows: [FittedDiversion.CorridorMonth], to path: String) throws {
        let file = try OutputFile(path: path)
        var w = CSVWriter(capacity: 1 << 20)
        w.record(["item_group", "destination", "month", "observed_kg", "baseline_kg", "observed_usd", "baseline_usd",
                  "surge_score", "new_consignee_share", "diversion_score", "after_control", "restricted_destination"])
        for c in rows {
            w.field(RejectLog.neutralised(c.group))
            w.field(c.destination)
            w.field(c.month)
            w.field(decimal: c.observedKg, places: 3)
            if let b = c.baselineKg { w.field(decimal: b, places: 3) } else { w.field("") }
            w.field(decimal: c.observedUSD, places: 2)
            if let b = c.baselineUSD { w.field(decimal: b, places: 2) } else { w.field("") }
            w.field(decimal: c.surge)
            w.field(decimal: c.newConsigneeShare)
            w.field(decimal: c.diversion)
            w.field(c.afterEvent ? "1" : "0")
            w.field(c.restricted ? "1" : "0")
            w.endRecord()
        }
        try file.write(w.buffer)
        try file.close()
    }

    static func format(_ v: Double) -> String {
        let r = (v * 10_000).rounded() / 10_000
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    static func summary(_ r: Result) -> String {
        var s = IngestSummary.markdown(r.ingest)
        s += "\n## Detectors\n\n"
        for (name, _) in r.scores { s += "- `\(name)`: run\n" }
        for (name, why) in r.skipped { s += "- `\(name)`: skipped (\(why))\n" }
        if !r.reported {
            s += String(format: "\nNo report: %.4f%% of records were rejected, more than --max-reject-rate allows. See rejects.csv.\n", r.ingest.rejectRate * 100)
        }
        s += "\n## Time per stage\n\n| stage | seconds |\n|---|---|\n"
        for (stage, sec) in r.seconds { s += String(format: "| %@ | %.3f |\n", stage, sec) }
        if r.reported {
            s += "\n## Top 20\n\n| rank | declaration_id | item_no | risk_score |\n|---|---|---|---|\n"
            for (k, row) in r.ranking.prefix(20).enumerated() {
                s += "| \(k + 1) | \(r.ingest.table.declarationID.string(row)) | \(r.ingest.table.itemNo[row]) | \(format(r.risk[row])) |\n"
            }
        }
        return s
    }
}
