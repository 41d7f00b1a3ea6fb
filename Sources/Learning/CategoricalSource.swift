import Declarations

/// A categorical field a risk profile groups by: a text field of the canonical
/// record, a country field, the first digits of the goods code, or an extra
/// column named in the mapping.
public struct CategoricalSource: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable { case text, country, hsPrefix, extra }

    public var kind: Kind
    /// The canonical field's name, or the extra column's header.
    public var field: String
    /// Digits kept, for `hsPrefix`.
    public var digits: Int?

    public init(kind: Kind, field: String, digits: Int? = nil) {
        self.kind = kind
        self.field = field
        self.digits = digits
    }

    /// How reports name it: `hs_code`, `hs_code[:4]`, `origin_country`, `Tax Type`.
    public var label: String {
        switch kind {
        case .hsPrefix: "\(field)[:\(digits ?? 0)]"
        default: field
        }
    }

    /// The text fields worth profiling: identities and categories, not free text.
    static let profiledText: [TextField] = [
        .traderID, .declarantID, .counterpartyID, .hsCode, .quantityUnit, .currency, .incoterm, .transportMode, .port,
    ]

    /// Every source `table` has, single-valued ones left out (a constant currency says nothing).
    public static func available(in table: DeclarationTable) -> [CategoricalSource] {
        var out: [CategoricalSource] = []
        for f in profiledText {
            guard let c = table.text(f), c.values.count > 1 else { continue }
            out.append(CategoricalSource(kind: .text, field: f.canonical.rawValue))
            if f == .hsCode {
                out.append(CategoricalSource(kind: .hsPrefix, field: f.canonical.rawValue, digits: 4))
                out.append(CategoricalSource(kind: .hsPrefix, field: f.canonical.rawValue, digits: 2))
            }
        }
        for f in CountryField.allCases {
            guard let c = table.countries(f), let first = c.first, c.contains(where: { $0 != first }) else { continue }
            out.append(CategoricalSource(kind: .country, field: f.canonical.rawValue))
        }
        for e in table.extras where e.column.values.count > 1 {
            out.append(CategoricalSource(kind: .extra, field: e.name))
        }
        return out
    }

    /// Hashes of this source's values in `table` (nil when the table lacks the field).
    /// Empty values hash like any other value: "no seller given" is a category.
    public func hasher(_ table: DeclarationTable) -> SourceHasher? {
        let seed = StableHash.string(label)
        switch kind {
        case .text, .hsPrefix:
            guard let f = TextField.allCases.first(where: { $0.canonical.rawValue == field }), let c = table.text(f) else { return nil }
            let byCode = (0..<c.values.count).map { code -> UInt64 in
                let b = c.values.bytes(UInt32(code))
                return StableHash.bytes(kind == .hsPrefix ? b.prefix(digits ?? b.count) : b, seed: seed)
            }
            return SourceHasher(codes: .text(c.codes), byCode: byCode)
        case .country:
            guard let f = CountryField.allCases.first(where: { $0.canonical.rawValue == field }), let c = table.countries(f) else { return nil }
            let byCode = (0...CountryCodes.count).map { StableHash.string(CountryCodes.alpha2(UInt16($0)), seed: seed) }
            return SourceHasher(codes: .country(c), byCode: byCode)
        case .extra:
            guard let c = table.extras.first(where: { $0.name == field })?.column else { return nil }
            let byCode = (0..<c.values.count).map { StableHash.bytes(c.values.bytes(UInt32($0)), seed: seed) }
            return SourceHasher(codes: .text(c.codes), byCode: byCode)
        }
    }

    /// Row `row`'s value, for reasons.
    public func value(_ table: DeclarationTable, row: Int) -> String {
        switch kind {
        case .text, .hsPrefix:
            guard let f = TextField.allCases.first(where: { $0.canonical.rawValue == field }), let c = table.text(f) else { return "" }
            let s = c.string(row)
            return kind == .hsPrefix ? String(s.prefix(digits ?? s.count)) : s
        case .country:
            guard let f = CountryField.allCases.first(where: { $0.canonical.rawValue == field }), let c = table.countries(f) else { return "" }
            return CountryCodes.alpha2(c[row])
        case .extra:
            return table.extras.first(where: { $0.name == field })?.column.string(row) ?? ""
        }
    }
}

