import Benchmark
import BenchmarkSupport
import CSVCore
import Declarations
import Foundation
import Report
import Scoring
import TradeScan

/// The combined score, report writing and the whole scan on 400,000 generated
/// rows (`Benchmarks/data/bench-400000-vN`, written once by the generator).
/// Each checks its answer against the generator's labels or the row count.
let benchmarks: @Sendable () -> Void = {
    let rows = 400_000
    let dir = BenchData.folder(rows: rows)
    let input = dir + "/declarations.csv"
    let inputBytes = BenchData.size(input)
    let parties = try! PartyList(csv: [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/restricted_parties.csv"))), source: "parties")
    let table = try! Ingest.read([input], options: IngestOptions()).table
    let (suite, scores) = try! DetectorSuite.fit(table, parties: parties, learning: nil)

    // The planted rows (labels.csv: declaration_id,item_no,pattern).
    let labelTable = try! CSVTable(bytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/labels.csv"))))
    let planted = Set(labelTable.rows.map { $0[0] + "/" + $0[1] })
    func precisionAt1(_ ranking: [Int], _ t: DeclarationTable) -> Double {
        let top = ranking.prefix(ranking.count / 100)
        return Double(top.filter { planted.contains(t.declarationID.string($0) + "/" + String(t.itemNo[$0])) }.count) / Double(max(1, top.count))
    }

    let rowsPerSecond = Rate.rows, mbPerSecond = Rate.megabytes
    func seconds(since start: ContinuousClock.Instant) -> Double { Rate.seconds(since: start) }
    let config = Tolerances.configuration([.wallClock, .mallocCountTotal, .peakMemoryResident, Rate.rows, Rate.megabytes],
                                          maxSeconds: 20, maxIterations: 5)

    // Risk = Σ weight × max(0, score − background), then the ranking (sort by
    // risk and row key) and the lanes.
    Benchmark("risk_rank_lanes", configuration: config) { b in
        let start = ContinuousClock.now
        let risk = suite.risk.risk(scores.columns)
        let ranking = Ranking.order(risk: risk, table: table)
        let lanes = Lanes(ranking: ranking, policy: LanePolicy())
        let s = seconds(since: start)
        b.measurement(rowsPerSecond, Int(Double(rows) / s))
        precondition(ranking.count == rows && zip(ranking, ranking.dropFirst()).allSatisfy { risk[$0] >= risk[$1] }, "wrong answer: not ranked")
        precondition(lanes.redCount == rows / 100 && precisionAt1(ranking, table) > 0.7, "wrong answer: precision@1% \(precisionAt1(ranking, table))")
        blackHole(lanes)
    }

    let risk = suite.risk.risk(scores.columns)
    let ranking = Ranking.order(risk: risk, table: table)
    let lanes = Lanes(ranking: ranking, policy: LanePolicy())
    let data = ReportData(table: table, scores: scores, model: suite.risk, risk: risk, ranking: ranking, lanes: lanes,
                          previous: nil, corridors: suite.diversion?.corridorTable ?? [])
    let out = NSTemporaryDirectory() + "tradescan-bench-report"
    try! FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    let size = BenchData.size
    func lines(_ path: String) -> Int { try! Data(contentsOf: URL(fileURLWithPath: path)).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }

    // ranked.csv (every row) and ranked.jsonl (the red and amber lanes, explained).
    Benchmark("report_ranked_files", configuration: config) { b in
        let start = ContinuousClock.now
        try RankedFiles.write(data, csv: out + "/ranked.csv", jsonl: out + "/ranked.jsonl", explain: .flagged)
        let s = seconds(since: start)
        let written = size(out + "/ranked.csv") + size(out + "/ranked.jsonl")
        b.measurement(rowsPerSecond, Int(Double(rows) / s))
        b.measurement(mbPerSecond, Int(Double(written) / s / 1e6))
        precondition(lines(out + "/ranked.csv") == rows + 1 && lines(out + "/ranked.jsonl") == lanes.redCount + lanes.amberCount,
                     "wrong answer: line counts")
    }

    // parties.csv and report.html (aggregation per party, charts, top reasons).
    Benchmark("report_parties_and_html", configuration: config) { b in
        let start = ContinuousClock.now
        let p = PartiesTable(data)
        let csv = p.csv()
        let html = HTMLReport.render(data, parties: p, facts: HTMLReport.Facts(rows: [("inputs", input)], skipped: []))
        let s = seconds(since: start)
        b.measurement(rowsPerSecond, Int(Double(rows) / s))
        precondition(p.parties.count > 100 && csv.count > 10_000 && html.contains("</html>"), "wrong answer")
        blackHole(html)
    }

    // The whole scan as `tradescan scan FILE --parties LIST --out DIR` runs it:
    // ingest, every detector's fit and score, risk, lanes, the report folder.
    Benchmark("scan_end_to_end", configuration: config) { b in
        let start = ContinuousClock.now
        var options = RunOptions(parties: parties)
        options.learning = nil
        let result = try ScanJob.run([input], options: options, out: out + "/scan")
        let s = seconds(since: start)
        b.measurement(rowsPerSecond, Int(Double(rows) / s))
        b.measurement(mbPerSecond, Int(Double(inputBytes) / s / 1e6))
        precondition(result.reported && result.ranking.count == rows, "wrong answer: \(result.ranking.count) rows ranked")
        let p = precisionAt1(result.ranking, result.ingest.table)
        precondition(p > 0.7, "wrong answer: precision@1% \(p)")
    }
}
