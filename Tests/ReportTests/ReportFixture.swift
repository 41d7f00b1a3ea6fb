import Declarations
import Detectors
import Foundation
@testable import Report
import Scoring
import TestSupport

/// A report's data from a CSV written to `dir` and given score columns: every
/// detector weighted by `weights` (1 each when nil) above a background of
/// `backgrounds` (0 each when nil), ranked, in lanes of the given rates.
func reportData(_ csv: String, in dir: TemporaryDirectory, columns: [[Double]], names: [String]? = nil,
                weights: [Double]? = nil, backgrounds: [Double]? = nil,
                explainers: [@Sendable (Int) -> [Reason]]? = nil, inspectRate: Double, amberRate: Double) throws -> ReportData {
    try Data(csv.utf8).write(to: URL(fileURLWithPath: dir.file("t.csv")))
    let read = try Ingest.read([dir.file("t.csv")], options: IngestOptions())
    let t = read.table
    // Score columns are given per row of the CSV: a rejected row would misalign them.
    guard read.rejects.isEmpty, columns.allSatisfy({ $0.count == t.count }) else {
        struct FixtureRowsRejected: Error { let messages: [String] }
        throw FixtureRowsRejected(messages: read.rejects.map(\.message))
    }
    let names = names ?? columns.indices.map { "d\($0)" }
    let scores = SuiteScores(names: names, columns: columns, explainers: explainers ?? columns.map { _ in { _ in [] } })
    let model = RiskModel(terms: names.indices.map {
        .init(detector: names[$0], background: backgrounds?[$0] ?? 0, weight: weights?[$0] ?? 1)
    })
    let risk = model.risk(scores.columns)
    let ranking = Ranking.order(risk: risk, table: t)
    return ReportData(table: t, scores: scores, model: model, risk: risk, ranking: ranking,
                      lanes: Lanes(ranking: ranking, policy: LanePolicy(inspectRate: inspectRate, amberRate: amberRate)),
                      previous: nil, corridors: [])
}
