import Dispatch
import Declarations
import LinearAlgebra

/// Goods that don't match their code: controlled goods declared under an
/// ordinary tariff line. Three kinds of evidence, for rows under a line no
/// control covers:
/// (a) the description names a controlled item (keywords of the controls table);
/// (b) text: the description's hashed character-trigram TF-IDF vector is closer
///     to a controlled line's centroid than to its own line's (cosine
///     similarities of all distinct descriptions against all centroids, one GEMM
///     per batch of 4096 descriptions);
/// (c) value: ln(USD/kg) fits a controlled line's distribution far better than
///     the declared line's (log-likelihood ratio, robust median and MAD per line).
/// Score: 2·[keyword] + 4·max(0, text margin) + min(20, log10 likelihood ratio).
public struct GoodsCodeDetector: Detector {
    public typealias Fitted = FittedGoodsCode
    public static let requiredFields: [CanonicalField] = [.description, .netWeightKg]
    public var controls: ControlsTable

    public init(controls: ControlsTable = .standard) { self.controls = controls }

    public func fit(_ table: DeclarationTable) throws -> FittedGoodsCode {
        let hs = table.text(.hsCode)!, desc = table.text(.description)!
        let net = table.numbers(.netWeightKg)!
        // Per line: robust location and scale of ln(USD/kg).
        var values: [UInt32: [Double]] = [:]
        for r in 0..<table.count where net[r] > 0 {
            values[hs.codes[r], default: []].append(Math.log(max(table.valueUSD[r], 0.01) / net[r]))
        }
        var lines: [String: FittedGoodsCode.Line] = [:]
        for (code, v) in values where v.count >= 20 {
            let med = Select.median(v)
            let mad = max(0.1, Select.median(v.map { abs($0 - med) }) * 1.4826)
            lines[hs.values.string(code)] = .init(median: med, scale: mad, rows: v.count)
        }
        // Text: IDF over distinct descriptions, centroids per line (row-weighted).
        let distinct = (0..<desc.values.count).map { desc.values.string(UInt32($0)) }
        let model = TextModel(descriptions: distinct)
        var pairCount: [UInt64: Int] = [:]
        for r in 0..<table.count { pairCount[UInt64(desc.codes[r]) << 32 | UInt64(hs.codes[r]), default: 0] += 1 }
        let codes = (0..<hs.values.count).map { hs.values.string(UInt32($0)) }
        var centroids = Matrix(rows: codes.count, columns: TextModel.dimension)
        var gramCache: [UInt32: [(Int, Double)]] = [:]
        for (pair, count) in pairCount.sorted(by: { $0.key < $1.key }) {
            let d = UInt32(pair >> 32), c = Int(pair & 0xFFFF_FFFF)
            let g = gramCache[d] ?? TextModel.grams(distinct[Int(d)])
            gramCache[d] = g
            var norm = 0.0
            for (b, n) in g { let w = (1 + Math.log(n)) * model.idf[b]; norm += w * w }
            norm = max(norm.squareRoot(), 1e-12)
            for (b, n) in g { centroids[c, b] += Double(count) * (1 + Math.log(n)) * model.idf[b] / norm }
        }
        for c in 0..<codes.count {
            var s = 0.0
            for b in 0..<TextModel.dimension { s += centroids[c, b] * centroids[c, b] }
            s = max(s.squareRoot(), 1e-12)
            for b in 0..<TextModel.dimension { centroids[c, b] /= s }
        }
        let controlled = codes.indices.filter { controls.isControlled(code: codes[$0]) }
        return FittedGoodsCode(controls: controls, lines: lines, text: model, centroidCodes: codes,
                               centroids: centroids, controlledCentroids: controlled)
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
    var centroids: Matrix
    var controlledCentroids: [Int]

    /// Per distinct (description, line) of a table: the evidence.
    struct Evidence {
        var keyword: KeywordMatcher.Keyword?
        var ownSimilarity: Double
        var bestControlled: (code: String, similarity: Double)?
    }

    /// Evidence per distinct description (keyword, similarities to every centroid), batched by GEMM.
    func descriptionEvidence(_ table: DeclarationTable) -> (keywords: [KeywordMatcher.Keyword?], similarity: (Int, Int) -> Double, bestControlled: [(Int, Double)?]) {
        let desc = table.text(.description)!
        let distinct = (0..<desc.values.count).map { desc.values.string(UInt32($0)) }
        let matcher = KeywordMatcher(controls: controls)
        var keywords = [KeywordMatcher.Keyword?](repeating: nil, count: distinct.count)
        var sims = [[Double]](repeating: [], count: distinct.count)
        var best = [(Int, Double)?](repeating: nil, count: distinct.count)
        let batch = 4096
        let batches = (distinct.count + batch - 1) / batch
        let model = self
        keywords.withUnsafeMutableBufferPointer { kw in
            sims.withUnsafeMutableBufferPointer { sm in
                best.withUnsafeMutableBufferPointer { bs in
                    // safe: each batch writes its own slots.
                    nonisolated(unsafe) let (k, s, b) = (kw, sm, bs)
                    BLASThreading.withThreadCount(1) {
                        DispatchQueue.concurrentPerform(iterations: batches) { j in
                            let start = j * batch
                            let part = Array(distinct[start..<min(distinct.count, start + batch)])
                            for (i, d) in part.enumerated() { k[start + i] = matcher.match(d) }
                            let x = model.text.vectors(part)
                            // Cosine similarities of the batch against every centroid: one GEMM.
                            guard let sim = try? BLAS.gemm(x, model.centroids, transB: .transpose) else { return }
                            for i in 0..<part.count {
                                s[start + i] = sim.row(i)
                                for c in model.controlledCentroids where b[start + i].map({ sim[i, c] > $0.1 }) ?? true { b[start + i] = (c, sim[i, c]) }
                            }
                        }
                    }
                }
            }
        }
        return (keywords, { d, c in sims[d].isEmpty || c < 0 ? 0 : sims[d][c] }, best)
    }

    public func anomalyScores(_ table: DeclarationTable) -> [Double] {
        scored(table).map(\.score)
    }

    struct RowEvidence: Sendable {
        var score: Double = 0
        var keyword: KeywordMatcher.Keyword?
        var margin = 0.0

        var controlledCode = ""
        var ownSimilarity = 0.0
        var controlledSimilarity = 0.0
        var log10LR = 0.0
        var lrCode = ""
    }

    func scored(_ table: DeclarationTable) -> [RowEvidence] {
        var out = [RowEvidence](repeating: RowEvidence(), count: table.count)
        guard let hs = table.text(.hsCode), let desc = table.text(.description) else { return out }
        let net = table.numbers(.netWeightKg)
        let (keywords, similarity, best) = descriptionEvidence(table)
        let codeIndex = Dictionary(uniqueKeysWithValues: centroidCodes.enumerated().map { ($1, $0) })
        let controlledLines = lines.filter { controls.isControlled(code: $0.key) }.sorted { $0.key < $1.key }
        let lineCodes = (0..<hs.values.count).map { hs.values.string(UInt32($0)) }
        let isControlled = lineCodes.map { controls.isControlled(code: $0) }
        for r in 0..<table.count {
            let hc = Int(hs.codes[r])
            if isControlled[hc] { continue }
            var e = RowEvidence()
            let d = Int(desc.codes[r])
            e.keyword = keywords[d]
            if let (c, s) = best[d] {
                let own = codeIndex[lineCodes[hc]].map { similarity(d, $0) } ?? 0
                e.margin = s - own
                e.controlledCode = centroidCodes[c]
                e.ownSimilarity = own
                e.controlledSimilarity = s
            }
            if let n = net?[r], n > 0, let declared = lines[lineCodes[hc]] {
                let x = Math.log(max(table.valueUSD[r], 0.01) / n)
                func ll(_ l: Line) -> Double { let z = (x - l.median) / l.scale; return -0.5 * z * z - Math.log(l.scale) }
                let own = ll(declared)
                for (code, l) in controlledLines {
                    let lr = (ll(l) - own) / Math.log(10)
                    if lr > e.log10LR { e.log10LR = lr; e.lrCode = code }
                }
            }
            e.score = (e.keyword != nil ? 2 : 0) + 4 * max(0, e.margin) + min(20, max(0, e.log10LR))
            out[r] = e
        }
        return out
    }

    public func scoresAndExplainer(_ table: DeclarationTable) -> ([Double], @Sendable (Int) -> [Reason]) {
        let evidence = scored(table)
        let model = self
        return (evidence.map(\.score), { model.reasons(for: evidence[$0], table: table, row: $0) })
    }

    public func explainer(_ table: DeclarationTable) -> @Sendable (Int) -> [Reason] {
        let evidence = scored(table)
        let model = self
        return { model.reasons(for: evidence[$0], table: table, row: $0) }
    }

    public func reasons(_ table: DeclarationTable, row r: Int) -> [Reason] {
        // Reasons for one row: evidence computed for the whole table is cached by callers in bulk use;
        // here the one row is scored on its own table (cheap for the top of a list).
        let e = scored(table)[r]
        return reasons(for: e, table: table, row: r)
    }

    func reasons(for e: RowEvidence, table: DeclarationTable, row r: Int) -> [Reason] {
        guard e.score > 0, let hs = table.text(.hsCode), let desc = table.text(.description) else { return [] }
        let code = hs.string(r), text = desc.string(r)
        var out: [Reason] = []
        if let k = e.keyword {
            out.append(Reason(detector: Self.name, text: "description \"\(text)\" names \(k.group) (\"\(k.text)\") under \(code), which no control covers",
                              strength: 2, evidence: ["keyword": k.text, "group": k.group, "code": code]))
        }
        if e.margin > 0.05 {
            out.append(Reason(detector: Self.name, text: "description reads like controlled line \(e.controlledCode) (similarity \(fmt(e.controlledSimilarity))) more than its own \(code) (\(fmt(e.ownSimilarity)))",
                              strength: 4 * e.margin, evidence: ["closest_controlled": e.controlledCode, "similarity": fmt(e.controlledSimilarity), "own_similarity": fmt(e.ownSimilarity)]))
        }
        if e.log10LR >= 2, let own = lines[code], let other = lines[e.lrCode] {
            out.append(Reason(detector: Self.name, text: "USD/kg fits controlled line \(e.lrCode) (median \(fmt(Math.exp(other.median)))) far better than \(code) (median \(fmt(Math.exp(own.median)))): likelihood ratio 10^\(Int(e.log10LR))",
                              strength: min(20, e.log10LR), evidence: ["controlled_line": e.lrCode, "log10_likelihood_ratio": fmt(e.log10LR)]))
        }
        return out.sorted { $0.strength > $1.strength }
    }

    private func fmt(_ v: Double) -> String {
        abs(v) >= 100 ? String(Int(v.rounded())) : String(Double(Int(v * 100)) / 100)
    }
}
