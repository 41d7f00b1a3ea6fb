import CSVCore
import Foundation
import TestSupport
import Testing

@Suite("tradescan scan, end to end")
struct ScanCLITests {
    @Test("scan writes a ranked list of every accepted row that evaluate can read; a run over the reject rate writes no ranking")
    func scan() throws {
        let (tmp, data) = try BuiltBinary.generated("cli-scan", rows: 30000, seed: 5, dirty: true)
        defer { tmp.remove() }
        let out = tmp.file("scan")
        let r = try BuiltBinary.run(["scan", data + "/declarations.csv", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty, "stdout is for data")
        #expect(r.stderr.contains("ingest done (") && r.stderr.contains("fit unit_value done (") && r.stderr.contains("rank done ("),
                "not a terminal: one log line per stage")
        #expect(!r.stderr.contains("\u{1B}["), "no terminal control codes when stderr is not a terminal")
        let ranked = try CSVTable.read(out + "/ranked.csv")
        #expect(ranked.header == ["rank", "declaration_id", "item_no", "risk_score", "lane", "exploration", "previous", "reasons",
                                  "unit_value", "goods_code", "licence", "routing", "diversion", "new_party", "split_shipments",
                                  "declaration_date", "trader", "counterparty", "counterparty_country", "origin_country",
                                  "destination_country", "trading_country", "final_destination_country", "hs_code",
                                  "value_usd", "net_weight_kg", "file", "line"])
        let rejects = try CSVTable.read(out + "/rejects.csv")
        #expect(ranked.rows.count + rejects.rows.count == 30_001, "every row ranked or rejected")
        #expect(ranked.rows.map { Int($0[0])! } == Array(1...ranked.rows.count))
        let risks = ranked.rows.map { Double($0[3])! }
        #expect(zip(risks, risks.dropFirst()).allSatisfy { $0 >= $1 }, "ranked by risk")
        let reasons = try #require(ranked.header.firstIndex(of: "reasons"))
        #expect(!ranked.rows[0][reasons].isEmpty, "the top row has reasons")
        let corridors = try CSVTable.read(out + "/corridors.csv")
        #expect(corridors.header == ["item_group", "destination", "month", "observed_kg", "baseline_kg", "observed_usd", "baseline_usd",
                                     "surge_score", "new_consignee_share", "diversion_score", "after_control", "restricted_destination"])
        #expect(corridors.rows.contains { $0[0] == "gallium" && $0[1] == "US" && $0[11] == "1" }, "the US is a restricted destination for gallium")
        let summary = try String(contentsOfFile: out + "/summary.md", encoding: .utf8)
        #expect(summary.contains("| `unit_value` | run |") && summary.contains("| `goods_code` | run |") && summary.contains("| `licence` | run |"))
        #expect(summary.contains("## Top 20"))
        #expect(summary.contains("(declaration ids as 18-digit numbers)"), "the generator's ids are kept as numbers")
        // Same input, same options: byte-identical ranking.
        let again = try BuiltBinary.run(["scan", data + "/declarations.csv", "--out", tmp.file("scan2"), "--threads", "1"])
        #expect(again.status == 0)
        for file in ["ranked.csv", "ranked.jsonl", "parties.csv", "corridors.csv", "report.html"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/" + file)) == Data(contentsOf: URL(fileURLWithPath: tmp.file("scan2") + "/" + file)), "\(file) byte-identical")
        }
        let byDetector = try BuiltBinary.run(["evaluate", "--ranked", out + "/ranked.csv", "--labels", data + "/labels.csv", "--by", "split_shipments"])
        #expect(byDetector.status == 0 && byDetector.stdout.contains("split_shipments"), "\(byDetector.stderr)")
        let noColumn = try BuiltBinary.run(["evaluate", "--ranked", out + "/ranked.csv", "--labels", data + "/labels.csv", "--by", "nope"])
        #expect(noColumn.status == 65 && noColumn.stderr.contains("no nope column"), "\(noColumn.stderr)")
        let eval = try BuiltBinary.run(["evaluate", "--ranked", out + "/ranked.csv", "--labels", data + "/labels.csv"])
        #expect(eval.status == 0)
        #expect(eval.stdout.contains("undervaluation"))
        // Over the reject rate: rejects and summary, no ranking, exit 65.
        let strict = try BuiltBinary.run(["scan", data + "/declarations.csv", "--out", tmp.file("strict"), "--max-reject-rate", "0.0001"])
        #expect(strict.status == 65)
        #expect(FileManager.default.fileExists(atPath: tmp.file("strict") + "/rejects.csv"))
        #expect(!FileManager.default.fileExists(atPath: tmp.file("strict") + "/ranked.csv"))
    }

    @Test("--explain: ranked.csv lists every row either way; reasons and ranked.jsonl cover the explained rows only")
    func explainScope() throws {
        let (tmp, data) = try BuiltBinary.generated("cli-explain", rows: 8000, seed: 6)
        defer { tmp.remove() }
        func scan(_ explain: String?) throws -> (csv: CSVTable, jsonl: [[String: Any]], summary: String) {
            let out = tmp.file("s-\(explain ?? "default")")
            let r = try BuiltBinary.run(["scan", data + "/declarations.csv", "--out", out, "--quiet", "--amber-rate", "0.005"] + (explain.map { ["--explain", $0] } ?? []))
            #expect(r.status == 0, "\(r.stderr)")
            let lines = try String(contentsOfFile: out + "/ranked.jsonl", encoding: .utf8).split(separator: "\n")
            let objects = try lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
            return (try CSVTable.read(out + "/ranked.csv"), objects, try String(contentsOfFile: out + "/summary.md", encoding: .utf8))
        }
        let flagged = try scan(nil), all = try scan("all"), top = try scan("10")
        let lane = try #require(flagged.csv.header.firstIndex(of: "lane")), reasons = try #require(flagged.csv.header.firstIndex(of: "reasons"))
        let rows = flagged.csv.rows.count
        #expect(rows == 8000 && all.csv.rows.count == rows && top.csv.rows.count == rows, "every row listed")
        let flaggedCount = flagged.csv.rows.filter { $0[lane] != "green" }.count
        #expect(flaggedCount == 120, "red 1% and amber 0.5% of 8,000")
        // The default explains the red and amber lanes, in rank order.
        #expect(flagged.jsonl.count == flaggedCount)
        #expect(flagged.jsonl.map { $0["rank"] as? Int } == (1...flaggedCount).map { $0 })
        #expect(flagged.csv.rows.filter { $0[lane] == "green" }.allSatisfy { $0[reasons].isEmpty }, "green rows unexplained")
        #expect(flagged.summary.contains("| explained | flagged: 120 rows"))
        // all: every row in ranked.jsonl; ranked.csv differs only in green rows' reasons.
        #expect(all.jsonl.count == rows)
        #expect(all.csv.rows.contains { $0[lane] == "green" && !$0[reasons].isEmpty }, "green rows with risk above 0 have reasons")
        for (a, b) in zip(all.csv.rows, flagged.csv.rows) {
            var a = a, b = b
            if a[lane] == "green" { a[reasons] = ""; b[reasons] = "" }
            #expect(a == b)
        }
        // A count explains the top N and the flagged rows beyond them.
        #expect(top.jsonl.count == flaggedCount && top.summary.contains("| explained | 10: 120 rows"))
        let bad = try BuiltBinary.run(["scan", data + "/declarations.csv", "--out", tmp.file("bad"), "--explain", "some"])
        #expect(bad.status == 64 && bad.stderr.contains("--explain takes flagged, all or a row count, got 'some'"), "\(bad.stderr)")
    }
}

