import Declarations
import Detectors
import Learning

/// Every detector TradeScan runs, fitted together: what `scan` and `fit` build
/// and what a model file holds.
public struct FittedSuite: Sendable {
    /// Fitted detectors in report order.
    public var detectors: [any FittedDetector]
    /// Detectors not fitted and why (missing fields, no party list).
    public var skipped: [(name: String, reason: String)]
    /// How the detectors' scores combine into one risk score.
    public var risk: RiskModel
    /// The fields of the feed the suite was fitted on.
    public var schema: SchemaSignature
    /// Rows the suite was fitted on.
    public var fittedRows: Int
    /// The supervised ranker, when the history had inspection outcomes.
    public var outcome: OutcomeModel?

    public var names: [String] { detectors.map { type(of: $0).name } + (outcome == nil ? [] : [OutcomeModel.name]) }

    /// Detectors' diversion model, for the corridor table.
    public var diversion: FittedDiversion? { detectors.lazy.compactMap { $0 as? FittedDiversion }.first }
}

/// The detectors' scores for a table, one column per fitted detector, and their explainers.
public struct SuiteScores: Sendable {
    public var names: [String]
    /// Dense or sparse by how many rows scored (`ScoreColumn`).
    public var columns: [ScoreColumn]
    public var explainers: [@Sendable (Int) -> [Reason]]

    public init(names: [String], columns: [ScoreColumn], explainers: [@Sendable (Int) -> [Reason]]) {
        self.names = names
        self.columns = columns
        self.explainers = explainers
    }

    public init(names: [String], columns: [[Double]], explainers: [@Sendable (Int) -> [Reason]]) {
        self.init(names: names, columns: columns.map(ScoreColumn.init), explainers: explainers)
    }

    /// Each column's scores as a dense array, by detector name (the outcome model reads rows by index).
    func denseByName() -> [String: [Double]] {
        Dictionary(uniqueKeysWithValues: zip(names, columns.map { $0.denseScores() }))
    }

    /// Reasons for one row, strongest first.
    public func reasons(_ row: Int) -> [Reason] {
        explainers.flatMap { $0(row) }.sorted { a, b in
            a.strength != b.strength ? a.strength > b.strength : a.detector < b.detector
        }
    }
}

/// Builds and runs the suite.
public enum DetectorSuite {
    /// Called after each stage with its name (e.g. "fit routing").
    public typealias StageHook = (String) -> Void

    /// Fits every detector whose fields `table` has, then the risk model on their scores.
    /// Returns the scores of `table` too, since fitting the risk model needs them.
    ///
    /// When `table` has outcomes (and `learning` is not nil) an `OutcomeModel` is
    /// fitted on the detectors' scores and the other features; its score joins the
    /// risk model as one more term (background: below every fitted row, so it
    /// orders every row), and the detectors' weights are scaled by the model's
    /// `unsupervisedWeight`. Its fit-table scores are out of fold.
    public static func fit(_ table: DeclarationTable, controls: ControlsTable = .standard, parties: PartyList? = nil,
                           weights: [String: Double] = [:], learning: OutcomeModel.Options? = OutcomeModel.Options(),
                           stage: StageHook = { _ in }) throws -> (FittedSuite, SuiteScores) {
        var fitted: [any FittedDetector] = []
        var skipped: [(String, String)] = []
        var scores = SuiteScores(names: [], columns: [ScoreColumn](), explainers: [])
        let facts = TableFacts(table)
        func run<D: Detector>(_ detector: D) throws {
            let missing = D.missingFields(in: table)
            guard missing.isEmpty else {
                skipped.append((D.Fitted.name, "missing " + missing.map(\.rawValue).joined(separator: ", ")))
                return
            }
            let f = try detector.fit(table, facts: facts)
            stage("fit \(D.Fitted.name)")
            let (s, explain) = f.scoresAndExplainer(table, facts: facts)
            fitted.append(f)
            scores.names.append(D.Fitted.name)
            scores.columns.append(ScoreColumn(s))
            scores.explainers.append(explain)
            stage("score \(D.Fitted.name)")
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
        var risk = RiskModel.fit(names: scores.names, columns: scores.columns)
        var outcomeModel: OutcomeModel?
        if let learning, let outcome = table.outcome {
            let byName = scores.denseByName()
            do {
                let (model, fitScores) = try OutcomeModel.fit(table, outcome: outcome, scores: byName,
                                                              unsupervised: risk.risk(scores.columns), options: learning)
                outcomeModel = model
                for i in risk.terms.indices { risk.terms[i].weight *= model.unsupervisedWeight }
                risk.terms.append(RiskModel.Term(detector: OutcomeModel.name, background: (fitScores.min() ?? 0) - 1, weight: 1))
                scores.names.append(OutcomeModel.name)
                scores.columns.append(ScoreColumn(fitScores))
                scores.explainers.append(model.explainer(table, detectorScores: byName, ownOutcome: outcome))
                stage("fit \(OutcomeModel.name)")
            } catch let e as OutcomeModelError {
                skipped.append((OutcomeModel.name, e.description.replacingOccurrences(of: "error: ", with: "")))
            }
        } else if learning != nil {
            skipped.append((OutcomeModel.name, "no outcome column (map one, e.g. \"outcome\": \"Fraud\", or pass --labels)"))
        }
        let suite = FittedSuite(detectors: fitted, skipped: skipped, risk: try risk.reweighted(weights),
                                schema: SchemaSignature(table), fittedRows: table.count, outcome: outcomeModel)
        return (suite, scores)
    }
}

extension FittedSuite {
    /// Scores `table` with every fitted detector.
    public func score(_ table: DeclarationTable, stage: DetectorSuite.StageHook = { _ in }) throws -> SuiteScores {
        var out = SuiteScores(names: [], columns: [ScoreColumn](), explainers: [])
        let facts = TableFacts(table)
        for d in detectors {
            let (s, e) = d.scoresAndExplainer(table, facts: facts)
            out.names.append(type(of: d).name)
            out.columns.append(ScoreColumn(s))
            out.explainers.append(e)
            stage("score \(type(of: d).name)")
        }
        if let outcome {
            let byName = out.denseByName()
            out.columns.append(ScoreColumn(try outcome.scores(table, detectorScores: byName)))
            out.names.append(OutcomeModel.name)
            out.explainers.append(outcome.explainer(table, detectorScores: byName))
            stage("score \(OutcomeModel.name)")
        }
        return out
    }
}

/// The canonical fields a feed provides, as a list and a stable hash.
/// Labels (outcome, revenue) are left out: history has them, today's feed does not.
public struct SchemaSignature: Codable, Sendable, Equatable {
    public var fields: [String]
    public var hash: String

    public init(fields: [String]) {
        self.fields = fields.sorted()
        hash = stableFingerprint("tradescan-schema-1|" + self.fields.joined(separator: ","))
    }

    public init(_ table: DeclarationTable) {
        self.init(fields: CanonicalField.allCases.filter { $0 != .outcome && $0 != .revenue && table.has($0) }.map(\.rawValue))
    }
}
