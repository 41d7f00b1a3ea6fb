import Declarations
import Detectors
import LinearAlgebra

/// The supervised ranker: learns from the outcomes of past inspections.
///
/// Features (`FeatureSpace`): risk profiles (smoothed outcome rates per trader,
/// declarant, office, goods code at 6/4/2 digits, countries, extra columns, and
/// crosses of the goods code with each of them), engineered numbers (log value,
/// log kg, log value per kg, numeric extra columns such as a tax rate) and the
/// detectors' scores. Training rows see their profiles out of fold.
///
/// Models: L2 logistic regression by IRLS (`LogisticRegression`), and an
/// `EmbeddingMLP` blended in only when it ranks better on a time-ordered
/// validation split: the last `validationShare` of labelled history by date is
/// held out, everything is fitted on the rows before it, and the choices below
/// are made by average precision there; then everything is refitted on all history.
/// - the profile smoothing `m` (from `Options.smoothingGrid`);
/// - the network's epochs and its share of the blended logit;
/// - `unsupervisedWeight`: how much the unsupervised risk adds to the supervised log-odds.
///
/// The score is the blended log-odds in log10 units (one unit = ten times the odds).
public struct OutcomeModel: Codable, Sendable {
    public static let name = "outcome_model"

    public struct Options: Sendable {
        public var seed: UInt64 = 1
        public var foldCount = 5
        public var smoothingGrid: [Double] = [1, 3, 10, 30]
        public var lambda = 1.0
        /// Rows the regression and the network train on (a seeded sample above this; profiles count every row).
        public var maxTrainingRows = 400_000
        public var validationShare = 0.2
        public var network = true
        public var maxEpochs = 12
        public var unsupervisedGrid: [Double] = [0, 0.1, 0.3, 1]
        public init() {}
    }

    /// What the time-ordered validation measured (average precision on the held-out rows).
    public struct Validation: Codable, Sendable, Equatable {
        public var cutDate: String
        public var trainRows: Int
        public var validRows: Int
        public var validPositives: Int
        /// "logistic m=3" → AP, "network epoch 4" → AP, "blend 0.5" → AP, "unsupervised 0.1" → AP.
        public var candidates: [String: Double]
        public var chosen: String
    }

    public var features: FeatureSpace
    public var logistic: LogisticRegression
    public var network: EmbeddingMLP?
    /// Blended logit = (1 − share) · logistic + share · network.
    public var networkShare: Double
    /// Weight of the unsupervised risk added to this model's score (chosen on validation).
    public var unsupervisedWeight: Double
    public var validation: Validation?
    public var labelledRows: Int
    public var positives: Int
    public var seed: UInt64

    /// Labelled rows needed (and positives and negatives among them) to learn anything.
    public static let minimumLabels = 20

    // MARK: fit

