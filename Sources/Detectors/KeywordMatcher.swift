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
    }

    /// The first (longest) keyword found in `description`, not negated, with its group.
    func match(_ description: String) -> Keyword? {
        let text = description.lowercased()
        let scalars = Array(text.unicodeScalars)
        for k in keywords {
            let key = Array(k.text.unicodeScalars)
            guard key.count <= scalars.count, key.count > 0 else { continue }
            var i = 0
            while i + key.count <= scalars.count {
                if scalars[i] == key[0] && Array(scalars[i..<(i + key.count)]) == key {
                    let before = i > 0 ? scalars[i - 1] : " "
                    let after = i + key.count < scalars.count ? scalars[i + key.count] : " "
                    let boundary = !k.wholeWord || (!isWordScalar(before) && !isWordScalar(after))
                    if boundary && !negated(scalars, start: i, end: i + key.count) { return k }
                }
                i += 1
            }
        }
        return nil
    }

    private func isWordScalar(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || ("0"..."9").contains(s) }

    private func negated(_ s: [Unicode.Scalar], start: Int, end: Int) -> Bool {
        let after = String(String.UnicodeScalarView(s[end..<min(s.count, end + 16)]))
        let before = String(String.UnicodeScalarView(s[max(0, start - 8)..<start]))
        return after.hasPrefix("-free") || after.hasPrefix(" free") || after.hasPrefix(" catalyst free")
            || before.hasSuffix("free of ") || before.hasSuffix("non-") || before.hasSuffix("without ")
    }
}
