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
    /// The consignee names' parties as the detectors keyed them, when one of
    /// them did (parties.csv keys its consignees the same way; nil: it works
    /// them out itself).
    public var counterpartyParties: PartyResolution?

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
    /// Called for a part of a stage that ran beside others (each detector's fit
    /// and score): its name and its own seconds, which overlap the others'.
    public typealias PartHook = (String, Double) -> Void

    /// One detector's fit and score, or why it was skipped.
    enum Run: Sendable {
        case ran(any FittedDetector, ScoreColumn, @Sendable (Int) -> [Reason], fitSeconds: Double, scoreSeconds: Double)
        case skipped(String, String)
    }

    /// Fits `detector` on `table` and scores the table, timing each; `fitted`
    /// is called between the two.
    static func fitAndScore<D: Detector>(_ detector: D, _ table: DeclarationTable, _ facts: TableFacts,
                                         fitted: (String) -> Void = { _ in }) throws -> Run {
        let missing = D.missingFields(in: table)
        guard missing.isEmpty else { return .skipped(D.Fitted.name, "missing " + missing.map(\.rawValue).joined(separator: ", ")) }
        let clock = ContinuousClock(), start = clock.now
        let f = try detector.fit(table, facts: facts)
        let fitEnd = clock.now
        fitted("fit \(D.Fitted.name)")
        let scoreStart = clock.now
        let (s, explain) = f.scoresAndExplainer(table, facts: facts)
        let column = ScoreColumn(s)
        return .ran(f, column, explain, fitSeconds: seconds(start, fitEnd), scoreSeconds: seconds(scoreStart, clock.now))
    }

    static func seconds(_ a: ContinuousClock.Instant, _ b: ContinuousClock.Instant) -> Double {
        let e = a.duration(to: b)
        return Double(e.components.seconds) + Double(e.components.attoseconds) * 1e-18
    }

    /// The detectors that run one at a time, at the front of the suite's list:
    /// unit_value and goods_code each hold a few hundred MB more than the table
    /// while they run (450 and 250 MB at 10M rows: every row's features, a score
    /// column, per-line value lists), so side by side they would push a scan
    /// past its memory budget. The others hold under 170 MB each. A model
    /// file's suite is scored alike.
    static let aloneNames: Set<String> = [FittedUnitValue.name, FittedGoodsCode.name]

    /// Detectors run side by side at most: each is parallel inside, and two fill
    /// each other's serial steps on two cores; more at once would add their
    /// memory together for little.
    static let sideBySide = 2

    static func name<D: Detector>(of detector: D) -> String { D.Fitted.name }

    /// Fits every detector whose fields `table` has, then the risk model on their scores.
    /// Returns the scores of `table` too, since fitting the risk model needs them.
    ///
    /// unit_value and goods_code run one after the other, each parallel inside
    /// (`aloneNames`); the other detectors then run side by side, two at a time
    /// (`sideBySide`), so one's serial steps (grouping, sorting, building its tables)
    /// leave a core another fills. Each computes what it would alone, and the
    /// results join in the list's order: the same scores whatever ran beside
    /// what. `stage` is called after each stage that ran alone (`fit unit_value`)
    /// and after the side-by-side stage as a whole; `part` then gives each of its
    /// detectors' own fit and score seconds, which overlap.
    ///
    /// When `table` has outcomes (and `learning` is not nil) an `OutcomeModel` is
    /// fitted on the detectors' scores and the other features; its score joins the
    /// risk model as one more term (background: below every fitted row, so it
    /// orders every row), and the detectors' weights are scaled by the model's
    /// `unsupervisedWeight`. Its fit-table scores are out of fold.
    public static func fit(_ table: DeclarationTable, controls: ControlsTable = .standard, parties: PartyList? = nil,
                           weights: [String: Double] = [:], learning: OutcomeModel.Options? = OutcomeModel.Options(),
                           stage: StageHook = { _ in }, part: PartHook = { _, _ in }) throws -> (FittedSuite, SuiteScores) {
        var detectors: [any Detector] = [UnitValueDetector(), GoodsCodeDetector(controls: controls), LicenceDetector(controls: controls),
                                         RoutingDetector(controls: controls, parties: parties), DiversionDetector(controls: controls),
                                         NewPartyDetector(controls: controls), SplitShipmentDetector(controls: controls)]
        if let parties { detectors.append(PartyScreeningDetector(parties: parties)) }
        let facts = TableFacts(table)
        var runs: [Run] = []
        let alone = detectors.prefix { aloneNames.contains(name(of: $0)) }
        for d in alone {
            let run = try fitAndScore(d, table, facts, fitted: stage)
            if case .ran(let f, _, _, _, _) = run { stage("score \(type(of: f).name)") }
            runs.append(run)
        }
        let side = Array(detectors.dropFirst(alone.count))
        let beside = try Parallel.tasks(0..<side.count, threads: sideBySide) { [side] k in
            Result { try fitAndScore(side[k], table, facts) }
        }.map { try $0.get() }
        let ran = beside.compactMap { run -> (String, Double, Double)? in
            guard case .ran(let f, _, _, let fit, let score) = run else { return nil }
            return (type(of: f).name, fit, score)
        }
        if !ran.isEmpty {
            stage("fit and score " + ran.map(\.0).joined(separator: ", ") + " (side by side)")
            for (name, fit, score) in ran {
                part("fit \(name)", fit)
                part("score \(name)", score)
            }
        }
        runs += beside
        var fitted: [any FittedDetector] = []
        var skipped: [(String, String)] = []
        var scores = SuiteScores(names: [], columns: [ScoreColumn](), explainers: [])
        for run in runs {
            switch run {
            case .skipped(let name, let reason):
                skipped.append((name, reason))
            case .ran(let f, let column, let explain, _, _):
                fitted.append(f)
                scores.names.append(type(of: f).name)
                scores.columns.append(column)
                scores.explainers.append(explain)
            }
        }
        if parties == nil { skipped.append((FittedPartyScreening.name, "no --parties list given")) }
        scores.counterpartyParties = facts.knownCounterpartyParties()
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
    /// Scores `table` with every fitted detector: the first ones one at a
    /// time, the rest side by side, as `DetectorSuite.fit` runs them (and with
    /// the same hooks).
    public func score(_ table: DeclarationTable, stage: DetectorSuite.StageHook = { _ in },
                      part: DetectorSuite.PartHook = { _, _ in }) throws -> SuiteScores {
        var out = SuiteScores(names: [], columns: [ScoreColumn](), explainers: [])
        let facts = TableFacts(table)
        let clock = ContinuousClock()
        @Sendable func scored(_ d: any FittedDetector) -> (ScoreColumn, @Sendable (Int) -> [Reason], Double) {
            let start = clock.now
            let (s, e) = d.scoresAndExplainer(table, facts: facts)
            let column = ScoreColumn(s)
            return (column, e, DetectorSuite.seconds(start, clock.now))
        }
        let alone = detectors.prefix(while: { d in
            DetectorSuite.aloneNames.contains(type(of: d).name)
        })
        for d in alone {
            let (column, e, _) = scored(d)
            out.names.append(type(of: d).name)
            out.columns.append(column)
            out.explainers.append(e)
            stage("score \(type(of: d).name)")
        }
        let side = Array(detectors.dropFirst(alone.count))
        let beside = Parallel.tasks(0..<side.count, threads: DetectorSuite.sideBySide) { [side] k in scored(side[k]) }
        for (d, (column, e, _)) in zip(side, beside) {
            out.names.append(type(of: d).name)
            out.columns.append(column)
            out.explainers.append(e)
        }
        if !side.isEmpty {
            stage("score " + side.map { type(of: $0).name }.joined(separator: ", ") + " (side by side)")
            for (d, (_, _, seconds)) in zip(side, beside) { part("score \(type(of: d).name)", seconds) }
        }
        if let outcome {
            let byName = out.denseByName()
            out.columns.append(ScoreColumn(try outcome.scores(table, detectorScores: byName)))
            out.names.append(OutcomeModel.name)
            out.explainers.append(outcome.explainer(table, detectorScores: byName))
            stage("score \(OutcomeModel.name)")
        }
        out.counterpartyParties = facts.knownCounterpartyParties()
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
