import CSVCore
import Foundation
import TestSupport
import Testing

/// Files of one report folder, as text with the temporary path replaced.
private func text(_ path: String, replacing root: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: root, with: "$TMP")
}

@Suite("the report folder and the nightly flow, end to end")
struct ReportCLITests {
    @Test("fit then score on the same data gives the same ranking as scan, byte for byte")
    func fitScoreEqualsScan() throws {
        let (tmp, data) = try BuiltBinary.generated("cli-fit-score", rows: 30000, seed: 12)
        defer { tmp.remove() }
        let common = [data + "/declarations.csv", "--parties", data + "/restricted_parties.csv"]
        let scan = try BuiltBinary.run(["scan"] + common + ["--out", tmp.file("scan")])
        #expect(scan.status == 0, "\(scan.stderr)")
        let fit = try BuiltBinary.run(["fit"] + common + ["--model", tmp.file("model.json")])
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stderr.contains("wrote \(tmp.file("model.json"))"))
        let score = try BuiltBinary.run(["score"] + common + ["--model", tmp.file("model.json"), "--out", tmp.file("score")])
        #expect(score.status == 0, "\(score.stderr)")
        for file in ["ranked.csv", "ranked.jsonl", "parties.csv", "corridors.csv"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: tmp.file("scan/" + file)))
            let b = try Data(contentsOf: URL(fileURLWithPath: tmp.file("score/" + file)))
            #expect(a == b, "\(file): fit + score equals scan")
        }
        let model = try String(contentsOfFile: tmp.file("model.json"), encoding: .utf8)
        #expect(model.contains("\"formatVersion\":7") && model.contains("\"schema\""))
    }

    @Test("score refuses a model of another schema or version, naming the fields; a bad --weight is a usage error")
    func modelErrors() throws {
        let (tmp, data) = try BuiltBinary.generated("cli-model-errors", rows: 5000, seed: 13)
        defer { tmp.remove() }
        #expect(try BuiltBinary.run(["fit", data + "/declarations.csv", "--model", tmp.file("m.json"), "--quiet"]).status == 0)
        // The same feed without its description column.
        let table = try CSVTable.read(data + "/declarations.csv")
        let drop = try #require(table.header.firstIndex(of: "goods_description"))
        var w = CSVWriter()
        w.record(table.header.enumerated().filter { $0.offset != drop }.map(\.element))
        for row in table.rows { w.record(row.enumerated().filter { $0.offset != drop }.map(\.element)) }
        try Data(w.buffer).write(to: URL(fileURLWithPath: tmp.file("nodesc.csv")))
        let mismatch = try BuiltBinary.run(["score", tmp.file("nodesc.csv"), "--model", tmp.file("m.json"), "--out", tmp.file("s")])
        #expect(mismatch.status == 65)
        #expect(mismatch.stderr.contains("m.json: error: the model was fitted on a feed with other fields"), "\(mismatch.stderr)")
        #expect(mismatch.stderr.contains("the feed lacks description"))
        #expect(!FileManager.default.fileExists(atPath: tmp.file("s")), "no report from a refused model")
        // Another format version.
        let json = try String(contentsOfFile: tmp.file("m.json"), encoding: .utf8).replacingOccurrences(of: "\"formatVersion\":7", with: "\"formatVersion\":99")
        try Data(json.utf8).write(to: URL(fileURLWithPath: tmp.file("v99.json")))
        let version = try BuiltBinary.run(["score", data + "/declarations.csv", "--model", tmp.file("v99.json"), "--out", tmp.file("s")])
        #expect(version.status == 65)
        #expect(version.stderr.contains("model format version 99, this tradescan reads version 7"))
        let damagedText = try String(contentsOfFile: tmp.file("m.json"), encoding: .utf8)
            .replacingOccurrences(of: "\"detectors\":[", with: "\"detectors\":[{\"name\":\"unit_value\",\"model\":{}},")
        try Data(damagedText.utf8).write(to: URL(fileURLWithPath: tmp.file("damaged.json")))
        let damaged = try BuiltBinary.run(["score", data + "/declarations.csv", "--model", tmp.file("damaged.json"), "--out", tmp.file("s")])
        #expect(damaged.status == 65 && damaged.stderr.contains("damaged.json: error: the model file is damaged"), "\(damaged.stderr)")
        let unknownDetector = try String(contentsOfFile: tmp.file("m.json"), encoding: .utf8)
            .replacingOccurrences(of: "\"name\":\"licence\"", with: "\"name\":\"nonesuch\"")
        try Data(unknownDetector.utf8).write(to: URL(fileURLWithPath: tmp.file("unknown.json")))
        let unknownModel = try BuiltBinary.run(["score", data + "/declarations.csv", "--model", tmp.file("unknown.json"), "--out", tmp.file("s")])
        #expect(unknownModel.status == 65 && unknownModel.stderr.contains("unknown detector 'nonesuch'"), "\(unknownModel.stderr)")
        #expect(!FileManager.default.fileExists(atPath: tmp.file("s")))
        let notModel = try BuiltBinary.run(["score", data + "/declarations.csv", "--model", data + "/labels.csv", "--out", tmp.file("s")])
        #expect(notModel.status == 65 && notModel.stderr.contains("not a TradeScan model file"), "\(notModel.stderr)")
        let weight = try BuiltBinary.run(["scan", data + "/declarations.csv", "--weight", "unit_value", "--out", tmp.file("s")])
        #expect(weight.status == 64 && weight.stderr.contains("write NAME=WEIGHT"), "\(weight.stderr)")
        #expect(!weight.stderr.contains("Error: error:"), "one prefix: \(weight.stderr)")
        let rates = try BuiltBinary.run(["scan", "x.csv", "--out", "o", "--inspect-rate", "0.5", "--amber-rate", "0.6"])
        #expect(rates.status == 64 && rates.stderr.contains("add up to more than 1"), "\(rates.stderr)")
        let everything = try BuiltBinary.run(["scan", data + "/declarations.csv", "--inspect-rate", "1", "--out", tmp.file("all")])
        #expect(everything.status == 0, "--inspect-rate 1 alone: the default amber share makes room: \(everything.stderr)")
        let unknown = try BuiltBinary.run(["scan", data + "/declarations.csv", "--weight", "nope=2", "--out", tmp.file("s")])
        #expect(unknown.status == 64 && unknown.stderr.contains("'nope', which is not a detector"), "\(unknown.stderr)")
    }

    @Test("lanes follow the inspection budget; exploration picks are seeded; --previous marks flags new or repeated")
    func lanesExploreAndPrevious() throws {
        let (tmp, data) = try BuiltBinary.generated("cli-lanes", rows: 20000, seed: 14)
        defer { tmp.remove() }
        let input = data + "/declarations.csv"
        func lanes(_ dir: String) throws -> (table: CSVTable, lane: Int, explore: Int, previous: Int) {
            let t = try CSVTable.read(dir + "/ranked.csv")
            return (t, t.column("lane")!, t.column("exploration")!, t.column("previous")!)
        }
        #expect(try BuiltBinary.run(["scan", input, "--out", tmp.file("a"), "--inspect-rate", "0.02", "--explore", "0.25", "--seed", "3"]).status == 0)
        let a = try lanes(tmp.file("a"))
        let red = a.table.rows.filter { $0[a.lane] == "red" }
        #expect(red.count == 400, "2% of 20,000 rows red")
        #expect(red.filter { $0[a.explore] == "1" }.count == 100, "a quarter of the red lane explores")
        #expect(a.table.rows.prefix(300).allSatisfy { $0[a.lane] == "red" && $0[a.explore] == "0" }, "the top 300 are targeted")
        #expect(a.table.rows.filter { $0[a.lane] == "amber" }.count == 800)
        #expect(a.table.rows.allSatisfy { $0[a.previous].isEmpty }, "no --previous, no status")
        // The second run writes through the page cache (the first around it, where the file system allows),
        // tokenizes with the portable index kernel (the first with the fastest this CPU runs), and parses
        // numbers byte by byte (the first as vectors where the CPU can).
        #expect(try BuiltBinary.run(["scan", input, "--out", tmp.file("b"), "--inspect-rate", "0.02", "--explore", "0.25", "--seed", "3", "--no-direct-io",
                                     "--index-kernel", "portable"], environment: ["TRADESCAN_SCALAR_DECIMALS": "1"]).status == 0)
        for file in ["ranked.csv", "ranked.jsonl"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: tmp.file("a/" + file))) == Data(contentsOf: URL(fileURLWithPath: tmp.file("b/" + file))),
                    "\(file): same seed, same picks, the same bytes with or without direct I/O, with either index kernel and either decimal path")
        }
        #expect(try BuiltBinary.run(["validate", input, "--index-kernel", "fastest"]).status != 0, "an unknown kernel is refused")
        #expect(try BuiltBinary.run(["scan", input, "--out", tmp.file("c"), "--inspect-rate", "0.02", "--explore", "0.25", "--seed", "4"]).status == 0)
        let c = try lanes(tmp.file("c"))
        let picksA = Set(a.table.rows.filter { $0[a.explore] == "1" }.map { $0[1] })
        let picksC = Set(c.table.rows.filter { $0[c.explore] == "1" }.map { $0[1] })
        #expect(picksA != picksC, "another seed, other picks")
        // Against itself every flag repeats; against a stricter report some are new.
        #expect(try BuiltBinary.run(["scan", input, "--out", tmp.file("d"), "--previous", tmp.file("a"), "--inspect-rate", "0.02", "--explore", "0.25", "--seed", "3"]).status == 0)
        let d = try lanes(tmp.file("d"))
        #expect(d.table.rows.allSatisfy { $0[d.lane] == "green" ? $0[d.previous].isEmpty : $0[d.previous] == "repeated" })
        #expect(try BuiltBinary.run(["scan", input, "--out", tmp.file("e"), "--inspect-rate", "0.001", "--amber-rate", "0"]).status == 0)
        #expect(try BuiltBinary.run(["scan", input, "--out", tmp.file("f"), "--previous", tmp.file("e")]).status == 0)
        let f = try lanes(tmp.file("f"))
        let statuses = f.table.rows.map { $0[f.previous] }
        #expect(statuses.filter { $0 == "repeated" }.count == 20, "the 20 earlier flags repeat")
        #expect(statuses.filter { $0 == "new" }.count == 200 + 800 - 20)
        let missing = try BuiltBinary.run(["scan", input, "--out", tmp.file("g"), "--previous", tmp.file("nope")])
        #expect(missing.status == 65 && missing.stderr.contains("cannot read the previous report"), "\(missing.stderr)")
        try FileManager.default.createDirectory(atPath: tmp.file("old"), withIntermediateDirectories: true)
        try Data("rank,declaration_id,item_no,risk_score\n1,A,1,2\n".utf8).write(to: URL(fileURLWithPath: tmp.file("old/ranked.csv")))
        let noLanes = try BuiltBinary.run(["scan", input, "--out", tmp.file("g"), "--previous", tmp.file("old")])
        #expect(noLanes.status == 65 && noLanes.stderr.contains("old/ranked.csv:1: error: no lane column"), "\(noLanes.stderr)")
    }

    @Test("golden outputs: the top of ranked.csv, parties.csv, corridors.csv and summary.md of a fixed run")
    func golden() throws {
        let (tmp, data) = try BuiltBinary.generated("cli-golden", rows: 6000, seed: 21)
        defer { tmp.remove() }
        let r = try BuiltBinary.run(["scan", data + "/declarations.csv", "--parties", data + "/restricted_parties.csv",
                                     "--out", tmp.file("s"), "--explore", "0.1", "--seed", "9"])
        #expect(r.status == 0, "\(r.stderr)")
        func head(_ file: String, lines: Int) throws -> String {
            try text(tmp.file("s/" + file), replacing: tmp.path).split(separator: "\n", omittingEmptySubsequences: false).prefix(lines).joined(separator: "\n") + "\n"
        }
        var summary = try text(tmp.file("s/summary.md"), replacing: tmp.path)
        // Timings vary from run to run: drop them.
        if let a = summary.range(of: "## Time per stage"), let b = summary.range(of: "## Top 20") {
            summary.removeSubrange(a.lowerBound..<b.lowerBound)
        }
        summary = summary.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("Read in") }.joined(separator: "\n")
        let outputs = [
            ("ranked-head.csv", try head("ranked.csv", lines: 41)),
            ("parties-head.csv", try head("parties.csv", lines: 21)),
            ("corridors.csv", try text(tmp.file("s/corridors.csv"), replacing: tmp.path)),
            ("summary.md", summary),
        ]
        let dir = Fixtures.url("golden/scan-6000-seed21")
        if ProcessInfo.processInfo.environment["TRADESCAN_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for (name, body) in outputs { try Data(body.utf8).write(to: dir.appendingPathComponent(name)) }
        }
        for (name, body) in outputs {
            let expected = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            #expect(body == expected, "\(name) differs from Fixtures/golden (rerun with TRADESCAN_UPDATE_GOLDEN=1 after an intended change, and review the diff)")
        }
    }
}
