import CSVCore
import Dispatch
import Declarations
import LinearAlgebra

/// Goods that don't match their code: controlled goods declared under an
/// ordinary tariff line. Three kinds of evidence, for rows under a line no
/// control covers:
/// (a) the description names a controlled item (keywords of the controls table);
/// (b) text: the description's hashed character-trigram TF-IDF vector is closer
///     to a controlled line's centroid than to its own line's (cosine
///     similarities of each distinct description's sparse vector against the
///     controlled centroids and its own line's);
/// (c) value: ln(USD/kg) fits a controlled line's distribution far better than
///     the declared line's (log-likelihood ratio, robust median and MAD per line;
///     not for goods declared as samples, whose value is nominal).
/// A keyword is corroborated when the row's trader declares the same controlled
/// item under its controlled lines (`ControlledDealers`, from the fit data).
/// Score: 2·[keyword] + 2·[keyword, corroborated] + 4·max(0, text margin)
/// + min(20, max(0, log10 LR − 3)):
/// the value evidence counts as posterior log10-odds against prior odds of 1 in
/// 1000 that a row's goods belong to a controlled line rather than the declared
/// one, so a price merely high for its line (a likelihood ratio of 10² or 10³,
/// common among ordinary rows) adds nothing, while goods priced like a
/// controlled line (10⁵ and beyond) still count in full.
public struct GoodsCodeDetector: Detector {
    public typealias Fitted = FittedGoodsCode
    public static let requiredFields: [CanonicalField] = [.description, .netWeightKg]
    /// −log10 of the prior odds that a row's goods belong to a controlled line instead of its declared one.
    public static let priorLog10Odds = 3.0

    /// A row's score from its three kinds of evidence (see the type's notes).
    static func score(keyword: Bool, dealer: Bool = false, margin: Double, log10LR: Double) -> Double {
        (keyword ? 2 : 0) + (keyword && dealer ? dealerBonus : 0) + 4 * max(0, margin) + min(20, max(0, log10LR - priorLog10Odds))
    }

    /// What a keyword's corroboration by its trader adds (see the type's notes).
    /// Generated data (1M rows, seed 19; counted once by a script not kept),
    /// rows whose description names a controlled item under a line no control
    /// covers: all 700 planted misdeclarations among them came from a dealer in
    /// the item, and 5 of the 487 other rows did.
    static let dealerBonus = 2.0
    public var controls: ControlsTable
    /// Distinct descriptions the text model is fitted on in full (`TextSample`).
    var textSampleCap = TextSample.cap

    public init(controls: ControlsTable = .standard) { self.controls = controls }

    /// The descriptions and pairs the text model is fitted on: all, up to `cap`
    /// distinct descriptions; beyond, a sample (`TextSample`) over each line's row count.
    static func textSample(_ table: DeclarationTable, cap: Int) -> TextSample {
        guard let hs = table.text(.hsCode), let desc = table.text(.description) else { return TextSample(lines: 0) }
        let lines = hs.values.count
        guard desc.values.count > cap else { return TextSample(lines: lines) }
        // Each line's rows and each description's, in one pass (free text's descriptions come
        // nearly in row order, so their counts are written in order too).
        let codes = hs.codes, descriptionCodes = desc.codes
        var lineRows = [Int](repeating: 0, count: lines)
        var descriptionRows = [Int32](repeating: 0, count: desc.values.count)
        for r in 0..<table.count {
            lineRows[Int(codes[r])] += 1
            descriptionRows[Int(descriptionCodes[r])] &+= 1
        }
        return TextSample(descriptions: desc.values.count, lineRows: lineRows, descriptionRows: descriptionRows, cap: cap)
    }

    public func fit(_ table: DeclarationTable) throws -> FittedGoodsCode {
        try fit(table, samples: DeclaredSample.rows(table), traders: ControlledDealers.Rows(table, controls: controls))
    }

    /// The same, with the declared samples `facts` holds.
    public func fit(_ table: DeclarationTable, facts: TableFacts) throws -> FittedGoodsCode {
        try fit(table, samples: facts.declaredSamples(), traders: ControlledDealers.Rows(table, controls: controls))
    }

