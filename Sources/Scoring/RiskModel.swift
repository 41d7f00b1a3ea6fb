import Declarations
import Detectors

/// One risk score per row from the detectors' scores.
///
/// Every detector scores in log-evidence units (most are −log10 of a tail
/// probability under the model they fit, plus fixed bonuses for hard facts).
/// Calibration removes each detector's background: `b_d` is the 99th
/// percentile of its scores on the fit data, so only what stands out on this
/// feed counts, and a detector that is noisy here counts less. The risk score
/// is the weighted sum of what is left, in log10-odds units:
///
///     risk = Σ_d w_d · max(0, s_d − b_d)
///
/// 0 means nothing unusual; each unit multiplies the odds of a real finding by
/// about 10 relative to the feed's background. Weights default to
/// `defaultWeights` and can be overridden per detector (`--weight NAME=W`).
public struct RiskModel: Codable, Sendable, Equatable {
    public struct Term: Codable, Sendable, Equatable {
        public var detector: String
        /// Scores at or below this add nothing (the fit data's `backgroundQuantile`).
        public var background: Double
        public var weight: Double

        public init(detector: String, background: Double, weight: Double) {
            self.detector = detector
            self.background = background
            self.weight = weight
        }
    }

    public var terms: [Term]

    /// The share of fit rows whose score a detector's background lies above.
    public static let backgroundQuantile = 0.99

    /// Default weights, chosen by `Scripts/tune-weights.py --rounds 2` (a
    /// coordinate search for precision at the top 1% with every planted
    /// pattern's recall there ≥ 0.85) from the weights before split_shipments
    /// weighed bursts against each pair's habit, on generated data (1M rows,
    /// seeds 7, 11, 3, 5, 13, 19 and 1), and checked on seeds 17, 23 and 29 and
    /// on 10M rows (README "Quality"). A detector not listed weighs 1.
    /// `diversion` and `new_party` weigh about half because both see the same
    /// surge: diversion's row score already counts a new consignee, and new
    /// consignees alone are common in honest trade. `restricted_party` weighs
    /// least because its scores (about 11 for a match) sit far above its
    /// background: 0.263 puts a match at about 2.9, above most single-detector
    /// flags. `goods_code`'s keyword and text evidence is strong in its raw
    /// units (up to about 7), so it weighs about half.
    public static let defaultWeights: [String: Double] = [
        "unit_value": 1.308, "goods_code": 0.547, "licence": 0.93, "routing": 0.57,
        "diversion": 0.529, "new_party": 0.323, "split_shipments": 0.75, "restricted_party": 0.263,
    ]

    public init(terms: [Term]) { self.terms = terms }

    /// Backgrounds from the fit data's scores; weights from `defaultWeights`, then `weights`.
    public static func fit(_ scores: [(name: String, scores: [Double])], weights: [String: Double] = [:]) -> RiskModel {
        fit(names: scores.map(\.name), columns: scores.map { ScoreColumn($0.scores) }, weights: weights)
    }

    /// `fit` over score columns, on every core (`ScoreColumn.kth`: a sparse or
    /// paletted column is not expanded; a dense one is copied for its selection).
    public static func fit(names: [String], columns: [ScoreColumn], weights: [String: Double] = [:]) -> RiskModel {
        precondition(names.count == columns.count, "one name per column")
        // Columns on every core, as queue tasks, so a dense column's selection (`Select.kthOfCopy`)
        // gets the cores the others leave; a sparse or paletted column is not expanded (`ScoreColumn.kth`).
        let backgrounds = Parallel.tasks(columns.indices, threads: System.cores) { background(columns[$0]) }
        return RiskModel(terms: names.indices.map { d in
            Term(detector: names[d], background: backgrounds[d], weight: weights[names[d]] ?? defaultWeights[names[d]] ?? 1)
        })
    }

    /// The `backgroundQuantile` of a column's scores (0 for an empty column): `background(_: [Double])` of its dense scores.
    static func background(_ scores: ScoreColumn) -> Double {
        guard scores.count > 0 else { return 0 }
        return scores.kth(min(scores.count - 1, Int((Double(scores.count - 1) * backgroundQuantile).rounded())))
    }

