import Declarations

/// A fitted detector: scores any table with the fields it needs, and explains.
///
/// Scores are finite and higher means more anomalous. Scores of rows not seen
/// in the fit are computed the same way as those seen.
public protocol FittedDetector: Sendable, Codable {
    /// Stable name, used in reports and model files.
    static var name: String { get }
    /// One finite score per row of `table`.
    func anomalyScores(_ table: DeclarationTable) -> [Double]
    /// The reasons behind row `row`'s score, strongest first (empty when nothing stands out).
    func reasons(_ table: DeclarationTable, row: Int) -> [Reason]
    /// Reasons for many rows of one table: work shared across rows is done once.
    func explainer(_ table: DeclarationTable) -> @Sendable (Int) -> [Reason]
    /// Scores and an explainer from one pass over the table.
    func scoresAndExplainer(_ table: DeclarationTable) -> ([Double], @Sendable (Int) -> [Reason])
    /// The same, reading facts other detectors share (`facts` made from `table`).
    /// Defaults to `scoresAndExplainer(table)`.
    func scoresAndExplainer(_ table: DeclarationTable, facts: TableFacts) -> ([Double], @Sendable (Int) -> [Reason])
}

extension FittedDetector {
    public func scoresAndExplainer(_ table: DeclarationTable, facts: TableFacts) -> ([Double], @Sendable (Int) -> [Reason]) {
        scoresAndExplainer(table)
    }

    public func scoresAndExplainer(_ table: DeclarationTable) -> ([Double], @Sendable (Int) -> [Reason]) {
        (anomalyScores(table), explainer(table))
    }

    public func explainer(_ table: DeclarationTable) -> @Sendable (Int) -> [Reason] {
        let model = self
        return { model.reasons(table, row: $0) }
    }
}

/// A detector before fitting.
public protocol Detector: Sendable {
    associatedtype Fitted: FittedDetector
    /// Canonical fields the detector needs; when one is missing it is skipped.
    static var requiredFields: [CanonicalField] { get }
    /// The fields `table` lacks for this detector to run (empty: it can run).
    /// Defaults to the `requiredFields` the table has no column for.
    static func missingFields(in table: DeclarationTable) -> [CanonicalField]
    func fit(_ table: DeclarationTable) throws -> Fitted
    /// The same, reading facts other detectors share (`facts` made from `table`).
    /// Defaults to `fit(table)`.
    func fit(_ table: DeclarationTable, facts: TableFacts) throws -> Fitted
}

extension Detector {
    public func fit(_ table: DeclarationTable, facts: TableFacts) throws -> Fitted { try fit(table) }

    public static func missingFields(in table: DeclarationTable) -> [CanonicalField] {
        requiredFields.filter { !table.has($0) }
    }
}
