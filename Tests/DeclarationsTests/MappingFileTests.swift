@testable import Declarations
import Foundation
import TestSupport
import Testing

@Suite("mapping files: JSON syntax and keys, with their places")
struct MappingFileTests {
    static func decode(_ text: String) throws(IngestError) -> MappingFile {
        try MappingFile.decode(Array(text.utf8), source: "m.json") { try JSONDecoder().decode(MappingFile.self, from: Data($0)) }
    }

    @Test("a bad file's error starts with m.json:line:column and says what is wrong", arguments: [
        (#"{"fields": {"value": "x""#, "m.json:1:25:", "expected ',' or '}', found the end of file"),
        ("{\n  \"fields\": {\"value\": \"x\",,},\n  \"flow\": \"export\"\n}", "m.json:2:27:", "expected a key in double quotes, found ','"),
        ("{\"extra\": [\"a\",\n \"b\"\n}", "m.json:3:1:", "expected ',' or ']' after an array element, found '}'"),
        ("{\"flow\": \"caf\u{E9}\"}".replacingOccurrences(of: "\u{E9}", with: "\u{FFFD}"), "m.json:", "must be \"export\""),
        ("{\n  \"flow\": \"export\"\n  \"auto\": true\n}", "m.json:3:3:", "expected ',' or '}' after the value of \"flow\", found '\"'"),
        ("{\n  'flow': 'export'\n}", "m.json:2:3:", "keys take double quotes"),
        ("{\"flow\": 'export'}", "m.json:1:10:", "strings take double quotes"),
        ("{\"flow\": \"exp\nort\"}", "m.json:1:14:", "a line break inside a string"),
        ("{\"flow\": \"a\\qb\"}", "m.json:1:12:", "unknown escape \\q"),
        ("{\"flow\": \"\\u+041\"}", "m.json:1:11:", "\\u takes four hex digits"),
        ("{\"auto\": tru}", "m.json:1:10:", "expected a value"),
        ("{\"auto\": 012}", "m.json:1:10:", "a number does not start with 0"),
        ("{\"auto\": true} x", "m.json:1:16:", "unexpected 'x' after the document's end"),
        ("{\"flow\": \"日本\" \"x\"}", "m.json:1:15:", "after the value of \"flow\""),   // columns count characters
        ("", "m.json:1:1:", "expected a value, found the end of file"),
        ("[1, 2]", "m.json:1:1:", "a mapping file is one JSON object"),
        ("{\n  \"feilds\": {}\n}", "m.json:2:3:", "unknown key \"feilds\" (did you mean \"fields\"?)"),
        ("{\"fields\": {\"valeu\": \"x\"}}", "m.json:1:13:", "\"valeu\" in \"fields\" is not a canonical field (did you mean \"value\"?)"),
        ("{\"fields\": {\"currency\": {\"constnt\": \"USD\"}}}", "m.json:1:26:", "did you mean \"constant\"?"),
        ("{\"fields\": {\"currency\": 3}}", "m.json:1:13:", "\"fields.currency\" takes a column name, {\"column\": \"…\"} or {\"constant\": \"…\"}; found number"),
        ("{\"extra\": \"Tax Rate\"}", "m.json:1:2:", "\"extra\" takes a list of strings; found a string"),
        ("{\"auto\": \"yes\"}", "m.json:1:2:", "\"auto\" takes true or false"),
        ("{\"flow\": \"sideways\"}", "m.json:", "\"flow\" must be \"export\" or \"import\""),
    ])
    func errors(text: String, place: String, message: String) {
        do {
            _ = try Self.decode(text)
            Issue.record("no error for \(text)")
        } catch {
            #expect(error.description.hasPrefix(place + " error: ") || (place == "m.json:" && error.description.hasPrefix("m.json: error: ")),
                    "\(error.description)")
            #expect(error.description.contains(message), "\(error.description)")
        }
    }

    @Test("a byte that is not UTF-8 is placed (Latin-1 é); a comma before a closing bracket and a top-level \"_comment\" are accepted, as Foundation accepts them")
    func latin1AndTrailingCommas() throws {
        var bytes = Array("{\n \"flow\": \"caf".utf8)
        bytes += [0xE9] + Array("\"}".utf8)
        do {
            _ = try MappingFile.decode(bytes, source: "m.json") { try JSONDecoder().decode(MappingFile.self, from: Data($0)) }
            Issue.record("no error")
        } catch {
            #expect(error.description.hasPrefix("m.json:2:14: error: not valid JSON: byte 0xE9 is not UTF-8"), "\(error.description)")
        }
        let m = try Self.decode("{\"_comment\": \"KCS feed\", \"extra\": [\"a\", \"b\",], \"fields\": {\"value\": \"v\",},}")
        #expect(m.extra == ["a", "b"] && m.fields?["value"] == .column("v"))
    }

