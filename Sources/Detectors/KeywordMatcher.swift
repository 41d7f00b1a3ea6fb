import Declarations

/// Finds controlled-item keywords in descriptions: case-insensitive; short
/// Latin keywords (symbols like "Ga", "Sb") only as whole words; CJK keywords as
/// substrings; a match negated by "-free", "free of" or "non-" does not count
/// ("antimony-free PET").
///
/// Two paths give the same answer. A description of ASCII bytes (most of
/// them) is read as bytes: lower-cased in place, keywords looked up by their
/// first byte in a table of 128 lists, with no `String` made. Any other is
/// read as Unicode scalars (`matchScalars`, also the ASCII path's test
/// oracle). Real feeds' descriptions are free text, nearly one per row, so
/// this runs once per row there (a million a million-row scan), not once per
/// the generator's few dozen thousand stems.
struct KeywordMatcher: Sendable {
    struct Keyword: Sendable {
        var text: String          // lower-cased
        var group: String
        var wholeWord: Bool
    }
    let keywords: [Keyword]
    /// Each keyword's length in characters (`text.count`, counted once).
    private let lengths: [Int]
    /// Keywords by their first scalar (lower-cased): only these are tried at a position.
    private let byFirst: [Unicode.Scalar: [(scalars: [Unicode.Scalar], keyword: Int)]]
    /// The ASCII keywords by first byte, in `byFirst`'s order (longest first):
    /// the only ones an ASCII description can hold. Those of first byte `f` are
    /// `asciiEntries[asciiStarts[f] ..< asciiStarts[f + 1]]`, each a run of
    /// `asciiBytes` and its keyword: flat arrays, read in place (a list per
    /// byte retained and released its storage at every position of every description).
    private let asciiStarts: [Int]
    private let asciiEntries: [(offset: Int, count: Int, keyword: Int)]
    private let asciiBytes: [UInt8]

    init(controls: ControlsTable) {
        var seen = Set<String>()
        var list: [Keyword] = []
        for rule in controls.rules where rule.kind == .licence {
            for k in rule.keywords {
                let lower = k.lowercased()
                guard seen.insert(lower + "|" + rule.group).inserted else { continue }
                let ascii = lower.unicodeScalars.allSatisfy(\.isASCII)
                list.append(Keyword(text: lower, group: rule.group, wholeWord: ascii))
            }
        }
        keywords = list.sorted { $0.text.count > $1.text.count }
        lengths = keywords.map(\.text.count)
        var index: [Unicode.Scalar: [(scalars: [Unicode.Scalar], keyword: Int)]] = [:]
        var ascii = [[(bytes: [UInt8], keyword: Int)]](repeating: [], count: 128)
        for (i, k) in keywords.enumerated() {
            let sc = Array(k.text.unicodeScalars)
            if let f = sc.first { index[f, default: []].append((sc, i)) }
            let bytes = Array(k.text.utf8)
            if let f = bytes.first, bytes.allSatisfy({ $0 < 0x80 }) { ascii[Int(f)].append((bytes, i)) }
        }
        byFirst = index
        var starts = [0], entries: [(offset: Int, count: Int, keyword: Int)] = [], bytes: [UInt8] = []
        for list in ascii {
            for (key, k) in list {
                entries.append((bytes.count, key.count, k))
                bytes.append(contentsOf: key)
            }
            starts.append(entries.count)
        }
        asciiStarts = starts
        asciiEntries = entries
        asciiBytes = bytes
    }

    /// The longest keyword found in `description`, not negated, with its group.
    func match(_ description: String) -> Keyword? {
        var d = description
        return d.withUTF8 { match(utf8: UnsafeRawBufferPointer($0)) }.map { keywords[$0] }
    }

    /// The index in `keywords` of the longest keyword found in the UTF-8 text
    /// `bytes`, not negated (invalid UTF-8 is read as `String(decoding:)` repairs it).
    func match(utf8 bytes: UnsafeRawBufferPointer) -> Int? {
        guard ASCIIText.isASCII(bytes) else { return matchScalars(String(decoding: bytes, as: UTF8.self)) }
        return matchASCII(bytes)
    }