@Suite("tradescan scan on a feed without every field")
struct ScanSkipCLITests {
    @Test("KCS imports: detectors whose fields are missing are skipped and the summary says why")
    func kcs() throws {
        let tmp = try TemporaryDirectory("cli-scan-kcs")
        defer { tmp.remove() }
        let kcs = try Fixtures.kcs("df_syn_valid_eng.csv")
        let r = try BuiltBinary.run(["scan", kcs, "--mapping", Fixtures.url("mappings/kcs-imports.json").path, "--out", tmp.file("s")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("detector goods_code skipped: missing description"))
        #expect(r.stderr.contains("detector licence skipped: missing licence_number"))
        let summary = try String(contentsOfFile: tmp.file("s") + "/summary.md", encoding: .utf8)
        #expect(summary.contains("| `unit_value` | run |"))
        #expect(summary.contains("| `goods_code` | skipped: missing description |"))
        let ranked = try CSVTable.read(tmp.file("s") + "/ranked.csv")
        #expect(ranked.rows.count == 8_134)
        #expect(ranked.header.contains("unit_value") && !ranked.header.contains("goods_code"))
    }
}

@Suite("interrupted runs")
struct InterruptedScanTests {
    @Test("a scan killed mid-way leaves the previous report folder intact and no partial one")
    func sigkill() throws {
        let (tmp, data) = try BuiltBinary.generated("cli-kill", rows: 150000, seed: 3)
        defer { tmp.remove() }
        let out = tmp.file("report")
        #expect(try BuiltBinary.run(["scan", data + "/declarations.csv", "--out", out]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: out + "/ranked.csv"))
        // Again, killed part-way (after the temporary folder exists, before it is renamed).
        let p = Process()
        p.executableURL = BuiltBinary.tradescan
        p.arguments = ["scan", data + "/declarations.csv", "--out", out, "--threads", "1"]
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let hidden = (try? FileManager.default.contentsOfDirectory(atPath: tmp.path))?.contains { $0.hasPrefix(".report.tmp-") } ?? false
            if hidden { break }
            usleep(20_000)
        }
        usleep(200_000)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal, "the scan was killed before it finished")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/ranked.csv")) == before, "the previous report is intact")
        let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(names == ["corridors.csv", "parties.csv", "ranked.csv", "ranked.jsonl", "rejects.csv", "report.html", "summary.md"],
                "no partial files in the report folder")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.hasPrefix(".report.") }
        #expect(leftovers.count <= 1, "at most the killed run's hidden temporary folder")
    }
}

