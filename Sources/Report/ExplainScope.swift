import Scoring

/// Which rows of a report are explained: their reasons written in ranked.csv
/// and their full record (scores, contributions, reasons with evidence, key
/// fields) in ranked.jsonl. ranked.csv lists every row either way.
///
/// Explaining costs far more than ranking (each reason is a sentence built
/// from the detector's evidence), and analysts read the flagged rows: at 10M
/// rows, explaining all of them writes ~6 GB of JSON nobody opens.
public enum ExplainScope: Sendable, Equatable, CustomStringConvertible {
    /// The red and amber lanes (exploration picks included).
    case flagged
    /// Every row.
    case all
    /// The first N rows of the ranking, and the flagged rows beyond them.
    case top(Int)

    /// `flagged`, `all` or a row count.
    public init?(argument: String) {
        switch argument {
        case "flagged": self = .flagged
        case "all": self = .all
        default:
            guard let n = Int(argument), n >= 0 else { return nil }
            self = .top(n)
        }
    }

    /// How many rows of `lanes` (ranked by `ranking`) are explained.
    public func count(ranking: [Int], lanes: Lanes) -> Int {
        switch self {
        case .all: return ranking.count
        case .flagged: return lanes.redCount + lanes.amberCount
        case .top(let n):
            return min(n, ranking.count) + ranking.dropFirst(n).lazy.filter { lanes.lane[$0] != .green }.count
        }
    }

    public var description: String {
        switch self {
        case .flagged: "flagged"
        case .all: "all"
        case .top(let n): String(n)
        }
    }

    /// Whether the row at `rank` (0-based) in lane `lane` is explained.
    @inline(__always)
    public func explains(rank: Int, lane: Lane) -> Bool {
        switch self {
        case .all: true
        case .flagged: lane != .green
        case .top(let n): rank < n || lane != .green
        }
    }
}
