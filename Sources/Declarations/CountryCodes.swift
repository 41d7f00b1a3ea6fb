/// ISO 3166-1 countries as small integer codes: 0 means "no country", 1… index
/// `CountryCodes.table`. Alpha-2 is the fast path; alpha-3 and English names
/// (any case, spaces and punctuation ignored) are accepted too.
public enum CountryCodes {
    /// Code of an alpha-2 pair of bytes, by (first − 'A') * 26 + (second − 'A').
    private static let alpha2Index: [UInt16] = {
        var t = [UInt16](repeating: 0, count: 26 * 26)
        for (i, row) in table.enumerated() {
            let u = Array(row.0.utf8)
            t[Int(u[0] - 65) * 26 + Int(u[1] - 65)] = UInt16(i + 1)
        }
        return t
    }()

    private static let byName: [String: UInt16] = {
        var d: [String: UInt16] = [:]
        for (i, row) in table.enumerated() {
            d[key(row.1)] = UInt16(i + 1)
            for n in row.2 { d[key(n)] = UInt16(i + 1) }
        }
        return d
    }()

    static func key(_ s: String) -> String {
        String(s.uppercased().unicodeScalars.filter { $0.properties.isAlphabetic })
    }

    /// The code of `bytes` (alpha-2, alpha-3 or a name), or nil when unknown.
    public static func code(_ bytes: UnsafeRawBufferPointer) -> UInt16? {
        if bytes.count == 2 { return alpha2Code(bytes[0], bytes[1], in: alpha2Index) }
        return byName[key(String(decoding: bytes, as: UTF8.self))]
    }

    /// The code of the alpha-2 pair `a b` (any ASCII case) in `table`, or nil.
    @inline(__always)
    private static func alpha2Code(_ a: UInt8, _ b: UInt8, in table: [UInt16]) -> UInt16? {
        // Clearing bit 5 upper-cases a letter; only letters then fall in A...Z.
        let a = a & 0xDF, b = b & 0xDF
        guard a &- 65 < 26 && b &- 65 < 26 else { return nil }
        let c = table[Int(a &- 65) &* 26 &+ Int(b &- 65)]
        return c == 0 ? nil : c
    }

    /// The alpha-2 table held by a caller that looks up a value per row (ingest):
    /// a static table costs a lazy-initialisation check on every call.
    struct Lookup: Sendable {
        private let index = CountryCodes.alpha2Index

        /// `CountryCodes.code(bytes)`.
        @inline(__always)
        func code(_ bytes: UnsafeRawBufferPointer) -> UInt16? {
            guard bytes.count == 2 else { return CountryCodes.code(bytes) }
            return CountryCodes.alpha2Code(bytes[0], bytes[1], in: index)
        }
    }

    /// The code of a string, or nil.
    public static func code(_ text: String) -> UInt16? {
        var t = text
        return t.withUTF8 { code(UnsafeRawBufferPointer($0)) }
    }

    /// The alpha-2 of a code ("" for 0).
    public static func alpha2(_ code: UInt16) -> String { code == 0 ? "" : table[Int(code) - 1].0 }

    /// Number of known countries.
    public static var count: Int { table.count }
}