@Suite("tradescan scan with a party list")
struct ScanPartiesCLITests {
    @Test("--parties adds restricted_party screening; a bad list exits 65 with its line")
    func parties() throws {
        let (tmp, data) = try BuiltBinary.generated("cli-parties", rows: 20000, seed: 6)
        defer { tmp.remove() }
        let r = try BuiltBinary.run(["scan", data + "/declarations.csv", "--parties", data + "/restricted_parties.csv", "--out", tmp.file("s")])
        #expect(r.status == 0, "\(r.stderr)")
        let ranked = try CSVTable.read(tmp.file("s") + "/ranked.csv")
        #expect(ranked.header.contains("restricted_party"))
        let reasons = try #require(ranked.header.firstIndex(of: "reasons"))
        #expect(ranked.rows.contains { $0[reasons].contains("matches listed party") })
        let without = try BuiltBinary.run(["scan", data + "/declarations.csv", "--out", tmp.file("t")])
        #expect(without.stderr.contains("detector restricted_party skipped: no --parties list given"))
        try Data("name,country,list,alias_of\nA Co,Atlantis,SDN,\n".utf8).write(to: URL(fileURLWithPath: tmp.file("bad.csv")))
        let bad = try BuiltBinary.run(["scan", data + "/declarations.csv", "--parties", tmp.file("bad.csv"), "--out", tmp.file("u")])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("bad.csv:2: error: country 'Atlantis' is not a country"))
    }
}

