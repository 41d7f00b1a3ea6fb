import Declarations

/// Restricted parties: consignee names screened against a list (`--parties FILE`).
///
/// Names are normalised (case, full-width forms, punctuation, legal forms in
/// English, European languages and Chinese). Candidates come from blocking by
/// token prefix and suffix (three letters each), so a typo in the middle of a
/// token still finds its entry, and the list is never compared against every
/// name. A candidate is scored by IDF-weighted token alignment: each token is
/// matched one to one to its best free counterpart by Jaro–Winkler (abbreviations count 0.9: a prefix, or a contraction such as "trdg"),
/// from both sides; the weaker side counts. The score is then corroborated with country
/// (+0.05 same country, −0.10 another). Rarer tokens weigh more (IDF over the
/// list and the names seen). A row scores its best match; matches at or over
/// `threshold` are lifted by 10 so they rank above every near miss, and matches
/// more than 0.15 below it score 0.
public struct PartyScreeningDetector: Detector {
    public typealias Fitted = FittedPartyScreening
    public static let requiredFields: [CanonicalField] = [.counterpartyName]
    public var parties: PartyList
    public var threshold: Double

    public init(parties: PartyList, threshold: Double = 0.85) {
        self.parties = parties
        self.threshold = threshold
    }

    public func fit(_ table: DeclarationTable) throws -> FittedPartyScreening {
        try fit(table, facts: TableFacts(table))
    }

    /// The same, with the consignee names' tokens `facts` holds (routing fits
    /// this model too, and the matches read them again).
    public func fit(_ table: DeclarationTable, facts: TableFacts) throws -> FittedPartyScreening {
        let nameTokens = facts.counterpartyNameTokens()
        var df: [String: Int] = [:]
        var documents = 0
        for e in parties.entries { documents += 1; for t in Set(NameMatching.tokens(e.name)) { df[t, default: 0] += 1 } }
        for tokens in nameTokens {
            documents += 1
            for t in Set(tokens) { df[t, default: 0] += 1 }
        }
        var idf: [String: Double] = [:]
        for (t, n) in df { idf[t] = Math.log(Double(1 + documents) / Double(1 + n)) }
        let maxIDF = idf.values.max() ?? 1
        let entries = parties.entries.map { e -> FittedPartyScreening.Entry in
            let tokens = FittedPartyScreening.byRarity(NameMatching.tokens(e.name), idf: idf, maxIDF: maxIDF)
            return .init(name: e.name, country: e.country, list: e.list, aliasOf: e.aliasOf, tokens: tokens)
        }
        var index: [String: [Int]] = [:]
        for (i, e) in entries.enumerated() {
            for key in Set(e.tokens.flatMap(FittedPartyScreening.indexKeys)) { index[key, default: []].append(i) }
        }
        // Keys shared by too many entries block nothing; drop them. An outline is coarser than
        // a prefix or suffix (a long list has hundreds of entries with one): it keeps fewer.
        index = index.filter { $0.value.count <= ($0.key.hasPrefix("o:") ? max(16, entries.count / 200) : max(8, entries.count / 20)) }
        return FittedPartyScreening(entries: entries, index: index, idf: idf, maxIDF: maxIDF, threshold: threshold)
    }
}

public struct FittedPartyScreening: FittedDetector {
    public static let name = "restricted_party"

    public struct Entry: Sendable, Codable {
        public var name: String
        public var country: String
        public var list: String
        public var aliasOf: String?
        public var tokens: [String]
    }

    public var entries: [Entry]
    var index: [String: [Int]]
    var idf: [String: Double]
    var maxIDF: Double
    public var threshold: Double

    /// A name token's blocking keys: its first three letters, its last three, and its
    /// outline (first letter, length, last letter), which a typo inside both ends keeps
    /// ("Arraat" for "Ararat", "Mpale" for "Maple"). A short token is its own key.
    static func blockingKeys(_ token: String) -> [String] {
        guard token.count >= 3 else { return ["w:" + token] }
        return ["p:" + String(token.prefix(3)), "s:" + String(token.suffix(3)), outline(token, length: token.count)]
    }

    /// A listed token's keys in the index: its blocking keys, and its outline at one
    /// letter more and one less (a name's token with a letter dropped or doubled).
    static func indexKeys(_ token: String) -> [String] {
        guard token.count >= 3 else { return blockingKeys(token) }
        return blockingKeys(token) + [outline(token, length: token.count - 1), outline(token, length: token.count + 1)]
    }

    static func outline(_ token: String, length: Int) -> String {
        "o:" + String(token.first!) + String(length) + String(token.last!)
    }

    func weight(_ t: String) -> Double { idf[t] ?? maxIDF }