    /// Fits on the rows of `table` with a known `outcome` (1/0; −1 unknown).
    ///
    /// - Parameters:
    ///   - scores: the detectors' scores of `table`, by name.
    ///   - unsupervised: the unsupervised risk of every row (for choosing `unsupervisedWeight`).
    /// - Returns: the model and every row's score, out of fold for labelled rows.
    public static func fit(_ table: DeclarationTable, outcome: [Int8], scores: [String: [Double]], unsupervised: [Double],
                           options: Options = Options()) throws -> (OutcomeModel, [Double]) {
        let labelled = outcome.indices.filter { outcome[$0] >= 0 }
        let positives = labelled.filter { outcome[$0] > 0 }.count
        guard positives >= minimumLabels / 2, labelled.count - positives >= minimumLabels / 2 else {
            throw OutcomeModelError.tooFewLabels(labelled: labelled.count, positives: positives)
        }
        let sources = CategoricalSource.available(in: table)
        let importFlow = table.flow.filter { $0 == 1 }.count * 2 > table.count
        let specs = ProfileSpec.candidates(sources, importFlow: importFlow)
        let hashers = SourceHasher.all(specs, table: table)
        let singles = sources.filter { hashers[$0] != nil }
        let seed = options.seed, foldCount = UInt64(options.foldCount)
        let folds = Parallel.rows(table.count) { UInt8(StableHash.combine(table.keyHash($0), seed) % foldCount) }
        let numeric = NumericSource.available(in: table)
        let detectors = scores.keys.sorted()

        // Time-ordered validation.
        var m = options.smoothingGrid.count == 1 ? options.smoothingGrid[0] : 3
        var share = 0.0, epochs = 0, beta = 0.0
        var validation: Validation?
        let byDate = labelled.sorted { (table.date[$0], $0) < (table.date[$1], $1) }
        let cut = table.date[byDate[min(byDate.count - 1, Int(Double(byDate.count) * (1 - options.validationShare)))]]
        let early = labelled.filter { table.date[$0] < cut }, late = labelled.filter { table.date[$0] >= cut }
        let latePositives = late.filter { outcome[$0] > 0 }.count
        if early.filter({ outcome[$0] > 0 }).count >= minimumLabels / 2, latePositives >= 5, late.count - latePositives >= 5 {
            var masked = outcome
            for r in late { masked[r] = -1 }
            let trainRows = sample(early, max: options.maxTrainingRows, seed: options.seed)
            let fit = Stage(specs: specs, table: table, outcome: masked, folds: folds, foldCount: options.foldCount,
                            hashers: hashers, numeric: numeric, detectors: detectors, scores: scores, rows: trainRows + late)
            let yTrain = trainRows.map { Double(outcome[$0]) }, yValid = late.map { Double(outcome[$0]) }
            let trainIndex = Array(0..<trainRows.count), validIndex = Array(trainRows.count..<(trainRows.count + late.count))
            var candidates: [String: Double] = [:]
            var best = (ap: -1.0, m: m, logits: [Double](), space: fit.space(smoothing: m))
            for mm in options.smoothingGrid {
                let space = fit.space(smoothing: mm)
                let x = try space.matrix(fit.columns(space, rows: trainIndex))
                let lr = try LogisticRegression.fit(x, yTrain, lambda: options.lambda)
                let logits = try lr.logits(try space.matrix(fit.columns(space, rows: validIndex)))
                let ap = averagePrecision(logits, yValid)
                candidates["logistic m=\(format(mm))"] = ap
                if ap > best.ap { best = (ap, mm, logits, space) }
            }
            m = best.m
            var chosen = "logistic m=\(format(m))"
            var blended = best.logits
            if options.network, !singles.isEmpty {
                let space = best.space
                let xTrain = try space.matrix(fit.columns(space, rows: trainIndex))
                let xValid = try space.matrix(fit.columns(space, rows: validIndex))
                let trainHashes = singles.map { s in trainRows.map { hashers[s]!.hash($0) } }
                let validHashes = singles.map { s in late.map { hashers[s]!.hash($0) } }
                var net = EmbeddingMLP(sources: singles, hashes: trainHashes, dense: space.count, seed: options.seed)
                let trainIDs = EmbeddingMLP.ids(trainHashes, vocabulary: net.vocabulary)
                let validIDs = EmbeddingMLP.ids(validHashes, vocabulary: net.vocabulary)
                var bestNet = (ap: -1.0, epochs: 0, logits: [Double]())
                try net.train(dense: xTrain, ids: trainIDs, y: yTrain, epochs: options.maxEpochs, seed: options.seed) { e, n in
                    let logits = try n.logits(dense: xValid, ids: validIDs)
                    let ap = averagePrecision(logits, yValid)
                    candidates["network epoch \(e)"] = ap
                    if ap > bestNet.ap { bestNet = (ap, e, logits) }
                }
                var bestShare = (ap: best.ap, share: 0.0)
                for s in [0.25, 0.5, 0.75, 1.0] {
                    let mix = zip(best.logits, bestNet.logits).map { (1 - s) * $0 + s * $1 }
                    let ap = averagePrecision(mix, yValid)
                    candidates["blend network share \(format(s))"] = ap
                    if ap > bestShare.ap + 1e-9 { bestShare = (ap, s) }
                }
                if bestShare.share > 0 {
                    share = bestShare.share
                    epochs = bestNet.epochs
                    blended = zip(best.logits, bestNet.logits).map { (1 - share) * $0 + share * $1 }
                    chosen += ", network \(epochs) epochs at share \(format(share))"
                }
            }
            var bestBeta = (ap: -1.0, beta: 0.0)
            for b in options.unsupervisedGrid {
                let mix = late.indices.map { blended[$0] / log10e + b * unsupervised[late[$0]] }
                let ap = averagePrecision(mix, yValid)
                candidates["unsupervised weight \(format(b))"] = ap
                if ap > bestBeta.ap + 1e-9 { bestBeta = (ap, b) }
            }
            beta = bestBeta.beta
            chosen += ", unsupervised weight \(format(beta))"
            validation = Validation(cutDate: CivilDate(daysSinceEpoch: Int(cut)).description, trainRows: trainRows.count,
                                    validRows: late.count, validPositives: latePositives, candidates: candidates, chosen: chosen)
        }

        // Final fit on all labelled history.
        let trainRows = sample(labelled, max: options.maxTrainingRows, seed: options.seed)
        let fit = Stage(specs: specs, table: table, outcome: outcome, folds: folds, foldCount: options.foldCount,
                        hashers: hashers, numeric: numeric, detectors: detectors, scores: scores, rows: Array(0..<table.count))
        let space = fit.space(smoothing: m)
        let xTrain = try space.matrix(fit.columns(space, rows: trainRows))
        let y = trainRows.map { Double(outcome[$0]) }
        let lr = try LogisticRegression.fit(xTrain, y, lambda: options.lambda)
        var net: EmbeddingMLP?
        if share > 0, epochs > 0 {
            let hashes = singles.map { s in trainRows.map { hashers[s]!.hash($0) } }
            var n = EmbeddingMLP(sources: singles, hashes: hashes, dense: space.count, seed: options.seed)
            try n.train(dense: xTrain, ids: EmbeddingMLP.ids(hashes, vocabulary: n.vocabulary), y: y, epochs: epochs, seed: options.seed)
            net = n
        }
        let model = OutcomeModel(features: space, logistic: lr, network: net, networkShare: net == nil ? 0 : share,
                                 unsupervisedWeight: beta, validation: validation, labelledRows: labelled.count,
                                 positives: positives, seed: options.seed)
        // Every row's score from out-of-fold features, in blocks.
        var out = [Double](repeating: 0, count: table.count)
        for start in stride(from: 0, to: table.count, by: blockRows) {
            let rows = Array(start..<min(start + blockRows, table.count))
            let logits = try model.logits(try space.matrix(fit.columns(space, rows: rows)), table: table, rows: rows, hashers: hashers)
            for (i, r) in rows.enumerated() { out[r] = logits[i] * log10e }
        }
        return (model, out)
    }

