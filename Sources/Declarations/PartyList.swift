import CSVCore

/// A restricted-party list (`--parties FILE`): `name,country,list,alias_of`, the
/// generator's format. An alias names its primary entry in `alias_of`.
public struct PartyList: Sendable, Codable {
    public struct Entry: Sendable, Codable, Equatable {
        public var name: String
        /// ISO alpha-2, or "" when the list gives none.
        public var country: String
        public var list: String
        /// The primary entry's name, for an alias.
        public var aliasOf: String?
        public var line: Int
    }

    public var entries: [Entry]
    public var source: String

    /// Parses a list; errors name the file and line.
    public init(csv bytes: [UInt8], source: String) throws(CSVTableError) {
        let t = try CSVTable(bytes: bytes, source: source)
        guard let n = t.column("name") else {
            throw CSVTableError(source: source, line: 1, message: "missing column name; expected name,country,list,alias_of")
        }
        let c = t.column("country"), l = t.column("list"), a = t.column("alias_of")
        var entries: [Entry] = []
        for (row, line) in zip(t.rows, t.lines) {
            let name = row[n]
            guard !name.isEmpty else { throw CSVTableError(source: source, line: line, message: "name is empty") }
            var country = ""
            if let c, !row[c].isEmpty {
                guard let code = CountryCodes.code(row[c]) else {
                    throw CSVTableError(source: source, line: line, message: "country '\(row[c])' is not a country")
                }
                country = CountryCodes.alpha2(code)
            }
            entries.append(Entry(name: name, country: country, list: l.map { row[$0] } ?? "", aliasOf: a.flatMap { row[$0].isEmpty ? nil : row[$0] }, line: line))
        }
        self.entries = entries
        self.source = source
    }
}