    /// `tokens` rarest first (highest IDF; ties keep their order): the order `similarity` aligns them in.
    static func byRarity(_ tokens: [String], idf: [String: Double], maxIDF: Double) -> [String] {
        let w = tokens.map { idf[$0] ?? maxIDF }
        return tokens.indices.sorted { (w[$0], $1) > (w[$1], $0) }.map { tokens[$0] }
    }

    /// Aligned similarity of two token lists (0…1), each in `byRarity` order.
    func similarity(_ a: [String], _ b: [String]) -> Double {
        FittedPartyScreening.similarity(prepared(a), prepared(b))
    }

    /// A name's tokens (in `byRarity` order) as scalar values, back to back,
    /// with their weights: one array of scalars, not an array per token, so the
    /// screening loop reads every candidate pair's tokens in place (an array per
    /// token was retained and released for each pair compared).
    struct PreparedName: Sendable {
        var scalars: [UInt32]
        /// Token k is `scalars[ends[k − 1] ..< ends[k]]` (from 0 for the first).
        var ends: [Int]
        var weights: [Double]

        init(tokens: [[UInt32]], weights: [Double]) {
            scalars = tokens.flatMap { $0 }
            var end = 0
            ends = tokens.map { end += $0.count; return end }
            self.weights = weights
        }

        var count: Int { ends.count }
    }

    func prepared(_ tokens: [String]) -> PreparedName {
        PreparedName(tokens: tokens.map { $0.unicodeScalars.map(\.value) }, weights: tokens.map(weight))
    }

    /// Aligned similarity of two prepared names (0…1).
    ///
    /// Tokens align one to one: each token of one side, rarest first, pairs with
    /// the most similar token of the other side not yet taken, so a repeated word
    /// ("Ararat Ararat Systems") cannot lean twice on one word of the other name
    /// ("Ararat Systems"): the names differ by a word.
    static func similarity(_ a: PreparedName, _ b: PreparedName) -> Double {
        func side(_ x: PreparedName, _ y: PreparedName) -> Double {
            x.scalars.withUnsafeBufferPointer { xs in
                y.scalars.withUnsafeBufferPointer { ys in
                    // A bit set, not an array: this runs for every candidate pair. Names have far
                    // fewer than 64 tokens; past the 64th, a token of `y` can be taken twice.
                    var num = 0.0, den = 0.0
                    var taken: UInt64 = 0
                    var tStart = 0
                    for i in 0..<x.count {
                        let t = UnsafeBufferPointer(rebasing: xs[tStart..<x.ends[i]])
                        tStart = x.ends[i]
                        let w = x.weights[i]
                        den += w
                        var best = 0.0, bestJ = -1
                        var uStart = 0
                        for j in 0..<y.count {
                            let u = UnsafeBufferPointer(rebasing: ys[uStart..<y.ends[j]])
                            uStart = y.ends[j]
                            guard j >= 64 || taken & (1 << UInt64(j)) == 0 else { continue }
                            // A pair that can neither beat the best so far nor reach the 0.88 that
                            // counts changes nothing below: its bound settles it without the matching.
                            if NameMatching.similarityBound(t, u) < max(best, 0.88) - 1e-12 { continue }
                            let s = NameMatching.similarity(t, u)
                            if s > best { best = s; bestJ = j }
                        }
                        if best >= 0.88 {   // typos score ≥ 0.9; "metals" vs "materials" 0.85 does not count
                            num += w * best
                            if bestJ < 64 { taken |= 1 << UInt64(bestJ) }
                        }
                    }
                    return den > 0 ? num / den : 0
                }
            }
        }
        // Both sides must align: a name that merely contains a listed name (or is
        // contained in one) is not the same party.
        return min(side(a, b), side(b, a))
    }

    /// The entries `tokens` block with (every entry under one of their blocking keys), ascending.
    func candidates(_ tokens: [String]) -> [Int] {
        var entries = Set<Int>()
        for key in tokens.flatMap(FittedPartyScreening.blockingKeys) { for i in index[key] ?? [] { entries.insert(i) } }
        return entries.sorted()
    }

    /// The best entry for a name given by its tokens (`NameMatching.tokens`), with
    /// its similarity (before country corroboration).
    func bestMatch(tokens nameTokens: [String], entryNames: [PreparedName]) -> (entry: Int, similarity: Double)? {
        let tokens = FittedPartyScreening.byRarity(nameTokens, idf: idf, maxIDF: maxIDF)
        guard !tokens.isEmpty else { return nil }
        let mine = prepared(tokens)
        var best: (Int, Double)? = nil
        for i in candidates(tokens) {
            let s = FittedPartyScreening.similarity(mine, entryNames[i])
            if best.map({ s > $0.1 }) ?? true { best = (i, s) }
        }
        return best
    }

