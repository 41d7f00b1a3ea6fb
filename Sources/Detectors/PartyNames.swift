import Declarations

/// One party under its several spellings.
///
/// Declarants type party names: one consignee turns up as "Kiwi Distribution
/// Co., Ltd", "KIWI DISTRIBUTION CO.,LTD.", "Kiwi Distribution Co., Ltd (Lyon
/// branch)" and "Kiwi Distribution Co., Ltd c/o Dubai Forwarding 1". Counted
/// apart, each spelling looks like a new party (new_party, diversion), bursts
/// of shipments split across spellings stay under the radar
/// (split_shipments), and parties.csv spreads one party's risk over many
/// lines. `PartyName.key` folds the spellings of a name to one key; the rules
/// only drop what does not name the legal entity:
///
/// - case, compatibility forms (full-width letters, brackets and marks), and
///   punctuation: dots and apostrophes join ("S.A." is "sa", "Xi'an" "xian"),
///   other marks separate words;
/// - the spelling of a legal form: "Limited" is "ltd", "Company" "co",
///   "Corporation" "corp", "Incorporated" "inc", "Private" "pvt", "Berhad"
///   "bhd", "Proprietary" "pty" (legal forms are kept, so "Foo Ltd" and
///   "Foo Inc" stay two parties);
/// - a care-of clause and what follows it: "c/o …" (also "C / O"), "attn …",
///   and "care of …" after a mark or bracket ("Acme Ltd, care of …"; "Medical
///   Care of America Inc" is a name): the forwarder or contact, not the party;
/// - what trails the name's last legal form when a bracket or a mark (, - ; :
///   / |) follows that form: a branch in brackets, a warehouse, a department
///   ("… Co., Ltd. - Warehouse 8", "…有限公司（福田分公司）"). A form followed
///   by a word ("Midwest Ag Supply", "Acme Private Label") cuts nothing;
/// - for a name where no legal form ends the party that way (none, only a
///   prefix form such as "PT" or "OOO", a form the list leaves out such as
///   Turkish "A.S.", or "S.A. de C.V." in front): a trailing bracketed
///   qualifier ("PT Evergreen Manufacturing (Lyon branch)"), a bracket left
///   open at the end (a fixed-width field cut "Merlion Metals (Singapore
///   office"), and what follows a mark when it only says where or which part:
///   a word of `qualifiers` first, then only such words and numbers
///   ("Anatolia Metals A.S. - Warehouse 12", "Merlion Metals, Branch Office";
///   not "Acme - Office Supplies").
///
/// What stays apart: different words, word order, legal forms, and any
/// qualifier inside the name ("Lenovo (Beijing) Co., Ltd." and "Lenovo
/// (Shanghai) Co., Ltd." are two companies). A name these rules would empty
/// keeps its lower-cased text as its key. A key is its own key.
public enum PartyName {
    /// Legal-form spellings and their canonical word.
    static let canonical: [String: String] = [
        "limited": "ltd", "company": "co", "corporation": "corp", "incorporated": "inc", "private": "pvt",
        "berhad": "bhd", "proprietary": "pty",
    ]

    /// Legal forms (canonical words) that can end a company's name. A form only
    /// ends it when a bracket or a mark follows, so ordinary words among them
    /// ("ag", "too", "spa") cut nothing inside a name; "as" is left out.
    static let legalForms: Set<String> = [
        "co", "ltd", "llc", "inc", "corp", "gmbh", "ag", "kg", "sa", "sarl", "sas", "srl", "spa", "bv", "nv",
        "plc", "pte", "pvt", "pty", "llp", "lp", "jsc", "pjsc", "ojsc", "cjsc", "ooo", "ao", "oao", "zao", "too",
        "osoo", "fze", "fzco", "fzc", "kk", "sdn", "bhd", "tbk", "pt", "sti", "cv", "ltda", "sro", "kft", "ab",
        "oy", "sl", "sapi",
    ]

    /// Words that do not name a party by themselves ("S.A. de C.V." is all legal form).
    static let fillers: Set<String> = ["de", "del", "y", "e", "and", "the", "of"]

    /// Words that start a qualifier naming a site or a part of a party, when
    /// they follow a mark ("- Warehouse 12", ", Branch Office", "/ Dept. 4").
    /// Inside a name they are words like any other ("Office Depot Ltd").
    static let qualifiers: Set<String> = [
        "warehouse", "wh", "branch", "office", "depot", "godown", "plant", "factory", "works", "werk", "site",
        "store", "dock", "terminal", "yard", "division", "dept", "department", "unit", "facility",
    ]

