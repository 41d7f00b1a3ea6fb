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
/// - case, compatibility forms (full-width letters and brackets), and
///   punctuation: dots and apostrophes join ("S.A." is "sa", "Xi'an" "xian"),
///   other marks separate words;
/// - the spelling of a legal form: "Limited" is "ltd", "Company" "co",
///   "Corporation" "corp", "Incorporated" "inc", "Private" "pvt", "Berhad"
///   "bhd", "Proprietary" "pty" (legal forms are kept, so "Foo Ltd" and
///   "Foo Inc" stay two parties);
/// - a care-of clause and what follows it ("c/o …", "care of …", "attn …"):
///   the forwarder or contact, not the party;
/// - after the name's last legal form, whatever trails it: a branch in
///   brackets, a warehouse, a department ("… Co., Ltd. - Warehouse 8"); for a
///   Chinese name, what follows its first glued form ("…有限公司（福田分公司）");
/// - for a name with no legal form after a word of its own (none, or only
///   a prefix form such as "PT" or "OOO", or "S.A. de C.V." in front), a
///   trailing bracketed qualifier ("PT Evergreen Manufacturing (Lyon branch)").
///
/// What stays apart: different words, word order, legal forms, and any
/// qualifier inside the name ("Lenovo (Beijing) Co., Ltd." and "Lenovo
/// (Shanghai) Co., Ltd." are two companies). A name these rules would empty
/// keeps its lower-cased text as its key.
public enum PartyName {
    /// Legal-form spellings and their canonical word.
    static let canonical: [String: String] = [
        "limited": "ltd", "company": "co", "corporation": "corp", "incorporated": "inc", "private": "pvt",
        "berhad": "bhd", "proprietary": "pty",
    ]

    /// Legal forms (canonical words) that end a company's name. Ambiguous
    /// English words ("as") are left out; prefix forms ("pt", "ooo", "ao")
    /// count only after another word.
    static let legalForms: Set<String> = [
        "co", "ltd", "llc", "inc", "corp", "gmbh", "ag", "kg", "sa", "sarl", "sas", "srl", "spa", "bv", "nv",
        "plc", "pte", "pvt", "pty", "llp", "lp", "jsc", "pjsc", "ojsc", "cjsc", "ooo", "ao", "oao", "zao", "too",
        "osoo", "fze", "fzco", "fzc", "kk", "sdn", "bhd", "tbk", "pt", "sti", "cv", "ltda", "sro", "kft", "ab",
        "oy", "sl", "sapi",
    ]

    /// Chinese legal forms, written glued to the name.
    static let chineseForms = ["股份有限公司", "有限责任公司", "有限公司", "公司"]