    struct Match: Sendable {
        var entry: Int
        var similarity: Double
        var score: Double
        var sameCountry: Bool?
        /// The reading of the name that matched.
        var reading: Reading = .whole
    }

    /// Which reading of a consignee name matched (`NameParts`).
    enum Reading: Int8, Sendable {
        case whole, party, careOf, head
    }

    /// Each row's best match, from the best match of each distinct consignee name
    /// (found once, on every core) and the row's country.
    struct RowMatcher: Sendable {
        /// Per name dictionary code: best entry (−1 none), similarity and the reading that matched.
        let entry: [Int32]
        let similarity: [Double]
        let reading: [Reading]
        let codes: CodeColumn
        let country: [UInt16]?
        /// Per entry: its country's code; 0 when it names none, `UInt16.max` when it is not one.
        let entryCountry: [UInt16]

        @inline(__always)
        func callAsFunction(_ r: Int) -> Match? {
            let c = Int(codes[r])
            let e = Int(entry[c])
            guard e >= 0 else { return nil }
            var score = similarity[c]
            var same: Bool? = nil
            if let country, entryCountry[e] != 0, country[r] != 0 {
                same = country[r] == entryCountry[e]
                score += same! ? 0.05 : -0.10
            }
            return Match(entry: e, similarity: similarity[c], score: score, sameCountry: same, reading: reading[c])
        }
    }

    /// What the best match of a name depends on besides the name: the entries, their
    /// blocking keys and the token weights (routing and restricted_party fit equal
    /// models from one list and one table, and share the names' matches through it).
    var fingerprint: String {
        var text = "screening|\(threshold)|\(maxIDF)|"
        for e in entries { text += e.name + "\u{1}" + e.tokens.joined(separator: " ") + "\u{2}" }
        for (t, w) in idf.sorted(by: { $0.key < $1.key }) { text += t + "=\(w)\u{3}" }
        for (k, v) in index.sorted(by: { $0.key < $1.key }) { text += k + ":\(v)\u{4}" }
        return stableFingerprint(text)
    }

    /// The best entry and similarity of each distinct consignee name, given by
    /// its tokens (`TableFacts.counterpartyNameTokens`) and its other readings
    /// (`NameParts`: the best of them; of equals, the earlier: whole, party, head, care-of), on every
    /// core. A reading many names share (a party's spellings read as one, a
    /// forwarder many are sent care of) is matched once.
    func bestMatches(_ nameTokens: [[String]], parts: [NameParts]) -> [(entry: Int, similarity: Double, reading: Reading)?] {
        precondition(parts.count == nameTokens.count, "party screening: \(parts.count) names' readings for \(nameTokens.count) names")
        let whole = bestMatches(nameTokens)
        var index: [[String]: Int] = [:], readings: [[String]] = []
        func number(_ tokens: [String]?) -> Int {
            guard let tokens else { return -1 }
            if let k = index[tokens] { return k }
            index[tokens] = readings.count
            readings.append(tokens)
            return readings.count - 1
        }
        let party = parts.map { number($0.party) }, head = parts.map { number($0.head) }, careOf = parts.map { number($0.careOf) }
        let others = bestMatches(readings)
        return whole.indices.map { k in
            var best = whole[k].map { (entry: $0.entry, similarity: $0.similarity, reading: Reading.whole) }
            for (reading, r) in [(Reading.party, party[k]), (.head, head[k]), (.careOf, careOf[k])] where r >= 0 {
                guard let m = others[r] else { continue }
                if best.map({ m.similarity > $0.similarity }) ?? true { best = (m.entry, m.similarity, reading) }
            }
            return best
        }
    }

    /// The best entry and similarity of each name given by its tokens, on every
    /// core: `bestMatch(tokens:entryNames:)` of each, through a `ScreeningBatch`
    /// (each distinct token compared with the list once) where that compares fewer
    /// token pairs. `batched` forces the choice (tests).
    func bestMatches(_ names: [[String]], batched: Bool? = nil) -> [(entry: Int, similarity: Double)?] {
        let distinct = names.count, batch = 256
        if batched ?? true, let screening = ScreeningBatch(self, names: names, always: batched == true) {
            return Parallel.map(0..<((distinct + batch - 1) / batch), threads: System.cores) { b in
                (b * batch..<min(distinct, (b + 1) * batch)).map { screening.bestMatch($0) }
            }.flatMap { $0 }
        }
        let entryNames = entries.map { prepared($0.tokens) }
        let model = self
        return Parallel.map(0..<((distinct + batch - 1) / batch), threads: System.cores) { b in
            (b * batch..<min(distinct, (b + 1) * batch)).map { model.bestMatch(tokens: names[$0], entryNames: entryNames) }
        }.flatMap { $0 }
    }