    func fit(_ table: DeclarationTable, samples: [Bool], traders: ControlledDealers.Rows) throws -> FittedGoodsCode {
        let hs = table.text(.hsCode)!, desc = table.text(.description)!
        let net = table.numbers(.netWeightKg)!
        // Per line (a dense code number): ln(USD/kg) of its rows, and per (description, line)
        // pair its row count; counted over row ranges on every core, joined in row order.
        let lineCount = hs.values.count, hsCodes = hs.codes, descCodes = desc.codes, usd = table.valueUSD
        let sample = GoodsCodeDetector.textSample(table, cap: textSampleCap)
        let parts = Parallel.map(0..<System.cores, threads: System.cores) { k -> (values: [[Double]], pairs: PairCounts) in
            var values = [[Double]](repeating: [], count: lineCount)
            var pairs = PairCounts()
            for r in (table.count * k / System.cores)..<(table.count * (k + 1) / System.cores) {
                let c = hsCodes[r]
                if net[r] > 0 && !samples[r] { values[Int(c)].append(Math.log(max(usd[r], 0.01) / net[r])) }
                let d = descCodes[r]
                if sample.keeps(Int(d), line: Int(c)) { pairs.add(UInt64(d) << 32 | UInt64(c), 1) }
            }
            return (values, pairs)
        }
        // Per line: robust location and scale of ln(USD/kg), lines on every core
        // (two medians over every row's value were a third of a second on one).
        var lines: [String: FittedGoodsCode.Line] = [:]
        let fittedLines = Parallel.map(0..<lineCount, threads: System.cores) { code -> FittedGoodsCode.Line? in
            let v = parts.flatMap { $0.values[code] }
            guard v.count >= 20 else { return nil }
            let med = Select.median(v)
            let mad = max(0.1, Select.median(v.map { abs($0 - med) }) * 1.4826)
            return .init(median: med, scale: mad, rows: v.count)
        }
        for (code, line) in fittedLines.enumerated() {
            if let line { lines[hs.values.string(UInt32(code))] = line }
        }
        // Text: IDF over distinct descriptions, centroids per line (row-weighted), both
        // from the sample (`TextSample`: all of them up to a million descriptions). No
        // description's grams are kept (real feeds' descriptions are free text, nearly one
        // per row, and grams of every one took some 600 bytes each): they are counted
        // into document frequencies over ranges of descriptions on every core, then
        // computed again for the centroids.
        let descriptions = desc.values.count, values = desc.values
        let ranges = System.cores * 4
        let dfParts = Parallel.map(0..<ranges, threads: System.cores) { k -> (df: [Int32], documents: Int) in
            var df = [Int32](repeating: 0, count: TextModel.dimension)
            var documents = 0
            values.withValueBytes { v in
                for d in (descriptions * k / ranges)..<(descriptions * (k + 1) / ranges) where sample.keeps(d) {
                    documents += 1
                    TextModel.forEachDistinctBucket(utf8: v[d]) { df[$0] += 1 }
                }
            }
            return (df, documents)
        }
        var df = [Double](repeating: 0, count: TextModel.dimension)
        for part in dfParts { for b in 0..<TextModel.dimension { df[b] += Double(part.df[b]) } }
        let model = TextModel(documentFrequency: df, documents: dfParts.reduce(0) { $0 + $1.documents })
        let codes = (0..<hs.values.count).map { hs.values.string(UInt32($0)) }
        let centroids = GoodsCodeDetector.centroids(lines: codes.count, pairs: PairCounts.sorted(merging: parts.map(\.pairs)),
                                                    values: values, model: model, sample: sample.isWhole ? nil : sample)
        let controlled = codes.indices.filter { controls.isControlled(code: codes[$0]) }
        return FittedGoodsCode(controls: controls, lines: lines, text: model, centroidCodes: codes,
                               centroids: centroids, controlledCentroids: controlled,
                               dealers: ControlledDealers(traders, rows: table.count))
    }
}