    static let blockRows = 16_384
    static let log10e = 0.434_294_481_903_251_8

    /// Profile statistics for one fit: each profile fitted on `outcome` and its
    /// out-of-fold (count, positives) for `rows`, plus the other raw columns.
    struct Stage {
        var profiles: [RiskProfile] = []
        var stats: [[(count: Double, positives: Double)]] = []
        var other: [[Double]]
        var prior: Double
        var numeric: [NumericSource]
        var detectors: [String]

        init(specs: [ProfileSpec], table: DeclarationTable, outcome: [Int8], folds: [UInt8], foldCount: Int,
             hashers: [CategoricalSource: SourceHasher], numeric: [NumericSource], detectors: [String],
             scores: [String: [Double]], rows: [Int]) {
            var n = 0.0, p = 0.0
            for o in outcome where o >= 0 { n += 1; p += Double(o) }
            prior = n > 0 ? p / n : 0
            for spec in specs {
                guard let keys = spec.keys(rows: 0..<table.count, hashers: hashers) else { continue }
                let (profile, oof) = RiskProfile.fitOutOfFold(spec: spec, keys: keys, outcome: outcome, folds: folds, foldCount: foldCount)
                profiles.append(profile)
                stats.append(rows.map { oof[$0] })
            }
            self.numeric = numeric
            self.detectors = detectors
            let space = FeatureSpace(profiles: [], smoothing: 1, prior: prior, numeric: numeric, detectors: detectors,
                                     kinds: [], means: [], scales: [])
            other = space.otherColumns(table, rows: rows, scores: scores)
        }