    /// `matchScalars` of an ASCII description, on its bytes. Every ASCII
    /// keyword is matched as a whole word, so only the positions that start a
    /// word (after a byte that is neither letter nor digit) are tried.
    private func matchASCII(_ text: UnsafeRawBufferPointer) -> Int? {
        let n = text.count
        guard n > 0 else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: n) { lower -> Int? in
            for i in 0..<n { lower[i] = ASCIIText.lower(text[i]) }
            return asciiStarts.withUnsafeBufferPointer { starts in
                asciiEntries.withUnsafeBufferPointer { entries in
                    asciiBytes.withUnsafeBufferPointer { keys in
                        lengths.withUnsafeBufferPointer { lengths in
                            var best: Int? = nil
                            var before: UInt8 = 0x20
                            for i in 0..<n {
                                let first = lower[i]
                                defer { before = first }
                                if KeywordMatcher.isWordASCII(before) { continue }
                                for e in starts[Int(first)]..<starts[Int(first) + 1] {
                                    let (offset, count, k) = entries[e]
                                    guard i + count <= n else { continue }
                                    if let b = best, lengths[b] >= lengths[k] { continue }
                                    var equal = true
                                    for j in 1..<max(1, count) where lower[i + j] != keys[offset + j] { equal = false; break }
                                    guard equal else { continue }
                                    let end = i + count
                                    let after = end < n ? lower[end] : 0x20
                                    if !KeywordMatcher.isWordASCII(after)
                                        && !negatedASCII(UnsafeBufferPointer(lower), start: i, end: end) {
                                        best = k
                                    }
                                }
                            }
                            return best
                        }
                    }
                }
            }
        }
    }

    /// The longest keyword found in `description`, read as Unicode scalars:
    /// the path for text that is not ASCII, and the oracle of the ASCII one.
    func matchScalars(_ description: String) -> Int? {
        let scalars = Array(description.lowercased().unicodeScalars)
        var best: Int? = nil
        for i in scalars.indices {
            guard let candidates = byFirst[scalars[i]] else { continue }
            for (key, k) in candidates where i + key.count <= scalars.count {
                if let b = best, lengths[b] >= lengths[k] { continue }
                var equal = true
                for j in 1..<max(1, key.count) where scalars[i + j] != key[j] { equal = false; break }
                guard equal else { continue }
                let before = i > 0 ? scalars[i - 1] : " "
                let after = i + key.count < scalars.count ? scalars[i + key.count] : " "
                let boundary = !keywords[k].wholeWord || (!isWordScalar(before) && !isWordScalar(after))
                if boundary && !negated(scalars, start: i, end: i + key.count) { best = k }
            }
        }
        return best
    }

    private func isWordScalar(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || ("0"..."9").contains(s) }

    /// An ASCII letter (already lower-cased) or digit: `isWordScalar` for ASCII.
    @inline(__always)
    private static func isWordASCII(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }

    private func negated(_ s: [Unicode.Scalar], start: Int, end: Int) -> Bool {
        let after = String(String.UnicodeScalarView(s[end..<min(s.count, end + 16)]))
        let before = String(String.UnicodeScalarView(s[max(0, start - 8)..<start]))
        return after.hasPrefix("-free") || after.hasPrefix(" free") || after.hasPrefix(" catalyst free")
            || before.hasSuffix("free of ") || before.hasSuffix("non-") || before.hasSuffix("without ")
    }

    /// `negated` on lower-cased ASCII bytes.
    private func negatedASCII(_ s: UnsafeBufferPointer<UInt8>, start: Int, end: Int) -> Bool {
        func follows(_ p: StaticString) -> Bool {
            let n = p.utf8CodeUnitCount
            guard end + n <= s.count else { return false }
            for k in 0..<n where s[end + k] != p.utf8Start[k] { return false }
            return true
        }
        func precedes(_ p: StaticString) -> Bool {
            let n = p.utf8CodeUnitCount
            guard start >= n else { return false }
            for k in 0..<n where s[start - n + k] != p.utf8Start[k] { return false }
            return true
        }
        return follows("-free") || follows(" free") || follows(" catalyst free")
            || precedes("free of ") || precedes("non-") || precedes("without ")
    }
}
