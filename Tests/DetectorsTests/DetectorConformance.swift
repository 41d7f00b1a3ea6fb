import CSVCore
import Declarations
import Detectors
import Foundation
import Synthetic
import TestSupport
import Testing

/// Generated data ingested for detector tests (cached per seed and size).
enum DetectorData {
    struct Set {
        let dir: TemporaryDirectory
        let table: DeclarationTable
        let labels: [String: String]          // "id/item" → pattern
        let path: String
    }

    static func make(rows: Int, seed: UInt64, freeText: Bool = false) throws -> Set {
        let dir = try TemporaryDirectory("detector-data")
        _ = try Generator.run(GeneratorOptions(rows: rows, seed: seed, freeText: freeText), into: dir.path)
        let path = dir.file("declarations.csv")
        let table = try Ingest.read([path], options: IngestOptions()).table
        let l = try CSVTable.read(dir.file("labels.csv"))
        var labels: [String: String] = [:]
        for r in l.rows { labels[r[0] + "/" + r[1]] = r[2] }
        return Set(dir: dir, table: table, labels: labels, path: path)
    }

    /// A copy of a declarations file with its data rows in a seeded random order.
    static func shuffled(_ path: String, seed: UInt64, into dir: TemporaryDirectory) throws -> String {
        // Whole records (quoted line breaks included), by the tokenizer's record offsets.
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let t = ScalarTokenizer.tokenize(bytes)
        var records: [ArraySlice<UInt8>] = (0..<t.recordCount).map { r in
            bytes[t.recordOffset[r]..<(r + 1 < t.recordCount ? t.recordOffset[r + 1] : bytes.count)]
        }
        let header = records.removeFirst()
        var rng = SeededRandom(seed: seed)
        records.shuffle(using: &rng)
        var out = Array(header)
        for r in records {
            out.append(contentsOf: r)
            if out.last != 0x0A { out.append(0x0A) }
        }
        let file = dir.file("shuffled-\(seed).csv")
        try Data(out).write(to: URL(fileURLWithPath: file))
        return file
    }

    static func key(_ t: DeclarationTable, _ r: Int) -> String { t.declarationID.string(r) + "/" + String(t.itemNo[r]) }

    /// Recall of `pattern` within the top `fraction` of rows by `scores` (ties by key).
    static func recall(_ scores: [Double], _ set: Set, pattern: String, fraction: Double) -> Double {
        let t = set.table
        let order = (0..<t.count).sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : key(t, $0) < key(t, $1) }
        let top = order.prefix(Int((fraction * Double(t.count)).rounded(.up)))
        let total = set.labels.values.filter { $0 == pattern }.count
        let hits = top.filter { set.labels[key(t, $0)] == pattern }.count
        return total == 0 ? 0 : Double(hits) / Double(total)
    }
}

/// The contract every detector meets (scikit-learn's estimator checks, in spirit).
enum Conformance {
    static func check<D: Detector>(_ detector: D, data: DetectorData.Set) throws where D.Fitted: FittedDetector {
        let table = data.table
        let fitted = try detector.fit(table)
        let scores = fitted.anomalyScores(table)
        #expect(scores.count == table.count, "one score per row")
        #expect(scores.allSatisfy { $0.isFinite }, "finite scores")
        // Deterministic.
        #expect(try detector.fit(table).anomalyScores(table) == scores, "same data, same scores")
        // Codable: what fit saves, score loads.
        let decoded = try JSONDecoder().decode(D.Fitted.self, from: JSONEncoder().encode(fitted))
        #expect(decoded.anomalyScores(table) == scores, "a decoded model scores the same")
        // Invariant to row order (up to floating-point summation order).
        let tmp = try TemporaryDirectory("conformance")
        defer { tmp.remove() }
        let shuffledTable = try Ingest.read([try DetectorData.shuffled(data.path, seed: 3, into: tmp)], options: IngestOptions()).table
        let shuffledScores = try detector.fit(shuffledTable).anomalyScores(shuffledTable)
        var byKey: [String: Double] = [:]
        for r in 0..<table.count { byKey[DetectorData.key(table, r)] = scores[r] }
        var worst = 0.0
        for r in 0..<shuffledTable.count {
            let a = byKey[DetectorData.key(shuffledTable, r)]!, b = shuffledScores[r]
            worst = max(worst, abs(a - b) / max(1, abs(a)))
        }
        #expect(worst < 1e-6, "row order changed a score by \(worst) (relative)")
        // Rows not seen in the fit are scored like rows that were: score a table
        // holding the fitted rows plus others; the fitted rows keep their scores.
        let both = try Ingest.read([data.path, try DetectorData.shuffled(data.path, seed: 4, into: tmp)],
                                   options: IngestOptions(onError: .skip)).table
        let bothScores = fitted.anomalyScores(both)
        for r in stride(from: 0, to: table.count, by: 101) {
            #expect(bothScores[r] == scores[r], "row \(r) scored differently next to other rows")
        }
    }
}
