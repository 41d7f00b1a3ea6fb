import Foundation
import TestSupport
import Testing

@Suite("tradescan command line")
struct CLITests {
    @Test("--version prints the version")
    func version() throws {
        let r = try BuiltBinary.run(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout == "0.1.0\n")
    }

    @Test("--help lists exactly the working subcommands")
    func help() throws {
        let r = try BuiltBinary.run(["--help"])
        #expect(r.status == 0)
        let section = try #require(r.stdout.components(separatedBy: "SUBCOMMANDS:").last)
        let listed = section.split(separator: "\n")
            .filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
            .filter { $0 != "See" }
        #expect(listed == ["generate", "validate", "scan", "fit", "score", "evaluate", "controls", "self-check"])
    }

    @Test("self-check passes and prints the OpenBLAS configuration")
    func selfCheck() throws {
        let r = try BuiltBinary.run(["self-check", "--threads", "1"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("self-check passed: 7 of 7 checks"))
        #expect(!r.stdout.contains("FAIL"))
        #expect(r.stdout.contains("OpenBLAS 0."))
        #expect(r.stdout.contains("threads      1 per call"))
    }

    @Test("a bad option value is a usage error (exit 64) with a message on stderr")
    func usageError() throws {
        let r = try BuiltBinary.run(["self-check", "--threads", "0"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--threads must be at least 1"))
        #expect(r.stdout.isEmpty)
        let unknown = try BuiltBinary.run(["no-such-command"])
        #expect(unknown.status == 64)
    }

    @Test("fit on history with no accepted row refuses to write a model of nothing (exit 65)")
    func fitOnNothing() throws {
        let tmp = try TemporaryDirectory("cli-fit-empty")
        defer { tmp.remove() }
        try Data("declaration_id,declaration_date,hs_code,value,currency\nA,2024-13-01,81129290,1,USD\n".utf8)
            .write(to: URL(fileURLWithPath: tmp.file("h.csv")))
        let r = try BuiltBinary.run(["fit", tmp.file("h.csv"), "--model", tmp.file("m.json"), "--max-reject-rate", "1"])
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("no rows to fit on: 1 records read, none accepted"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: tmp.file("m.json")))
    }

    @Test("fit --model does not replace an input or a file that is not a model; it replaces an earlier model")
    func fitModelTarget() throws {
        let (tmp, data) = try BuiltBinary.generated("cli-fit-target", rows: 2000, seed: 3)
        defer { tmp.remove() }
        let history = data + "/declarations.csv"
        let before = try Data(contentsOf: URL(fileURLWithPath: history))
        let overInput = try BuiltBinary.run(["fit", history, "--model", history])
        #expect(overInput.status == 64 && overInput.stderr.contains("it is one of the inputs"), "\(overInput.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: history)) == before)
        let overLabels = try BuiltBinary.run(["fit", history, "--model", data + "/labels.csv"])
        #expect(overLabels.status == 64 && overLabels.stderr.contains("not a TradeScan model file"), "\(overLabels.stderr)")
        try Data("{\"settings\": true}".utf8).write(to: URL(fileURLWithPath: tmp.file("settings.json")))
        #expect(try BuiltBinary.run(["fit", history, "--model", tmp.file("settings.json")]).status == 64)
        #expect(try BuiltBinary.run(["fit", history, "--model", tmp.file("m.json")]).status == 0)
        #expect(try BuiltBinary.run(["fit", history, "--model", tmp.file("m.json")]).status == 0, "an earlier model is replaced")
    }
}

@Suite("tradescan controls")
struct ControlsCLITests {
    @Test("prints the built-in table, which checks clean; a bad file exits 65 with its line")
    func controls() throws {
        let r = try BuiltBinary.run(["controls"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("item_group,code_prefixes,keywords,valid_from"))
        let tmp = try TemporaryDirectory("cli-controls")
        defer { tmp.remove() }
        try Data(r.stdout.utf8).write(to: URL(fileURLWithPath: tmp.file("c.csv")))
        let ok = try BuiltBinary.run(["controls", "--check", tmp.file("c.csv")])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("14 rules"))
        try Data((r.stdout + "x,,,2024-01-01,,all,licence,,\n").utf8).write(to: URL(fileURLWithPath: tmp.file("bad.csv")))
        let bad = try BuiltBinary.run(["controls", "--check", tmp.file("bad.csv")])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("bad.csv:16: error: a rule needs code_prefixes or keywords"))
    }
}
