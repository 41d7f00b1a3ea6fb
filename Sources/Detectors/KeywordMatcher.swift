import Declarations

/// Finds controlled-item keywords in descriptions: case-insensitive; short
/// Latin keywords (symbols like "Ga", "Sb") only as whole words; CJK keywords as
/// substrings; a match negated by "-free", "free of" or "non-" does not count
/// ("antimony-free PET").
struct KeywordMatcher: Sendable {
    struct Keyword: Sendable {
        var text: String          // lower-cased
        var group: String
        var wholeWord: Bool
    }
    let keywords: [Keyword]
    /// Keywords by their first scalar (lower-cased): only these are tried at a position.
    let byFirst: [Unicode.Scalar: [(scalars: [Unicode.Scalar], keyword: Int)]]

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
        var index: [Unicode.Scalar: [(scalars: [Unicode.Scalar], keyword: Int)]] = [:]
        for (i, k) in keywords.enumerated() {
            let sc = Array(k.text.unicodeScalars)
            if let f = sc.first { index[f, default: []].append((sc, i)) }
        }
        byFirst = index
    }

    /// The longest keyword found in `description`, not negated, with its group.
    func match(_ description: String) -> Keyword? {
        let scalars = Array(description.lowercased().unicodeScalars)
        var best: Int? = nil
        for i in scalars.indices {
            guard let candidates = byFirst[scalars[i]] else { continue }
            for (key, k) in candidates where i + key.count <= scalars.count {
                if let b = best, keywords[b].text.count >= keywords[k].text.count { continue }
                var equal = true
                for j in 1..<max(1, key.count) where scalars[i + j] != key[j] { equal = false; break }
                guard equal else { continue }
                let before = i > 0 ? scalars[i - 1] : " "
                let after = i + key.count < scalars.count ? scalars[i + key.count] : " "
                let boundary = !keywords[k].wholeWord || (!isWordScalar(before) && !isWordScalar(after))
                if boundary && !negated(scalars, start: i, end: i + key.count) { best = k }
            }
        }
        return best.map { keywords[$0] }
    }

    private func isWordScalar(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || ("0"..."9").contains(s) }

    private func negated(_ s: [Unicode.Scalar], start: Int, end: Int) -> Bool {
        let after = String(String.UnicodeScalarView(s[end..<min(s.count, end + 16)]))
        let before = String(String.UnicodeScalarView(s[max(0, start - 8)..<start]))
        return after.hasPrefix("-free") || after.hasPrefix(" free") || after.hasPrefix(" catalyst free")
            || before.hasSuffix("free of ") || before.hasSuffix("non-") || before.hasSuffix("without ")
    }
}
