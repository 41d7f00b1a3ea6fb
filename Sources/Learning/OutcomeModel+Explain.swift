import CSVCore
import Declarations
import Detectors

extension OutcomeModel {
    /// Reasons for rows of `table`: the logistic model's terms that pushed the
    /// row up most, grouped by profile (rate and count together), strongest first.
    /// Strength is the term's share of the log-odds in log10 units.
    ///
    /// - Parameter ownOutcome: the labels the model was fitted on, when `table` is
    ///   its history (scan): a labelled row's own outcome is taken out of the
    ///   counts it is shown, so "7 of 9 positive" never counts the row itself.
    public func explainer(_ table: DeclarationTable, detectorScores: [String: [Double]],
                          ownOutcome: [Int8]? = nil) -> @Sendable (Int) -> [Reason] {
        let hashers = SourceHasher.all(features.profiles.map(\.spec), table: table)
        let numericValues = features.numeric.map { $0.values(table) }
        let model = self
        return { row in
            model.reasons(table, row: row, detectorScores: detectorScores, hashers: hashers, numericValues: numericValues, ownOutcome: ownOutcome)
        }
    }

    /// Terms at or below this (log10 odds) are not worth a sentence.
    static let minimumReason = 0.05

    func reasons(_ table: DeclarationTable, row: Int, detectorScores: [String: [Double]],
                 hashers: [CategoricalSource: SourceHasher], numericValues: [[Double]], ownOutcome: [Int8]?) -> [Reason] {
        let f = features
        var terms: [(strength: Double, reason: Reason)] = []
        var j = 0
        for profile in f.profiles {
            let key = profile.spec.keys(rows: [row], hashers: hashers)?.first
            var s: (count: Double, positives: Double) = key.map(profile.lookup) ?? (0, 0)
            if let o = ownOutcome?[row], o >= 0, s.count >= 1 {
                s = (s.count - 1, max(0, s.positives - Double(o)))
            }
            let rate = f.rateLogit(s), count = Math.log1p(s.count)
            let t = (logistic.weights[j] * f.standardised(j, rate) + logistic.weights[j + 1] * f.standardised(j + 1, count)) * Self.log10e
            j += 2
            guard t > Self.minimumReason else { continue }
            let values = profile.spec.sources.map { $0.value(table, row: row) }.map { $0.isEmpty ? "(empty)" : $0 }.joined(separator: " × ")
            let text: String
            if s.count == 0 {
                text = "\(profile.spec.label) \(values): never seen in inspected history"
            } else {
                text = "\(profile.spec.label) \(values): \(Int(s.positives.rounded())) of \(Int(s.count.rounded())) inspected found positive"
                    + " (\(percent(s.positives / s.count)) against \(percent(f.prior)) overall)"
            }
            terms.append((t, Reason(detector: Self.name, text: text, strength: t, evidence: [
                "profile": profile.spec.label, "value": values,
                "inspected": String(Int(s.count.rounded())), "positive": String(Int(s.positives.rounded())),
                "prior_rate": percent(f.prior), "log10_odds": format2(t),
            ])))
        }
        let other = f.otherColumns(table, rows: [row], scores: detectorScores, numericValues: numericValues)
        for (k, column) in other.enumerated() {
            let x = column[0]
            let t = logistic.weights[j] * f.standardised(j, x) * Self.log10e
            defer { j += 1 }
            guard t > Self.minimumReason, x.isFinite else { continue }
            let text: String
            var evidence: Reason.Evidence = ["log10_odds": format2(t)]
            switch f.kinds[j] {
            case let .numeric(n):
                let usual = f.means[j]
                text = "\(n.label) \(format2(x)) against \(format2(usual)) on average in inspected history"
                evidence["feature"] = n.label
                evidence["value"] = format2(x)
                evidence["mean"] = format2(usual)
            case let .detector(d):
                text = "\(d) score \(format2(x)) is high for inspected history (average \(format2(f.means[j])))"
                evidence["detector"] = d
                evidence["score"] = format2(x)
            default:
                text = "feature \(k)"
            }
            terms.append((t, Reason(detector: Self.name, text: text, strength: t, evidence: evidence)))
        }
        return terms.sorted { $0.strength != $1.strength ? $0.strength > $1.strength : $0.reason.text < $1.reason.text }
            .prefix(3).map(\.reason)
    }
}

func percent(_ x: Double) -> String {
    let p = (x * 1000).rounded() / 10
    guard p.isFinite, abs(p) < ProseNumber.large else { return ProseNumber.whole(p) + "%" }
    return (p == p.rounded() ? String(Int(p)) : String(p)) + "%"
}

func format2(_ x: Double) -> String {
    guard x.isFinite else { return String(x) }
    let r = (x * 100).rounded() / 100
    // A feature of bad data (1e30 kg) is written, not trapped on as an Int.
    guard abs(r) < ProseNumber.large else { return ProseNumber.whole(r) }
    return r == r.rounded() ? String(Int(r)) : String(r)
}
