import CSVCore
import Declarations
import Foundation
import Synthetic
import TestSupport

/// A generated data set read back for checking: rows keyed by their position,
/// labels joined on (declaration_id, item_no).
struct GeneratedData {
    let dir: TemporaryDirectory
    let summary: GeneratorSummary
    let header: [String]
    let rows: [[String]]
    let lines: [Int]
    let labels: [(id: String, item: String, pattern: String)]
    /// Row index by "id/item" (first occurrence).
    let rowIndex: [String: Int]

    static func make(rows: Int, seed: UInt64, dirty: Bool = false, freeText: Bool = false, from: String = "2023-01-01",
                     to: String = "2025-10-31", threads: Int = 0) throws -> GeneratedData {
        let dir = try TemporaryDirectory("generated")
        let options = GeneratorOptions(rows: rows, seed: seed, from: CivilDate(iso: from)!, to: CivilDate(iso: to)!,
                                       dirty: dirty, freeText: freeText, threads: threads)
        let summary = try Generator.run(options, into: dir.path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.file("declarations.csv"))))
        let tokens = ScalarTokenizer.tokenize(bytes)
        var decoded: [[String]] = []
        bytes.withUnsafeBytes { buf in
            for r in 0..<tokens.recordCount {
                decoded.append(tokens.fields(ofRecord: r).map {
                    FieldValue.string(buf, start: tokens.fieldStart[$0], end: tokens.fieldEnd[$0], flags: tokens.fieldFlags[$0])
                })
            }
        }
        let labelTable = try CSVTable.read(dir.file("labels.csv"))
        var index: [String: Int] = [:]
        for (i, r) in decoded.dropFirst().enumerated() where r.count >= 2 {
            let key = r[0] + "/" + r[1]
            if index[key] == nil { index[key] = i }
        }
        return GeneratedData(
            dir: dir, summary: summary, header: decoded[0], rows: Array(decoded.dropFirst()),
            lines: Array(tokens.recordLine.dropFirst()),
            labels: labelTable.rows.map { ($0[0], $0[1], $0[2]) }, rowIndex: index)
    }

    func column(_ name: String) -> Int { header.firstIndex(of: name)! }

    /// Planted rows of `pattern`, as field arrays.
    func planted(_ pattern: Pattern) -> [[String]] {
        labels.filter { $0.pattern == pattern.rawValue }.map { rows[rowIndex[$0.id + "/" + $0.item]!] }
    }

    /// Declared value in USD, with the built-in FX table.
    func usd(_ row: [String]) -> Double {
        let value = Double(row[column("declared_value")])!
        let date = CivilDate(iso: row[column("export_date")])!.components
        return value / FXTable.standard.unitsPerUSD(row[column("currency")], year: date.year, month: date.month)!
    }

    func file(_ name: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.file(name))))
    }
}

/// Reference facts the tests check planted rows against, written independently
/// of the generator from ../shared/DOMAIN.md.
enum DomainFacts {
    /// Controlled 8-digit lines and their licence thresholds in the generated world.
    static let thresholds: [String: Double] = {
        var t: [String: Double] = [:]
        for c in ["81129290", "81129990", "28500019", "28259090", "28539040", "28429090"] { t[c] = 50 }  // gallium
        for c in ["81129210", "81129910", "28256000"] { t[c] = 50 }                                      // germanium
        for c in ["38011000", "38019090", "25041010"] { t[c] = 2000 }                                    // graphite
        for c in ["26171010", "26171090", "28309020", "81101010", "81101020", "81102000", "81109000", "28258000"] { t[c] = 1000 }
        t["71051000"] = 10                                                                                // superhard
        for c in ["28053012", "28053013", "28053017", "28053018", "28053019", "28469019"] { t[c] = 100 }  // rare earths
        return t
    }()

    /// Lines of the groups exported to the US in principle no longer after 2024-12-03.
    static func usBanned(_ code: String) -> Bool {
        code.hasPrefix("8112") || ["28500019", "28259090", "28539040", "28429090", "28256000", "71051000"].contains(code)
            || code.hasPrefix("2617") || code.hasPrefix("8110") || code == "28309020" || code == "28258000"
    }

    static let corridorCountries: Set<String> = ["TH", "MY", "VN", "MX", "AE"]

    /// Words that give controlled goods away in a description.
    static let hints = ["gallium", "ga ", "(ga)", " ga", "ga2o3", "germanium", "ge ", " ge", "geo2", "graphite", "石墨", "carbon",
                        "antimony", "sb", "stibium", "diamond", "金刚石", "superhard", "rare earth", "dy", "tb", "y2o3", "sm2o3",
                        "镓", "锗", "锑", "镝", "铽", "yttrium", "terbium", "5n", "4n", "6n", "99.99", "high purity", "ingot", "metal"]

    static let legalForms: Set<String> = ["llc", "ltd", "limited", "co", "inc", "corp", "corporation", "gmbh", "ag", "fze", "ooo",
                                          "jsc", "as", "a", "s", "sti", "pte", "llp", "sa", "company", "trading", "pvt", "private",
                                          "fzco", "general", "ao", "oao", "too", "osoo", "cjsc", "pjs", "sdn", "bhd", "kk", "plc"]
}
