import CSVCore
import Declarations

/// Reads the two files `tradescan evaluate` compares.
public enum EvaluationInputs {
    /// A ranking: its rows' keys (in rank order), scores, and whether item numbers were present.
    public struct Ranking: Sendable {
        public var ids: [String]
        public var items: [String]?
        public var scores: [Double]
    }

    /// Reads `rank`, `declaration_id`, `risk_score` (and `item_no` when present),
    /// matched by header name, and orders rows by rank (file order breaks ties).
    /// With another `scoreColumn` (one detector's score in ranked.csv), rows are
    /// ordered by that column, highest first, row key (id, item) breaking ties.
    public static func ranking(bytes: UnsafeRawBufferPointer, source: String, scoreColumn: String = "risk_score") throws(EvaluationError) -> Ranking {
        let cols: CSVColumns
        do {
            cols = try CSVColumns(bytes: bytes, columns: { header throws(CSVTableError) in
                func find(_ name: String) -> Int? {
                    header.firstIndex { CanonicalField.normalizedName($0) == CanonicalField.normalizedName(name) }
                }
                guard let id = find("declaration_id") else {
                    throw CSVTableError(source: source, line: 1, message: "no declaration_id column; a ranking needs rank, declaration_id and risk_score")
                }
                guard let score = find(scoreColumn) else {
                    let message = scoreColumn == "risk_score" ? "no risk_score column; a ranking needs rank, declaration_id and risk_score"
                        : "no \(scoreColumn) column to rank by; the header has \(header.joined(separator: ", "))"
                    throw CSVTableError(source: source, line: 1, message: message)
                }
                return [scoreColumn == "risk_score" ? find("rank") : nil, id, score, find("item_no")]
            }, source: source)
        } catch { throw .input(error) }
        let hasRank = !cols.values[0].allSatisfy(\.isEmpty)
        let hasItems = !cols.values[3].allSatisfy(\.isEmpty)
        var ranks: [Double] = []
        var scores: [Double] = []
        for r in cols.values[1].indices {
            guard let s = Double(cols.values[2][r]), s.isFinite else {
                throw .input(CSVTableError(source: source, line: cols.lines[r], message: "\(scoreColumn) '\(cols.values[2][r])' is not a finite number"))
            }
            scores.append(s)
            if hasRank {
                guard let k = Double(cols.values[0][r]) else {
                    throw .input(CSVTableError(source: source, line: cols.lines[r], message: "rank '\(cols.values[0][r])' is not a number"))
                }
                ranks.append(k)
            }
        }
        var order = Array(cols.values[1].indices)
        if scoreColumn != "risk_score" {
            // One detector's column: its ties broken by row key, so nothing else's ranking leaks in.
            let ids = cols.values[1].map(CSVWriter.unneutralised), items = cols.values[3]
            order.sort { a, b in
                if scores[a] != scores[b] { return scores[a] > scores[b] }
                if ids[a] != ids[b] { return ids[a] < ids[b] }
                return (Int(items[a]) ?? 0) < (Int(items[b]) ?? 0)
            }
        } else if hasRank {
            order.sort { ranks[$0] != ranks[$1] ? ranks[$0] < ranks[$1] : $0 < $1 }
        } else {
            order.sort { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        }
        // ranked.csv neutralises ids a spreadsheet would run as formulas ("'-100"): read back as they were.
        return Ranking(ids: order.map { CSVWriter.unneutralised(cols.values[1][$0]) },
                       items: hasItems ? order.map { cols.values[3][$0] } : nil,
                       scores: order.map { scores[$0] })
    }

    /// Ground truth: a labels file (`declaration_id`, optional `item_no`,
    /// `pattern`) where every listed key is positive, or a declarations file whose
    /// header maps an `outcome` field (1 positive, 0 negative) and optionally `revenue`.
    public static func truth(bytes: UnsafeRawBufferPointer, source: String, useItems: Bool) throws(EvaluationError) -> (truth: [String: Truth], matchedOn: String) {
        let cols: CSVColumns
        var isLabels = false
        do {
            cols = try CSVColumns(bytes: bytes, columns: { header throws(CSVTableError) in
                var id: Int?, item: Int?, outcome: Int?, revenue: Int?, pattern: Int?
                for (i, h) in header.enumerated() {
                    if CanonicalField.normalizedName(h) == "pattern" { pattern = i; continue }
                    switch CanonicalField.match(header: h) {
                    case .declarationID?: id = id ?? i
                    case .itemNo?: item = item ?? i
                    case .outcome?: outcome = outcome ?? i
                    case .revenue?: revenue = revenue ?? i
                    default: break
                    }
                }
                guard let id else {
                    throw CSVTableError(source: source, line: 1, message: "no declaration_id column (or a synonym such as declaration_no)")
                }
                guard pattern != nil || outcome != nil else {
                    throw CSVTableError(source: source, line: 1, message: "neither a pattern column (a labels file) nor an outcome column (fraud, illicit, label) to evaluate against")
                }
                isLabels = pattern != nil
                return [id, item, pattern, outcome, revenue]
            }, source: source)
        } catch { throw .input(error) }
        let withItems = useItems && !cols.values[1].allSatisfy(\.isEmpty)
        var truth: [String: Truth] = [:]
        truth.reserveCapacity(cols.values[0].count)
        for r in cols.values[0].indices {
            let key = withItems ? cols.values[0][r] + "\u{1F}" + cols.values[1][r] : cols.values[0][r]
            var positive = true
            if !isLabels {
                switch cols.values[3][r].trimmingCharacters {
                case "1", "1.0", "true", "TRUE", "yes": positive = true
                case "0", "0.0", "false", "FALSE", "no", "": positive = false
                default:
                    throw .input(CSVTableError(source: source, line: cols.lines[r], message: "outcome '\(cols.values[3][r])' is not 0 or 1"))
                }
            }
            let revenueText = cols.values[4][r]
            let revenue = revenueText.isEmpty ? nil : Double(revenueText)
            var t = truth[key] ?? Truth(positive: false, pattern: nil, revenue: nil)
            t.positive = t.positive || positive
            if positive { t.pattern = isLabels ? cols.values[2][r] : "outcome" }
            if let revenue { t.revenue = (t.revenue ?? 0) + revenue }
            truth[key] = t
        }
        return (truth, withItems ? "declaration_id,item_no" : "declaration_id")
    }
}

/// Why `evaluate` could not run.
public enum EvaluationError: Error, Sendable, CustomStringConvertible {
    case input(CSVTableError)
    public var description: String {
        switch self { case let .input(e): e.description }
    }
}

extension String {
    var trimmingCharacters: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