extension GoodsCodeDetector {
    /// Each line's centroid: the sum of its (description, line) pairs' TF-IDF
    /// vectors, each L2-normalised and weighted by the pair's row count (times
    /// the pair's `TextSample.weight` when the pairs are a sample), then
    /// the sum normalised. `pairs` come sorted by key (description above line).
    ///
    /// Lines are split into ranges of about equal pair counts, one per core
    /// (`cores`); each core walks the pairs in order and adds those of its own
    /// lines, so every cell gets its terms in the order one pass over the pairs
    /// gives (the same sums, whatever the core count).
    static func centroids(lines: Int, pairs: [(key: UInt64, count: Int)], values: ByteInterner, model: TextModel,
                          cores: Int = System.cores, sample: TextSample? = nil) -> Matrix {
        let dimension = TextModel.dimension
        var perLine = [Int](repeating: 0, count: lines)
        for (pair, _) in pairs { perLine[Int(pair & 0xFFFF_FFFF)] += 1 }
        let cores = max(1, min(cores, lines))
        var cut = [0]
        var seen = 0
        for c in 0..<lines {
            seen += perLine[c]
            if cut.count < cores && seen * cores >= pairs.count * cut.count { cut.append(c + 1) }
        }
        while cut.count <= cores { cut.append(lines) }
        let bounds = cut
        // Each core sums and normalises its own lines' vectors in the one matrix (line c's
        // bucket b at c · dimension + b: each line's vector contiguous), so the matrix is never held twice.
        var columnMajor = [Double](repeating: 0, count: lines * dimension)
        columnMajor.withUnsafeMutableBufferPointer { all in
            // safe: each core writes the cells of its own lines only.
            nonisolated(unsafe) let m = all
            DispatchQueue.concurrentPerform(iterations: cores) { w in
                let own = bounds[w]..<bounds[w + 1]
                var last = -1, grams: [(Int, Double)] = [], norm = 1.0
                values.withValueBytes { v in
                    for (pair, count) in pairs {
                        let d = Int(pair >> 32), c = Int(pair & 0xFFFF_FFFF)
                        guard own.contains(c) else { continue }
                        if d != last {
                            TextModel.grams(utf8: v[d], into: &grams)
                            var n2 = 0.0
                            for (b, n) in grams { let w = TextModel.logWeight(count: n) * model.idf[b]; n2 += w * w }
                            norm = max(n2.squareRoot(), 1e-12)
                            last = d
                        }
                        // A sampled pair's rows weigh one over the chance it was drawn (`TextSample.weight`).
                        let rows = sample.map { Double(count) * $0.weight(d, line: c) } ?? Double(count)
                        for (b, n) in grams { m[c &* dimension &+ b] += rows * TextModel.logWeight(count: n) * model.idf[b] / norm }
                    }
                }
                for c in own {
                    var s = 0.0
                    for b in 0..<dimension { s += m[c &* dimension &+ b] * m[c &* dimension &+ b] }
                    s = max(s.squareRoot(), 1e-12)
                    for b in 0..<dimension { m[c &* dimension &+ b] /= s }
                }
            }
        }
        return try! Matrix(rows: dimension, columns: lines, columnMajor: columnMajor)
    }
}

/// A fitted goods-vs-code model.
public struct FittedGoodsCode: FittedDetector {
    public static let name = "goods_code"

    public struct Line: Sendable, Codable {
        public var median: Double
        public var scale: Double
        public var rows: Int
    }

    public var controls: ControlsTable
    public var lines: [String: Line]
    var text: TextModel
    public var centroidCodes: [String]
    /// Each line's centroid, a column (`TextModel.dimension` rows, one column per
    /// line of `centroidCodes`): a line's vector is contiguous, so a description's
    /// similarity to its own line reads one run of memory, not one cache line per bucket.
    var centroids: Matrix
    var controlledCentroids: [Int]
    /// The fit data's traders that declare controlled items under their controlled lines.
    public var dealers: ControlledDealers

    init(controls: ControlsTable, lines: [String: Line], text: TextModel, centroidCodes: [String], centroids: Matrix,
         controlledCentroids: [Int], dealers: ControlledDealers = ControlledDealers()) {
        self.controls = controls
        self.lines = lines
        self.text = text
        self.centroidCodes = centroidCodes
        self.centroids = centroids
        self.controlledCentroids = controlledCentroids
        self.dealers = dealers
    }

    private enum CodingKeys: String, CodingKey {
        case controls, lines, text, centroidCodes, centroids, controlledCentroids, dealers
    }