@Suite("output folders replaced only when TradeScan wrote them")
struct OutputFolderGuardTests {
    @Test("--out over other files, over the input or over the current folder stops before the work and deletes nothing; an earlier run's outputs are replaced")
    func guarded() throws {
        let (tmp, data) = try BuiltBinary.generated("cli-out-guard", rows: 3000, seed: 4)
        defer { tmp.remove() }
        let input = data + "/declarations.csv"
        let inputBytes = try Data(contentsOf: URL(fileURLWithPath: input))

        // A folder of other work.
        let work = tmp.file("work")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: false)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: work + "/notes.txt"))
        try Data("mine too".utf8).write(to: URL(fileURLWithPath: work + "/ranked.csv"))
        for args in [["scan", input, "--out", work], ["validate", input, "--out", work], ["generate", "--rows", "10", "--out", work]] {
            let r = try BuiltBinary.run(args)
            #expect(r.status == 64, "\(args[0]): \(r.stderr)")
            #expect(r.stderr.contains("holds files TradeScan did not write (notes.txt"), "\(args[0]): \(r.stderr)")
            #expect(!r.stderr.contains("ingest done"), "\(args[0]) stopped before reading")
        }
        #expect(try String(contentsOfFile: work + "/notes.txt", encoding: .utf8) == "mine")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work).sorted() == ["notes.txt", "ranked.csv"])

        // The input's own folder (generate's files are not a report's).
        let overInput = try BuiltBinary.run(["scan", input, "--out", data])
        #expect(overInput.status == 64 && overInput.stderr.contains("declarations.csv"), "\(overInput.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == inputBytes, "the input is intact")

        // The current folder, and a folder holding it.
        let report = tmp.file("report")
        #expect(try BuiltBinary.run(["scan", input, "--out", report]).status == 0)
        for out in [".", ".."] {
            let r = try BuiltBinary.run(["scan", input, "--out", out], currentDirectory: URL(fileURLWithPath: report))
            #expect(r.status == 64 && r.stderr.contains("is the current folder or holds it"), "--out \(out): \(r.stderr)")
        }
        #expect(FileManager.default.fileExists(atPath: report + "/ranked.csv"))

        // An earlier report (and an earlier validate's outputs, and an empty folder) are replaced.
        let again = try BuiltBinary.run(["scan", input, "--out", report, "--seed", "9"])
        #expect(again.status == 0, "\(again.stderr)")
        let validated = tmp.file("validated")
        #expect(try BuiltBinary.run(["validate", input, "--out", validated]).status == 0)
        #expect(try BuiltBinary.run(["scan", input, "--out", validated]).status == 0)
        #expect(FileManager.default.fileExists(atPath: validated + "/ranked.csv"))
        let empty = tmp.file("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
        #expect(try BuiltBinary.run(["generate", "--rows", "10", "--out", empty]).status == 0)
        #expect(try BuiltBinary.run(["generate", "--rows", "20", "--out", empty]).status == 0, "an earlier generate's files")

        // Ours only as plain files: a folder named like a report file, with work inside, is not.
        let odd = tmp.file("odd")
        try FileManager.default.createDirectory(atPath: odd + "/summary.md", withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: odd + "/summary.md/notes.txt"))
        let oddRun = try BuiltBinary.run(["scan", input, "--out", odd])
        #expect(oddRun.status == 64 && oddRun.stderr.contains("(summary.md)"), "\(oddRun.stderr)")
        #expect(FileManager.default.fileExists(atPath: odd + "/summary.md/notes.txt"))
        // A file manager's litter does not count; a link to the day's folder is followed and stays a link.
        try Data().write(to: URL(fileURLWithPath: report + "/.DS_Store"))
        try FileManager.default.createSymbolicLink(atPath: tmp.file("latest"), withDestinationPath: report)
        let viaLink = try BuiltBinary.run(["scan", input, "--out", tmp.file("latest")])
        #expect(viaLink.status == 0, "\(viaLink.stderr)")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: tmp.file("latest"))) == report, "the link stays a link")
        #expect(FileManager.default.fileExists(atPath: report + "/ranked.csv"))
        // A missing parent folder is a usage error before any work.
        let noParent = try BuiltBinary.run(["scan", input, "--out", tmp.file("nope/report")])
        #expect(noParent.status == 64 && noParent.stderr.contains("does not exist") && !noParent.stderr.contains("ingest done"), "\(noParent.stderr)")
    }
}

