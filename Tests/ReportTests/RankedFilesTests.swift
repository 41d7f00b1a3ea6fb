import CSVCore
import Declarations
import Detectors
import Foundation
@testable import Report
import Scoring
import Synchronization
import TestSupport
import Testing

/// A small scored table with the text a renderer gets wrong: quotes, commas,
/// formula starts, HTML characters, non-ASCII, a missing name (the id stands
/// in), a missing weight and the largest value ingest takes (just under 10^15 USD).
private func scoredData(_ dir: TemporaryDirectory) throws -> ReportData {
    let csv = """
        declaration_id,item_no,export_date,exporter_id,exporter_name,consignee_id,consignee_name,consignee_country,destination_country,hs_code,declared_value,currency,net_weight_kg
        D1,1,2024-01-05,E1,"Exp ""A"", Ltd",C1,Con <X> & Co,US,US,28049000,10.5,USD,2.5
        D2,1,2024-02-05,E2,=cmd|' /C calc'!A0,C2,,DE,DE,28049000,999999999999999,USD,
        -D3,2,2024-03-05,E3,Exp Ω 中文,C3,"Con
        Newline",RU,KZ,81129289,0.004,USD,1000000
        D4,1,2024-04-05,E4,+Exp,C4,@Con,CN,CN,08119000,7,USD,3.25
        D5,1,2024-04-06,E5,Exp\tTab,C5,Con Y,HK,HK,28049000,12345678.901,USD,0.0004

        """
    return try reportData(csv, in: dir, columns: [[5, 1, 0, 2, 0.25], [0, 3.5, 1e-5, 0, 7]], names: ["d", "e"],
                          weights: [1, 2], backgrounds: [0, 0.5], explainers: [
                              { r in [Reason(detector: "d", text: "row \(r) \"quoted\", <b>", strength: 2, evidence: ["z": "1", "a": "x\ny"])] },
                              { _ in [] },
                          ], inspectRate: 0.2, amberRate: 0.4)
}

@Suite("ranked.csv and ranked.jsonl")
struct RankedFilesTests {
    @Test("the files do not depend on the block size or the thread count")
    func blocksAndThreads() throws {
        let dir = try TemporaryDirectory("ranked-blocks")
        defer { dir.remove() }
        let data = try scoredData(dir)
        var outputs: Set<[UInt8]> = []
        for blockRows in [1, 2, 3, 4096] {
            for threads in [1, 2, 4] {
                let name = "\(blockRows)-\(threads)"
                try RankedFiles.write(data, csv: dir.file(name + ".csv"), jsonl: dir.file(name + ".jsonl"), explain: .all,
                                      threads: threads, blockRows: blockRows)
                let csv = try Array(Data(contentsOf: URL(fileURLWithPath: dir.file(name + ".csv"))))
                let json = try Array(Data(contentsOf: URL(fileURLWithPath: dir.file(name + ".jsonl"))))
                outputs.insert(csv + [0] + json)
            }
        }
        #expect(outputs.count == 1)
    }

    /// The key fields as the report's String accessors spell them: the oracle
    /// of the encoded-once cells the renderer copies.
    private func keyFields(_ data: ReportData, _ row: Int) -> [String] {
        [data.date(row), data.trader(row), data.counterparty(row), data.country(.counterparty, row),
         data.country(.origin, row), data.country(.destination, row), data.country(.trading, row),
         data.country(.finalDestination, row), data.text(.hsCode, row),
         Format.decimal(data.table.valueUSD[row], places: 2), data.number(.netWeightKg, row).map { Format.decimal($0, places: 3) } ?? ""]
    }