    /// A word of a name, or a bracket.
    enum Piece: Equatable {
        case word(String)
        case open
        case close
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
        // bytes back to back, the key's bytes (each at most n), and the words' bounds.
        // A key costs one allocation, its `String` (none for a key of up to 15 bytes).
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 3 * n + 1) { scratch in
            withUnsafeTemporaryAllocation(of: WordBounds.self, capacity: n + 1) { tokens in
                let base = scratch.baseAddress!
                for i in 0..<n { base[i] = ASCIIText.lower(name[i]) }
                let lowered = UnsafeBufferPointer(start: base, count: n)
                let words = base + n, out = base + 2 * n
                // Words and brackets up to a care-of clause.
                var count = 0, length = 0, start = -1
                func flush() {
                    if start >= 0 && length > start { tokens[count] = WordBounds(start: start, end: length); count += 1 }
                    start = -1
                }
                for b in lowered[..<careOfCut(lowered)] {
                    switch b {
                    case UInt8(ascii: "."), UInt8(ascii: "'"):
                        continue   // joins: "S.A." is "sa", "Xi'an" is "xian"
                    case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                        flush(); tokens[count] = .open; count += 1
                    case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                        flush(); tokens[count] = .close; count += 1
                    default:
                        if isWordByte(b) {
                            if start < 0 { start = length }
                            words[length] = b
                            length += 1
                        } else {
                            flush()
                        }
                    }
                }
                flush()
                // Each word as a packed word, its legal form's canonical spelling if it has one.
                func word(_ k: Int) -> PackedWord {
                    let w = PackedWord(words + tokens[k].start, count: tokens[k].end - tokens[k].start)
                    return canonicalPacked[w] ?? w
                }
                // Up to the last legal form after a word of the name's own, else without a trailing bracket.
                var sawName = false, last = -1
                for k in 0..<count where tokens[k].isWord {
                    let w = word(k)
                    if legalPacked.contains(w) {
                        if sawName { last = k }
                    } else if !fillersPacked.contains(w) {
                        sawName = true
                    }
                }
                var stop = count
                if last >= 0 {
                    stop = last + 1
                } else if count > 0 && tokens[count - 1] == .close {
                    var depth = 0
                    for k in stride(from: count - 1, through: 0, by: -1) {
                        if tokens[k] == .close { depth += 1 } else if tokens[k] == .open {
                            depth -= 1
                            if depth == 0 {
                                if (0..<k).contains(where: { tokens[$0].isWord }) { stop = k }
                                break
                            }
                        }
                    }
                }
                var size = 0
                for k in 0..<stop where tokens[k].isWord {
                    if size > 0 { out[size] = 0x20; size += 1 }
                    let w = word(k)
                    if w.isPacked {
                        size += w.write(to: out + size)
                    } else {
                        for i in tokens[k].start..<tokens[k].end { out[size] = words[i]; size += 1 }
                    }
                }
                guard size > 0 else { return trimmed(String(decoding: lowered, as: UTF8.self)) }
                return String(decoding: UnsafeBufferPointer(start: out, count: size), as: UTF8.self)
            }
        }
    }

    /// A word's place among a name's word bytes, or a bracket.
    struct WordBounds: Equatable {
        var start: Int
        var end: Int
        static let open = WordBounds(start: -1, end: -1)
        static let close = WordBounds(start: -2, end: -2)
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
    static let canonicalPacked = Dictionary(uniqueKeysWithValues: canonical.map { (PackedWord($0.key), PackedWord($0.value)) })

    /// `key` read as Unicode scalars: the path for names that are not ASCII,
    /// and the oracle of the ASCII one.
    static func keyOfScalars(_ name: String) -> String {
        let text = folded(name)
        let scalars = Array(text.unicodeScalars)
        let end = careOfCut(scalars)
        var pieces: [Piece] = []
        var word = String.UnicodeScalarView()
        func flush() {
            guard !word.isEmpty else { return }
            let w = String(word)
            pieces.append(.word(canonical[w] ?? w))
            word = String.UnicodeScalarView()
        }
        for s in scalars[..<end] {
            switch s {
            case ".", "'", "\u{2019}":
                continue
            case "(", "[", "{":
                flush(); pieces.append(.open)
            case ")", "]", "}":
                flush(); pieces.append(.close)
            default:
                if isWordScalar(s) { word.append(s) } else { flush() }
            }
        }
        flush()
        return key(of: pieces) ?? trimmed(text)
    }

    /// The key of a name's words and brackets: up to its last legal form that
    /// follows another word, else without a trailing bracketed qualifier; nil
    /// when no word is left.
    static func key(of pieces: [Piece]) -> String? {
        var pieces = pieces
        var sawName = false, last = -1
        for (i, p) in pieces.enumerated() {
            guard case .word(let w) = p else { continue }
            if legalForms.contains(w) {
                if sawName { last = i }
            } else if hasGluedForm(w) {
                // A Chinese name and its legal form in one word: the first such word
                // ends the name (a later one is a branch, "福田分公司").
                sawName = true
                if last < 0 { last = i }
            } else if !fillers.contains(w) {
                sawName = true
            }
        }
        if last >= 0 {
            pieces.removeSubrange((last + 1)...)
        } else if pieces.last == .close, let open = openingOfLast(pieces),
                  pieces[..<open].contains(where: { if case .word = $0 { true } else { false } }) {
            pieces.removeSubrange(open...)
        }
        let words = pieces.compactMap { p -> String? in if case .word(let w) = p { w } else { nil } }
        return words.isEmpty ? nil : words.joined(separator: " ")
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

    /// Care-of markers: with what follows them, they name a forwarder or a contact, not the party.
    static let careOfMarkers = ["c/o", "care of", "attn"]
    static let careOfMarkerBytes = careOfMarkers.map { Array($0.utf8) }
    static let careOfMarkerScalars = careOfMarkers.map { Array($0.unicodeScalars) }

    /// Where a care-of marker begins in `text` (lower-cased), as a whole word
    /// with a letter or digit before it, and its length; nil if none does.
    static func careOfMarker<Text: RandomAccessCollection>(_ text: Text, markers: [[Text.Element]], isWord: (Text.Element) -> Bool) -> (at: Int, count: Int)?
    where Text.Index == Int, Text.Element: Equatable {
        var sawWord = false
        for i in text.indices {
            if sawWord {
                for m in markers where i + m.count <= text.count && text[i..<(i + m.count)].elementsEqual(m) {
                    // Whole words: no letter or digit right before or after the marker.
                    let before = i > 0 && isWord(text[i - 1])
                    let after = i + m.count < text.count && isWord(text[i + m.count])
                    if !before && !after { return (i, m.count) }
                }
            }
            if isWord(text[i]) { sawWord = true }
        }
        return nil
    }

    /// Where the text before a care-of clause ends (`text.count` without one).
    static func careOfCut(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        careOfMarker(bytes, markers: careOfMarkerBytes, isWord: isWordByte)?.at ?? bytes.count
    }

    static func careOfCut(_ scalars: [Unicode.Scalar]) -> Int {
        careOfMarker(scalars, markers: careOfMarkerScalars, isWord: isWordScalar)?.at ?? scalars.count
    }

    /// The party a name is sent in care of: the text after its care-of marker
    /// ("Acme Ltd c/o Nile Logistics FZE" → "Nile Logistics FZE"), lower-cased
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
                guard let m = careOfMarker(b, markers: careOfMarkerBytes, isWord: isWordByte) else { return nil }
                let rest = b[(m.at + m.count)...]
                guard rest.contains(where: isWordByte) else { return nil }
                return trimmed(String(decoding: rest, as: UTF8.self))
            }
        }
        let scalars = Array(folded(String(decoding: name, as: UTF8.self)).unicodeScalars)
        guard let m = careOfMarker(scalars, markers: careOfMarkerScalars, isWord: isWordScalar) else { return nil }
        let rest = scalars[(m.at + m.count)...]
        guard rest.contains(where: isWordScalar) else { return nil }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: rest)
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

    /// Words that do not name a party by themselves ("S.A. de C.V." is all legal form).
    static let fillers: Set<String> = ["de", "del", "y", "e", "and", "the", "of"]

    /// Whether `word` is a name with a Chinese legal form glued to it ("华美贸易有限公司").
    static func hasGluedForm(_ word: String) -> Bool {
        // Only a word that is not ASCII can hold one (`hasSuffix` compares characters: slow).
        guard word.utf8.contains(where: { $0 >= 0x80 }) else { return false }
        return chineseForms.contains { word.hasSuffix($0) && word.count > $0.count }
    }

    /// The opening bracket that the last piece (a closing bracket) closes.
    static func openingOfLast(_ pieces: [Piece]) -> Int? {
        var depth = 0
        for i in pieces.indices.reversed() {
            switch pieces[i] {
            case .close: depth += 1
            case .open:
                depth -= 1
                if depth == 0 { return i }
            case .word: continue
            }
        }
        return nil
    }
}

