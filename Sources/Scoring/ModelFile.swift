import Declarations
import Detectors
import Foundation
import Learning

/// The model file `tradescan fit` writes and `tradescan score` reads: JSON
/// with a format version, the schema signature of the history, the risk model
/// and every fitted detector under its name.
public enum ModelFile {
    /// Bumped whenever a fitted detector's stored form changes.
    public static let formatVersion = 7

    /// Detector name → fitted type, for decoding.
    static let registry: [String: any FittedDetector.Type] = {
        let types: [any FittedDetector.Type] = [
            FittedUnitValue.self, FittedGoodsCode.self, FittedLicence.self, FittedRouting.self,
            FittedDiversion.self, FittedNewParty.self, FittedSplitShipment.self, FittedPartyScreening.self,
        ]
        return Dictionary(uniqueKeysWithValues: types.map { ($0.name, $0) })
    }()

    struct Header: Codable {
        var format: String
        var formatVersion: Int
        var schema: SchemaSignature
        var fittedRows: Int
        var risk: RiskModel
        var skipped: [Skipped]
    }

    struct Skipped: Codable {
        var name: String
        var reason: String
    }

    struct Entry: Codable {
        var name: String
        var model: any FittedDetector

        init(_ model: any FittedDetector) {
            self.name = type(of: model).name
            self.model = model
        }

        enum Keys: String, CodingKey { case name, model }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            name = try c.decode(String.self, forKey: .name)
            guard let type = ModelFile.registry[name] else {
                throw DecodingError.dataCorruptedError(forKey: .name, in: c, debugDescription: "unknown detector '\(name)'")
            }
            func open<T: FittedDetector>(_ t: T.Type) throws -> any FittedDetector { try c.decode(T.self, forKey: .model) }
            model = try open(type)
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(name, forKey: .name)
            try model.encode(to: c.superEncoder(forKey: .model))
        }
    }

    /// Enough of a file to tell what it is.
    struct Probe: Decodable {
        struct H: Decodable { var format: String?; var formatVersion: Int? }
        var header: H?
    }

    struct File: Codable {
        var header: Header
        var detectors: [Entry]
        /// The supervised ranker, when history had outcomes.
        var outcome: OutcomeModel?
    }

    static let nonFinite = (positive: "+inf", negative: "-inf", nan: "nan")

    /// The suite as model-file bytes (deterministic: sorted keys).
    public static func encode(_ suite: FittedSuite) throws -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: nonFinite.positive, negativeInfinity: nonFinite.negative, nan: nonFinite.nan)
        let file = File(header: Header(format: "tradescan-model", formatVersion: formatVersion, schema: suite.schema,
                                       fittedRows: suite.fittedRows, risk: suite.risk,
                                       skipped: suite.skipped.map { Skipped(name: $0.name, reason: $0.reason) }),
                        detectors: suite.detectors.map(Entry.init), outcome: suite.outcome)
        return Array(try e.encode(file))
    }

    /// Reads model-file bytes; `source` names the file in errors.
    public static func decode(_ bytes: some DataProtocol, source: String) throws(ModelFileError) -> FittedSuite {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: nonFinite.positive, negativeInfinity: nonFinite.negative, nan: nonFinite.nan)
        let data = Data(bytes)
        guard let probe = try? d.decode(Probe.self, from: data), let h = probe.header, h.format == "tradescan-model" else {
            throw .notAModel(source)
        }
        guard h.formatVersion == formatVersion else {
            throw .version(source, found: h.formatVersion ?? 0, expected: formatVersion)
        }
        do {
            let file = try d.decode(File.self, from: data)
            return FittedSuite(detectors: file.detectors.map(\.model), skipped: file.header.skipped.map { ($0.name, $0.reason) },
                               risk: file.header.risk, schema: file.header.schema, fittedRows: file.header.fittedRows,
                               outcome: file.outcome)
        } catch {
            throw .corrupt(source, String(describing: error))
        }
    }

    /// Checks that `table` has the fields the model was fitted on.
    public static func check(_ suite: FittedSuite, against table: DeclarationTable, source: String) throws(ModelFileError) {
        let now = SchemaSignature(table)
        if let missing = suite.outcome?.missingSources(in: table), !missing.isEmpty {
            throw .schemaMismatch(source, modelHash: suite.schema.hash, feedHash: now.hash, missing: missing, extra: [])
        }
        guard now.hash != suite.schema.hash else { return }
        let missing = suite.schema.fields.filter { !now.fields.contains($0) }
        let extra = now.fields.filter { !suite.schema.fields.contains($0) }
        throw .schemaMismatch(source, modelHash: suite.schema.hash, feedHash: now.hash, missing: missing, extra: extra)
    }
}

/// Why a model file cannot be used.
public enum ModelFileError: Error, CustomStringConvertible, Equatable {
    case notAModel(String)
    case version(String, found: Int, expected: Int)
    case corrupt(String, String)
    case schemaMismatch(String, modelHash: String, feedHash: String, missing: [String], extra: [String])

    public var description: String {
        switch self {
        case let .notAModel(path):
            "\(path): error: not a TradeScan model file; write one with 'tradescan fit <history…> --model \(path)'"
        case let .version(path, found, expected):
            "\(path): error: model format version \(found), this tradescan reads version \(expected); refit with 'tradescan fit'"
        case let .corrupt(path, why):
            "\(path): error: the model file is damaged (\(why)); refit with 'tradescan fit'"
        case let .schemaMismatch(path, modelHash, feedHash, missing, extra):
            "\(path): error: the model was fitted on a feed with other fields (schema \(modelHash), this feed \(feedHash))"
                + (missing.isEmpty ? "" : "; the feed lacks \(missing.joined(separator: ", "))")
                + (extra.isEmpty ? "" : "; the feed adds \(extra.joined(separator: ", "))")
                + "; map the same columns (--mapping) or refit on history with these fields"
        }
    }
}