    @Test("every row's cells read back as the table's values (neutralised in CSV, escaped in JSON)")
    func cellsReadBack() throws {
        let dir = try TemporaryDirectory("ranked-cells")
        defer { dir.remove() }
        let data = try scoredData(dir)
        #expect(data.table.count == 5, "every row of the fixture is accepted")
        try RankedFiles.write(data, csv: dir.file("r.csv"), jsonl: dir.file("r.jsonl"), explain: .all, threads: 2, blockRows: 2)
        let table = try CSVTable.read(dir.file("r.csv"))
        #expect(table.rows.count == data.table.count)
        let lines = try String(contentsOfFile: dir.file("r.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == data.table.count)
        let col = { (name: String) in table.header.firstIndex(of: name)! }
        for (k, row) in data.ranking.enumerated() {
            let cells = table.rows[k]
            let expected = keyFields(data, row)
            for (f, name) in RankedFiles.keyFields.enumerated() {
                #expect(cells[col(name)] == CSVWriter.neutralised(expected[f]), "rank \(k + 1) \(name)")
            }
            #expect(cells[col("declaration_id")] == CSVWriter.neutralised(data.table.declarationID.string(row)))
            #expect(cells[col("risk_score")] == Format.decimal(data.risk[row]))
            #expect(cells[col("file")] == CSVWriter.neutralised(data.table.files[0]))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[k].utf8)) as? [String: Any])
            #expect(object["rank"] as? Int == k + 1)
            #expect(object["declaration_id"] as? String == data.table.declarationID.string(row))
            #expect(object["file"] as? String == data.table.files[0])
            #expect(object["line"] as? Int == Int(data.table.line[row]))
            let fields = try #require(object["fields"] as? [String: String])
            for (f, name) in RankedFiles.keyFields.enumerated() {
                #expect(fields[name] == (expected[f].isEmpty ? nil : expected[f]), "rank \(k + 1) \(name)")
            }
            let scores = try #require(object["scores"] as? [String: Double])
            for (d, name) in data.scores.names.enumerated() {
                let v = data.scores.columns[d][row]
                #expect(scores[name] == (v == 0 ? nil : Double(Format.decimal(v))))
            }
            let reasons = try #require(object["reasons"] as? [[String: Any]])
            #expect(reasons.map { $0["text"] as? String } == data.reasons(row).map(\.text))
        }
        let raw = try String(contentsOfFile: dir.file("r.jsonl"), encoding: .utf8)
        #expect(!raw.contains("<") && !raw.contains(">") && !raw.contains("&"), "HTML characters are escaped in ranked.jsonl")
    }
}

@Suite("Blocks rendered in parallel, written in order")
struct OrderedBlocksTests {
    final class Box: @unchecked Sendable { var value = -1 }

    @Test("every block is written once, in order, whatever the render times", arguments: [1, 2, 3, 8] as [Int])
    func order(threads: Int) throws {
        let written = Mutex<[Int]>([])
        let made = Mutex(0)
        var rng = SeededRandom(seed: UInt64(threads))
        let delays = (0..<200).map { _ in UInt32.random(in: 0..<300, using: &rng) }
        try OrderedBlocks.run(count: 200, threads: threads, make: { () -> Box in made.withLock { $0 += 1 }; return Box() }) { (b: Int, box: Box) in
            usleep(delays[b])
            box.value = b
        } write: { (box: Box) in
            written.withLock { $0.append(box.value) }
        }
        #expect(written.withLock { $0 } == Array(0..<200))
        #expect(made.withLock { $0 } <= 3 * max(1, threads) + 1, "buffers are reused")
    }

    struct Full: Error {}

    @Test("a failed write stops the run and is rethrown; no block after it is written")
    func failure() {
        let written = Mutex<[Int]>([])
        #expect(throws: Full.self) {
            try OrderedBlocks.run(count: 500, threads: 2, make: { Box() }) { (b: Int, box: Box) in box.value = b } write: { (box: Box) in
                if box.value == 7 { throw Full() }
                written.withLock { $0.append(box.value) }
            }
        }
        #expect(written.withLock { $0 } == Array(0..<7))
    }
}
