/// Company-name normalisation and similarity for party screening.
enum NameMatching {
    /// Legal forms and filler words dropped before matching (English, European, Chinese).
    static let legalForms: Set<String> = [
        "co", "company", "ltd", "limited", "llc", "inc", "incorporated", "corp", "corporation", "gmbh", "ag", "kg",
        "sa", "sarl", "sas", "srl", "spa", "bv", "nv", "plc", "pte", "pvt", "private", "llp", "lp", "jsc", "pjsc",
        "ojsc", "cjsc", "ooo", "ao", "oao", "zao", "too", "osoo", "fze", "fzco", "fzc", "kk", "sdn", "bhd", "berhad",
        "tbk", "pt", "as", "sti", "de", "cv", "the", "and", "of", "group", "international", "intl", "有限公司", "股份有限公司", "公司", "有限责任公司",
    ]

    /// The legal forms of five letters or more, as scalar values: a token this close to one
    /// (`isMisspeltForm`) is taken for it.
    static let longForms: [[UInt32]] = legalForms.filter { $0.unicodeScalars.count >= 5 && $0.unicodeScalars.allSatisfy(\.isASCII) }
        .sorted().map { $0.unicodeScalars.map(\.value) }

    /// Jaro–Winkler similarity from which a token of five letters or more is a misspelt
    /// legal form ("Limted", "Privae", "Internaional", "Compny" score 0.967–0.985; words
    /// such as "companion", "limitless" and "interior" 0.88–0.91).
    static let misspeltForm = 0.94

    /// Whether `token` (lower-cased scalars) is a legal form misspelt: five letters or
    /// more, the first one a form's, and at `misspeltForm` or above against it. A typo
    /// in a legal form otherwise stays a rare token of the name that no listed name has.
    static func isMisspeltForm(_ token: UnsafeBufferPointer<UInt32>) -> Bool {
        guard token.count >= 5, token.count <= 64 else { return false }
        for form in longForms where form[0] == token[0] && abs(form.count - token.count) <= 3 {
            let s = form.withUnsafeBufferPointer { jaroWinkler(token, $0) }
            if s >= misspeltForm { return true }
        }
        return false
    }