    @Test("a mapping saved with a BOM (Notepad's UTF-8) or as UTF-16 reads as before; a misspelt key after a BOM is still placed")
    func bomAndUTF16() throws {
        let text = "{\n  \"flow\": \"import\",\n  \"fields\": {\"currency\": {\"constant\": \"KRW\"}}\n}"
        let decode = { (bytes: [UInt8]) throws(IngestError) -> MappingFile in
            try MappingFile.decode(bytes, source: "m.json") { try JSONDecoder().decode(MappingFile.self, from: Data($0)) }
        }
        let bom = try decode([0xEF, 0xBB, 0xBF] + Array(text.utf8))
        #expect(bom.flow == "import" && bom.fields?["currency"] == .constant("KRW"))
        let utf16 = try decode([0xFF, 0xFE] + Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        #expect(utf16.flow == "import")
        do {
            _ = try decode([0xEF, 0xBB, 0xBF] + Array("{\n  \"flw\": \"import\"}".utf8))
            Issue.record("no error")
        } catch {
            #expect(error.description.hasPrefix("m.json:2:3: error: unknown key \"flw\" (did you mean \"flow\"?)"), "\(error.description)")
        }
    }

    @Test("a good file decodes as before, every key found at its place")
    func goodFile() throws {
        let text = """
            {
              "description": "KCS imports \\"2020\\" \\u00e9",
              "flow": "import",
              "fields": {"currency": {"constant": "KRW"}, "value": "Item Price", "outcome": {"column": "Fraud"}},
              "date_formats": ["%Y-%m-%d"], "decimal_separator": ".", "thousands_separator": "",
              "extra": [], "auto": true
            }
            """
        let m = try Self.decode(text)
        #expect(m.flow == "import" && m.fields?["currency"] == .constant("KRW") && m.fields?["outcome"] == .column("Fraud"))
        #expect(m.description == "KCS imports \"2020\" é" && m.extra == [] && m.auto == true)
        guard case let .success(keys) = JSONSyntax.check(Array(text.utf8)) else { Issue.record("not valid"); return }
        #expect(keys.map { $0.path.joined(separator: ".") } == [
            "description", "flow", "fields", "fields.currency", "fields.currency.constant", "fields.value", "fields.outcome",
            "fields.outcome.column", "date_formats", "decimal_separator", "thousands_separator", "extra", "auto",
        ])
        let value = keys.first { $0.path == ["fields", "value"] }.map { JSONSyntax.place(of: $0.offset, in: Array(text.utf8)) }
        #expect(value?.line == 4 && value?.column == 47)
        // The shipped mapping.
        let kcs = try MappingFile.decode([UInt8](Data(contentsOf: Fixtures.url("mappings/kcs-imports.json"))),
                                         source: "kcs-imports.json") { try JSONDecoder().decode(MappingFile.self, from: Data($0)) }
        #expect(kcs.flow == "import")
    }

    @Test("the syntax check agrees with Foundation's parser on seeded documents, their prefixes and one-byte changes",
          arguments: [UInt64(1), 2, 3])
    func agreesWithFoundation(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        func value(_ depth: Int) -> Any {
            switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &rng) {
            case 0: return Int.random(in: -1000...1000, using: &rng)
            case 1: return ["a", "b c", "d\"e", "f\\g", "h\ni", "é", "🙂", ""].randomElement(using: &rng)!
            case 2: return Bool.random(using: &rng)
            case 3: return Double(Int.random(in: -99999...99999, using: &rng)) / 100
            case 4: return (0..<Int.random(in: 0...3, using: &rng)).map { _ in value(depth + 1) }
            default:
                var d: [String: Any] = [:]
                for k in 0..<Int.random(in: 0...3, using: &rng) { d["k\(k)"] = value(depth + 1) }
                return d
            }
        }
        let alphabet = Array("{}[],:\"\\ \n0123456789-.eEtruefalsn'x".utf8)
        for _ in 0..<60 {
            let doc = try JSONSerialization.data(withJSONObject: ["m": value(0)], options: [.prettyPrinted, .sortedKeys])
            let bytes = [UInt8](doc)
            guard case .success = JSONSyntax.check(bytes) else { Issue.record("valid document refused: \(String(decoding: bytes, as: UTF8.self))"); continue }
            // Every proper prefix is incomplete (a document here is an object).
            for n in 0..<bytes.count where bytes[..<n].contains(where: { $0 > 0x20 }) || n == 0 {
                if case .success = JSONSyntax.check(Array(bytes[..<n])) { Issue.record("prefix \(n) accepted") }
            }
            // One byte changed: the two parsers agree on valid or not.
            for _ in 0..<20 {
                var m = bytes
                m[Int.random(in: 0..<m.count, using: &rng)] = alphabet.randomElement(using: &rng)!
                let ours: Bool
                if case .success = JSONSyntax.check(m) { ours = true } else { ours = false }
                let theirs = (try? JSONSerialization.jsonObject(with: Data(m), options: [.fragmentsAllowed])) != nil
                #expect(ours == theirs, "\(String(decoding: m, as: UTF8.self))")
            }
        }
    }

    @Test("edit distance: table", arguments: [("", "", 0), ("a", "", 1), ("", "ab", 2), ("feilds", "fields", 2), ("valeu", "value", 2),
                                              ("constnt", "constant", 1), ("flow", "flow", 0), ("kitten", "sitting", 3)])
    func editDistance(a: String, b: String, d: Int) {
        #expect(MappingFile.editDistance(Array(a.utf8), Array(b.utf8)) == d)
        #expect(MappingFile.editDistance(Array(b.utf8), Array(a.utf8)) == d)
    }
}
