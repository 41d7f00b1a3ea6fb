/// A mapping file (`--mapping FILE`, JSON): how a feed's columns map onto the
/// canonical record, for everything header auto-mapping cannot know.
///
/// ```json
/// {
///   "description": "Korea Customs Service import declarations",
///   "flow": "import",
///   "fields": { "value": "Item Price", "currency": { "constant": "KRW" }, "outcome": "Fraud" },
///   "date_formats": ["%Y-%m-%d"],
///   "decimal_separator": ".", "thousands_separator": "",
///   "weight_unit": "kg", "delimiter": ",",
///   "extra": ["Tax Rate"], "auto": true
/// }
/// ```
/// Fields not named are auto-mapped from the header (unless `"auto": false`).
public struct MappingFile: Sendable, Codable, Equatable {
    /// Where a canonical field comes from: a column name, or a constant.
    public enum Source: Sendable, Codable, Equatable {
        case column(String)
        case constant(String)

        public init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let name = try? c.decode(String.self) { self = .column(name); return }
            struct Constant: Codable { var constant: String }
            if let k = try? c.decode(Constant.self) { self = .constant(k.constant); return }
            struct Column: Codable { var column: String }
            self = .column(try c.decode(Column.self).column)
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case let .column(name): try c.encode(name)
            case let .constant(v): try c.encode(["constant": v])
            }
        }
    }

    public var description: String?
    public var flow: String?
    public var fields: [String: Source]?
    public var dateFormats: [String]?
    public var decimalSeparator: String?
    public var thousandsSeparator: String?
    public var weightUnit: String?
    public var delimiter: String?
    public var extra: [String]?
    public var auto: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case description, flow, fields, extra, auto, delimiter
        case dateFormats = "date_formats", decimalSeparator = "decimal_separator"
        case thousandsSeparator = "thousands_separator", weightUnit = "weight_unit"
    }

    public init() {}

    /// Checks the file's values; the error says which key is wrong and how to fix it.
    public func validated(source: String) throws(IngestError) -> MappingFile {
        func bad(_ message: String) -> IngestError { .mapping(file: source, message: message) }
        if let flow, !["export", "import"].contains(flow) { throw bad("\"flow\" must be \"export\" or \"import\", got \"\(flow)\"") }
        for f in dateFormats ?? [] where !DateParser.isValid(format: f) {
            throw bad("date format \"\(f)\" needs %Y (or %y), %m (or %b) and %d")
        }
        if let d = decimalSeparator, d.utf8.count != 1 { throw bad("\"decimal_separator\" must be one character") }
        if let t = thousandsSeparator, t.utf8.count > 1 { throw bad("\"thousands_separator\" must be one character or empty") }
        if let w = weightUnit, Mapping.weightFactor(w) == nil { throw bad("\"weight_unit\" must be kg, g, t or lb, got \"\(w)\"") }
        if let d = delimiter, d.utf8.count != 1 || d == "\"" { throw bad("\"delimiter\" must be one character other than a quote") }
        for key in (fields ?? [:]).keys where CanonicalField(rawValue: key) == nil {
            throw bad("\"\(key)\" in \"fields\" is not a canonical field; use one of: \(CanonicalField.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return self
    }
}

extension MappingFile {
    /// Reads a mapping file's JSON. Syntax errors, misspelt keys and values of
    /// the wrong type come back as `file:line:column` with what was expected
    /// (Foundation's decoder says only that the data is not valid JSON, and
    /// ignores a key it does not know: a misspelt "fields" silently mapped
    /// nothing). Then the values are checked (`validated`). `decoder` is the
    /// JSON decoder (Foundation's, which this layer does not import).
    public static func decode(_ bytes: [UInt8], source: String,
                              decoder: ([UInt8]) throws -> MappingFile) throws(IngestError) -> MappingFile {
        func bad(_ line: Int, _ column: Int, _ message: String) -> IngestError {
            .mapping(file: "\(source):\(line):\(column)", message: message + "; see README \"Mapping files\"")
        }
        // A BOM, as Notepad saves "UTF-8" (Foundation's decoder drops it too).
        let bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        // UTF-16 or UTF-32 (a NUL among the first bytes, or their BOM): Foundation's decoder reads
        // those; this check reads UTF-8 only, so it steps aside.
        if bytes.prefix(4).contains(0) || bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            do {
                return try decoder(bytes).validated(source: source)
            } catch let e as IngestError {
                throw e
            } catch {
                throw .mapping(file: source, message: "not a valid mapping file (\(error)); see README \"Mapping files\"")
            }
        }
        let keys: [JSONSyntax.Key]
        switch JSONSyntax.check(bytes) {
        case let .failure(p): throw bad(p.line, p.column, "not valid JSON: \(p.message)")
        case let .success(k): keys = k
        }
        if let first = bytes.first(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }), first != UInt8(ascii: "{") {
            throw bad(1, 1, "a mapping file is one JSON object: { \"fields\": { … }, … }")
        }
        let topKeys = CodingKeys.allCases.map(\.rawValue), fieldNames = CanonicalField.allCases.map(\.rawValue)
        func bad(_ k: JSONSyntax.Key, _ message: String) -> IngestError {
            let (line, column) = JSONSyntax.place(of: k.offset, in: bytes)
            return bad(line, column, message)
        }
        for k in keys {
            let name = k.path[k.path.count - 1]
            // A top-level key starting with "_" is a comment ("_comment": "…"), as Foundation's decoder let it be.
            if k.path.count == 1 && !topKeys.contains(name) && !name.hasPrefix("_") {
                throw bad(k, "unknown key \"\(name)\"\(suggestion(name, topKeys)); the keys are \(topKeys.joined(separator: ", "))")
            }
            if k.path.count == 2 && k.path[0] == "fields" && !fieldNames.contains(name) {
                throw bad(k, "\"\(name)\" in \"fields\" is not a canonical field\(suggestion(name, fieldNames)); "
                                          + "use one of: \(fieldNames.joined(separator: ", "))")
            }
            if k.path.count == 3 && k.path[0] == "fields" && !["column", "constant"].contains(name) {
                throw bad(k, "\"\(name)\" in the source of \"\(k.path[1])\"\(suggestion(name, ["column", "constant"])); "
                                          + "a source is a column name, {\"column\": \"…\"} or {\"constant\": \"…\"}")
            }
        }
        let file: MappingFile
        do {
            file = try decoder(bytes)
        } catch let error as DecodingError {
            // Where: the key of the value that did not decode.
            var path: [String] = [], message = "\(error)"
            switch error {
            case let .typeMismatch(_, c), let .valueNotFound(_, c), let .dataCorrupted(c):
                path = c.codingPath.map(\.stringValue)
                message = c.debugDescription
            case let .keyNotFound(key, c):
                path = c.codingPath.map(\.stringValue)
                message = "\"\(key.stringValue)\" is missing"
            @unknown default:
                break
            }
            let keyPath = path.filter { !$0.hasPrefix("Index ") }
            let at = keys.last { $0.path == keyPath }
            let expected = keyPath.first == "fields" ? "a column name, {\"column\": \"…\"} or {\"constant\": \"…\"}"
                : ["extra", "date_formats"].contains(keyPath.first ?? "") && path.count == 1 ? "a list of strings"
                : keyPath.first == "auto" ? "true or false" : "a string"
            // The decoder's words ("Expected to decode Bool but found a string instead."): only what it found.
            if let r = message.firstRange(of: "but found "), let end = message[r.upperBound...].firstRange(of: " instead") {
                message = "found " + message[r.upperBound..<end.lowerBound]
            }
            let (line, column) = at.map { JSONSyntax.place(of: $0.offset, in: bytes) } ?? (1, 1)
            throw bad(line, column, "\"\(keyPath.joined(separator: "."))\" takes \(expected); \(message)")
        } catch {
            throw bad(1, 1, "not a mapping file (\(error))")
        }
        return try file.validated(source: source)
    }

    /// " (did you mean "x"?)" for the name closest to `name` within two edits, or "".
    static func suggestion(_ name: String, _ names: [String]) -> String {
        let best = names.map { ($0, editDistance(Array(name.lowercased().utf8), Array($0.utf8))) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= 2 else { return "" }
        return " (did you mean \"\(best.0)\"?)"
    }

    /// Levenshtein distance (insertions, deletions, substitutions).
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var previous = Array(0...b.count), current = previous
        for i in 1...max(1, a.count) where !a.isEmpty {
            current[0] = i
            for j in 1...max(1, b.count) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}

/// A mapping resolved against one file's header.
public struct Mapping: Sendable, Equatable {
    /// Where each canonical field comes from.
    public enum Resolution: Sendable, Equatable {
        case column(index: Int, header: String, auto: Bool)
        case constant(String)
    }

    public var fields: [CanonicalField: Resolution]
    /// Extra columns kept as text: (name, index).
    public var extras: [(name: String, index: Int)]
    public var flow: String
    public var dates: DateParser
    public var decimals: DecimalParser
    public var weightFactor: Double
    public var weightUnit: String
    public var headerCount: Int
    /// Warnings about the mapping (a field more than one column matched), for every summary.
    public var notes: [String] = []

    public static func == (a: Mapping, b: Mapping) -> Bool {
        a.fields == b.fields && a.extras.map(\.name) == b.extras.map(\.name) && a.flow == b.flow
            && a.dates.formats == b.dates.formats && a.weightFactor == b.weightFactor && a.headerCount == b.headerCount
    }

    /// Fields only history has (inspection outcomes): a mapped label column a file lacks is left out, not an error.
    public static let labelFields: Set<CanonicalField> = [.outcome, .revenue]

    /// Fields a file must provide.
    public static let required: [CanonicalField] = [.declarationID, .declarationDate, .hsCode, .value, .currency]

    static func weightFactor(_ unit: String) -> Double? {
        switch unit.lowercased() {
        case "kg": 1
        case "g": 0.001
        case "t", "tonne", "tonnes": 1000
        case "lb", "lbs": 0.453_592_37
        default: nil
        }
    }

    /// Resolves `file` against `header`.
    /// - Throws: `IngestError.mapping` naming a mapped column the header lacks or
    ///   a required field nothing provides.
    public static func resolve(_ file: MappingFile, header: [String], source: String) throws(IngestError) -> Mapping {
        var fields: [CanonicalField: Resolution] = [:]
        // Columns that also auto-match a field an earlier column took (two value columns, say).
        var alternates: [CanonicalField: [(index: Int, header: String)]] = [:]
        if file.auto ?? true {
            for (i, h) in header.enumerated() {
                guard let f = CanonicalField.match(header: h) else { continue }
                if fields[f] == nil {
                    fields[f] = .column(index: i, header: h, auto: true)
                } else {
                    alternates[f, default: []].append((i, h))
                }
            }
        }
        for (key, origin) in (file.fields ?? [:]).sorted(by: { $0.key < $1.key }) {
            let f = CanonicalField(rawValue: key)!
            switch origin {
            case let .constant(v): fields[f] = .constant(v)
            case let .column(name):
                guard let i = header.firstIndex(of: name) ?? header.firstIndex(where: {
                    CanonicalField.normalizedName($0) == CanonicalField.normalizedName(name)
                }) else {
                    // Labels are history's: today's feed read through the same mapping has none.
                    if labelFields.contains(f) { continue }
                    throw .mapping(file: source, message: "the mapping names column \"\(name)\" for \(key), but the header has: \(header.joined(separator: ", "))")
                }
                // A column mapped explicitly leaves any field that auto-mapped to it.
                for (other, r) in fields where other != f { if case .column(i, _, true) = r { fields[other] = nil } }
                fields[f] = .column(index: i, header: header[i], auto: false)
            }
        }
        for f in required where fields[f] == nil {
            let hint = f == .currency ? "add a currency column, or \"currency\": {\"constant\": \"USD\"} in the mapping's fields"
                : "name the column in the mapping's \"fields\" (e.g. \"\(f.rawValue)\": \"Column Name\")"
            throw .mapping(file: source, message: "no column for the required field \(f.rawValue); \(hint)")
        }
        var extras: [(String, Int)] = []
        for name in file.extra ?? [] {
            guard let i = header.firstIndex(of: name) else {
                throw .mapping(file: source, message: "extra column \"\(name)\" is not in the header")
            }
            extras.append((name, i))
        }
        // An auto-mapped field other columns also matched: the first is read; say so, and how to choose.
        var notes: [String] = []
        for f in CanonicalField.allCases {
            guard case let .column(i, h, true)? = fields[f], let others = alternates[f] else { continue }
            if others.contains(where: { $0.header == h }) {
                let same = [i + 1] + others.filter { $0.header == h }.map { $0.index + 1 }
                notes.append("columns \(same.map(String.init).joined(separator: ", ")) are all named \"\(h)\"; \(f.rawValue) is read from "
                             + "column \(i + 1): rename the others in the file to read another")
                continue
            }
            let list = others.map { "column \($0.index + 1) \"\($0.header)\"" }.joined(separator: ", ")
            notes.append("\(f.rawValue) is read from column \(i + 1) \"\(h)\"; \(list) also \(others.count == 1 ? "matches" : "match") it and "
                         + "\(others.count == 1 ? "is" : "are") not read: to choose, name the column in the mapping's \"fields\" "
                         + "(\"\(f.rawValue)\": \"Column Name\")")
        }
        let decimal = file.decimalSeparator.flatMap { $0.utf8.first } ?? UInt8(ascii: ".")
        let thousands = file.thousandsSeparator.flatMap { $0.utf8.first }
        let unit = file.weightUnit ?? "kg"
        return Mapping(
            fields: fields, extras: extras, flow: file.flow ?? "export",
            dates: DateParser(formats: file.dateFormats ?? ["%Y-%m-%d"]),
            decimals: DecimalParser(decimalSeparator: decimal, thousandsSeparator: thousands),
            weightFactor: weightFactor(unit)!, weightUnit: unit, headerCount: header.count, notes: notes)
    }

    /// The column index of `field`, when it comes from a column.
    public func column(_ field: CanonicalField) -> Int? {
        if case let .column(i, _, _)? = fields[field] { return i }
        return nil
    }

    /// The constant of `field`, when the mapping gives one.
    public func constant(_ field: CanonicalField) -> String? {
        if case let .constant(v)? = fields[field] { return v }
        return nil
    }

    /// One line per canonical field, for `--verbose` and run summaries.
    public var lines: [String] {
        CanonicalField.allCases.map { f in
            let name = f.rawValue.padding(to: 26)
            switch fields[f] {
            case let .column(i, h, auto)?: return "\(name) ← column \(i + 1) \"\(h)\"\(auto ? " (auto)" : " (mapping)")"
            case let .constant(v)?: return "\(name) ← constant \"\(v)\""
            case nil: return "\(name)   (absent)"
            }
        } + extras.map { "extra \($0.name.padding(to: 20)) ← column \($0.index + 1)" }
            + ["flow \(flow); dates \(dates.formats.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " | ")); decimal '\(Character(Unicode.Scalar(decimals.decimalSeparator)))'\(decimals.thousandsSeparator.map { ", thousands '\(Character(Unicode.Scalar($0)))'" } ?? ""); weights in \(weightUnit)"]
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