/// The parties of a name column's dictionary: each value's party, and each
/// party's key and number of spellings; `shown` picks the spelling a party is
/// shown by.
public struct PartyResolution: Sendable {
    /// Per dictionary code: its party number (parties numbered in order of their first code).
    public let party: [Int32]
    /// Per party: its key (`PartyName.key`).
    public let keys: [String]
    /// Per party: how many spellings (dictionary values) it has.
    public let spellings: [Int32]

    /// The parties of `values`, keyed on every core.
    public init(_ values: ByteInterner, threads: Int = System.cores) {
        let n = values.count
        let keysOfCodes = Parallel.rows(n, threads: threads) { c in values.withBytes(UInt32(c)) { PartyName.key(utf8: $0) } }
        var index: [String: Int32] = [:]
        var party = [Int32](repeating: 0, count: n), keys: [String] = [], spellings: [Int32] = []
        for c in 0..<n {
            let k = keysOfCodes[c]
            if let p = index[k] {
                party[c] = p
                spellings[Int(p)] += 1
            } else {
                let p = Int32(keys.count)
                index[k] = p
                keys.append(k)
                spellings.append(1)
                party[c] = p
            }
        }
        self.party = party
        self.keys = keys
        self.spellings = spellings
    }

    /// Per party: the code of the spelling it is shown by, the one on most of
    /// `codes`' rows (the first value of a tie).
    public func shown(_ codes: CodeColumn) -> [UInt32] {
        var rows = [Int](repeating: 0, count: party.count)
        for r in 0..<codes.count { rows[Int(codes[r])] += 1 }
        var shown = [UInt32](repeating: 0, count: keys.count), best = [Int](repeating: -1, count: keys.count)
        for c in party.indices where rows[c] > best[Int(party[c])] {
            best[Int(party[c])] = rows[c]
            shown[Int(party[c])] = UInt32(c)
        }
        return shown
    }
}

/// A name's readings besides the whole of it, for party screening
/// (`NameMatching.tokens` of each): its party (`PartyName.key`: without a
/// branch, warehouse or care-of clause), when that reads otherwise, and the
/// party it is sent in care of (`PartyName.careOf`), when it names one. A
/// listed party's name with "(Osaka branch)" added, or goods sent "c/o" a
/// listed forwarder, are screened as such.
struct NameParts: Sendable, Equatable {
    var party: [String]?
    var careOf: [String]?

    init(party: [String]? = nil, careOf: [String]? = nil) {
        self.party = party
        self.careOf = careOf
    }

    /// The readings of the name `bytes` (UTF-8), whose whole reads as `whole`.
    init(_ bytes: UnsafeRawBufferPointer, whole: [String]) {
        let party = NameMatching.tokens(PartyName.key(utf8: bytes))
        self.party = party.isEmpty || party == whole ? nil : party
        let careOf = PartyName.careOf(utf8: bytes).map(NameMatching.tokens)
        self.careOf = careOf?.isEmpty ?? true ? nil : careOf
    }
}