    /// The matcher for `table`'s rows; nil without consignee names. With `facts`, the
    /// names' matches are worked out once for every equal model.
    func matcher(_ table: DeclarationTable, facts: TableFacts? = nil) -> RowMatcher? {
        guard let names = table.text(.counterpartyName) else { return nil }
        let facts = facts ?? TableFacts(table)
        // The tokens first, then the matches made from them (each memo is made under its own key's lock).
        let nameTokens = facts.counterpartyNameTokens(), parts = facts.counterpartyNameParts()
        let perName = facts.memo("party-matches|" + fingerprint) { bestMatches(nameTokens, parts: parts) }
        let entryCountry = entries.map { e -> UInt16 in
            guard !e.country.isEmpty else { return 0 }
            guard let c = CountryCodes.code(e.country), CountryCodes.alpha2(c) == e.country else { return .max }
            return c
        }
        return RowMatcher(entry: perName.map { Int32($0?.entry ?? -1) }, similarity: perName.map { $0?.similarity ?? 0 },
                          reading: perName.map { $0?.reading ?? .whole },
                          codes: names.codes, country: table.countries(.counterparty) ?? table.countries(.destination),
                          entryCountry: entryCountry)
    }

    func matches(_ table: DeclarationTable) -> [Match?] {
        guard let m = matcher(table) else { return Array(repeating: nil, count: table.count) }
        return (0..<table.count).map { m($0) }
    }

    /// A match at or over the threshold scores 10 + its score; a near miss (within
    /// 0.15 below) keeps its score, so it ranks after every match; anything weaker is 0.
    func score(_ m: Match?) -> Double {
        guard let m else { return 0 }
        if m.score >= threshold { return 10 + m.score }
        return m.score >= threshold - 0.15 ? m.score : 0
    }

    public func anomalyScores(_ table: DeclarationTable) -> [Double] {
        scoresAndExplainer(table).0
    }

    public func scoresAndExplainer(_ table: DeclarationTable) -> ([Double], @Sendable (Int) -> [Reason]) {
        scoresAndExplainer(table, facts: TableFacts(table))
    }

    public func scoresAndExplainer(_ table: DeclarationTable, facts: TableFacts) -> ([Double], @Sendable (Int) -> [Reason]) {
        let model = self
        guard let m = matcher(table, facts: facts) else { return ([Double](repeating: 0, count: table.count), { _ in [] }) }
        let scores = Parallel.rows(table.count) { model.score(m($0)) }
        // The explainer holds only the rows at or over the threshold (the only ones with reasons);
        // near misses are most rows.
        let kept = SparseRows(rows: scores.indices.filter { r in m(r).map { $0.score >= model.threshold } ?? false }) { m($0)! }
        return (scores, { model.reasons(kept[$0], table: table, row: $0) })
    }

    public func reasons(_ table: DeclarationTable, row r: Int) -> [Reason] {
        reasons(matches(table)[r], table: table, row: r)
    }

    func reasons(_ m: Match?, table: DeclarationTable, row r: Int) -> [Reason] {
        guard let m, m.score >= threshold, let names = table.text(.counterpartyName) else { return [] }
        let e = entries[m.entry]
        let listed = e.aliasOf.map { "\(e.name) (alias of \(e.list.isEmpty ? "" : e.list + " entry ")\($0))" } ?? "\(e.name) (\(e.list))"
        let country = m.sameCountry.map { $0 ? ", same country \(e.country)" : ", listed in \(e.country)" } ?? ""
        let name = names.string(r)
        let who: String
        switch m.reading {
        case .whole: who = "consignee \"\(name)\""
        case .party: who = "consignee \"\(name)\", read as \"\(PartyName.key(name))\","
        case .head: who = "consignee \"\(name)\", read as \"\(PartyName.head(name) ?? "")\","
        case .careOf: who = "consignee \"\(name)\" is sent care of \"\(PartyName.careOf(name) ?? "")\", which"
        }
        var evidence: Reason.Evidence = ["entry": e.name, "list": e.list, "score": String(Double(Int(m.score * 1000)) / 1000), "country": e.country]
        if m.reading == .party { evidence["read_as"] = PartyName.key(name) }
        if m.reading == .head { evidence["read_as"] = PartyName.head(name) ?? "" }
        if m.reading == .careOf { evidence["care_of"] = PartyName.careOf(name) ?? "" }
        return [Reason(detector: Self.name,
                       text: "\(who) matches listed party \(listed): similarity \(Double(Int(m.similarity * 100)) / 100)\(country)",
                       strength: 10 * m.score, evidence: evidence)]
    }
}
