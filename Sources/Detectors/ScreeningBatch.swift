import Declarations

/// Party screening of many names at once: the best entry of each, the
/// entries and similarities `FittedPartyScreening.bestMatch` finds name by
/// name, bit for bit, with each distinct token compared with the list once.
///
/// Names share their tokens: a feed's hundreds of thousands of consignee
/// spellings are made of a few thousand words and numbers. Name by name, each
/// candidate entry's token pairs were compared again for every name holding
/// them (Jaro–Winkler was most of screening). Here each distinct token is
/// compared once with every token of the list, and only the pairs that can
/// count are kept: a pair counts in the alignment (`similarity`) only at a
/// similarity of 0.88 or more, so a name's alignment with an entry is worked
/// out from its tokens' kept pairs with that entry alone. Each token's
/// candidate entries (its blocking keys' entries) are found once too.
///
/// Comparing every distinct token with the whole list pays off against a
/// short list (the usual few hundred entries); against a long one (10,000
/// entries) most of those pairs belong to no name's candidates. So the batch
/// is made only where its pairs number fewer than the ones name-by-name
/// screening would compare (`init` returns nil otherwise; both give the same).
struct ScreeningBatch: Sendable {
    /// A kept pair of a name token and a list token: the list token's entry and its
    /// place among the entry's tokens, and the similarity each way, (name token,
    /// list token) and (list token, name token).
    struct Pair: Sendable {
        var entry: Int32
        var place: Int32
        var forward: Double
        var backward: Double
    }

    /// Per name: its tokens, as numbers of the distinct tokens, in their given order.
    let names: [[Int32]]
    /// Per distinct token: its weight (`FittedPartyScreening.weight`).
    let weights: [Double]
    /// Per distinct token: its candidate entries, ascending; its kept pairs, by entry then place.
    let candidates: [[Int32]]
    let pairs: [[Pair]]
    /// Per entry: its tokens' weights, in the entry's order.
    let entryWeights: [[Double]]

    /// The similarity a pair must reach to count in an alignment.
    static let counts = 0.88

