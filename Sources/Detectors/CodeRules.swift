import Declarations

/// The controls-table rules covering each tariff code of a table, as the per-row
/// loops read them: days as day numbers and destinations as a bit set over country
/// codes, so a row is judged without a date, a country string or a set lookup.
/// Licence, split_shipments and routing all judge rows this way.
struct CodeRules: Sendable {
    /// One rule as a row loop reads it.
    struct Rule: Sendable {
        /// Index of the rule in `ControlsTable.rules` (for reasons that name it).
        let index: Int
        let from: Int32, to: Int32
        let thresholdKg: Double?
        /// nil: every destination.
        let destinations: CountrySet?

        @inline(__always) func inForce(day: Int32) -> Bool { day >= from && day <= to }
        /// `ControlsTable.Rule.applies(to:)` for a country code (0, no country, is in no list).
        @inline(__always) func applies(to country: UInt16) -> Bool { destinations?.contains(country) ?? true }
    }

    /// Rules `rules[start[c] ..< start[c + 1]]` cover tariff-code dictionary entry `c`, in table order.
    let rules: [Rule]
    private let start: [Int]

    /// The rules of `controls` that `include` keeps, per distinct value of `hs`.
    init(_ hs: TextColumn, controls: ControlsTable, where include: (ControlsTable.Rule) -> Bool) {
        let kept = controls.rules.indices.filter { include(controls.rules[$0]) }
        var rules: [Rule] = [], start = [0]
        for c in 0..<hs.values.count {
            let code = hs.values.string(UInt32(c))
            for i in kept where controls.rules[i].covers(code: code) {
                let r = controls.rules[i]
                rules.append(Rule(index: i, from: Int32(r.from.daysSinceEpoch), to: r.to.map { Int32($0.daysSinceEpoch) } ?? .max,
                                  thresholdKg: r.thresholdKg, destinations: r.destinations.map(CountrySet.init)))
            }
            start.append(rules.count)
        }
        self.rules = rules
        self.start = start
    }

    /// The rules covering dictionary entry `code`.
    @inline(__always) func range(_ code: UInt32) -> Range<Int> { start[Int(code)]..<start[Int(code) + 1] }
}

/// A set of countries as a bit set over `CountryCodes` codes (fewer than 256).
struct CountrySet: Sendable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// The countries named by alpha-2 code exactly as `CountryCodes.alpha2` spells them
    /// (the strings `ControlsTable.Rule.applies(to:)` compares with; the controls reader
    /// stores no others); other spellings match nothing, and code 0 (no country) is never in.
    init(_ alpha2: Set<String>) {
        precondition(CountryCodes.count < 256, "CountrySet holds codes below 256")
        for a in alpha2 {
            guard let c = CountryCodes.code(a), CountryCodes.alpha2(c) == a else { continue }
            let bit: UInt64 = 1 << UInt64(c & 63)
            switch c >> 6 {
            case 0: words.0 |= bit
            case 1: words.1 |= bit
            case 2: words.2 |= bit
            default: words.3 |= bit
            }
        }
    }

    @inline(__always)
    func contains(_ c: UInt16) -> Bool {
        guard c != 0 else { return false }
        let word: UInt64
        switch c >> 6 {
        case 0: word = words.0
        case 1: word = words.1
        case 2: word = words.2
        default: word = words.3
        }
        return word & (1 << UInt64(c & 63)) != 0
    }
}