/// The fields one risk profile groups by: one source, or a cross of two or three.
public struct ProfileSpec: Codable, Hashable, Sendable {
    public var sources: [CategoricalSource]

    public init(_ sources: [CategoricalSource]) { self.sources = sources }

    public var label: String { sources.map(\.label).joined(separator: " × ") }

    /// The keys of `rows`: the sources' hashes combined in order (nil when a source is missing).
    /// `hashers` must hold every source's hasher for `table` (see `SourceHasher.all`).
    public func keys(rows: some Collection<Int>, hashers: [CategoricalSource: SourceHasher]) -> [UInt64]? {
        var parts: [SourceHasher] = []
        for s in sources {
            guard let h = hashers[s] else { return nil }
            parts.append(h)
        }
        return rows.map { r in
            var k = parts[0].hash(r)
            for p in parts.dropFirst() { k = StableHash.combine(k, p.hash(r)) }
            return k
        }
    }

    /// The profiles TradeScan builds from the sources a feed has:
    /// - every source alone;
    /// - the goods code crossed with every other source (what is risky depends on the goods);
    /// - the goods code's 4 and 2 digits crossed with the main country;
    /// - the trader with its declarant and with its counterparty;
    /// - goods code × main country crossed with every other source.
    /// The main country is origin on imports, destination on exports (whichever the feed has first).
    public static func candidates(_ sources: [CategoricalSource], importFlow: Bool) -> [ProfileSpec] {
        func find(_ field: String, _ kind: CategoricalSource.Kind = .text) -> CategoricalSource? {
            sources.first { $0.field == field && $0.kind == kind }
        }
        var out = sources.map { ProfileSpec([$0]) }
        guard let hs = find(CanonicalField.hsCode.rawValue) else { return out }
        let countryOrder: [CanonicalField] = importFlow
            ? [.originCountry, .dispatchCountry, .counterpartyCountry, .tradingCountry]
            : [.destinationCountry, .finalDestinationCountry, .counterpartyCountry, .tradingCountry, .originCountry]
        let country = countryOrder.lazy.compactMap { find($0.rawValue, .country) }.first
        let others = sources.filter { $0 != hs && $0.kind != .hsPrefix }
        out += others.map { ProfileSpec([hs, $0]) }
        if let country {
            for p in sources where p.kind == .hsPrefix { out.append(ProfileSpec([p, country])) }
        }
        if let trader = find(CanonicalField.traderID.rawValue) {
            for f in [CanonicalField.declarantID, .counterpartyID] {
                if let o = find(f.rawValue) { out.append(ProfileSpec([trader, o])) }
            }
        }
        if let country {
            out += others.filter { $0 != country }.map { ProfileSpec([hs, country, $0]) }
        }
        return out
    }
}

/// A source's value hashes for one table: one hash per distinct value, looked up by row.
public struct SourceHasher: Sendable {
    enum Codes: Sendable {
        case text(CodeColumn)
        case country([UInt16])
    }

    let codes: Codes
    let byCode: [UInt64]

    @inline(__always)
    func hash(_ row: Int) -> UInt64 {
        switch codes {
        case let .text(c): byCode[Int(c[row])]
        case let .country(c): byCode[Int(c[row])]
        }
    }
}

extension SourceHasher {
    /// Hashers for every source of `specs` that `table` has.
    public static func all(_ specs: [ProfileSpec], table: DeclarationTable) -> [CategoricalSource: SourceHasher] {
        var out: [CategoricalSource: SourceHasher] = [:]
        for s in Set(specs.flatMap(\.sources)) { if let h = s.hasher(table) { out[s] = h } }
        return out
    }
}