        /// Raw columns of the stage's row positions `index` under `space`.
        func columns(_ space: FeatureSpace, rows index: [Int]) -> [[Double]] {
            var c: [[Double]] = []
            for s in stats {
                c.append(index.map { space.rateLogit(s[$0]) })
                c.append(index.map { Math.log1p(s[$0].count) })
            }
            for o in other { c.append(index.map { o[$0] }) }
            return c
        }

        /// The feature space for smoothing `m`, standardised on every stage row.
        func space(smoothing m: Double) -> FeatureSpace {
            var kinds: [FeatureKind] = []
            for i in profiles.indices { kinds += [.profileRate(i), .profileCount(i)] }
            kinds += numeric.map { .numeric($0) } + detectors.map { .detector($0) }
            var s = FeatureSpace(profiles: profiles, smoothing: m, prior: prior, numeric: numeric, detectors: detectors,
                                 kinds: kinds, means: [], scales: [])
            s.standardise(from: columns(s, rows: Array(0..<(stats.first?.count ?? other.first?.count ?? 0))))
            return s
        }
    }

    // MARK: score

    /// The blended log-odds (natural units) of a standardised feature block.
    func logits(_ x: Matrix, table: DeclarationTable, rows: [Int], hashers: [CategoricalSource: SourceHasher]) throws -> [Double] {
        var z = try logistic.logits(x)
        if let network, networkShare > 0 {
            let hashes = network.sources.map { s in rows.map { hashers[s]?.hash($0) ?? 0 } }
            let n = try network.logits(dense: x, ids: EmbeddingMLP.ids(hashes, vocabulary: network.vocabulary))
            z = zip(z, n).map { (1 - networkShare) * $0 + networkShare * $1 }
        }
        return z
    }

    /// Sources the model reads that `table` lacks (a model fitted on other columns).
    public func missingSources(in table: DeclarationTable) -> [String] {
        let need = Set(features.profiles.flatMap(\.spec.sources) + (network?.sources ?? []))
        return need.filter { $0.hasher(table) == nil }.map(\.label).sorted()
    }

    /// Scores (log10-odds) of every row of `table`, given the detectors' scores.
    public func scores(_ table: DeclarationTable, detectorScores: [String: [Double]]) throws -> [Double] {
        let hashers = SourceHasher.all(features.profiles.map(\.spec) + (network?.sources ?? []).map { ProfileSpec([$0]) }, table: table)
        var out = [Double](repeating: 0, count: table.count)
        for start in stride(from: 0, to: table.count, by: Self.blockRows) {
            let rows = start..<min(start + Self.blockRows, table.count)
            let x = try features.matrix(features.rawColumns(table, rows: rows, scores: detectorScores, hashers: hashers))
            let z = try logits(x, table: table, rows: Array(rows), hashers: hashers)
            for (i, r) in rows.enumerated() { out[r] = z[i] * Self.log10e }
        }
        return out
    }
}

/// Why no outcome model could be fitted.
public enum OutcomeModelError: Error, CustomStringConvertible, Equatable {
    case tooFewLabels(labelled: Int, positives: Int)

    public var description: String {
        switch self {
        case let .tooFewLabels(labelled, positives):
            "error: \(labelled) labelled rows with \(positives) positives are too few to learn from outcomes (need at least \(OutcomeModel.minimumLabels / 2) positives and \(OutcomeModel.minimumLabels / 2) negatives); map an outcome column or pass --labels"
        }
    }
}

/// A seeded sample of at most `max` of `rows`, in row order.
func sample(_ rows: [Int], max: Int, seed: UInt64) -> [Int] {
    guard rows.count > max else { return rows }
    var rng = SeededGenerator(seed: seed ^ 0x5341_4D50)
    var copy = rows
    rng.shuffle(&copy)
    return Array(copy.prefix(max)).sorted()
}

/// Average precision of `scores` against 0/1 `labels` (ties broken by position).
func averagePrecision(_ scores: [Double], _ labels: [Double]) -> Double {
    let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
    var hits = 0.0, sum = 0.0
    for (k, i) in order.enumerated() where labels[i] > 0 {
        hits += 1
        sum += hits / Double(k + 1)
    }
    return hits > 0 ? sum / hits : 0
}

func format(_ x: Double) -> String {
    x == x.rounded() ? String(Int(x)) : String(x)
}