@Suite("absurd values")
struct AbsurdValueTests {
    @Test("absurd values are scored and explained, every row, without a trap; numbers of 10^15 or more are rejected at their line")
    func absurdValues() throws {
        let (tmp, data) = try BuiltBinary.generated("cli-absurd", rows: 4000, seed: 6)
        defer { tmp.remove() }
        let table = try CSVTable.read(data + "/declarations.csv")
        func col(_ name: String) -> Int { table.header.firstIndex(of: name)! }
        var rows = table.rows
        // Accepted, though no Int holds their ratios: 9.9e13 (in any currency, under 10^15 USD) over 1e-300 kg is an
        // infinite log(USD/kg).
        let absurd: [(String, String)] = [("declared_value", "99000000000000"), ("net_weight_kg", "1e-300"), ("net_weight_kg", "0"),
                                          ("gross_weight_kg", "9.9e14"), ("quantity", "9.9e14"), ("quantity", "1e-300"),
                                          ("declared_value", "0"), ("quantity", "0")]
        // Each on every 997th row (few enough that the risk calibration still counts them rare).
        for (k, (name, value)) in absurd.enumerated() {
            for r in stride(from: k * 11, to: rows.count, by: 997) { rows[r][col(name)] = value }
        }
        for r in stride(from: 500, to: rows.count, by: 997) { rows[r][col("declared_value")] = "99000000000000"; rows[r][col("net_weight_kg")] = "1e-300" }
        // Rejected: 10^15 or more (sums of such values would overflow the detectors' aggregates).
        var rejected: [Int: String] = [:]
        for (k, r) in stride(from: 700, to: rows.count, by: 997).enumerated() {
            let (name, value) = [("declared_value", "1e308"), ("gross_weight_kg", "1e300"), ("quantity", "1e250"), ("net_weight_kg", "1e15")][k % 4]
            rows[r][col(name)] = value
            rejected[table.lines[r]] = name
        }
        var w = CSVWriter()
        w.record(table.header)
        for r in rows { w.record(r) }
        try Data(w.buffer).write(to: URL(fileURLWithPath: tmp.file("absurd.csv")))
        let out = tmp.file("report")
        let r = try BuiltBinary.run(["scan", tmp.file("absurd.csv"), "--parties", data + "/restricted_parties.csv", "--out", out,
                                     "--explain", "all", "--threads", "2"])
        #expect(r.status == 0, "\(r.stderr.suffix(2000))")
        let rejects = try CSVTable.read(out + "/rejects.csv")
        #expect(Dictionary(uniqueKeysWithValues: rejects.rows.map { (Int($0[1])!, $0[5]) }) == rejected.mapValues {
            ["declared_value": "declared_value", "gross_weight_kg": "gross_weight_kg", "quantity": "quantity", "net_weight_kg": "net_weight_kg"][$0]!
        })
        #expect(rejects.rows.allSatisfy { $0[6] == "unparsable_number" && $0[7].contains("is out of range (10^15 or more") })
        let ranked = try CSVTable.read(out + "/ranked.csv")
        #expect(ranked.rows.count == rows.count - rejected.count, "every accepted row ranked")
        let explained = try String(contentsOfFile: out + "/ranked.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(explained.count == ranked.rows.count, "every row explained")
        #expect(ranked.rows.contains { $0[ranked.header.firstIndex(of: "reasons")!].contains("e+") }, "a reason spells a huge ratio in scientific notation")
        let risk = ranked.header.firstIndex(of: "risk_score")!
        #expect(ranked.rows.allSatisfy { Double($0[risk])?.isFinite == true }, "every risk is a finite number")
    }
}
