import CSVCore
@testable import Declarations
import Foundation
import Synthetic
import TestSupport
import Testing

@Suite("ingest", .serialized)
struct IngestTests {
    func write(_ text: String, _ name: String = "in.csv", in dir: TemporaryDirectory) throws -> String {
        let path = dir.file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("a dirty generated file: every bad row rejected at its line with its reason, no good row lost")
    func dirtyFileAccounted() throws {
        let dir = try TemporaryDirectory("ingest-dirty")
        defer { dir.remove() }
        let summary = try Generator.run(GeneratorOptions(rows: 30_000, seed: 4, dirty: true), into: dir.path)
        let result = try Ingest.read([dir.file("declarations.csv")], options: IngestOptions())
        let bad = try CSVTable.read(dir.file("bad_rows.csv"))
        let expectedRejects = bad.rows.filter { $0[5] == "reject" }
        var rejectByLine: [Int: Reject] = [:]
        for r in result.rejects { rejectByLine[r.line] = r }
        for b in expectedRejects {
            let r = try #require(rejectByLine[Int(b[0])!], "bad row at line \(b[0]) (\(b[3])) was not rejected")
            #expect(r.reason.rawValue == b[6], "line \(b[0]): \(r.reason.rawValue) vs \(b[6])")
        }
        #expect(result.rejects.count == expectedRejects.count, "only the bad rows are rejected")
        let f = result.files[0]
        #expect(f.recordsRead == f.accepted + f.rejected)
        #expect(f.recordsRead == summary.rows + 1, "every data record read (plus the unterminated last one)")
        #expect(f.accepted == result.table.count)
        #expect(result.table.count == summary.rows - (expectedRejects.count - 1))
        // Accepted look-alikes (stray quotes, CRLF) are in the table.
        let ids = Set((0..<result.table.count).map { result.table.declarationID.string($0) + "/" + String(result.table.itemNo[$0]) })
        for b in bad.rows where b[5] == "accept" { #expect(ids.contains(b[1] + "/" + b[2]), "accepted row \(b[1])/\(b[2]) missing") }
        // Every planted row survives.
        let labels = try CSVTable.read(dir.file("labels.csv"))
        for l in labels.rows { #expect(ids.contains(l[0] + "/" + l[1])) }
    }

    @Test("SIMD and scalar paths, any chunk size, give the same table")
    func pathsAgree() throws {
        let dir = try TemporaryDirectory("ingest-paths")
        defer { dir.remove() }
        _ = try Generator.run(GeneratorOptions(rows: 20_000, seed: 6), into: dir.path)
        let path = dir.file("declarations.csv")
        let simd = try Ingest.read([path], options: IngestOptions(chunkSize: 1 << 16))
        let scalar = try Ingest.read([path], options: IngestOptions(scalarTokenizer: true))
        let oneThread = try Ingest.read([path], options: IngestOptions(threads: 1, chunkSize: 100_000))
        let portable = try Ingest.read([path], options: IngestOptions(chunkSize: 1 << 16, indexKernel: .portable))
        // Three and four workers: each keeps its dictionaries over chunks taken in any interleaving.
        let threeWorkers = try Ingest.read([path], options: IngestOptions(threads: 3, chunkSize: 1 << 16))
        let fourWorkers = try Ingest.read([path], options: IngestOptions(threads: 4, chunkSize: 1 << 16))
        #expect(simd.files[0].simd && !scalar.files[0].simd && portable.files[0].simd)
        for other in [scalar, oneThread, portable, threeWorkers, fourWorkers] {
            #expect(other.table.count == simd.table.count)
            #expect(other.table.line == simd.table.line)
            #expect(other.table.valueUSD == simd.table.valueUSD)
            #expect(other.table.date == simd.table.date)
            for f in TextField.allCases {
                let a = simd.table.text(f), b = other.table.text(f)
                #expect(a?.codes == b?.codes && a?.values.arena == b?.values.arena, "\(f)")
            }
            for f in CountryField.allCases { #expect(simd.table.countries(f) == other.table.countries(f)) }
        }
        let net = try #require(simd.table.numbers(.netWeightKg))
        #expect(net.allSatisfy { $0 >= 0 })
    }

    @Test("workers' dictionaries started afresh every few values, or listing values nearly all new, give the same table, clean or dirty free text, one to three workers", arguments: [false, true])
    func dictionaryRestarts(dirty: Bool) throws {
        let dir = try TemporaryDirectory("ingest-restarts")
        defer { dir.remove() }
        // Free text: nearly every description new, consignees under several spellings. The dirty
        // feed's stray quotes send it down the pieces path, whose dropped pieces restart too.
        _ = try Generator.run(GeneratorOptions(rows: 20_000, seed: 8, dirty: dirty, freeText: true), into: dir.path)
        var path = dir.file("declarations.csv")
        if dirty {
            // Quoted descriptions holding hundreds of lines that look like records (copies of the file's
            // own): guessed piece starts land inside them, so pieces are dropped after their workers'
            // dictionaries restarted, and the merge restarts codes in `drop` too.
            let lines = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            var out: [String] = []
            for (i, line) in lines.enumerated() {
                out.append(line)
                if i > 0 && i % 1_500 == 0 && i + 400 < lines.count {
                    let inside = lines[(i + 1)...(i + 300)].joined(separator: "\n").replacingOccurrences(of: "\"", with: "\"\"")
                    out.append("Q\(i),1,2024-03-01,EXP\(i),Quoted Exporter,Quoted Consignee,DE,DE,DE,DE,81129210,\"\(inside)\",1,KG,1,1,100,USD,SEA,CNSHA,")
                }
            }
            path = dir.file("tricky.csv")
            try Data(out.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        }
        // The reference: every value interned, never listed.
        var plain = IngestOptions(chunkSize: 1 << 16)
        plain.listingRows = .max
        let whole = try Ingest.read([path], options: plain)
        #expect(whole.listedChunks == 0)
        // Restarts every 500 values; and workers listing the values of fields nearly all new (free-text
        // descriptions) from chunks of 64 rows on, with or without the restarts.
        for (restart, listing) in [(500, Int.max), (500, 64), (ChunkColumns.restartValues, 64)] {
            for threads in 1...3 {
                var options = IngestOptions(threads: threads, chunkSize: 1 << 16)
                options.dictionaryRestart = restart
                options.listingRows = listing
                let restarted = try Ingest.read([path], options: options)
                #expect(restarted.table.count == whole.table.count && restarted.rejected == whole.rejected)
                for f in TextField.allCases {
                    let a = whole.table.text(f), b = restarted.table.text(f)
                    #expect(a?.codes == b?.codes && a?.values.arena == b?.values.arena && a?.values.offsets == b?.values.offsets,
                            "\(f), \(threads) workers, restart \(restart), listing from \(listing) rows")
                }
                // Listing ran (descriptions hardly repeat), and after eight listed chunks the ninth was interned to look again.
                if listing < .max { #expect(restarted.listedChunks > 10, "\(restarted.listedChunks) listed") }
            }
        }
        // The descriptions did restart: more distinct values than one chunk's worth, many times over.
        #expect(try #require(whole.table.text(.description)).values.count > 10 * 500)
    }

    @Test("the KCS mapping reads every row: import flow, KRW values, HS6 codes with leading zeros, Fraud as outcome")
    func kcsMapping() throws {
        let mapping = try JSONDecoder().decode(MappingFile.self, from: Data(contentsOf: Fixtures.url("mappings/kcs-imports.json")))
        let paths = [try Fixtures.kcs("df_syn_train_eng.csv"), try Fixtures.kcs("df_syn_valid_eng.csv")]
        let result = try Ingest.read(paths, options: IngestOptions(mapping: mapping))
        #expect(result.rejected == 0)
        #expect(result.table.count == 37_385 + 8_134)
        #expect(result.table.flow.allSatisfy { $0 == 1 })
        let hs = try #require(result.table.text(.hsCode))
        #expect((0..<result.table.count).contains { hs.string($0).hasPrefix("0") })
        #expect((0..<result.table.count).allSatisfy { hs.string($0).count == 6 })
        let outcome = try #require(result.table.outcome)
        #expect(outcome.filter { $0 == 1 }.count == 8_114 + 1_704)
        // The first row: 372254.4 KRW on 2020-01-01.
        let rate = try #require(FXTable.standard.unitsPerUSD("KRW", year: 2020, month: 1))
        #expect(Approximate.equal(result.table.valueUSD[0], 372254.4 / rate))
        #expect(result.table.declarationID.string(0) == "97061800")
        #expect(result.table.extras.map(\.name).contains("Tax Rate"))
    }

    @Test("257 input files: every row keeps its file (the file column widens past one byte), and a kept subset too")
    func manyFiles() throws {
        let dir = try TemporaryDirectory("many-files")
        defer { dir.remove() }
        let paths = try (0..<257).map { k in
            try write("declaration_id,item_no,date,hs_code,value,currency\n\(k),1,2024-01-02,28049000,10,USD\n\(k),2,2024-01-02,28049000,11,USD\n",
                      "f\(k).csv", in: dir)
        }
        let table = try Ingest.read(paths, options: IngestOptions()).table
        #expect(table.count == 514 && table.files.count == 257)
        #expect(table.fileIndex.bytesPerCode == 2)
        for r in 0..<table.count {
            #expect(Int(table.fileIndex[r]) == r / 2 && table.declarationID.string(r) == String(r / 2), "row \(r)")
        }
        let kept = table.rows(where: (0..<table.count).map { $0 % 2 == 1 || $0 < 4 })
        #expect(Array(kept.fileIndex) == [0, 0, 1, 1] + (2..<257).map { UInt32($0) })
    }

    @Test("mapping errors name the file and say how to fix them")
    func mappingErrors() throws {
        let header = ["Declaration ID", "Date", "HS6 Code", "Item Price"]
        #expect(throws: IngestError.self) { try Mapping.resolve(MappingFile(), header: header, source: "f.csv") }  // no currency
        var m = MappingFile()
        m.fields = ["currency": .constant("KRW"), "value": .column("Price")]
        do {
            _ = try Mapping.resolve(m, header: header, source: "f.csv")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("column \"Price\""))
            #expect(error.description.hasPrefix("f.csv: error: the mapping names column"), "the data file is named")
        }
        var bad = MappingFile()
        bad.fields = ["valeu": .column("x")]
        #expect(throws: IngestError.self) { try bad.validated(source: "m.json") }
        bad = MappingFile()
        bad.dateFormats = ["%Q"]
        #expect(throws: IngestError.self) { try bad.validated(source: "m.json") }
        let json = #"{"fields": {"currency": {"constant": "EUR"}, "value": "Wert"}, "decimal_separator": ",", "thousands_separator": ".", "date_formats": ["%d.%m.%Y"], "weight_unit": "t"}"#
        let parsed = try JSONDecoder().decode(MappingFile.self, from: Data(json.utf8))
        #expect(parsed.fields?["currency"] == .constant("EUR"))
    }

    @Test("text fields with doubled quotes, padding and repeats read as written, on every path and chunking")
    func textFields() throws {
        let dir = try TemporaryDirectory("ingest-text")
        defer { dir.remove() }
        // Names with doubled quotes (unescaped copies), spaces to trim, repeats
        // row after row and far apart, empty values.
        let names = ["Acme \"Best\" Ltd", "Acme \"Best\" Ltd", "  Padded Co  ", "Plain", "", "Acme \"Best\" Ltd", "\"\"", "Plain"]
        // Ports: short values only (one with a doubled quote) for the first 250 rows, so
        // they are looked up by word until a long one arrives; then long and short mixed.
        let ports = ["CNSHA", "P\"1", "", "CNSHA", "AB"], laterPorts = ["A LONG PORT NAME", "CNSHA", "Q\"2", "A LONG PORT NAME", ""]
        var text = "declaration_id,declaration_date,hs_code,value,currency,net_weight_kg,trader_name,description,port_of_loading\n"
        var want: [(String, String)] = []
        var wantPorts: [String] = []
        for i in 0..<400 {
            let name = names[i % names.count], description = i % 3 == 0 ? "said \"x\", then y" : "item \(i % 7)"
            let port = i < 250 ? ports[i % ports.count] : laterPorts[i % laterPorts.count]
            let quoted = { (v: String) in "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            text += "D\(i),2024-01-02,81129290,10,USD,1,\(i % 2 == 0 ? quoted(name) : name.contains("\"") ? quoted(name) : name),\(quoted(description)),"
            text += (port.contains("\"") ? quoted(port) : port) + "\n"
            want.append((name.trimmingCharacters(in: .whitespaces), description))
            wantPorts.append(port)
        }
        let path = try write(text, in: dir)
        for options in [IngestOptions(), IngestOptions(chunkSize: 4096), IngestOptions(threads: 1, chunkSize: 1000),
                        IngestOptions(scalarTokenizer: true)] {
            let r = try Ingest.read([path], options: options)
            #expect(r.table.count == want.count && r.rejected == 0)
            let traders = try #require(r.table.text(.traderName)), descriptions = try #require(r.table.text(.description))
            for (row, (name, description)) in want.enumerated() {
                #expect(traders.string(row) == name, "row \(row), chunk size \(options.chunkSize)")
                #expect(descriptions.string(row) == description, "row \(row), chunk size \(options.chunkSize)")
            }
            // One code per distinct value.
            #expect(traders.values.count == Set(want.map(\.0)).count)
            // Codes in order of first appearance, short and long values alike.
            let portColumn = try #require(r.table.text(.port))
            #expect((0..<want.count).map { portColumn.string($0) } == wantPorts, "chunk size \(options.chunkSize)")
            var firstSeen: [String] = []
            for p in wantPorts where !firstSeen.contains(p) { firstSeen.append(p) }
            #expect((0..<portColumn.values.count).map { portColumn.values.string(UInt32($0)) } == firstSeen, "chunk size \(options.chunkSize)")
        }
    }

    @Test("the header found past a BOM, blank lines and CRLF, and its delimiter sniffed there", arguments: [
        ("BOM", "\u{FEFF}", "\n", ","),
        ("BOM, CRLF", "\u{FEFF}", "\r\n", ","),
        ("a blank line", "\n", "\n", ","),
        ("blank CRLF lines, semicolons", "\r\n\r\n", "\r\n", ";"),
        ("BOM, a blank line, tabs", "\u{FEFF}\n", "\n", "\t"),
        ("BOM, a blank CRLF line, pipes", "\u{FEFF}\r\n", "\r\n", "|"),
    ])
    func headerAfterBOMAndBlankLines(name: String, lead: String, eol: String, delimiter: String) throws {
        let dir = try TemporaryDirectory("ingest-lead")
        defer { dir.remove() }
        let rows = [["declaration_id", "declaration_date", "hs_code", "value", "currency"],
                    ["D1", "2024-01-05", "81129290", "10.5", "USD"],
                    ["D2", "2024-01-06", "28049000", "7", "USD"]]
        let path = try write(lead + rows.map { $0.joined(separator: delimiter) }.joined(separator: eol) + eol, in: dir)
        let blank = lead.filter { $0 == "\n" || $0 == "\r\n" }.count
        for options in [IngestOptions(), IngestOptions(scalarTokenizer: true)] {
            let r = try Ingest.read([path], options: options)
            #expect(r.rejects.isEmpty, "\(name): \(r.rejects.map(\.message))")
            #expect(r.table.count == 2, "\(name)")
            #expect((0..<r.table.count).map { r.table.declarationID.string($0) } == ["D1", "D2"], "\(name)")
            #expect(r.table.line == [UInt32(blank + 2), UInt32(blank + 3)], "\(name)")
            #expect(r.files[0].headerLines == 1 && r.files[0].blankLines == blank, "\(name)")
            #expect(r.table.valueUSD == [10.5, 7], "\(name)")
        }
    }

    @Test("a duplicate row names where the kept copy is (the line in its own file, or the other file and line) and its own record")
    func duplicateNamesFirstCopy() throws {
        let dir = try TemporaryDirectory("ingest-dup")
        defer { dir.remove() }
        let header = "declaration_id,declaration_date,hs_code,value,currency\n"
        let a = try write(header + "D1,2024-01-05,81129290,10,USD\nD2,2024-01-05,81129290,10,USD\nD1,2024-01-06,81129290,11,USD\n", "a.csv", in: dir)
        let b = try write(header + "\nD3,2024-01-05,81129290,10,USD\nD2,2024-01-07,81129290,12,USD\n", "b.csv", in: dir)
        for options in [IngestOptions(), IngestOptions(scalarTokenizer: true), IngestOptions(threads: 2, chunkSize: 1 << 16)] {
            let r = try Ingest.read([a, b], options: options)
            #expect(r.table.count == 3)
            #expect(r.rejects.map(\.reason) == [.duplicateRowKey, .duplicateRowKey])
            #expect(r.rejects.map(\.line) == [4, 4])
            // Their data records in their files (b.csv's blank line is not one).
            #expect(r.rejects.map(\.record) == [2, 1])
            #expect(r.rejects.first?.message == "declaration D1 item 1 appeared before, at line 2; this copy was rejected")
            #expect(r.rejects.array.last?.message == "declaration D2 item 1 appeared before, at \(a):3; this copy was rejected")
        }
    }

    @Test("a field two columns match is read from the first, with a warning that says how to choose", arguments: [
        ("declared_value,customs_value", "10", "value is read from column 4 \"declared_value\"; column 6 \"customs_value\" also matches it"),
        ("value,value", "10", "columns 4, 6 are all named \"value\"; value is read from column 4"),
        ("declared_value,x", "10", nil),
    ])
    func ambiguousColumns(names: String, value: String, warning: String?) throws {
        let dir = try TemporaryDirectory("ingest-ambiguous")
        defer { dir.remove() }
        let n = names.split(separator: ",").map(String.init)
        let path = try write("declaration_id,declaration_date,hs_code,\(n[0]),currency,\(n[1])\nD1,2024-01-05,81129290,10,USD,20\n", in: dir)
        let r = try Ingest.read([path], options: IngestOptions())
        #expect(r.table.valueUSD == [10])
        #expect(r.files[0].warnings.count == (warning == nil ? 0 : 1))
        if let warning { #expect(r.files[0].warnings.first?.hasPrefix(warning) == true, "\(r.files[0].warnings)") }
        // Naming the column in the mapping chooses it, and the warning goes.
        if n[1] == "customs_value" {
            var m = MappingFile()
            m.fields = ["value": .column("customs_value")]
            let chosen = try Ingest.read([path], options: IngestOptions(mapping: m))
            #expect(chosen.table.valueUSD == [20] && chosen.files[0].warnings.isEmpty)
        }
    }

    @Test("the 10^15 bound holds in the stored unit: USD after conversion, kg after the weight unit")
    func boundAfterConversion() throws {
        let dir = try TemporaryDirectory("ingest-bound")
        defer { dir.remove() }
        let path = try write("declaration_id,declaration_date,hs_code,value,currency,net_weight_kg\n"
                             + "A,2024-01-05,81129290,900000000000000,XTS,1\nB,2024-01-05,81129290,9,XTS,900000000000000\n"
                             + "C,2024-01-05,81129290,9,XTS,900000000000\n", in: dir)
        let fx = try FXTable(csv: Array("currency,month,units_per_usd\nXTS,2024-01,0.000001\n".utf8), source: "fx.csv")
        var mapping = MappingFile()
        mapping.weightUnit = "t"
        let r = try Ingest.read([path], options: IngestOptions(mapping: mapping, fx: fx))
        #expect(r.rejects.map(\.line) == [2, 3])
        #expect(r.rejects.map(\.message) == ["value '900000000000000' is out of range (10^15 or more in USD)",
                                             "net_weight_kg '900000000000000' is out of range (10^15 or more)"])
        #expect(r.table.numbers(.netWeightKg) == [9e14])
    }

    @Test("values in RMB or CNH convert at the CNY rate; the currency is kept as written")
    func yuanAliases() throws {
        let dir = try TemporaryDirectory("ingest-rmb")
        defer { dir.remove() }
        let path = try write("declaration_id,declaration_date,hs_code,value,currency\nR1,2024-06-15,81129290,710,RMB\n"
                             + "R2,2024-06-15,81129290,710,cnh\nR3,2024-06-15,81129290,710,CNY\n", in: dir)
        let r = try Ingest.read([path], options: IngestOptions())
        #expect(r.rejects.isEmpty, "\(r.rejects.map(\.message))")
        #expect(r.table.valueUSD[0] == r.table.valueUSD[2] && r.table.valueUSD[1] == r.table.valueUSD[2])
        #expect((0..<3).map { r.table.text(.currency)!.string($0) } == ["RMB", "CNH", "CNY"])
    }

    @Test("a European feed: semicolons, decimal commas, day-first dates, tonnes, constants")
    func europeanFeed() throws {
        let dir = try TemporaryDirectory("ingest-eu")
        defer { dir.remove() }
        let path = try write("""
            Nummer;Datum;Warennummer;Wert;Masse;Land
            A1;03.12.2024;8112.92.90;1.234,50;2,5;Germany
            A2;04.12.2024;81129290;99;0,001;FRA

            A3;31.02.2024;81129290;1;1;DE
            """, in: dir)
        let json = #"{"fields": {"declaration_id": "Nummer", "declaration_date": "Datum", "hs_code": "Warennummer", "value": "Wert", "currency": {"constant": "EUR"}, "net_weight_kg": "Masse", "destination_country": "Land"}, "decimal_separator": ",", "thousands_separator": ".", "date_formats": ["%d.%m.%Y"], "weight_unit": "t"}"#
        let mapping = try JSONDecoder().decode(MappingFile.self, from: Data(json.utf8))
        let r = try Ingest.read([path], options: IngestOptions(mapping: mapping))
        #expect(r.table.count == 2)
        #expect(r.files[0].blankLines == 1)
        #expect(r.rejects.map(\.reason) == [.badDate])
        #expect(r.rejects.first?.line == 5)
        #expect(r.table.numbers(.netWeightKg) == [2500, 1])
        #expect(r.table.countries(.destination)?.map(CountryCodes.alpha2) == ["DE", "FR"])
        let eur = try #require(FXTable.standard.unitsPerUSD("EUR", year: 2024, month: 12))
        #expect(Approximate.equal(r.table.valueUSD[0], 1234.5 / eur))
    }

    @Test("every reject reason, with field and column", arguments: [
        ("1,2024-01-05,81129290,10,USD,1\n1,2024-01-06,81129290,10,USD,1", RejectReason.duplicateRowKey, "declaration_id"),
        (",2024-01-05,81129290,10,USD,1", .emptyRequiredField, "declaration_id"),
        ("1,2024-01-05,,10,USD,1", .emptyRequiredField, "hs"),
        ("1,2024-01-05,8112,10,USD,1", .badTariffCode, "hs"),
        ("1,2024-01-05,81129290,ten,USD,1", .unparsableNumber, "value"),
        ("1,2024-01-05,81129290,1e309,USD,1", .unparsableNumber, "value"),
        ("1,2024-01-05,81129290,1000000000000000,USD,1", .unparsableNumber, "value"),
        ("1,2024-01-05,81129290,-10,USD,1", .negativeValue, "value"),
        ("1,1989-12-31,81129290,10,USD,1", .dateOutOfRange, "date"),
        ("1,2024-01-05,81129290,10,XYZ,1", .unknownCurrency, "currency"),
        ("1,2024-01-05,81129290,10,USD,2", .badOutcome, "fraud"),
        ("1,2024-01-05,81129290,10,USD", .wrongFieldCount, ""),
        ("1,2024-01-05,81129290,10,USD,\"1", .unterminatedQuote, ""),
    ])
    func reasons(body: String, reason: RejectReason, field: String) throws {
        let dir = try TemporaryDirectory("ingest-reasons")
        defer { dir.remove() }
        let path = try write("declaration_id,date,hs,value,currency,fraud\n" + body + "\n", in: dir)
        let r = try Ingest.read([path], options: IngestOptions())
        let reject = try #require(r.rejects.array.last)
        #expect(reject.reason == reason)
        #expect(reject.field == field)
        #expect(r.files[0].recordsRead == r.files[0].accepted + r.files[0].rejected)
        if !field.isEmpty && reason != .duplicateRowKey {
            let col = ["declaration_id", "date", "hs", "value", "currency", "fraud"].firstIndex(of: field)!
            let line = body.split(separator: "\n", omittingEmptySubsequences: false).last!
            let expected = line.split(separator: ",", omittingEmptySubsequences: false).prefix(col).reduce(0) { $0 + $1.count + 1 } + 1
            #expect(reject.column == expected, "column of \(field)")
        }
    }

    @Test("dates repeated row after row (kept from the last row) are judged like fresh ones: good, bad and out of range, each at its line")
    func repeatedDates() throws {
        let dir = try TemporaryDirectory("ingest-repeated-dates")
        defer { dir.remove() }
        let dates = ["2024-01-05", "2024-01-05", "2024-13-05", "2024-13-05", "1989-12-31", "1989-12-31", "2024-01-05", "2024-02-29", "2024-02-29"]
        let body = dates.enumerated().map { "\($0.offset),\($0.element),81129290,10,EUR,1" }.joined(separator: "\n")
        let path = try write("declaration_id,date,hs,value,currency,fraud\n" + body + "\n", in: dir)
        let r = try Ingest.read([path], options: IngestOptions())
        #expect(r.rejects.map(\.reason) == [.badDate, .badDate, .dateOutOfRange, .dateOutOfRange])
        #expect(r.rejects.map(\.line) == [4, 5, 6, 7])
        #expect(r.table.date.map { CivilDate(daysSinceEpoch: Int($0)).description } == ["2024-01-05", "2024-01-05", "2024-01-05", "2024-02-29", "2024-02-29"])
        // The month picks the exchange rate: January's and February's differ in the shipped table.
        #expect(r.table.valueUSD[0] == r.table.valueUSD[2] && r.table.valueUSD[3] == r.table.valueUSD[4])
        #expect(r.table.valueUSD[0] != r.table.valueUSD[3])
    }

    @Test("--on-error fail stops at the first bad row with a compiler-style diagnostic")
    func failPolicy() throws {
        let dir = try TemporaryDirectory("ingest-fail")
        defer { dir.remove() }
        let path = try write("declaration_id,date,hs,value,currency\n1,2024-01-05,81129290,10,USD\n2,2024-01-05,81129290,1O,USD\n", in: dir)
        do {
            _ = try Ingest.read([path], options: IngestOptions(onError: .fail))
            Issue.record("expected a failure")
        } catch {
            let text = error.description
            #expect(text.hasPrefix(path + ":3:23: error: value '1O' is not a number (record 1, field \"value\")"), "\(text)")
            #expect(text.contains("  | 2,2024-01-05,81129290,1O,USD"))
            #expect(text.contains("hint: "))
        }
    }

    @Test("a diagnostic names the record and the field it knows: a repeated row has no record number, a whole-record problem no field", arguments: [
        (5, "value", "f.csv:3:9: error: m (record 5, field \"value\")"), (-1, "declaration_id", "f.csv:3:9: error: m (field \"declaration_id\")"),
        (7, "", "f.csv:3:9: error: m (record 7)"), (-1, "", "f.csv:3:9: error: m"),
    ])
    func diagnosticPlace(record: Int, field: String, firstLine: String) {
        let d = Diagnostic(file: "f.csv", line: 3, column: 9, record: record, field: field, reason: .duplicateRowKey, message: "m", excerpt: "x")
        #expect(d.rendered.split(separator: "\n").first.map(String.init) == firstLine)
    }

    @Test("bad rows in later waves (merged while the next wave is parsed): each at its line, or the first stops the run")
    func badRowsAcrossWaves() throws {
        let dir = try TemporaryDirectory("ingest-waves")
        defer { dir.remove() }
        // ~1.2 MB in 64 KiB chunks on 2 threads: waves of 8 chunks, so rows past the first
        // ~500 KB are merged on the merge thread. A bad number, an unknown country and a
        // repeat of an earlier key (across waves) land late.
        var text = "declaration_id,date,hs,value,currency,destination_country\n"
        var bad: [Int: RejectReason] = [:]
        for i in 0..<24_000 {
            let line = i + 2
            switch i {
            case 15_000: text += "D\(i),2024-01-05,81129290,12x,USD,DE\n"; bad[line] = .unparsableNumber
            case 19_000: text += "D\(i),2024-01-05,81129290,10,USD,Atlantis\n"; bad[line] = .unknownCountry
            case 23_000: text += "D17,2024-01-05,81129290,10,USD,DE\n"; bad[line] = .duplicateRowKey
            default: text += "D\(i),2024-01-05,81129290,\(i % 977).5,USD,DE\n"
            }
        }
        let path = try write(text, in: dir)
        let waves = try Ingest.read([path], options: IngestOptions(threads: 2, chunkSize: 1 << 16))
        let scalar = try Ingest.read([path], options: IngestOptions(scalarTokenizer: true))
        #expect(waves.files[0].simd)
        #expect(waves.files[0].recordsRead == 24_000 && waves.files[0].accepted == 24_000 - 3)
        #expect(Dictionary(uniqueKeysWithValues: waves.rejects.map { ($0.line, $0.reason) }) == bad)
        #expect(waves.rejects.map(\.line) == scalar.rejects.map(\.line))
        #expect(waves.table.line == scalar.table.line && waves.table.valueUSD == scalar.table.valueUSD)
        // Rows rejected as duplicates drop out of the workers' codes too: the same codes and dictionaries.
        for f in TextField.allCases {
            let a = waves.table.text(f), b = scalar.table.text(f)
            #expect(a?.codes == b?.codes && a?.values.arena == b?.values.arena, "\(f)")
        }
        do {
            _ = try Ingest.read([path], options: IngestOptions(onError: .fail, threads: 2, chunkSize: 1 << 16))
            Issue.record("expected a failure")
        } catch {
            #expect(error.description.hasPrefix(path + ":15002:"), "\(error.description)")
            #expect(error.description.contains("value '12x' is not a number"))
        }
    }

    @Test("gzip, folders and mixed schemas are read; a GB18030 file is refused with its line, then decoded")
    func inputs() throws {
        let dir = try TemporaryDirectory("ingest-inputs")
        defer { dir.remove() }
        let a = "declaration_id,date,hs_code,value,currency\nA,2024-01-05,81129290,10,USD\n"
        _ = try write(a, "a.csv", in: dir)
        // b.csv.gz made with the system gzip.
        _ = try write("declaration_id,date,hs_code,value,currency,net_weight_kg\nB,2024-01-06,28053012,20,CNY,5\n", "b.csv", in: dir)
        let gz = Process()
        gz.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gz.arguments = ["-f", dir.file("b.csv")]
        try gz.run()
        gz.waitUntilExit()
        let r = try Ingest.read([dir.path], options: IngestOptions())
        #expect(r.table.files.map { URL(fileURLWithPath: $0).lastPathComponent } == ["a.csv", "b.csv.gz"])
        #expect(r.table.count == 2)
        #expect(r.table.numbers(.netWeightKg)?[0].isNaN == true)
        #expect(r.table.numbers(.netWeightKg)?[1] == 5)

        /// Twenty rows of `prefix`, the encoded text, LF: refused as not UTF-8 at line 2 and `column` with `guess`,
        /// then read with `encoding`.
        func encoded(_ name: String, header: String, prefix: (Int) -> String, text: [UInt8], column: Int, byte: UInt8,
                     guess: String, encoding: InputEncoding) throws -> IngestResult {
            var bytes = Array(header.utf8)
            for i in 0..<20 { bytes += Array(prefix(i).utf8) + text + [0x0A] }
            let path = dir.file(name)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(throws: IngestError.encoding(file: path, line: 2, column: column, byte: byte, guess: guess)) {
                try Ingest.read([path], options: IngestOptions())
            }
            let decoded = try Ingest.read([path], options: IngestOptions(encoding: encoding))
            #expect(decoded.table.count == 20)
            return decoded
        }
        // GB18030: "镓锭" is E6 D8 B6 A7 in GB18030.
        let decoded = try encoded("gb.csv", header: "declaration_id,date,hs_code,value,currency,description\n",
                                  prefix: { "G\($0),2024-01-05,81129290,10,USD," }, text: [0xE6, 0xD8, 0xB6, 0xA7],
                                  column: 31, byte: 0xE6, guess: "GB18030", encoding: .gb18030)
        #expect(decoded.table.text(.description)?.string(0).unicodeScalars.count == 2)
        #expect(throws: IngestError.self) { try Ingest.read([dir.file("missing.csv")], options: IngestOptions()) }

        // Windows-1252, a European export's: "Société Générale" with é as the single byte 0xE9 (which, before a
        // letter, also reads as a GB18030 pair: the guess must still say Windows-1252).
        let fromLatin = try encoded("latin.csv", header: "declaration_id,date,hs_code,value,currency,exporter_name\n",
                                    prefix: { "L\($0),2024-01-05,81129290,10,EUR,Soci" }, text: [0xE9] + Array("t".utf8) + [0xE9, 0x20, 0x80],
                                    column: 35, byte: 0xE9, guess: "Windows-1252", encoding: .windows1252)
        #expect(fromLatin.table.text(.traderName)?.string(0) == "Société €")
        #expect(InputEncoding(name: "Latin1") == .windows1252 && InputEncoding(name: "GBK") == .gb18030 && InputEncoding(name: "ebcdic") == nil)
    }

    /// The error that stops reading `paths`, or nil when they are read.
    func readFailure(_ paths: [String], _ options: IngestOptions) -> IngestError? {
        do {
            _ = try Ingest.read(paths, options: options)
            return nil
        } catch {
            return error
        }
    }

    @Test("a damaged or truncated .gz and invalid GB18030 stop the run with the file, the position and a hint")
    func undecodableInputs() throws {
        let dir = try TemporaryDirectory("ingest-undecodable")
        defer { dir.remove() }
        _ = try write("declaration_id,date,hs_code,value,currency\n" + (0..<200).map { "D\($0),2024-01-05,81129290,\($0),USD\n" }.joined(), "good.csv", in: dir)
        let gz = Process()
        gz.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gz.arguments = ["-f", dir.file("good.csv")]
        try gz.run()
        gz.waitUntilExit()
        let whole = try Data(contentsOf: URL(fileURLWithPath: dir.file("good.csv.gz")))
        #expect(try Ingest.read([dir.file("good.csv.gz")], options: IngestOptions()).table.count == 200)

        let cases: [(name: String, bytes: [UInt8], reason: String)] = [
            ("truncated.csv.gz", Array(whole.prefix(whole.count / 2)), "ends early"),
            ("garbage.csv.gz", Array("declaration_id,date\nplain text, not gzip\n".utf8), "not valid gzip data at byte"),
            ("empty.csv.gz", [], "ends early"),
        ]
        for c in cases {
            let path = dir.file(c.name)
            try Data(c.bytes).write(to: URL(fileURLWithPath: path))
            guard case let .undecodable(file, line, reason, hint)? = readFailure([path], IngestOptions()) else {
                Issue.record("\(c.name) did not fail as undecodable")
                continue
            }
            #expect(file == path)
            #expect(line == nil)
            #expect(reason.contains(c.reason), "\(c.name): \(reason)")
            #expect(hint.contains("re-create it with gzip"))
            #expect(readFailure([path], IngestOptions())?.description.hasPrefix("\(path): error: ") == true)
        }

        // 0x81 0x20 is not a GB18030 sequence; it sits on line 3.
        let gb: [UInt8] = Array("declaration_id,date,hs_code,value,currency,description\nG1,2024-01-05,81129290,10,USD,ok\nG2,2024-01-05,81129290,10,USD,".utf8) + [0x81, 0x20, 0x0A]
        let gbPath = dir.file("bad-gb.csv")
        try Data(gb).write(to: URL(fileURLWithPath: gbPath))
        let failure = readFailure([gbPath], IngestOptions(encoding: .gb18030))
        guard case let .undecodable(file, line, _, hint)? = failure else {
            Issue.record("invalid GB18030: \(String(describing: failure))")
            return
        }
        #expect(file == gbPath)
        #expect(line == 3)
        #expect(hint.contains("--encoding"))
        #expect(failure?.description.hasPrefix("\(gbPath):3: error: not valid GB18030") == true)
        // 0x81 is a byte Windows-1252 leaves undefined: placed the same way.
        let cp: [UInt8] = Array("declaration_id,date,hs_code,value,currency,description\nW1,2024-01-05,81129290,10,EUR,ok\nW2,2024-01-05,81129290,10,EUR,".utf8) + [0x81, 0x0A]
        let cpPath = dir.file("bad-1252.csv")
        try Data(cp).write(to: URL(fileURLWithPath: cpPath))
        let cpFailure = readFailure([cpPath], IngestOptions(encoding: .windows1252))
        #expect(cpFailure?.description.hasPrefix("\(cpPath):3: error: not valid WINDOWS-1252") == true, "\(String(describing: cpFailure))")
    }
}

@Suite("ingest fallback")
struct IngestFallbackTests {
    @Test("a second file with stray quotes late in it is re-read by the scalar path, nothing doubled or lost")
    func irregularSecondFile() throws {
        let a = try TemporaryDirectory("fallback-a"), b = try TemporaryDirectory("fallback-b")
        defer { a.remove(); b.remove() }
        _ = try Generator.run(GeneratorOptions(rows: 15_000, seed: 8), into: a.path)
        _ = try Generator.run(GeneratorOptions(rows: 15_000, seed: 9, dirty: true), into: b.path)
        let paths = [a.file("declarations.csv"), b.file("declarations.csv")]
        let auto = try Ingest.read(paths, options: IngestOptions(threads: 2, chunkSize: 1 << 16))
        let scalar = try Ingest.read(paths, options: IngestOptions(scalarTokenizer: true))
        #expect(auto.files[0].simd && !auto.files[1].simd)
        #expect(auto.table.count == scalar.table.count)
        #expect(auto.files == scalar.files.map { var f = $0; f.simd = auto.files[auto.files.firstIndex { $0.path == f.path }!].simd
            f.irregularRecords = auto.files[auto.files.firstIndex { $0.path == f.path }!].irregularRecords; return f })
        #expect(auto.table.line == scalar.table.line)
        #expect(auto.table.fileIndex == scalar.table.fileIndex)
        #expect(auto.table.valueUSD == scalar.table.valueUSD)
        #expect(auto.rejects.map(\.line) == scalar.rejects.map(\.line))
        let d1 = try #require(auto.table.text(.description)), d2 = try #require(scalar.table.text(.description))
        for r in stride(from: 0, to: auto.table.count, by: 97) { #expect(d1.string(r) == d2.string(r)) }
        for r in stride(from: 0, to: auto.table.count, by: 97) { #expect(auto.table.declarationID.string(r) == scalar.table.declarationID.string(r)) }
    }

    /// A feed the scalar path must read: quoted descriptions holding LFs and
    /// CRLFs (a piece's guessed start falls inside them), stray quotes, blank
    /// lines, bad rows, and, with `open`, a quote never closed near the end.
    static func irregularFeed(rows: Int, seed: UInt64, open: Bool, strayEvery: Int = 1) -> String {
        var rng = SeededRandom(seed: seed)
        var text = "declaration_id,item_no,declaration_date,hs_code,description,net_weight_kg,value,currency,destination_country\n"
        for r in 0..<rows {
            var roll = Int(rng.next() % 100)
            if strayEvery > 1 { roll = r % strayEvery == strayEvery / 2 ? 30 : (30..<37).contains(roll) ? 99 : roll }   // one stray quote in strayEvery rows
            let description: String
            switch roll {
            case 0..<25: description = "\"gallium ingot\nlot \(r)\n\n4N\""              // LFs (and an empty line) inside quotes
            case 25..<30: description = "\"wafers, \"\"6in\"\"\r\nboxed\""               // CRLF and doubled quotes inside quotes
            case 30..<35: description = "12\" pipe"                                    // a stray quote
            case 35..<37: description = "\"sealed\" drums"                              // text after a closing quote
            default: description = "graphite electrodes \(r % 50)"
            }
            let date = roll == 40 ? "31/02/2024" : "2024-0\(r % 9 + 1)-1\(r % 9)"
            text += "D\(r / 2),\(r % 2 + 1),\(date),3801\(r % 10)000,\(description),\(r % 700 + 1).5,\(r * 7 % 9000 + 10),USD,DE\n"
            if roll == 50 { text += "\n\r\n" }                                          // blank lines
            if roll == 51 { text += "D\(r / 2),\(r % 2 + 1),2024-01-01,38010000,dup,1,1,USD,DE\n" }   // a repeated key
        }
        if open { text += "D-last,1,2024-01-01,38010000,\"never closed,1,1,USD,DE\nD-after,1,2024-01-01,38010000,x,1,1,USD,DE\n" }
        return text
    }

    @Test("irregular quoting read in parallel pieces from guessed record starts (SIMD, each irregular record by the scalar machine where it lies) equals one scalar piece: every table column, reject and count", arguments: [
        (UInt64(1), false, 2, 1), (UInt64(2), true, 3, 1), (UInt64(3), false, 1, 1), (UInt64(4), false, 2, 4000), (UInt64(5), true, 3, 2500),
        // One stray quote late in the file (row 8,000 of 9,000): the SIMD waves before it stay, the pieces read on from there.
        (UInt64(6), false, 2, 16_000), (UInt64(7), true, 1, 16_000), (UInt64(8), false, 3, 16_000),
    ])
    func scalarPiecesAgree(seed: UInt64, open: Bool, threads: Int, strayEvery: Int) throws {
        let dir = try TemporaryDirectory("scalar-pieces")
        defer { dir.remove() }
        // About 1 MB: sixteen 64 KiB pieces, many of whose guessed starts fall inside quoted fields.
        let path = dir.file("feed.csv")
        try Data(IngestFallbackTests.irregularFeed(rows: 9_000, seed: seed, open: open, strayEvery: strayEvery).utf8).write(to: URL(fileURLWithPath: path))
        let whole = try Ingest.read([path], options: IngestOptions(threads: 1, chunkSize: 1 << 30, scalarTokenizer: true))
        let pieces = try Ingest.read([path], options: IngestOptions(threads: threads, chunkSize: 1 << 16, scalarTokenizer: true))
        let automatic = try Ingest.read([path], options: IngestOptions(threads: threads, chunkSize: 1 << 16))
        #expect(whole.table.count > 8_000 && whole.rejected > 50, "\(whole.table.count) rows, \(whole.rejected) rejected")
        if open { #expect(whole.rejectCounts[.unterminatedQuote] == 1) }
        // The SIMD path read the pieces, the scalar machine at most the records with stray quotes (and the open one).
        let feed = try String(contentsOfFile: path, encoding: .utf8)
        let stray = feed.split(separator: "\n").filter { $0.contains("12\" pipe") || $0.contains("\"sealed\" drums") }.count + (open ? 1 : 0)
        #expect(automatic.files[0].irregularRecords > 0 && automatic.files[0].irregularRecords <= stray,
                "\(automatic.files[0].irregularRecords) irregular records of \(stray)")
        #expect(pieces.files[0].irregularRecords == 0)
        for other in [pieces, automatic] {
            #expect(!other.files[0].simd)
            var files = other.files
            files[0].irregularRecords = 0
            #expect(other.files.map(\.recordsRead) == whole.files.map(\.recordsRead) && files == whole.files)
            #expect(other.rejectCounts == whole.rejectCounts)
            let a = other.rejects.array, b = whole.rejects.array
            let differ = a.indices.first { $0 < b.count && a[$0] != b[$0] }
            #expect(a.count == b.count && differ == nil, "\(a.count) vs \(b.count) rejects; first differing: \(differ.map { "\(a[$0].line) \(a[$0].reason) vs \(b[$0].line) \(b[$0].reason)" } ?? "none")")
            #expect(other.table.line == whole.table.line)
            #expect(other.table.itemNo == whole.table.itemNo && other.table.date == whole.table.date)
            #expect(other.table.valueUSD == whole.table.valueUSD)
            for r in 0..<min(other.table.count, whole.table.count) {
                guard other.table.declarationID.string(r) == whole.table.declarationID.string(r) else {
                    Issue.record("row \(r): \(other.table.declarationID.string(r)) vs \(whole.table.declarationID.string(r))"); break
                }
            }
            let da = try #require(other.table.text(.description)), db = try #require(whole.table.text(.description))
            #expect((0..<whole.table.count).allSatisfy { da.string($0) == db.string($0) })
            // The same dictionaries, values in the same order (first appearance), whoever read which piece.
            for f in TextField.allCases {
                let a = other.table.text(f), b = whole.table.text(f)
                #expect(a?.values.arena == b?.values.arena && a?.values.offsets == b?.values.offsets, "\(f)")
            }
        }
    }

    @Test("a stray quote after a run of blank lines that spans a wave's end: the waves before stay, no blank line or row counted twice", arguments: [
        (1, 1 << 16), (2, 1 << 16), (1, 100_000),
    ])
    func resumeAfterBlankLines(threads: Int, chunkSize: Int) throws {
        let dir = try TemporaryDirectory("resume-blank")
        defer { dir.remove() }
        // Rows to about 250 KB, blank lines (LF and CRLF) past 4 x 64 KiB (the first wave's end on one
        // thread), rows again, one stray quote near the end.
        var text = "declaration_id,declaration_date,hs_code,description,value,currency\n"
        var r = 0
        func rows(until bytes: Int) {
            while text.utf8.count < bytes { text += "D\(r),2024-01-0\(r % 9 + 1),38010000,\"graphite\nblocks \(r)\",\(r + 10),USD\n"; r += 1 }
        }
        rows(until: 250_000)
        while text.utf8.count < 275_000 { text += r % 2 == 0 ? "\n" : "\r\n"; r += 1 }
        rows(until: 420_000)
        text += "D-stray,2024-01-02,38010000,12\" pipe,5,USD\n"
        rows(until: 450_000)
        let path = dir.file("feed.csv")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let whole = try Ingest.read([path], options: IngestOptions(threads: 1, chunkSize: 1 << 30, scalarTokenizer: true))
        let automatic = try Ingest.read([path], options: IngestOptions(threads: threads, chunkSize: chunkSize))
        #expect(!automatic.files[0].simd && whole.files[0].blankLines > 5_000)
        #expect(automatic.files.map(\.blankLines) == whole.files.map(\.blankLines))
        #expect(automatic.files.map(\.recordsRead) == whole.files.map(\.recordsRead))
        #expect(automatic.rejected == 0 && whole.rejected == 0)
        #expect(automatic.table.line == whole.table.line)
    }
}