    /// Chinese legal forms, written glued to the name.
    static let chineseForms = ["股份有限公司", "有限责任公司", "有限公司", "公司"]

    /// What a piece of a name is, for where its party ends.
    enum Kind: Equatable {
        case name, legal, glued, filler
        /// A word of `qualifiers`: a name word, unless it follows a mark.
        case qualifier
        /// A word with a digit ("12", "4b"): a name word, or a qualifier's number.
        case number
        case open, close
        /// A mark that can start a qualifier: , - ; : / | and dashes.
        case mark

        var isWord: Bool { self == .name || self == .legal || self == .glued || self == .filler || self == .qualifier || self == .number }
        /// A word that names the party (qualifier words and numbers are ones inside a name).
        var isName: Bool { self == .name || self == .qualifier || self == .number }
    }

    /// How many of a name's `count` pieces (`kind(i)`) name its party: up to its
    /// last legal form that follows a word of its own (a glued Chinese form is
    /// both) and is followed by a bracket, a mark or nothing. Without one: up
    /// to the first mark that follows a word and is followed by a qualifier
    /// word, then by nothing but qualifier words, numbers, marks and brackets;
    /// else up to a bracket left open at the end; else all but a trailing
    /// bracketed group. Each cut keeps a word before it.
    static func partyEnd(_ count: Int, _ kind: (Int) -> Kind) -> Int {
        var sawName = false, last = -1
        for i in 0..<count {
            let k = kind(i)
            if k.isName || k == .glued { sawName = true }
            guard (k == .legal && sawName) || k == .glued else { continue }
            if i + 1 == count || kind(i + 1) == .open || kind(i + 1) == .mark { last = i }
        }
        if last >= 0 { return last + 1 }
        // A mark before a qualifier: "… - Warehouse 12", at the outer level of brackets.
        var depth = 0, sawWord = false
        for i in 0..<count {
            switch kind(i) {
            case .open: depth += 1
            case .close: depth = max(0, depth - 1)
            case .mark:
                guard depth == 0 && sawWord && i + 1 < count && kind(i + 1) == .qualifier else { continue }
                if ((i + 2)..<count).allSatisfy({ let k = kind($0); return !k.isWord || k == .qualifier || k == .number }) { return i }
            default: sawWord = true
            }
        }
        // A bracket left open at the end: the outermost one still open.
        depth = 0
        var open = -1
        for i in 0..<count {
            switch kind(i) {
            case .open:
                if depth == 0 { open = i }
                depth += 1
            case .close: depth = max(0, depth - 1)
            default: continue
            }
        }
        if depth > 0 && open >= 0 { return (0..<open).contains { kind($0).isWord } ? open : count }
        guard count > 0, kind(count - 1) == .close else { return count }
        depth = 0
        for i in stride(from: count - 1, through: 0, by: -1) {
            switch kind(i) {
            case .close: depth += 1
            case .open:
                depth -= 1
                if depth == 0 { return (0..<i).contains { kind($0).isWord } ? i : count }
            default: continue
            }
        }
        return count
    }

