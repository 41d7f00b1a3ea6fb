import Declarations
import Detectors
import Scoring

/// Everything a report is made from: the scored table, the ranking and lanes.
public struct ReportData: Sendable {
    public var table: DeclarationTable
    public var scores: SuiteScores
    public var model: RiskModel
    /// Risk per row (table order).
    public var risk: [Double]
    /// Rows, highest risk first.
    public var ranking: [Int]
    public var lanes: Lanes
    /// With `--previous`: per row, whether its flag was already raised there.
    public var previous: PreviousFlags?
    /// Corridor months (empty when the diversion detector did not run).
    public var corridors: [FittedDiversion.CorridorMonth]

    public init(table: DeclarationTable, scores: SuiteScores, model: RiskModel, risk: [Double], ranking: [Int],
                lanes: Lanes, previous: PreviousFlags?, corridors: [FittedDiversion.CorridorMonth]) {
        self.table = table
        self.scores = scores
        self.model = model
        self.risk = risk
        self.ranking = ranking
        self.lanes = lanes
        self.previous = previous
        self.corridors = corridors
    }

    /// Each detector's contribution to row `row`'s risk (`scores.names` order).
    public func contributions(_ row: Int) -> [Double] {
        scores.columns.indices.map { model.contribution($0, score: scores.columns[$0][row]) }
    }

    /// The reasons behind a row's risk: those of the detectors that contributed,
    /// largest contribution first (strongest reason first within a detector).
    /// Rows with risk 0 have none: nothing stood out above the feed's background.
    public func reasons(_ row: Int) -> [Reason] {
        guard risk[row] > 0 else { return [] }
        return reasons(row, contributions: contributions(row))
    }

    /// `reasons(row)` of a row with risk above 0, from its contributions
    /// (`contributions(row)`) when the caller has them: a block of ranked rows
    /// reads its rows' scores in one pass, where a read per row and detector
    /// misses the cache at every one.
    func reasons(_ row: Int, contributions c: [Double]) -> [Reason] {
        var out: [Reason] = []
        var order: [Int] = []
        reasons(row, contributions: c, into: &out, order: &order)
        return out
    }

    /// `reasons(row, contributions:)` into `out` (replacing what it held,
    /// keeping its room), with `order` as room for the detectors' order: a
    /// block of explained rows reuses both, where every row made an array of
    /// indices, one of reasons, and a sorted copy of each detector's reasons.
    func reasons(_ row: Int, contributions c: [Double], into out: inout [Reason], order: inout [Int]) {
        out.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
        // Contributing detectors, largest contribution first (the first of equal ones first): an insertion sort, a few at most.
        for d in c.indices where c[d] > 0 {
            var at = order.count
            while at > 0 && c[order[at - 1]] < c[d] { at -= 1 }
            order.insert(d, at: at)
        }
        for d in order {
            var own = scores.explainers[d](row)
            own.sort { $0.strength > $1.strength }
            out.append(contentsOf: own)
        }
    }

    /// "new", "repeated" or "" (green rows, or no `--previous`).
    public func flagStatus(_ row: Int) -> String {
        guard let previous, lanes.lane[row] != .green else { return "" }
        return previous.contains(table: table, row: row) ? "repeated" : "new"
    }

    // Key fields, as text.

    func text(_ f: TextField, _ row: Int) -> String { table.text(f)?.string(row) ?? "" }

    func country(_ f: CountryField, _ row: Int) -> String {
        table.countries(f).map { CountryCodes.alpha2($0[row]) } ?? ""
    }

    func number(_ f: NumberField, _ row: Int) -> Double? {
        guard let v = table.numbers(f)?[row], v.isFinite else { return nil }
        return v
    }

    /// The exporter (or importer, for import feeds): name, else id.
    func trader(_ row: Int) -> String {
        let name = text(.traderName, row)
        return name.isEmpty ? text(.traderID, row) : name
    }

    /// The counterparty: name, else id.
    func counterparty(_ row: Int) -> String {
        let name = text(.counterpartyName, row)
        return name.isEmpty ? text(.counterpartyID, row) : name
    }

    func date(_ row: Int) -> String { CivilDate(daysSinceEpoch: Int(table.date[row])).description }
}