    /// A token as a key equal to another only for the same scalars (its UTF-8 bytes).
    struct Scalars: Hashable {
        let text: String
        init(_ text: String) { self.text = text }
        static func == (a: Scalars, b: Scalars) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }
        func hash(into h: inout Hasher) { for b in text.utf8 { h.combine(b) } }
    }

    /// nil when the batch would compare more token pairs than screening `tokenLists`
    /// name by name: each distinct token with each of the list's tokens, against each
    /// name's tokens with each of its candidate entries' tokens.
    init?(_ model: FittedPartyScreening, names tokenLists: [[String]], always: Bool = false) {
        // The distinct tokens, numbered as met; told apart by their scalars, as the
        // matching compares them (not by `String` equality, which would join
        // canonically equivalent spellings).
        var index: [Scalars: Int32] = [:], vocabulary: [String] = []
        names = tokenLists.map { tokens in
            tokens.map { t in
                if let k = index[Scalars(t)] { return k }
                let k = Int32(vocabulary.count)
                index[Scalars(t)] = k
                vocabulary.append(t)
                return k
            }
        }
        let words = vocabulary, distinct = words.count, batch = 512
        // Each distinct token's candidate entries, on every core; then the pairs either way would compare.
        let candidates = Parallel.map(0..<((distinct + batch - 1) / batch), threads: System.cores) { b -> [[Int32]] in
            (b * batch..<min(distinct, (b + 1) * batch)).map { ScreeningBatch.candidates(words[$0], model) }
        }.flatMap { $0 }
        let entryTokens = model.entries.map { $0.tokens.map { Array($0.unicodeScalars.map(\.value)) } }
        let listTokens = entryTokens.reduce(0) { $0 + $1.count }
        var nameByName = 0.0
        for name in names {
            var entries = 0
            for t in name { entries += candidates[Int(t)].count }
            nameByName += Double(name.count * entries * listTokens) / Double(max(1, entryTokens.count))
        }
        guard always || Double(distinct) * Double(listTokens) <= nameByName else { return nil }
        self.candidates = candidates
        weights = vocabulary.map(model.weight)
        entryWeights = model.entries.map { $0.tokens.map(model.weight) }
        // Each distinct token against the whole list, on every core.
        pairs = Parallel.map(0..<((distinct + batch - 1) / batch), threads: System.cores) { b -> [[Pair]] in
            (b * batch..<min(distinct, (b + 1) * batch)).map { ScreeningBatch.compared(words[$0], entryTokens) }
        }.flatMap { $0 }
    }

    /// `token`'s candidate entries (`FittedPartyScreening.candidates`), ascending.
    static func candidates(_ token: String, _ model: FittedPartyScreening) -> [Int32] {
        model.candidates([token]).map { Int32($0) }
    }

    /// `token`'s pairs with the list's tokens (`entryTokens`, per entry) that can count.
    static func compared(_ token: String, _ entryTokens: [[[UInt32]]]) -> [Pair] {
        let scalars = Array(token.unicodeScalars.map(\.value))
        var kept: [Pair] = []
        scalars.withUnsafeBufferPointer { t in
            for (e, tokens) in entryTokens.enumerated() {
                for (j, u) in tokens.enumerated() {
                    u.withUnsafeBufferPointer { u in
                        // Below the bound neither way can count: `similarity` skips such pairs the same way.
                        guard NameMatching.similarityBound(t, u) >= counts - 1e-12 else { return }
                        let forward = NameMatching.similarity(t, u), backward = NameMatching.similarity(u, t)
                        guard max(forward, backward) >= counts else { return }
                        kept.append(Pair(entry: Int32(e), place: Int32(j), forward: forward, backward: backward))
                    }
                }
            }
        }
        return kept
    }

    /// The best entry of name `k` and its similarity (before country
    /// corroboration): `bestMatch(tokens:entryNames:)`'s, from the kept pairs.
    func bestMatch(_ k: Int) -> (entry: Int, similarity: Double)? {
        // Rarest first (highest weight; ties keep their order), as `byRarity` orders them.
        let given = names[k]
        guard !given.isEmpty else { return nil }
        let order = given.indices.sorted { (weights[Int(given[$0])], $1) > (weights[Int(given[$1])], $0) }
        let tokens = order.map { given[$0] }
        let w = tokens.map { weights[Int($0)] }
        var entries: [Int32] = []
        for t in tokens { entries.append(contentsOf: candidates[Int(t)]) }
        entries.sort()
        var best: (Int, Double)? = nil
        var shared: [(name: Int, pair: Pair)] = []
        var last: Int32 = -1
        for e in entries where e != last {
            last = e
            // The kept pairs of this entry, by name token, then by the entry's token.
            shared.removeAll(keepingCapacity: true)
            for (i, t) in tokens.enumerated() {
                for p in pairs[Int(t)] where p.entry == e { shared.append((i, p)) }
            }
            let s = ScreeningBatch.similarity(shared, names: w, entry: entryWeights[Int(e)])
            if best.map({ s > $0.1 }) ?? true { best = (Int(e), s) }
        }
        return best
    }

    /// `FittedPartyScreening.similarity` of a name (token weights `names`) and an
    /// entry (`entry`), from the pairs that can count, sorted by name token, then
    /// by the entry's token. Each side aligns as `similarity` does: token by
    /// token, the best free counterpart (the first of equals), taken when it counts.
    static func similarity(_ shared: [(name: Int, pair: Pair)], names: [Double], entry: [Double]) -> Double {
        // The name's tokens against the entry's, then the entry's against the name's.
        let nameSide = side(names) { i, offer in for (n, p) in shared where n == i { offer(Int(p.place), p.forward) } }
        let entrySide = side(entry) { j, offer in for (i, p) in shared where Int(p.place) == j { offer(i, p.backward) } }
        return min(nameSide, entrySide)
    }

    /// One side of an alignment: tokens of weights `weights` in order, each taking
    /// its best free counterpart among those `counterparts(i, offer)` offers (in
    /// ascending order, with their similarities) when it counts. Counterparts past
    /// the 64th are never marked taken, as in `FittedPartyScreening.similarity`.
    @inline(__always)
    static func side(_ weights: [Double], _ counterparts: (Int, (Int, Double) -> Void) -> Void) -> Double {
        var num = 0.0, den = 0.0, taken: UInt64 = 0
        for i in weights.indices {
            den += weights[i]
            var best = 0.0, bestJ = -1
            counterparts(i) { j, s in
                guard j >= 64 || taken & (1 << UInt64(j)) == 0 else { return }
                if s > best { best = s; bestJ = j }
            }
            if best >= counts {
                num += weights[i] * best
                if bestJ < 64 { taken |= 1 << UInt64(bestJ) }
            }
        }
        return den > 0 ? num / den : 0
    }
}