    /// The key of `name`'s party: the same for the spellings the type's rules fold.
    public static func key(_ name: String) -> String {
        var n = name
        return n.withUTF8 { key(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// `key` of UTF-8 text. An ASCII name (most of them) is read as bytes; any
    /// other goes through `keyOfScalars`, the ASCII path's oracle. A large feed
    /// has hundreds of thousands of distinct party names, each keyed once a scan.
    public static func key(utf8 name: UnsafeRawBufferPointer) -> String {
        guard ASCIIText.isASCII(name) else { return keyOfScalars(String(decoding: name, as: UTF8.self)) }
        let n = name.count
        // Scratch on the stack for names of usual length: the lowered name, its words'
        // bytes back to back, the key's bytes (each at most n), and the pieces' bounds.
        // A key costs one allocation, its `String` (none for a key of up to 15 bytes).
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 3 * n + 1) { scratch in
            withUnsafeTemporaryAllocation(of: Piece.self, capacity: n + 1) { pieces in
                let base = scratch.baseAddress!
                for i in 0..<n { base[i] = ASCIIText.lower(name[i]) }
                let lowered = UnsafeBufferPointer(start: base, count: n)
                let words = base + n, out = base + 2 * n
                // Words, brackets and marks up to a care-of clause.
                var count = 0, length = 0, start = -1
                func flush() {
                    if start >= 0 && length > start { pieces[count] = Piece(start: start, end: length); count += 1 }
                    start = -1
                }
                for b in lowered[..<careOfCut(lowered)] {
                    switch b {
                    case UInt8(ascii: "."), UInt8(ascii: "'"):
                        continue   // joins: "S.A." is "sa", "Xi'an" is "xian"
                    case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                        flush(); pieces[count] = .open; count += 1
                    case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                        flush(); pieces[count] = .close; count += 1
                    default:
                        if isWordByte(b) {
                            if start < 0 { start = length }
                            words[length] = b
                            length += 1
                        } else {
                            flush()
                            if isMark(UInt32(b)) { pieces[count] = .mark; count += 1 }
                        }
                    }
                }
                flush()
                // Each word as a packed word, its legal form's canonical spelling if it has one.
                func word(_ k: Int) -> PackedWord {
                    let w = PackedWord(words + pieces[k].start, count: pieces[k].end - pieces[k].start)
                    return canonicalPacked[w] ?? w
                }
                let stop = partyEnd(count) { k in
                    switch pieces[k] {
                    case .open: return .open
                    case .close: return .close
                    case .mark: return .mark
                    default:
                        let w = word(k)
                        if legalPacked.contains(w) { return .legal }
                        if fillersPacked.contains(w) { return .filler }
                        if qualifiersPacked.contains(w) { return .qualifier }
                        return (pieces[k].start..<pieces[k].end).contains { words[$0] &- 0x30 < 10 } ? .number : .name
                    }
                }
                var size = 0
                for k in 0..<stop where pieces[k].isWord {
                    if size > 0 { out[size] = 0x20; size += 1 }
                    let w = word(k)
                    if w.isPacked {
                        size += w.write(to: out + size)
                    } else {
                        for i in pieces[k].start..<pieces[k].end { out[size] = words[i]; size += 1 }
                    }
                }
                guard size > 0 else { return trimmed(String(decoding: lowered, as: UTF8.self)) }
                return String(decoding: UnsafeBufferPointer(start: out, count: size), as: UTF8.self)
            }
        }
    }

    /// A word's place among a name's word bytes, or a bracket or mark.
    struct Piece: Equatable {
        var start: Int
        var end: Int
        static let open = Piece(start: -1, end: -1)
        static let close = Piece(start: -2, end: -2)
        static let mark = Piece(start: -3, end: -3)
        var isWord: Bool { start >= 0 }
    }

    /// A word of up to 16 ASCII bytes as two little-endian words, zero above it
    /// (a longer word is `PackedWord.long`, which no table holds): the byte path's
    /// key into the legal-form tables, with no `String` made per word.
    struct PackedWord: Hashable {
        var low: UInt64
        var high: UInt64

        static let long = PackedWord(low: .max, high: .max)

        init(low: UInt64, high: UInt64) {
            self.low = low
            self.high = high
        }

        init(_ bytes: UnsafePointer<UInt8>, count: Int) {
            guard count <= 16 else { self = .long; return }
            var low: UInt64 = 0, high: UInt64 = 0
            for i in 0..<count {
                if i < 8 { low |= UInt64(bytes[i]) << UInt64(8 * i) } else { high |= UInt64(bytes[i]) << UInt64(8 * (i - 8)) }
            }
            self.init(low: low, high: high)
        }

        init(_ word: String) {
            let bytes = Array(word.utf8)
            self = bytes.withUnsafeBufferPointer { PackedWord($0.baseAddress!, count: $0.count) }
        }

        /// Whether this holds a word's bytes (not `long`).
        var isPacked: Bool { self != .long }

        /// Writes the word's bytes to `out`; returns how many.
        func write(to out: UnsafeMutablePointer<UInt8>) -> Int {
            var n = 0
            for i in 0..<16 {
                let b = UInt8(truncatingIfNeeded: (i < 8 ? low >> UInt64(8 * i) : high >> UInt64(8 * (i - 8))))
                if b == 0 { break }
                out[n] = b
                n += 1
            }
            return n
        }
    }

    static let legalPacked = Set(legalForms.map(PackedWord.init))
    static let fillersPacked = Set(fillers.map(PackedWord.init))
    static let qualifiersPacked = Set(qualifiers.map(PackedWord.init))
    static let canonicalPacked = Dictionary(uniqueKeysWithValues: canonical.map { (PackedWord($0.key), PackedWord($0.value)) })

    /// A word, a bracket or a mark of a name read as Unicode scalars.
    enum ScalarPiece: Equatable {
        case word(String)
        case open, close, mark
    }

    /// `key` read as Unicode scalars: the path for names that are not ASCII,
    /// and the oracle of the ASCII one.
    static func keyOfScalars(_ name: String) -> String {
        let text = folded(name)
        let scalars = Array(text.unicodeScalars)
        var pieces: [ScalarPiece] = []
        var word = String.UnicodeScalarView()
        func flush() {
            guard !word.isEmpty else { return }
            let w = String(word)
            pieces.append(.word(canonical[w] ?? w))
            word = String.UnicodeScalarView()
        }
        for s in scalars[..<careOfCut(scalars)] {
            switch s {
            case ".", "'", "\u{2019}":
                continue
            case "(", "[", "{":
                flush(); pieces.append(.open)
            case ")", "]", "}":
                flush(); pieces.append(.close)
            default:
                if isWordScalar(s) {
                    word.append(s)
                } else {
                    flush()
                    if isMark(s.value) { pieces.append(.mark) }
                }
            }
        }
        flush()
        let stop = partyEnd(pieces.count) { k in
            switch pieces[k] {
            case .open: return .open
            case .close: return .close
            case .mark: return .mark
            case .word(let w):
                if legalForms.contains(w) { return .legal }
                if hasGluedForm(w) { return .glued }
                if fillers.contains(w) { return .filler }
                if qualifiers.contains(w) { return .qualifier }
                return w.unicodeScalars.contains { ("0"..."9").contains($0) } ? .number : .name
            }
        }
        let words = pieces[..<stop].compactMap { p -> String? in if case .word(let w) = p { w } else { nil } }
        return words.isEmpty ? trimmed(text) : words.joined(separator: " ")
    }

    /// Lower-cased, with full-width forms (letters, digits, brackets, marks) folded to ASCII.
    static func folded(_ name: String) -> String {
        var out = String.UnicodeScalarView()
        for s in name.lowercased().unicodeScalars {
            if s.value >= 0xFF01 && s.value <= 0xFF5E, let a = Unicode.Scalar(s.value - 0xFEE0) {
                out.append(contentsOf: String(a).lowercased().unicodeScalars)
            } else {
                out.append(s)
            }
        }
        return String(out)
    }

    /// A mark that can start a qualifier after a legal form (, - ; : / | and
    /// the en and em dashes, the ideographic comma); other marks only separate words.
    static func isMark(_ c: UInt32) -> Bool {
        switch c {
        case 0x2C, 0x2D, 0x3B, 0x3A, 0x2F, 0x7C, 0x2013, 0x2014, 0x3001: true
        default: false
        }
    }

    /// Where a care-of clause begins in `text` (lower-cased, read through `code`)
    /// and where its marker ends; nil without one. Markers are whole words after a
    /// word of the name's own: "c/o" (spaces allowed around the slash), "attn",
    /// and "care of" (any white space between) after a mark or an opening bracket.
    static func careOfMarker<Text: RandomAccessCollection>(_ text: Text, code: (Text.Element) -> UInt32, isWord: (Text.Element) -> Bool) -> (at: Int, end: Int)?
    where Text.Index == Int {
        let n = text.count
        func c(_ i: Int) -> UInt32 { code(text[i]) }
        func isSpace(_ i: Int) -> Bool { let x = c(i); return x == 0x20 || (x >= 0x09 && x <= 0x0D) }
        func skipSpaces(_ j: Int) -> Int { var j = j; while j < n && isSpace(j) { j += 1 }; return j }
        /// The end of `word` spelled at `j`, if a whole word.
        func spelled(_ word: String, at j: Int) -> Int? {
            var k = j
            for u in word.unicodeScalars {
                guard k < n, c(k) == u.value else { return nil }
                k += 1
            }
            return k == n || !isWord(text[k]) ? k : nil
        }
        func slashO(_ i: Int) -> Int? {
            guard c(i) == 0x63 else { return nil }   // c
            var j = skipSpaces(i + 1)
            guard j < n, c(j) == 0x2F else { return nil }   // /
            j = skipSpaces(j + 1)
            return spelled("o", at: j)
        }
        func careOf(_ i: Int) -> Int? {
            guard let care = spelled("care", at: i), care < n, isSpace(care) else { return nil }
            var k = i - 1
            while k >= 0 && isSpace(k) { k -= 1 }
            guard k >= 0, isMark(c(k)) || c(k) == 0x28 || c(k) == 0x5B else { return nil }   // a mark, ( or [
            return spelled("of", at: skipSpaces(care))
        }
        var sawWord = false
        for i in 0..<n {
            if sawWord && (i == 0 || !isWord(text[i - 1])), let end = slashO(i) ?? spelled("attn", at: i) ?? careOf(i) {
                return (i, end)
            }
            if isWord(text[i]) { sawWord = true }
        }
        return nil
    }

    /// Where the text before a care-of clause ends (`text.count` without one).
    static func careOfCut(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        careOfMarker(bytes, code: UInt32.init, isWord: isWordByte)?.at ?? bytes.count
    }

    static func careOfCut(_ scalars: [Unicode.Scalar]) -> Int {
        careOfMarker(scalars, code: \.value, isWord: isWordScalar)?.at ?? scalars.count
    }

    /// The party a name is sent care of: the text after its care-of marker
    /// ("Acme Ltd c/o Nile Logistics FZE" → "nile logistics fze"), lower-cased
    /// (full-width forms folded for text that is not ASCII); nil without one,
    /// or when nothing with a letter or digit follows it. Party screening
    /// screens it too: goods sent in care of a listed party.
    public static func careOf(_ name: String) -> String? {
        var n = name
        return n.withUTF8 { careOf(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// `careOf` of UTF-8 text.
    public static func careOf(utf8 name: UnsafeRawBufferPointer) -> String? {
        if ASCIIText.isASCII(name) {
            let lowered = name.map(ASCIIText.lower)
            return lowered.withUnsafeBufferPointer { b in
                guard let m = careOfMarker(b, code: UInt32.init, isWord: isWordByte) else { return nil }
                let rest = b[m.end...]
                guard rest.contains(where: isWordByte) else { return nil }
                return trimmed(String(decoding: rest, as: UTF8.self))
            }
        }
        let scalars = Array(folded(String(decoding: name, as: UTF8.self)).unicodeScalars)
        guard let m = careOfMarker(scalars, code: \.value, isWord: isWordScalar) else { return nil }
        let rest = scalars[m.end...]
        guard rest.contains(where: isWordScalar) else { return nil }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: rest)
        return trimmed(String(out))
    }

    /// A name without its trailing qualifier, for party screening: the text
    /// before its care-of clause, then before the first mark (, - ; : / |) or
    /// opening bracket that has a word before it and no legal form after it
    /// ("Siam Baltic Elec. PJS - Warehouse 146" → "siam baltic elec. pjs"; a
    /// bracket must hold the rest of the name: "Saffron Technologies (Pty) Ltd"
    /// has no head), lower-cased and trimmed. Unlike `key` it needs no legal
    /// form it knows before the qualifier (a misspelt or foreign one still ends
    /// the name); nil when there is no such mark. Only for screening: a match
    /// there must still reach the threshold against a listed name.
    public static func head(_ name: String) -> String? {
        var n = name
        return n.withUTF8 { head(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// `head` of UTF-8 text.
    public static func head(utf8 name: UnsafeRawBufferPointer) -> String? {
        func cut<Text: RandomAccessCollection>(_ text: Text, code: (Text.Element) -> UInt32, isWord: (Text.Element) -> Bool) -> Int?
        where Text.Index == Int {
            let end = careOfMarker(text, code: code, isWord: isWord)?.at ?? text.count
            /// Whether the text after `j` holds no legal form and, after `j` opens a
            /// bracket, no word past the bracket's close.
            func qualifies(_ j: Int, bracket: Bool) -> Bool {
                var word = String.UnicodeScalarView(), depth = bracket ? 1 : 0, closed = false
                func ends() -> Bool {
                    defer { word = String.UnicodeScalarView() }
                    guard !word.isEmpty else { return false }
                    let w = String(word)
                    return closed || legalForms.contains(canonical[w] ?? w)
                }
                for i in (j + 1)..<end {
                    if isWord(text[i]) {
                        if let u = Unicode.Scalar(code(text[i])) { word.append(u) }
                        continue
                    }
                    if ends() { return false }
                    let c = code(text[i])
                    if c == 0x28 || c == 0x5B || c == 0x7B { depth += 1 }
                    if (c == 0x29 || c == 0x5D || c == 0x7D) && depth > 0 {
                        depth -= 1
                        if bracket && depth == 0 { closed = true }
                    }
                }
                return !ends()
            }
            var sawWord = false
            for i in 0..<end {
                let c = code(text[i])
                if sawWord && (isMark(c) || c == 0x28 || c == 0x5B || c == 0x7B) && qualifies(i, bracket: !isMark(c)) { return i }
                if isWord(text[i]) { sawWord = true }
            }
            return nil
        }
        if ASCIIText.isASCII(name) {
            let lowered = name.map(ASCIIText.lower)
            return lowered.withUnsafeBufferPointer { b in
                cut(b, code: UInt32.init, isWord: isWordByte).map { trimmed(String(decoding: b[..<$0], as: UTF8.self)) }
            }
        }
        let scalars = Array(folded(String(decoding: name, as: UTF8.self)).unicodeScalars)
        guard let at = cut(scalars, code: \.value, isWord: isWordScalar) else { return nil }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[..<at])
        return trimmed(String(out))
    }

    /// An ASCII letter or digit: the bytes `isWordScalar` takes in ASCII text.
    @inline(__always)
    static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
    }

    /// A letter (of any script) or an ASCII digit: what words are made of.
    static func isWordScalar(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || ("0"..."9").contains(s) }

    /// `text` without white space at either end.
    static func trimmed(_ text: String) -> String {
        var s = Substring(text)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }

    /// Whether `word` is a name with a Chinese legal form glued to it ("华美贸易有限公司").
    static func hasGluedForm(_ word: String) -> Bool {
        // Only a word that is not ASCII can hold one (`hasSuffix` compares characters: slow).
        guard word.utf8.contains(where: { $0 >= 0x80 }) else { return false }
        return chineseForms.contains { word.hasSuffix($0) && word.count > $0.count }
    }
}

/// The parties of a name column's dictionary: each value's party and each
/// party's key; `shown` picks the spelling a party is shown by.
public struct PartyResolution: Sendable {
    /// Per dictionary code: its party number (parties numbered in order of their first code).
    public let party: [Int32]
    /// Per party: its key (`PartyName.key`; the value itself when not folded).
    public let keys: [String]

    /// The parties of `values`, keyed on every core; with `fold` false (a column
    /// of party ids, not names), each value is a party of its own.
    public init(_ values: ByteInterner, fold: Bool = true, threads: Int = System.cores) {
        let n = values.count, batch = 1024
        let keysOfCodes = Parallel.map(0..<((n + batch - 1) / batch), threads: threads) { b in
            values.withValueBytes { v in
                (b * batch..<min(n, (b + 1) * batch)).map { fold ? PartyName.key(utf8: v[$0]) : String(decoding: v[$0], as: UTF8.self) }
            }
        }.flatMap { $0 }
        var index: [String: Int32] = [:]
        var party = [Int32](repeating: 0, count: n), keys: [String] = []
        for c in 0..<n {
            let k = keysOfCodes[c]
            if let p = index[k] {
                party[c] = p
            } else {
                let p = Int32(keys.count)
                index[k] = p
                keys.append(k)
                party[c] = p
            }
        }
        self.party = party
        self.keys = keys
    }
}

/// A name's readings besides the whole of it, for party screening
/// (`NameMatching.tokens` of each), each kept only where it reads otherwise:
/// its party (`PartyName.key`: without a branch, warehouse or care-of clause),
/// its head (`PartyName.head`: without its last qualifier, whatever legal form
/// comes before it), and the party it is sent in care of (`PartyName.careOf`).
/// A listed party's name with "(Osaka branch)" added, or goods sent "c/o" a
/// listed forwarder, are screened as such.
struct NameParts: Sendable, Equatable {
    var party: [String]?
    var head: [String]?
    var careOf: [String]?

    init(party: [String]? = nil, head: [String]? = nil, careOf: [String]? = nil) {
        self.party = party
        self.head = head
        self.careOf = careOf
    }

    /// The readings of the name `bytes` (UTF-8), whose party key is `key` and whose whole reads as `whole`.
    init(_ bytes: UnsafeRawBufferPointer, key: String, whole: [String]) {
        let party = NameMatching.tokens(key)
        self.party = party.isEmpty || party == whole ? nil : party
        let head = PartyName.head(utf8: bytes).map(NameMatching.tokens)
        self.head = head.map { $0.isEmpty || $0 == whole || $0 == party } ?? true ? nil : head
        let careOf = PartyName.careOf(utf8: bytes).map(NameMatching.tokens)
        self.careOf = careOf?.isEmpty ?? true ? nil : careOf
    }
}