    /// The `backgroundQuantile` of `scores` (0 for an empty list).
    static func background(_ scores: [Double]) -> Double {
        guard !scores.isEmpty else { return 0 }
        var copy = scores
        let k = min(scores.count - 1, Int((Double(scores.count - 1) * backgroundQuantile).rounded()))
        return Select.kth(&copy, k)
    }

    /// The same model with some weights replaced. Unknown detector names are an error.
    public func reweighted(_ weights: [String: Double]) throws(RiskModelError) -> RiskModel {
        var m = self
        for (name, w) in weights.sorted(by: { $0.key < $1.key }) {
            guard let i = m.terms.firstIndex(where: { $0.detector == name }) else {
                throw .unknownDetector(name, known: terms.map(\.detector))
            }
            guard w.isFinite, w >= 0 else { throw .badWeight(name, w) }
            m.terms[i].weight = w
        }
        return m
    }

    /// Parses `NAME=WEIGHT` options.
    public static func parseWeights(_ options: [String]) throws(RiskModelError) -> [String: Double] {
        var out: [String: Double] = [:]
        for o in options {
            let parts = o.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let w = Double(parts[1]) else { throw .badSyntax(o) }
            guard w.isFinite, w >= 0 else { throw .badWeight(parts[0], w) }
            out[parts[0]] = w
        }
        return out
    }

    /// One detector's contribution to a row's risk.
    @inline(__always)
    public func contribution(_ term: Int, score: Double) -> Double {
        let t = terms[term]
        let v = min(score, RiskModel.largestScore)
        return v > t.background ? t.weight * (v - t.background) : 0
    }

    /// Scores count up to here: an infinite one (a detector's aggregate of bad data) adds a
    /// large finite risk, not an infinite one (which no ranking or chart can place); a NaN adds
    /// nothing. Far above any score a detector means (which are ordered as they are), and far
    /// below where a few such terms could overflow.
    public static let largestScore = 1e15

    /// Risk per row. `scores` lists the detectors in `terms` order.
    public func risk(_ scores: [[Double]]) -> [Double] {
        risk(scores.map(ScoreColumn.init))
    }

    /// The risk of every row from score columns. A sparse column over a
    /// background of 0 or more adds only at its scored rows (its zeros never
    /// exceed the background); the sums are the same, term by term, row by row.
    public func risk(_ scores: [ScoreColumn]) -> [Double] {
        precondition(scores.count == terms.count, "one score column per term")
        let n = scores.first?.count ?? 0
        var out = [Double](repeating: 0, count: n)
        for (d, s) in scores.enumerated() {
            let b = terms[d].background, w = terms[d].weight
            guard w > 0 else { continue }
            if s.isSparse && b >= 0 {
                s.forEachStored { r, stored in
                    let v = min(stored, RiskModel.largestScore)
                    if v > b { out[r] += w * (v - b) }
                }
            } else {
                // Row ranges on every core; each row still adds its terms in detector order.
                let parts = max(1, min(System.cores * 4, n / 65_536))
                out.withUnsafeMutableBufferPointer { buffer in
                    // safe: the parts write disjoint row ranges.
                    nonisolated(unsafe) let shared = buffer
                    _ = Parallel.map(0..<parts, threads: System.cores) { k in
                        for r in (n * k / parts)..<(n * (k + 1) / parts) {
                            let v = min(s[r], RiskModel.largestScore)
                            if v > b { shared[r] += w * (v - b) }
                        }
                    }
                }
            }
        }
        return out
    }
}

/// A weight override that cannot apply.
public enum RiskModelError: Error, CustomStringConvertible, Equatable {
    case unknownDetector(String, known: [String])
    case badWeight(String, Double)
    case badSyntax(String)

    public var description: String {
        switch self {
        case let .unknownDetector(name, known):
            "error: --weight names '\(name)', which is not a detector of this model; known: \(known.joined(separator: ", "))"
        case let .badWeight(name, w):
            "error: --weight \(name)=\(w): a weight must be a finite number of 0 or more (0 turns the detector off)"
        case let .badSyntax(text):
            "error: --weight '\(text)': write NAME=WEIGHT, for example --weight diversion=0.5"
        }
    }
}
