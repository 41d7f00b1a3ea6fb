import CSVCore
import Declarations
@testable import Detectors
import Foundation
import TestSupport
import Testing

@Suite("restricted-party screening", .serialized)
struct PartyScreeningTests {
    @Test("Jaro-Winkler on textbook pairs, and token similarity", arguments: [
        ("martha", "marhta", 0.9611), ("dwayne", "duane", 0.84), ("dixon", "dicksonx", 0.8133), ("abc", "xyz", 0.0),
        ("rostek", "rostek", 1.0), ("a", "abcdefghijklmnop", 0.71875),
    ])
    func jaroWinkler(a: String, b: String, value: Double) {
        #expect(abs(NameMatching.jaroWinkler(a, b) - value) < 1e-3, "\(a)/\(b): \(NameMatching.jaroWinkler(a, b))")
    }

    @Test("abbreviations count 0.9: a prefix or a contraction (first and last letters kept, the rest in order), either way round", arguments: [
        ("elec", "electronics", true), ("mat", "materials", true), ("trdg", "trading", true), ("mfg", "manufacturing", true),
        ("mgmt", "management", true), ("svcs", "services", true), ("trading", "trdg", true),
        ("trd", "trading", false),       // not its last letter
        ("tradign", "trading", false),   // as long: a typo, not an abbreviation (Jaro–Winkler decides)
        ("tgdr", "trading", false),      // letters out of order
        ("mg", "manufacturing", false),  // under three letters
    ])
    func abbreviations(a: String, b: String, abbreviates: Bool) {
        let s = NameMatching.similarity(a, b)
        let x = a.unicodeScalars.map(\.value), y = b.unicodeScalars.map(\.value)
        let misspells = x.withUnsafeBufferPointer { x in y.withUnsafeBufferPointer { y in NameMatching.misspells(x, y) } }
        #expect((s >= 0.9) == (abbreviates || (misspells && NameMatching.jaroWinkler(a, b) >= 0.9)), "\(a)/\(b): \(s)")
        if abbreviates { #expect(s >= 0.9) }
        #expect(NameMatching.similarity(x, y) == s && NameMatching.similarityBound(x, y) >= s)
    }

    @Test("a typo is a word within its length's edits; letters close by Jaro–Winkler but further apart are another word", arguments: [
        ("arraat", "ararat", true), ("mpale", "maple", true), ("ararrat", "ararat", true), ("arrat", "ararat", true),
        ("sytems", "systems", true), ("tekhno", "techno", true), ("muhammad", "mohammed", true),
        ("orion", "horizon", false),     // Jaro–Winkler 0.905: two letters added to five
        ("nile", "nilo", true), ("nile", "mile", true), ("nile", "lien", false),
        ("ab", "ac", false),             // two letters: no edit allowed
        ("martha", "marhta", true), ("dwayne", "duane", false), ("dixon", "dicksonx", false),
    ])
    func misspelt(a: String, b: String, same: Bool) {
        let x = a.unicodeScalars.map(\.value), y = b.unicodeScalars.map(\.value)
        let found = x.withUnsafeBufferPointer { x in y.withUnsafeBufferPointer { y in NameMatching.misspells(x, y) } }
        #expect(found == same, "\(a)/\(b)")
        if !same { #expect(NameMatching.similarity(a, b) == 0 && NameMatching.similarity(x, y) == 0) }
    }

    /// The optimal-string-alignment distance by the full table: the oracle of the banded `withinEdits`.
    static func osaDistance(_ a: [UInt32], _ b: [UInt32]) -> Int {
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in stride(from: 1, through: a.count, by: 1) {
            for j in stride(from: 1, through: b.count, by: 1) {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }

    @Test("the banded edit check agrees with the full table for every bound (seeded tokens and their edits)", arguments: [UInt64(1), 2])
    func editBand(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let alphabet = Array("abcd".unicodeScalars.map(\.value))
        for _ in 0..<4000 {
            let a = (0..<Int.random(in: 0...9, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            var b = a
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                let i = Int.random(in: 0...b.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: b.insert(alphabet.randomElement(using: &rng)!, at: i)
                case 1 where i < b.count: b.remove(at: i)
                case 2 where i < b.count: b[i] = alphabet.randomElement(using: &rng)!
                case 3 where i + 1 < b.count: b.swapAt(i, i + 1)
                default: break
                }
            }
            let distance = PartyScreeningTests.osaDistance(a, b)
            for k in 0...3 {
                let within = a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in NameMatching.withinEdits(x, y, k) } }
                #expect(within == (distance <= k), "seed \(seed): \(a) / \(b), distance \(distance), k \(k)")
            }
        }
    }

    @Test("the scalar-value Jaro-Winkler and token similarity agree with the String versions, and stay under their bound (seeded random tokens)", arguments: [UInt64(1), 2, 3])
    func scalarTwin(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let alphabets: [[Unicode.Scalar]] = [
            Array("abcde".unicodeScalars), Array("abcdefghijklmnopqrstuvwxyz0123456789".unicodeScalars),
            Array("абвгдеж".unicodeScalars), Array("华信电子深圳有限".unicodeScalars),
        ]
        func token() -> String {
            let alphabet = alphabets.randomElement(using: &rng)!
            let n = Int.random(in: 0...(Int.random(in: 0..<10, using: &rng) == 0 ? 80 : 12), using: &rng)
            return String(String.UnicodeScalarView((0..<n).map { _ in alphabet.randomElement(using: &rng)! }))
        }
        for _ in 0..<3000 {
            let a = token()
            // Often a variant of a: a typo, a prefix, or a copy.
            var b = token()
            switch Int.random(in: 0..<4, using: &rng) {
            case 0 where !a.isEmpty: var s = Array(a.unicodeScalars); s[Int.random(in: 0..<s.count, using: &rng)] = "x"; b = String(String.UnicodeScalarView(s))
            case 1: b = String(a.prefix(Int.random(in: 0...a.count, using: &rng)))
            case 2 where a.count > 3:
                // A contraction: the first and last letters and some of the others, in order.
                var s = Array(a.unicodeScalars)
                for k in stride(from: s.count - 2, through: 1, by: -1) where Bool.random(using: &rng) { s.remove(at: k) }
                b = String(String.UnicodeScalarView(s))
            case 2: b = a
            default: break
            }
            let x = a.unicodeScalars.map(\.value), y = b.unicodeScalars.map(\.value)
            #expect(NameMatching.jaroWinkler(x, y) == NameMatching.jaroWinkler(a, b), "seed \(seed): \(a) / \(b)")
            #expect(NameMatching.similarity(x, y) == NameMatching.similarity(a, b), "seed \(seed): \(a) / \(b)")
            // The bound that lets name matching skip a pair is one: never below the similarity.
            #expect(NameMatching.similarityBound(x, y) >= NameMatching.similarity(x, y), "seed \(seed): \(a) / \(b)")
            #expect(NameMatching.similarityBound(y, x) >= NameMatching.similarity(y, x), "seed \(seed): \(b) / \(a)")
        }
    }

    @Test("names normalise: case, punctuation, full-width forms, legal forms in several languages", arguments: [
        ("Nordwind Precision Materials GmbH", ["nordwind", "precision", "materials"]),
        ("NORDWIND-PRECISION MATERIALS, LTD.", ["nordwind", "precision", "materials"]),
        ("Ｎｏｒｄｗｉｎｄ Materials Co., Ltd.", ["nordwind", "materials"]),
        ("深圳华信电子有限公司", ["深圳华信电子"]),
        ("OOO Zenit Tekhno", ["zenit", "tekhno"]),
        // Misspelt legal forms go too; words merely near one stay.
        ("Prime Solutions Limted", ["prime", "solutions"]),
        ("Parsian Solutions Privae Limited", ["parsian", "solutions"]),
        ("Stellar Internaional Holdings LLP", ["stellar", "holdings"]),
        ("Acme Compny Corportion", ["acme"]),
        ("Companion Limitless Interior Ltd", ["companion", "limitless", "interior"]),
        ("Kompany Limted", ["kompany"]),                     // the first letter is a form's, or the token stays
    ])
    func tokens(name: String, expected: [String]) {
        #expect(NameMatching.tokens(name) == expected)
    }

    @Test("names: an ASCII name's tokens on its bytes are the scalar path's, on seeded names of words, legal forms, fragments and punctuation", arguments: [71, 72] as [UInt64])
    func tokensASCII(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let words = ["Nordwind", "PRECISION", "materials", "Co", "Ltd", "GmbH", "S", "A", "de", "R", "L", "C", "V", "The", "and", "x", "7",
                     "42", "3M", "Zenit", "OOO", "Tekhno", "k", "intl", "Group", "ab", "AG", "Co.,Ltd", "S.A.", "Sp.", "ÄG",
                     "Limted", "PRIVAE", "Companion", "Internaional", "Grupo", "Groups"]
        let gaps = [" ", " ", ", ", ". ", "-", "&", "/", "(", ")", "'", "\"", "\t", "  ", "_", "+", ";"]
        var compared = 0
        for _ in 0..<5_000 {
            var name = Int.random(in: 0..<4, using: &rng) == 0 ? gaps.randomElement(using: &rng)! : ""
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                name += words.randomElement(using: &rng)! + gaps.randomElement(using: &rng)!
            }
            if Int.random(in: 0..<2, using: &rng) == 0 { name = String(name.dropLast()) }
            let fast = Array(name.utf8).withUnsafeBytes { NameMatching.tokens(utf8: $0) }
            #expect(fast == NameMatching.tokensOfScalars(name), "\(name.debugDescription)")
            if name.unicodeScalars.allSatisfy(\.isASCII) && !fast.isEmpty { compared += 1 }
        }
        #expect(compared > 2_000, "ASCII names with tokens: \(compared)")
    }

    @Test("tokens align one to one: a repeated word is a different name, a typo is not", arguments: [
        ("Ararat Ararat Systems Corp.", "Ararat Systems JSC", false),
        ("Almaz Holdings S.A.", "Almaz Almaz Holdings LLC", false),
        ("Ararat Sytems JSC", "Ararat Systems JSC", true),
        ("ARARAT-SYSTEMS LLC", "Ararat Systems JSC", true),
        ("Almaz Almaz Holdings", "Almaz Almaz Holdings LLC", true),
        // "orion" is not "horizon" misspelt (two letters added to five), so only the common words align.
        ("Orion Import Export Co., Ltd.", "Horizon Import Export LLC", false),
    ])
    func oneToOne(name: String, listed: String, matches: Bool) {
        let model = FittedPartyScreening(entries: [], index: [:], idf: [:], maxIDF: 1, threshold: 0.85)
        let s = model.similarity(NameMatching.tokens(name), NameMatching.tokens(listed))
        #expect((s >= 0.85) == matches, "\(name) vs \(listed): \(s)")
    }

    @Test("on generated data: recall at 1% ≥ 0.9 for restricted_party; token-sharing look-alikes stay out of the top")
    func quality() throws {
        let data = try DetectorData.make(rows: 80_000, seed: 14)
        defer { data.dir.remove() }
        let parties = try PartyList(csv: [UInt8](Data(contentsOf: URL(fileURLWithPath: data.dir.file("restricted_parties.csv")))), source: "parties")
        let fitted = try PartyScreeningDetector(parties: parties).fit(data.table)
        let scores = fitted.anomalyScores(data.table)
        let recall = DetectorData.recall(scores, data, pattern: "restricted_party", fraction: 0.01)
        #expect(recall >= 0.9, "restricted_party recall@1% \(recall)")
        let t = data.table
        let flagged = (0..<t.count).filter { scores[$0] >= 10 }
        let wrong = flagged.filter { data.labels[DetectorData.key(t, $0)] == nil }
        #expect(Double(wrong.count) <= 0.05 * Double(max(1, flagged.count)), "\(wrong.count) of \(flagged.count) matches are not planted: \(wrong.prefix(3).map { t.text(.counterpartyName)!.string($0) })")
        let top = flagged.first { data.labels[DetectorData.key(t, $0)] == "restricted_party" }!
        #expect(fitted.reasons(t, row: top).first?.text.contains("matches listed party") == true)
    }

    @Test("a listed party under a qualified spelling, or as the party goods are sent care of, is matched, with the reading in its reason")
    func readings() throws {
        let list = try PartyList(csv: Array("name,country,list,alias_of\nUral Eastern Industries Ltd.,IN,SDN,\nPacific Pioneer Materials JSC,KZ,ENTITY_LIST,\n".utf8), source: "p.csv")
        let names = [
            ("Ural Eastern Industries Ltd.", "whole"),
            ("Ural Eastern Industries Ltd. (Osaka branch)", "party"),
            ("URAL EASTERN INDUSTRIES LIMITED - Warehouse 12", "party"),
            ("Ural Eastern Industries Ltd c/o Dubai Forwarding 3", "party"),
            ("Acme Trading Co c/o Pacific Pioneer Materials JSC", "careOf"),
            ("Pacific Pioneer Materials - Warehouse 12", "head"),   // no legal form: its party key and its head read it alike
            ("Acme Trading Co c/o Dubai Forwarding 3", "none"),
            ("Ural Western Trading Ltd (Osaka branch)", "none"),
        ]
        let records = names.enumerated().map { i, n in "S\(i),1,2024-03-0\(1 + i),E1,\"\(n.0)\",IN,IN,IN,IN,8112929010,45,1000,USD," }
        let t = try TinyTable.make(records)
        let fitted = try PartyScreeningDetector(parties: list).fit(t)
        let scores = fitted.anomalyScores(t)
        for (r, (name, reading)) in names.enumerated() {
            let reason = fitted.reasons(t, row: r).first
            if reading == "none" {
                #expect(scores[r] < 10 && reason == nil, "\(name): \(scores[r])")
                continue
            }
            #expect(scores[r] >= 10, "\(name): \(scores[r])")
            let text = reason?.text ?? ""
            switch reading {
            case "whole": #expect(text.hasPrefix("consignee \"\(name)\" matches listed party Ural Eastern Industries Ltd."), "\(text)")
            case "party": #expect(text.contains(", read as \"ural eastern industries ltd\", matches listed party Ural Eastern Industries Ltd."), "\(text)")
                #expect(reason?.evidence["read_as"] == "ural eastern industries ltd")
            case "head": #expect(text.contains(", read as \"pacific pioneer materials\", matches listed party Pacific Pioneer Materials JSC"), "\(text)")
                #expect(reason?.evidence["read_as"] == "pacific pioneer materials")
            default: #expect(text.contains("is sent care of \"pacific pioneer materials jsc\", which matches listed party Pacific Pioneer Materials JSC"), "\(text)")
                #expect(reason?.evidence["care_of"] == "pacific pioneer materials jsc")
            }
        }
    }

    @Test("screening names at once gives each name's best entry and similarity, bit for bit, as screening it alone (seeded spellings)", arguments: [UInt64(21), 22])
    func batchAgainstOneByOne(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let listed = ["Ural Eastern Industries Ltd.", "Pacific Pioneer Materials JSC", "Ararat Systems Trading LLC", "Nordic Élan Metals AB",
                      "Kaspian Rare Earth Group", "Shenzhen Huamei Trading Co., Ltd.", "Merlion Metals Pte Ltd", "Orion Orion Holdings"]
        let csv = "name,country,list,alias_of\n" + listed.map { "\"\($0)\",IN,SDN," }.joined(separator: "\n") + "\n"
        let list = try PartyList(csv: Array(csv.utf8), source: "p.csv")
        // Names: listed ones misspelt (a letter dropped, doubled or swapped), qualified, shuffled,
        // with words repeated or added, in case and accents written two ways; and unrelated ones.
        let words = ["ural", "eastern", "industries", "pacific", "pioneer", "materials", "ararat", "systems", "trading", "nordic",
                     "élan", "e\u{301}lan", "metals", "kaspian", "rare", "earth", "shenzhen", "huamei", "merlion", "orion", "holdings",
                     "warehouse", "12", "osaka", "branch", "acme", "zenith", "logistics", "dubai", "forwarding", "3", "x"]
        func misspelt(_ w: String) -> String {
            var c = Array(w)
            guard c.count > 2 else { return w }
            let k = Int.random(in: 0..<(c.count - 1), using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: c.remove(at: k)
            case 1: c.insert(c[k], at: k)
            case 2: c.swapAt(k, k + 1)
            default: break
            }
            return String(c)
        }
        var names: [[String]] = []
        for _ in 0..<1_500 {
            var tokens: [String]
            if Bool.random(using: &rng) {
                tokens = NameMatching.tokens(listed[Int.random(in: 0..<listed.count, using: &rng)]).map(misspelt)
                if Int.random(in: 0..<3, using: &rng) == 0 { tokens.shuffle(using: &rng) }
            } else {
                tokens = []
            }
            for _ in 0..<Int.random(in: 0...3, using: &rng) { tokens.append(misspelt(words[Int.random(in: 0..<words.count, using: &rng)])) }
            if Int.random(in: 0..<20, using: &rng) == 0, let t = tokens.first { tokens.append(t) }
            names.append(tokens)
        }
        names.append(Array(repeating: "orion", count: 70) + ["holdings"])   // past 64 tokens
        names.append([])
        let records = ["S1,1,2024-03-01,E1,\"Acme Trading\",IN,IN,IN,IN,8112929010,45,1000,USD,"]
        let fitted = try PartyScreeningDetector(parties: list).fit(try TinyTable.make(records))
        let entryNames = fitted.entries.map { fitted.prepared($0.tokens) }
        let batch = fitted.bestMatches(names, batched: true), planned = fitted.bestMatches(names)
        var matched = 0
        for (k, tokens) in names.enumerated() {
            let one = fitted.bestMatch(tokens: tokens, entryNames: entryNames)
            #expect(batch[k]?.entry == one?.entry && batch[k]?.similarity.bitPattern == one?.similarity.bitPattern,
                    "\(tokens): \(String(describing: batch[k])) against \(String(describing: one))")
            #expect(planned[k]?.entry == one?.entry && planned[k]?.similarity.bitPattern == one?.similarity.bitPattern)
            if (one?.similarity ?? 0) >= 0.85 { matched += 1 }
        }
        #expect(matched > 100, "\(matched) names match a listed party")
        // Many names against a short list: the batch is the cheaper plan; two names against it are not.
        #expect(ScreeningBatch(fitted, names: names) != nil)
        #expect(ScreeningBatch(fitted, names: Array(names.prefix(2))) == nil)
    }

    @Test("a typo inside both ends of a name's rare word still finds its entry when its other words block nothing (outline keys)")
    func outlineBlocking() throws {
        // Twenty listed names share "Solutions": it blocks nothing (its keys are dropped as too common).
        let listed = (0..<20).map { "Zeta\($0)x Solutions Ltd." } + ["Ararat Solutions Ltd.", "Maple Solutions LLC"]
        let csv = "name,country,list,alias_of\n" + listed.map { "\"\($0)\",IN,SDN," }.joined(separator: "\n") + "\n"
        let list = try PartyList(csv: Array(csv.utf8), source: "p.csv")
        let fitted = try PartyScreeningDetector(parties: list).fit(try TinyTable.make(["S1,1,2024-03-01,E1,\"Acme Trading\",IN,IN,IN,IN,8112929010,45,1000,USD,"]))
        #expect(fitted.index["p:sol"] == nil, "the common word blocks nothing")
        let cases = [("Arraat Solutions Ltd.", 20), ("Mpale Solutions LLC", 21), ("Ararrat Solutions", 20), ("Arrat Solutions Ltd", 20)]
        let names = cases.map { NameMatching.tokens($0.0) }
        for batched in [false, true] {
            let found = fitted.bestMatches(names, batched: batched)
            for (k, (name, entry)) in cases.enumerated() {
                #expect(found[k]?.entry == entry && (found[k]?.similarity ?? 0) >= 0.85, "\(name), batched \(batched): \(String(describing: found[k]))")
            }
        }
    }

    @Test("meets the detector contract")
    func conformance() throws {
        let data = try DetectorData.make(rows: 20_000, seed: 15)
        defer { data.dir.remove() }
        let parties = try PartyList(csv: [UInt8](Data(contentsOf: URL(fileURLWithPath: data.dir.file("restricted_parties.csv")))), source: "parties")
        try Conformance.check(PartyScreeningDetector(parties: parties), data: data)
    }

    @Test("a malformed party list names its line")
    func badList() {
        #expect(throws: CSVTableError(source: "p.csv", line: 3, message: "country 'Atlantis' is not a country")) {
            try PartyList(csv: Array("name,country,list,alias_of\nA Co,RU,SDN,\nB Co,Atlantis,SDN,\n".utf8), source: "p.csv")
        }
    }
}