    /// Decodes a stored model and checks its shapes: scoring reads the IDF and the
    /// centroids through unchecked pointers, so a damaged file is refused here
    /// (`ModelFile` reports it, with the fix: refit) rather than read past its end.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        controls = try c.decode(ControlsTable.self, forKey: .controls)
        lines = try c.decode([String: Line].self, forKey: .lines)
        text = try c.decode(TextModel.self, forKey: .text)
        centroidCodes = try c.decode([String].self, forKey: .centroidCodes)
        centroids = try c.decode(Matrix.self, forKey: .centroids)
        controlledCentroids = try c.decode([Int].self, forKey: .controlledCentroids)
        // A model written before dealers were kept scores without their corroboration.
        dealers = try c.decodeIfPresent(ControlledDealers.self, forKey: .dealers) ?? ControlledDealers()
        let dimension = TextModel.dimension
        guard text.idf.count == dimension else {
            throw DecodingError.dataCorruptedError(forKey: .text, in: c, debugDescription: "goods_code's IDF has \(text.idf.count) buckets, not \(dimension)")
        }
        guard centroids.rows == dimension, centroids.columns == centroidCodes.count, centroids.elements.count == dimension * centroids.columns else {
            throw DecodingError.dataCorruptedError(forKey: .centroids, in: c, debugDescription:
                "goods_code's centroids are \(centroids.rows) × \(centroids.columns) with \(centroids.elements.count) values, not \(dimension) × \(centroidCodes.count)")
        }
        guard controlledCentroids.allSatisfy({ $0 >= 0 && $0 < centroidCodes.count }) else {
            throw DecodingError.dataCorruptedError(forKey: .controlledCentroids, in: c, debugDescription: "goods_code's controlled lines name a line it has no centroid for")
        }
    }

    /// Per distinct (description, line) of a table: the evidence.
    struct Evidence {
        var keyword: KeywordMatcher.Keyword?
        var ownSimilarity: Double
        var bestControlled: (code: String, similarity: Double)?
    }

    /// Per distinct description: its keyword (an index into `matcher.keywords`,
    /// −1: none), the closest controlled centroid and its similarity, and its
    /// similarity to the centroid of each code in its slots (by slot of `codes`; 0
    /// for a free slot or a code with no centroid). Each description's TF-IDF vector is
    /// made, used and dropped here: none is kept (free-text descriptions come
    /// nearly one per row, and a vector took some 600 bytes).
    ///
    /// Similarities are sparse dot products (a description has tens of nonzero
    /// buckets out of 2048): to every controlled centroid at once, through
    /// `controlledByBucket`. Batches of 4096 descriptions run in parallel.
    func descriptionEvidence(_ table: DeclarationTable, matcher: KeywordMatcher, codes: CodeSlots, centroidOf: [Int])
        -> (keywords: [Int32], bestControlled: BestLines, ownSimilarities: [Double], fullVectors: [Int: [(Int, Double)]]) {
        let values = table.text(.description)!.values
        let distinct = values.count
        var keywords = [Int32](repeating: -1, count: distinct)
        var bestLine = [Int32](repeating: -1, count: distinct), bestSimilarity = [Double](repeating: 0, count: distinct)
        var own = [Double](repeating: 0, count: codes.slotCount)
        let controlled = controlledByBucket()
        let batch = 4096
        let batches = (distinct + batch - 1) / batch
        // Per batch: the vectors of its descriptions whose slots are all taken (they may come with more codes).
        var full = [[Int: [(Int, Double)]]](repeating: [:], count: batches)
        let model = self
        keywords.withUnsafeMutableBufferPointer { kw in
            bestLine.withUnsafeMutableBufferPointer { bl in
            bestSimilarity.withUnsafeMutableBufferPointer { bs in
                own.withUnsafeMutableBufferPointer { os in
                full.withUnsafeMutableBufferPointer { fs in
                    // safe: each batch writes its own descriptions' entries and slots.
                    nonisolated(unsafe) let (k, b, bsim, o, f) = (kw, bl, bs, os, fs)
                    DispatchQueue.concurrentPerform(iterations: batches) { j in
                        let start = j * batch
                        var sims = [Double](repeating: 0, count: controlled.width)
                        // One vector's room for the whole batch (an array a description was most of its mallocs).
                        var v: [(Int, Double)] = []
                        // Each description's bytes in place: no String per description.
                        values.withValueBytes { bytes in
                            for i in start..<min(distinct, start + batch) {
                                let d = bytes[i]
                                k[i] = matcher.match(utf8: d).map { Int32($0) } ?? -1
                                model.text.sparseVector(utf8: d, into: &v)
                                guard let (c, similarity) = model.closestControlled(v, controlled, scratch: &sims) else { continue }
                                b[i] = Int32(c)
                                bsim[i] = similarity
                                codes.forEachSlot(i) { s, hc in
                                    guard centroidOf[hc] >= 0 else { return }
                                    o[s] = model.similarity(v, centroidOf[hc])
                                }
                                if codes.isFull(i) { f[j][i] = v }
                            }
                        }
                    }
                }
                }
            }
            }
        }
        var fullVectors: [Int: [(Int, Double)]] = [:]
        for part in full { fullVectors.merge(part) { a, _ in a } }
        return (keywords, BestLines(line: bestLine, similarity: bestSimilarity), own, fullVectors)
    }

    /// The controlled centroids by bucket: entry `b · width + j` is bucket `b`
    /// of controlled centroid `j`, `width` the count of them rounded up to
    /// whole `BucketSums` blocks (the entries past them 0), so a sparse vector's
    /// similarities to all of them read one short contiguous run per nonzero bucket.
    func controlledByBucket() -> (table: [Double], width: Int) {
        let k = controlledCentroids.count
        let width = (k + BucketSums.block - 1) / BucketSums.block * BucketSums.block
        var out = [Double](repeating: 0, count: TextModel.dimension * width)
        for (j, c) in controlledCentroids.enumerated() {
            for b in 0..<TextModel.dimension { out[b * width + j] = centroids[b, c] }
        }
        return (out, width)
    }

    /// The controlled line whose centroid is closest (cosine similarity) to a
    /// description's sparse vector, with the similarity; the first of equals
    /// in `controlledCentroids` order; nil when no line is controlled. Each
    /// similarity sums the vector's buckets in ascending order, as `similarity`
    /// does for a row's own line, so the two compare like for like.
    /// `byBucket` is `controlledByBucket()`; `scratch` holds one slot per column of it.
    @inline(__always)
    func closestControlled(_ vector: [(Int, Double)], _ byBucket: (table: [Double], width: Int), scratch sims: inout [Double]) -> (Int, Double)? {
        let k = controlledCentroids.count
        guard k > 0 else { return nil }
        vector.withUnsafeBufferPointer { v in
            byBucket.table.withUnsafeBufferPointer { t in
                sims.withUnsafeMutableBufferPointer { BucketSums.sums(v, table: t, width: byBucket.width, into: $0) }
            }
        }
        var best = 0
        for j in 1..<k where sims[j] > sims[best] { best = j }
        return (controlledCentroids[best], sims[best])
    }

    public func anomalyScores(_ table: DeclarationTable) -> [Double] {
        scores(prepare(table), table)
    }

    /// Per distinct description, the closest controlled centroid (its index in
    /// `centroidCodes`, −1: none, when no line is controlled) and its similarity:
    /// two flat arrays, 12 bytes a description (an optional pair took 24; free
    /// text has a description nearly per row).
    struct BestLines: Sendable {
        var line: [Int32]
        var similarity: [Double]

        /// Description `d`'s closest controlled centroid and similarity, if any.
        @inline(__always)
        subscript(d: Int) -> (Int, Double)? {
            let c = line[d]
            return c < 0 ? nil : (Int(c), similarity[d])
        }
    }

    /// Evidence for one row: indices, not strings (a million rows must not retain a million strings).
    struct RowEvidence: Sendable {
        var score: Double = 0
        /// Index of the description's keyword match in `keywords`, or −1.
        var keyword: Int32 = -1
        var margin = 0.0
        /// Index into `centroidCodes` of the closest controlled line, or −1.
        var controlled: Int32 = -1
        var ownSimilarity = 0.0
        var controlledSimilarity = 0.0
        /// The log10 likelihood ratio of the controlled line whose value distribution
        /// fits best against the row's own line, and that line's index into
        /// `centroidCodes`, when the ratio passes `priorLog10Odds` (0 and −1 when not:
        /// a smaller ratio gives neither score nor reason).
        var log10LR = 0.0
        var lrLine: Int32 = -1
        /// The keyword's item is one the row's trader declares under its controlled lines (`ControlledDealers`).
        var dealer = false
    }

    /// What scoring a table needs, per distinct value (description, tariff
    /// code, controlled line), not per row: a row's evidence is then a few
    /// lookups, so explainers recompute it for the rows asked instead of
    /// holding it for every row.
    struct Prepared: Sendable {
        /// Per distinct description: its keyword's index in `keywordList` (−1: none).
        var keywords: [Int32]
        var keywordList: [KeywordMatcher.Keyword]
        /// The descriptions (the table's dictionary, shared): a vector the per-value
        /// tables do not hold is made from them (`similarity(_:_:_:)`).
        var descriptions: ByteInterner
        /// The vectors of the descriptions whose code slots are all taken: the only ones
        /// a row can need beyond its slots (a generic description, "PARTS", under
        /// dozens of codes), kept so that such rows do not make theirs row by row.
        var fullVectors: [Int: [(Int, Double)]]
        /// Per distinct description: the closest controlled centroid and its similarity.
        var best: BestLines
        /// Per controlled line: its centroid index, median and scale of log USD/kg.
        var lrLineIndex: [Int32]
        var cMedian: [Double], cScale: [Double], cLogScale: [Double]
        /// The controlled lines' best log density by bucket of log USD/kg.
        var envelope: LineEnvelope
        /// Per distinct tariff code: controlled, its own line, its centroid (−1: none).
        var isControlled: [Bool]
        var declaredLine: [Line?]
        /// Per distinct tariff code: the log of its own line's scale (0: no line).
        var declaredLogScale: [Double]
        var centroidOf: [Int]
        /// The table's columns the rows are read from (shared, not copied).
        var hsCodes: CodeColumn, descriptionCodes: CodeColumn, netKg: [Double]?, valueUSD: [Double]
        /// Rows declared as samples (`DeclaredSample`): their nominal value gives no likelihood ratio.
        var samples: [Bool]
        /// Per distinct description, up to `CodeSlots.slots` tariff codes it comes
        /// with in the table, and by slot its similarity to each code's centroid: a
        /// row looks its own similarity up instead of computing it (a description
        /// comes with one to three codes; more are computed per row). nil and empty
        /// in an explainer of many descriptions (`forExplaining`).
        var codeSlots: CodeSlots?, ownSimilarities: [Double] = []
        /// Per row, its trader's number (`TradeContext.trader`; nil without a trader
        /// column); per number, the item groups it deals in as bits (`ControlledDealers.masks`);
        /// per keyword of `keywordList`, its group's bit (0 for a group the controls do not list).
        var trader: PartyNumbers?, dealerMasks: [UInt64] = [], keywordBits: [UInt64] = []

        /// Descriptions past which an explainer does without the code slots (`forExplaining`).
        static let explainerSlots = 1 << 16

        /// What an explainer keeps after the scores: with free text's millions of
        /// descriptions, not the code slots and their similarities (12 bytes a
        /// description, 120 MB at 10M rows, held until the report is written for
        /// the few rows explained): an explained row's own similarity is then made
        /// from its description's vector, as for a description past its slots
        /// (`similarity(_:_:_:)`), the same bits.
        func forExplaining(past limit: Int = Prepared.explainerSlots) -> Prepared {
            guard keywords.count > limit else { return self }
            var p = self
            p.codeSlots = nil
            p.ownSimilarities = []
            return p
        }

        /// Description `d`'s keyword, if it names one.
        func keyword(_ d: Int) -> KeywordMatcher.Keyword? {
            keywords[d] < 0 ? nil : keywordList[Int(keywords[d])]
        }

        @inline(__always)
        func ownSimilarity(_ d: Int, _ hc: Int) -> Double? {
            guard let s = codeSlots?.slot(of: d, code: hc) else { return nil }
            return ownSimilarities[s]
        }
    }

    /// `samples`: every row's `DeclaredSample` flag, when already known; `parts`:
    /// the row ranges descriptions' codes are found over (0: a few per core).
    func prepare(_ table: DeclarationTable, samples: [Bool]? = nil, parts: Int = 0) -> Prepared? {
        guard let hs = table.text(.hsCode), let desc = table.text(.description) else { return nil }
        // Everything per line is looked up once per distinct code, not per row.
        let codeIndex = Dictionary(uniqueKeysWithValues: centroidCodes.enumerated().map { ($1, $0) })
        let controlledLines = lines.filter { controls.isControlled(code: $0.key) }.sorted { $0.key < $1.key }
        let cMedian = controlledLines.map(\.value.median), cScale = controlledLines.map(\.value.scale)
        let cLogScale = cScale.map { Math.log($0) }
        let lineCodes = (0..<hs.values.count).map { hs.values.string(UInt32($0)) }
        let centroidOf = lineCodes.map { codeIndex[$0] ?? -1 }
        // A description comes with a few codes: each pair's similarity is computed once.
        // Each description's first codes in row order: found over row ranges on every
        // core, then joined range after range. Each range fills a table of every
        // description's first code: with free text's millions of descriptions (40 MB
        // at 10M) one range, not one table per range (its rows, in description order
        // by then, cost little next to making the tables).
        let n = table.count, perPart = desc.values.count * MemoryLayout<Int32>.size
        let parts = parts > 0 ? min(parts, max(1, n)) : perPart > 16 << 20 ? 1 : max(1, min(System.cores * 2, n / 65_536))
        let codeSlots = CodeSlots(descriptions: desc.codes, hsCodes: hs.codes, distinct: desc.values.count, parts: parts)
        let matcher = KeywordMatcher(controls: controls)
        // Each row's trader, numbered for the dealers' lookup (an empty dealer list needs none).
        let context = dealers.groups.isEmpty ? nil : ControlledDealers.Rows(table, controls: controls)
        let (keywords, best, ownSimilarities, fullVectors) = descriptionEvidence(table, matcher: matcher, codes: codeSlots, centroidOf: centroidOf)
        return Prepared(keywords: keywords, keywordList: matcher.keywords, descriptions: desc.values, fullVectors: fullVectors, best: best,
                        lrLineIndex: controlledLines.map { Int32(codeIndex[$0.key] ?? -1) },
                        cMedian: cMedian, cScale: cScale, cLogScale: cLogScale,
                        envelope: LineEnvelope(median: cMedian, scale: cScale, logScale: cLogScale),
                        isControlled: lineCodes.map { controls.isControlled(code: $0) },
                        declaredLine: lineCodes.map { lines[$0] },
                        declaredLogScale: lineCodes.map { lines[$0].map { Math.log($0.scale) } ?? 0 },
                        centroidOf: centroidOf,
                        hsCodes: hs.codes, descriptionCodes: desc.codes, netKg: table.numbers(.netWeightKg), valueUSD: table.valueUSD,
                        samples: samples ?? DeclaredSample.rows(table), codeSlots: codeSlots, ownSimilarities: ownSimilarities,
                        trader: context?.trader, dealerMasks: context.map(dealers.masks) ?? [],
                        keywordBits: context.map { c in matcher.keywords.map { k in c.groups.firstIndex(of: k.group).map { $0 < 64 ? 1 << UInt64($0) : 0 } ?? 0 } } ?? [])
    }

    /// The similarity of a TF-IDF vector to centroid `c`: a sparse dot product
    /// over the centroid's contiguous column.
    @inline(__always)
    func similarity(_ vector: [(Int, Double)], _ c: Int) -> Double {
        precondition(c >= 0 && c < centroids.columns, "a line with a centroid")
        let dimension = TextModel.dimension
        return centroids.elements.withUnsafeBufferPointer { m in
            var s = 0.0
            for (b, w) in vector {
                precondition(b >= 0 && b < dimension, "a bucket of the text model")
                // safe: b < dimension and c < columns, checked above.
                s += w * m[c &* dimension &+ b]
            }
            return s
        }
    }

    /// The similarity of description `d` to centroid `c`, for a pair the
    /// prepared tables do not hold (a description with more codes than
    /// `CodeSlots.slots`): from its kept vector (`Prepared.fullVectors`),
    /// else its vector made again from its bytes.
    func similarity(_ p: Prepared, _ d: Int, _ c: Int) -> Double {
        if let v = p.fullVectors[d] { return similarity(v, c) }
        return similarity(p.descriptions.withBytes(UInt32(d)) { text.sparseVector(utf8: $0) }, c)
    }

    /// Row `r`'s evidence (all zero for controlled codes, which this detector leaves to the licence check).
    func evidence(_ p: Prepared, _ r: Int) -> RowEvidence {
        let hc = Int(p.hsCodes[r])
        var e = RowEvidence()
        if p.isControlled[hc] { return e }
        let d = Int(p.descriptionCodes[r])
        e.keyword = p.keywords[d] < 0 ? -1 : Int32(d)
        if e.keyword >= 0, let trader = p.trader {
            e.dealer = p.dealerMasks[Int(trader[r])] & p.keywordBits[Int(p.keywords[d])] != 0
        }
        if let (c, s) = p.best[d] {
            let own = p.centroidOf[hc] < 0 ? 0 : p.ownSimilarity(d, hc) ?? similarity(p, d, p.centroidOf[hc])
            e.margin = s - own
            e.controlled = Int32(c)
            e.ownSimilarity = own
            e.controlledSimilarity = s
        }
        if let n = p.netKg?[r], n > 0, !p.samples[r], let declared = p.declaredLine[hc] {
            let x = Math.log(max(p.valueUSD[r], 0.01) / n)
            let zOwn = (x - declared.median) / declared.scale
            let own = -0.5 * zOwn * zOwn - p.declaredLogScale[hc]
            // Most rows fit their own line well enough that no controlled line could pass
            // the prior odds at their value: the envelope settles those without a ratio per line.
            if !p.envelope.rulesOut(x, above: own + GoodsCodeDetector.priorLog10Odds * Math.log(10)) {
                let (bestLR, bestK) = bestControlledLine(p, x: x, own: own)
                if bestK >= 0 && bestLR > GoodsCodeDetector.priorLog10Odds { e.log10LR = bestLR; e.lrLine = p.lrLineIndex[bestK] }
            }
        }
        e.score = GoodsCodeDetector.score(keyword: e.keyword >= 0, dealer: e.dealer, margin: e.margin, log10LR: e.log10LR)
        return e
    }

    /// The controlled line whose log density at `x` beats `own` by most, as a
    /// log10 likelihood ratio (first such line on ties; (0, −1): none beats it).
    func bestControlledLine(_ p: Prepared, x: Double, own: Double) -> (Double, Int) {
        // Every controlled line's ratio first, in a loop without branches (the compiler
        // runs it on vectors: two divisions a line were most of this function), then the
        // first largest above zero, as one loop testing each ratio in turn picked it.
        let lines = p.cMedian.count, ln10 = Math.log(10)
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: lines) { lr in
            p.cMedian.withUnsafeBufferPointer { median in
                p.cScale.withUnsafeBufferPointer { scale in
                    p.cLogScale.withUnsafeBufferPointer { logScale in
                        for k in 0..<lines {
                            let z = (x - median[k]) / scale[k]
                            lr[k] = (-0.5 * z * z - logScale[k] - own) / ln10
                        }
                    }
                }
            }
            var bestLR = 0.0, bestK = -1
            for k in 0..<lines where lr[k] > bestLR { bestLR = lr[k]; bestK = k }
            return (bestLR, bestK)
        }
    }

    /// Every row's score, in parallel over row ranges.
    func scores(_ p: Prepared?, _ table: DeclarationTable) -> [Double] {
        guard let p else { return [Double](repeating: 0, count: table.count) }
        let model = self
        return Parallel.rows(table.count) { model.evidence(p, $0).score }
    }

    public func scoresAndExplainer(_ table: DeclarationTable) -> ([Double], @Sendable (Int) -> [Reason]) {
        scoresAndExplainer(table, samples: nil)
    }

    /// The same, with the declared samples `facts` holds.
    public func scoresAndExplainer(_ table: DeclarationTable, facts: TableFacts) -> ([Double], @Sendable (Int) -> [Reason]) {
        scoresAndExplainer(table, samples: facts.declaredSamples())
    }

    func scoresAndExplainer(_ table: DeclarationTable, samples: [Bool]?) -> ([Double], @Sendable (Int) -> [Reason]) {
        let prepared = prepare(table, samples: samples)
        let model = self
        let scores = scores(prepared, table)
        let p = prepared?.forExplaining()
        // The explainer recomputes a row's evidence from the per-value tables (no per-row state).
        return (scores, { r in
            guard let p else { return [] }
            let e = model.evidence(p, r)
            return model.reasons(for: e, keyword: e.keyword >= 0 ? p.keyword(Int(e.keyword)) : nil, table: table, row: r)
        })
    }

    public func explainer(_ table: DeclarationTable) -> @Sendable (Int) -> [Reason] { scoresAndExplainer(table).1 }

    public func reasons(_ table: DeclarationTable, row r: Int) -> [Reason] {
        // Reasons for one row: evidence computed for the whole table is cached by callers in bulk use;
        // here the one row is scored on its own table (cheap for the top of a list).
        guard let p = prepare(table) else { return [] }
        let e = evidence(p, r)
        return reasons(for: e, keyword: e.keyword >= 0 ? p.keyword(Int(e.keyword)) : nil, table: table, row: r)
    }

    /// A row's reasons from its evidence and its description's keyword (`Prepared.keyword`).
    func reasons(for e: RowEvidence, keyword: KeywordMatcher.Keyword?, table: DeclarationTable, row r: Int) -> [Reason] {
        guard e.score > 0, let hs = table.text(.hsCode), let desc = table.text(.description) else { return [] }
        let code = hs.string(r), text = desc.string(r)
        let controlledCode = e.controlled >= 0 ? centroidCodes[Int(e.controlled)] : ""
        let lrCode = e.lrLine >= 0 ? centroidCodes[Int(e.lrLine)] : ""
        var out: [Reason] = []
        if let k = keyword {
            out.append(Reason(detector: Self.name, text: "description \"\(text)\" names \(k.group) (\"\(k.text)\") under \(code), which no control covers",
                              strength: 2, evidence: ["keyword": k.text, "group": k.group, "code": code]))
            if e.dealer {
                out.append(Reason(detector: Self.name, text: "the trader declares \(k.group) under its controlled lines too",
                                  strength: GoodsCodeDetector.dealerBonus, evidence: ["dealer_group": k.group]))
            }
        }
        if e.margin > 0.05 {
            out.append(Reason(detector: Self.name, text: "description reads like controlled line \(controlledCode) (similarity \(fmt(e.controlledSimilarity))) more than its own \(code) (\(fmt(e.ownSimilarity)))",
                              strength: 4 * e.margin, evidence: ["closest_controlled": controlledCode, "similarity": fmt(e.controlledSimilarity), "own_similarity": fmt(e.ownSimilarity)]))
        }
        if e.log10LR > GoodsCodeDetector.priorLog10Odds, let own = lines[code], let other = lines[lrCode] {
            out.append(Reason(detector: Self.name, text: "USD/kg fits controlled line \(lrCode) (median \(fmt(Math.exp(other.median)))) far better than \(code) (median \(fmt(Math.exp(own.median)))): likelihood ratio 10^\(Int(e.log10LR))",
                              strength: min(20, e.log10LR - GoodsCodeDetector.priorLog10Odds), evidence: ["controlled_line": lrCode, "log10_likelihood_ratio": fmt(e.log10LR)]))
        }
        return out.sorted { $0.strength > $1.strength }
    }

    private func fmt(_ v: Double) -> String {
        abs(v) >= 100 ? ProseNumber.whole(v) : ProseNumber.cut(v, places: 2)
    }
}