    /// Lower-cased, compatibility-folded tokens without punctuation or legal forms
    /// (misspelt ones too: `isMisspeltForm`).
    static func tokens(_ name: String) -> [String] {
        var n = name
        return n.withUTF8 { tokens(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// `tokens` of UTF-8 text (invalid UTF-8 read as `String(decoding:)` repairs
    /// it). An ASCII name (most of them) is split on its bytes: a `String` is
    /// made for each token only, where the scalar path (`tokensOfScalars`, its
    /// oracle) lower-cases and folds the whole name scalar by scalar first.
    /// Consignee names are free text, hundreds of thousands of distinct ones in
    /// a large feed.
    static func tokens(utf8 name: UnsafeRawBufferPointer) -> [String] {
        guard ASCIIText.isASCII(name) else { return tokensOfScalars(String(decoding: name, as: UTF8.self)) }
        var out: [String] = []
        let n = name.count
        var i = 0
        while i < n {
            // A token: a run of ASCII letters and digits (everything else separates).
            while i < n && !isWordByte(name[i]) { i += 1 }
            let start = i
            while i < n && isWordByte(name[i]) { i += 1 }
            guard i > start else { break }
            // A single letter or digit is a fragment of a legal form ("S. de R.L. de C.V.").
            guard i - start > 1 else { continue }
            let word = String(unsafeUninitializedCapacity: i - start) { out in
                for k in start..<i { out[k - start] = ASCIIText.lower(name[k]) }
                return i - start
            }
            guard !legalForms.contains(word) else { continue }
            if i - start >= 5 {
                let misspelt = withUnsafeTemporaryAllocation(of: UInt32.self, capacity: i - start) { t in
                    for k in start..<i { t[k - start] = UInt32(ASCIIText.lower(name[k])) }
                    return isMisspeltForm(UnsafeBufferPointer(t))
                }
                if misspelt { continue }
            }
            out.append(word)
        }
        return out
    }

    /// An ASCII letter or digit: the bytes `tokensOfScalars` keeps in ASCII text.
    @inline(__always)
    private static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
    }

    /// `tokens` read as Unicode scalars: the path for names that are not
    /// ASCII, and the oracle of the ASCII one.
    static func tokensOfScalars(_ name: String) -> [String] {
        var folded = ""
        for s in name.lowercased().unicodeScalars {
            // Full-width forms fold to ASCII (a light NFKC for what names use).
            if s.value >= 0xFF01 && s.value <= 0xFF5E, let a = Unicode.Scalar(s.value - 0xFEE0) {
                folded.unicodeScalars.append(a)
            } else if s.properties.isAlphabetic || ("0"..."9").contains(s) {
                folded.unicodeScalars.append(s)
            } else {
                folded.unicodeScalars.append(" ")
            }
        }
        var out: [String] = []
        for t in folded.split(separator: " ").map(String.init) where !t.isEmpty {
            var word = t
            // Chinese legal forms glued to the name.
            for form in ["股份有限公司", "有限责任公司", "有限公司", "公司"] where word.hasSuffix(form) && word.count > form.count {
                word = String(word.dropLast(form.count))
                break
            }
            // Single Latin letters are fragments of legal forms ("S. de R.L. de C.V."):
            // rare, so heavily weighted, yet they say nothing about the party.
            let fragment = word.unicodeScalars.count == 1 && word.unicodeScalars.allSatisfy(\.isASCII)
            let misspelt = Array(word.unicodeScalars.map(\.value)).withUnsafeBufferPointer(isMisspeltForm)
            if !legalForms.contains(word) && !fragment && !misspelt { out.append(word) }
        }
        return out
    }

    /// Jaro–Winkler similarity of two tokens (0…1).
    static func jaroWinkler(_ a: String, _ b: String) -> Double {
        if a == b { return 1 }
        let s = Array(a.unicodeScalars), t = Array(b.unicodeScalars)
        guard !s.isEmpty, !t.isEmpty else { return 0 }
        let window = max(0, max(s.count, t.count) / 2 - 1)
        var sm = [Bool](repeating: false, count: s.count), tm = [Bool](repeating: false, count: t.count)
        var matches = 0
        for i in s.indices {
            let lo = max(0, i - window), hi = min(t.count, i + window + 1)
            guard lo < hi else { continue }
            for j in lo..<hi where !tm[j] && s[i] == t[j] {
                sm[i] = true; tm[j] = true; matches += 1
                break
            }
        }
        guard matches > 0 else { return 0 }
        var k = 0, transpositions = 0
        for i in s.indices where sm[i] {
            while !tm[k] { k += 1 }
            if s[i] != t[k] { transpositions += 1 }
            k += 1
        }
        let m = Double(matches)
        let jaro = (m / Double(s.count) + m / Double(t.count) + (m - Double(transpositions / 2)) / m) / 3
        var prefix = 0
        while prefix < min(4, s.count, t.count) && s[prefix] == t[prefix] { prefix += 1 }
        return jaro + Double(prefix) * 0.1 * (1 - jaro)
    }

    /// Token similarity: Jaro–Winkler, or at least 0.9 for an abbreviation of 3+ letters:
    /// one a prefix of the other ("elec", "mat"), or a contraction of it ("trdg" of
    /// "trading", "mfg" of "manufacturing": `isContraction`). Two tokens that are
    /// neither, and more edits apart than the shorter one's length allows
    /// (`allowedEdits`), are different words: 0, however close their letters.
    static func similarity(_ a: String, _ b: String) -> Double {
        if a.count >= 3 && b.count >= 3 && (a.hasPrefix(b) || b.hasPrefix(a) || isContraction(a, of: b) || isContraction(b, of: a)) {
            return max(0.9, jaroWinkler(a, b))
        }
        let x = a.unicodeScalars.map(\.value), y = b.unicodeScalars.map(\.value)
        guard x.withUnsafeBufferPointer({ x in y.withUnsafeBufferPointer { y in misspells(x, y) } }) else { return 0 }
        return jaroWinkler(a, b)
    }

    /// The edits (a letter inserted, dropped or changed, or two adjacent letters
    /// swapped) that a word of `length` letters may differ by and still be the
    /// same word misspelt: none up to 2 letters, one up to 5, two beyond (the
    /// "AUTO" fuzziness of Lucene and Elasticsearch). Jaro–Winkler alone reads
    /// "orion" as "horizon" at 0.905, over the 0.88 a typo needs, and a
    /// consignee "Orion Import Export" as the listed "Horizon Import Export" at
    /// 0.96: two added letters in a five-letter word are another name.
    static func allowedEdits(_ length: Int) -> Int { length <= 2 ? 0 : length <= 5 ? 1 : 2 }

    /// Whether `a` and `b` are within `allowedEdits` of the shorter one's length.
    static func misspells(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Bool {
        withinEdits(a, b, allowedEdits(min(a.count, b.count)))
    }

    /// Whether the optimal-string-alignment distance of `a` and `b` (insertions,
    /// deletions, substitutions and adjacent transpositions, each letter edited
    /// once) is at most `k`. Only the diagonal band of width 2k + 1 is filled:
    /// outside it the distance already exceeds k.
    static func withinEdits(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>, _ k: Int) -> Bool {
        let n = a.count, m = b.count
        guard abs(n - m) <= k else { return false }
        if k == 0 { return n == m && startsWith(a, b) }
        let width = m + 1, big = k + 1
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * width) { rows in
            // Rows i − 2, i − 1 and i of the table, in turn; cells outside the band hold k + 1.
            var back2 = 0, back1 = width, current = 2 * width
            for j in 0...m { rows[back1 + j] = j <= k ? j : big; rows[back2 + j] = big }
            var i = 1
            while i <= n {
                var least = big
                for j in 0...m {
                    var d = big
                    if j == 0 {
                        d = i <= k ? i : big
                    } else if abs(i - j) <= k {
                        let cost = a[i - 1] == b[j - 1] ? 0 : 1
                        d = min(rows[back1 + j - 1] + cost, rows[back1 + j] + 1, rows[current + j - 1] + 1)
                        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d = min(d, rows[back2 + j - 2] + 1) }
                        d = min(d, big)
                    }
                    rows[current + j] = d
                    least = min(least, d)
                }
                if least > k { return false }
                (back2, back1, current) = (back1, current, back2)
                i += 1
            }
            return rows[back1 + m] <= k
        }
    }

    /// Whether `short` contracts `long`: shorter, with its first and last letters, and its
    /// letters in order among `long`'s ("trdg" of "trading", "mgmt" of "management").
    static func isContraction(_ short: String, of long: String) -> Bool {
        let s = Array(short.unicodeScalars), l = Array(long.unicodeScalars)
        guard s.count >= 3, s.count < l.count, s.first == l.first, s.last == l.last else { return false }
        var k = 0
        for c in l where k < s.count && c == s[k] { k += 1 }
        return k == s.count
    }

    // MARK: The same on scalar values (the screening loop)
    //
    // Screening compares every candidate pair's tokens; the `String` versions
    // above count characters and walk grapheme clusters on each call. These take
    // tokens as arrays of Unicode scalar values, keep the matched positions of
    // tokens up to 64 scalars in bit sets, and agree with the `String` versions
    // (tested on seeded random tokens). Tokens hold letters and digits only, so a
    // scalar is a character.

    /// `similarity(_:_:)` of two tokens given as scalar values.
    static func similarity(_ a: [UInt32], _ b: [UInt32]) -> Double {
        a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in similarity(x, y) } }
    }

    /// `similarity(_:_:)` of two tokens given as scalar values in place.
    static func similarity(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Double {
        if abbreviates(a, b) { return max(0.9, jaroWinkler(a, b)) }
        return misspells(a, b) ? jaroWinkler(a, b) : 0
    }

    /// Whether one of two tokens of 3+ letters abbreviates the other: a prefix, or a contraction.
    @inline(__always)
    private static func abbreviates(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Bool {
        a.count >= 3 && b.count >= 3 && (startsWith(a, b) || startsWith(b, a) || contracts(a, b) || contracts(b, a))
    }

    /// `isContraction(short, of: long)` on scalar values.
    @inline(__always)
    private static func contracts(_ short: UnsafeBufferPointer<UInt32>, _ long: UnsafeBufferPointer<UInt32>) -> Bool {
        guard short.count >= 3, short.count < long.count, short[0] == long[0], short[short.count - 1] == long[long.count - 1] else { return false }
        var k = 0
        for c in long where k < short.count && c == short[k] { k += 1 }
        return k == short.count
    }

    /// Whether `a` begins with `b`.
    @inline(__always)
    private static func startsWith(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Bool {
        guard b.count <= a.count else { return false }
        for i in 0..<b.count where a[i] != b[i] { return false }
        return true
    }

    /// Whether `a` and `b` hold the same scalars.
    @inline(__always)
    private static func same(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Bool {
        a.count == b.count && startsWith(a, b)
    }

    /// A bound `similarity(a, b)` never exceeds, from the lengths and the
    /// common prefix alone: at most the shorter length of characters can match,
    /// with no transpositions. Skips most token pairs of two names before the
    /// matching itself (a short word against a long one cannot come close).
    /// Where the bound is reached it is the same expression, so the same value.
    static func similarityBound(_ a: [UInt32], _ b: [UInt32]) -> Double {
        a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in similarityBound(x, y) } }
    }

    /// `similarityBound` of two tokens given as scalar values in place.
    static func similarityBound(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return a.isEmpty && b.isEmpty ? 1 : 0 }
        guard a.count <= 64 && b.count <= 64 else { return 1 }
        if abbreviates(a, b) { return 1 }
        let m = Double(min(a.count, b.count))
        let jaro = (m / Double(a.count) + m / Double(b.count) + m / m) / 3
        var prefix = 0
        while prefix < min(4, a.count, b.count) && a[prefix] == b[prefix] { prefix += 1 }
        return jaro + Double(prefix) * 0.1 * (1 - jaro)
    }

    /// `jaroWinkler(_:_:)` of two tokens given as scalar values.
    static func jaroWinkler(_ s: [UInt32], _ t: [UInt32]) -> Double {
        s.withUnsafeBufferPointer { x in t.withUnsafeBufferPointer { y in jaroWinkler(x, y) } }
    }

    /// `jaroWinkler` of two tokens given as scalar values in place.
    static func jaroWinkler(_ s: UnsafeBufferPointer<UInt32>, _ t: UnsafeBufferPointer<UInt32>) -> Double {
        if same(s, t) { return 1 }
        guard !s.isEmpty, !t.isEmpty else { return 0 }
        guard s.count <= 64 && t.count <= 64 else {
            return jaroWinkler(String(String.UnicodeScalarView(s.compactMap(Unicode.Scalar.init))),
                               String(String.UnicodeScalarView(t.compactMap(Unicode.Scalar.init))))
        }
        let window = max(0, max(s.count, t.count) / 2 - 1)
        var sm: UInt64 = 0, tm: UInt64 = 0
        var matches = 0
        for i in 0..<s.count {
            let lo = max(0, i - window), hi = min(t.count, i + window + 1)
            guard lo < hi else { continue }
            let c = s[i]
            for j in lo..<hi where tm & (1 << UInt64(j)) == 0 && c == t[j] {
                sm |= 1 << UInt64(i); tm |= 1 << UInt64(j); matches += 1
                break
            }
        }
        guard matches > 0 else { return 0 }
        var k = 0, transpositions = 0
        for i in 0..<s.count where sm & (1 << UInt64(i)) != 0 {
            while tm & (1 << UInt64(k)) == 0 { k += 1 }
            if s[i] != t[k] { transpositions += 1 }
            k += 1
        }
        let m = Double(matches)
        let jaro = (m / Double(s.count) + m / Double(t.count) + (m - Double(transpositions / 2)) / m) / 3
        var prefix = 0
        while prefix < min(4, s.count, t.count) && s[prefix] == t[prefix] { prefix += 1 }
        return jaro + Double(prefix) * 0.1 * (1 - jaro)
    }
}
