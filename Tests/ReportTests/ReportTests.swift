import Declarations
import Detectors
import Foundation
@testable import Report
import Scoring
import TestSupport
import Testing

@Suite("Escaping input text for HTML, JSON and Markdown")
struct EscapingTests {
    @Test("htmlEscaped", arguments: [
        ("plain", "plain"),
        ("<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        ("a & b \"c\"", "a &amp; b &quot;c&quot;"),
        ("bell\u{07}tab\t", "belltab\t"),
        ("中文 <b>", "中文 &lt;b&gt;"),
    ])
    func html(input: String, expected: String) {
        #expect(htmlEscaped(input) == expected)
    }

    @Test("JSON strings escape quotes, backslashes, controls and HTML-significant characters")
    func json() throws {
        var j = JSONBytes()
        j.string("a\"b\\c\nd\u{01}<e>&")
        let text = String(decoding: j.buffer, as: UTF8.self)
        #expect(text == "\"a\\\"b\\\\c\\nd\\u0001\\u003ce\\u003e\\u0026\"")
        let back = try JSONDecoder().decode(String.self, from: Data(j.buffer))
        #expect(back == "a\"b\\c\nd\u{01}<e>&")
    }

    @Test("Format.decimal", arguments: [(1.0, "1"), (0.5, "0.5"), (3.14159265, "3.1416"), (-2.00001, "-2"), (1e20, "1e+20"), (1e308, "1e+308"), (-1.5e15, "-1500000000000000.0")])
    func decimal(value: Double, expected: String) {
        #expect(Format.decimal(value) == expected)
    }
}

@Suite("Parties ranked by aggregated risk")
struct PartiesTableTests {
    @Test("sums, counts, lanes and dates per exporter and per consignee; ranked by risk sum")
    func aggregate() throws {
        let dir = try TemporaryDirectory("parties")
        defer { dir.remove() }
        let csv = """
            declaration_id,item_no,export_date,exporter_name,consignee_name,consignee_country,destination_country,hs_code,declared_value,currency
            1,1,2024-01-05,=Exp A,Con X,US,US,28049000,10,USD
            2,1,2024-02-05,=Exp A,Con Y,DE,DE,28049000,10,USD
            3,1,2024-03-05,Exp B,Con X,US,US,28049000,10,USD
            4,1,2024-04-05,Exp B,Con X,US,US,28049000,10,USD

            """
        let data = try reportData(csv, in: dir, columns: [[5, 1, 0, 2]], names: ["d"], inspectRate: 0.25, amberRate: 0.25)
        let p = PartiesTable(data).parties
        #expect(p.map { "\($0.role) \($0.name) \($0.country)" } == ["consignee Con X US", "exporter =Exp A ", "exporter Exp B ", "consignee Con Y DE"])
        #expect(p[0].declarations == 3 && p[0].riskSum == 7 && p[0].riskMax == 5 && p[0].red == 1 && p[0].amber == 1)
        #expect(CivilDate(daysSinceEpoch: Int(p[0].firstSeen)).description == "2024-01-05")
        #expect(CivilDate(daysSinceEpoch: Int(p[0].lastSeen)).description == "2024-04-05")
        #expect(p[0].topDetector == "d")
        let text = String(decoding: PartiesTable(data).csv(), as: UTF8.self)
        #expect(text.contains(",'=Exp A,"), "a cell that could run as a formula is neutralised")
    }

    @Test("both roles, aggregated apart, equal one row-order pass over a dictionary of parties (seeded feeds)", arguments: [UInt64(3), 4, 5])
    func rolesApartEqualOnePass(seed: UInt64) throws {
        let dir = try TemporaryDirectory("parties-oracle")
        defer { dir.remove() }
        var rng = SeededRandom(seed: seed)
        var csv = "declaration_id,item_no,export_date,exporter_name,consignee_name,consignee_country,destination_country,hs_code,declared_value,currency\n"
        let n = 400
        // Each party under a few spellings (`PartyName`): one line per party, shown by its most used spelling.
        func spelling(_ name: String) -> String {
            [name, name.uppercased(), name + " (Osaka branch)", name + " c/o Acme Forwarding"][Int.random(in: 0..<4, using: &rng)]
        }
        for r in 0..<n {
            let exporter = spelling("Exp \(Int.random(in: 0..<12, using: &rng)) Ltd"), consignee = spelling("Con \(Int.random(in: 0..<15, using: &rng)) GmbH")
            let country = ["US", "DE", "AE", "KR"][Int.random(in: 0..<4, using: &rng)]
            csv += "\(r),1,2024-0\(Int.random(in: 1...9, using: &rng))-1\(Int.random(in: 0...9, using: &rng)),\(exporter),\(consignee),\(country),\(country),28049000,10,USD\n"
        }
        // Stored as a palette of values (30% scored, a few hundred values: every row keeps a code),
        // sparsely (4%: only the scored rows are stored), and sparsely under a background below 0,
        // where a row's unstored 0 still contributes.
        let shares = [0.3, 0.3, 0.04, 0.04]
        let columns = shares.map { share in (0..<n).map { _ in Double.random(in: 0..<1, using: &rng) < share ? Double.random(in: -2..<9, using: &rng) : 0 } }
        let data = try reportData(csv, in: dir, columns: columns, backgrounds: [0, 1, 0, -0.5], inspectRate: 0.05, amberRate: 0.1)
        #expect(data.scores.columns[2].isSparse && data.scores.columns[3].isSparse && data.scores.columns[0].isPaletted)
        // The contributions read column by column are each flagged row's own, term by term.
        let contributions = PartiesTable.Contributions(data)
        #expect(contributions.rows.map(Int.init) == data.risk.indices.filter { data.risk[$0] > 0 })
        for (k, row) in contributions.rows.enumerated() {
            let own = data.contributions(Int(row))
            #expect(Array(contributions.values[(k * own.count)..<((k + 1) * own.count)]) == own, "seed \(seed) row \(row)")
        }
        let t = data.table
        // The oracle: one pass in row order, lines keyed by role, party key and country (none for
        // exporters), each named by the spelling most used on its own rows (of equals, the first
        // met in the role's rows).
        var used: [String: [String: Int]] = [:], met: [String: [String]] = [:]
        for row in 0..<t.count {
            let roles = [("exporter", t.text(.traderName)!.string(row), ""),
                         ("consignee", t.text(.counterpartyName)!.string(row), CountryCodes.alpha2(t.countries(.counterparty)![row]))]
            for (role, name, country) in roles {
                if !met[role, default: []].contains(name) { met[role, default: []].append(name) }
                used["\(role)|\(PartyName.key(name))|\(country)", default: [:]][name, default: 0] += 1
            }
        }
        func shown(_ role: String, _ line: String) -> String {
            used[line]!.keys.max { a, b in
                used[line]![a]! != used[line]![b]! ? used[line]![a]! < used[line]![b]! : met[role]!.firstIndex(of: a)! > met[role]!.firstIndex(of: b)!
            }!
        }
        var oracle: [String: PartiesTable.Party] = [:]
        var sums: [String: [Double]] = [:]
        var spellings: [String: Set<String>] = [:]
        for row in 0..<t.count {
            let roles = [("exporter", t.text(.traderName)!.string(row), ""),
                         ("consignee", t.text(.counterpartyName)!.string(row), CountryCodes.alpha2(t.countries(.counterparty)![row]))]
            for (role, spelled, country) in roles {
                let name = shown(role, "\(role)|\(PartyName.key(spelled))|\(country)")
                let key = "\(role)|\(name)|\(country)"
                spellings[key, default: []].insert(spelled)
                var p = oracle[key] ?? PartiesTable.Party(role: role, name: name, country: country)
                p.spellings = spellings[key]!.count
                p.declarations += 1
                if data.lanes.lane[row] == .red { p.red += 1 }
                if data.lanes.lane[row] == .amber { p.amber += 1 }
                p.riskSum += data.risk[row]
                p.riskMax = max(p.riskMax, data.risk[row])
                p.firstSeen = min(p.firstSeen, t.date[row])
                p.lastSeen = max(p.lastSeen, t.date[row])
                oracle[key] = p
                if data.risk[row] > 0 {
                    let zeros = [Double](repeating: 0, count: columns.count)
                    sums[key] = columns.indices.map { sums[key, default: zeros][$0] + data.model.contribution($0, score: data.scores.columns[$0][row]) }
                }
            }
        }
        for (key, s) in sums {
            if let d = s.indices.max(by: { s[$0] < s[$1] }), s[d] > 0 { oracle[key]!.topDetector = data.scores.names[d] }
        }
        let parties = PartiesTable(data).parties
        #expect(parties.count == oracle.count)
        for p in parties { #expect(oracle["\(p.role)|\(p.name)|\(p.country)"] == p, "seed \(seed): \(p.role) \(p.name) \(p.country)") }
        let order = parties.map(\.riskSum)
        #expect(order == order.sorted(by: >))
    }

    @Test("a trader with an id is its id, as the detectors key it: one name under two ids is two lines, an id's spellings one; rows without an id go by name")
    func tradersByID() throws {
        let dir = try TemporaryDirectory("parties-ids")
        defer { dir.remove() }
        let csv = """
            declaration_id,item_no,export_date,exporter_id,exporter_name,consignee_name,consignee_country,destination_country,hs_code,declared_value,currency
            1,1,2024-01-05,A1,Acme Metals Ltd,Con X,US,US,28049000,10,USD
            2,1,2024-02-05,A2,Acme Metals Ltd,Con X,US,US,28049000,10,USD
            3,1,2024-03-05,A1,ACME METALS LTD,Con X,US,US,28049000,10,USD
            4,1,2024-04-05,,Acme Metals Ltd,Con X,US,US,28049000,10,USD
            5,1,2024-05-05,,Acme Metals Limited,Con X,US,US,28049000,10,USD
            6,1,2024-06-05,=B9,Zenith GmbH,Con X,US,US,28049000,10,USD

            """
        let data = try reportData(csv, in: dir, columns: [[1, 2, 4, 8, 16, 32]], names: ["d"], inspectRate: 0.2, amberRate: 0.2)
        let table = PartiesTable(data)
        let exporters = table.parties.filter { $0.role == "exporter" }.sorted { $0.declarations != $1.declarations ? $0.declarations > $1.declarations : $0.id < $1.id }
        #expect(exporters.map { "\($0.id)|\($0.name)|\($0.declarations)|\($0.spellings)|\(Format.decimal($0.riskSum))" } == [
            "|Acme Metals Ltd|2|2|24", "A1|Acme Metals Ltd|2|2|5", "=B9|Zenith GmbH|1|1|32", "A2|Acme Metals Ltd|1|1|2",
        ])
        let text = String(decoding: table.csv(), as: UTF8.self)
        #expect(text.hasPrefix("rank,role,name,country,declarations,red,amber,risk_sum,risk_max,top_detector,first_seen,last_seen,spellings,id\n"))
        #expect(text.contains(",'=B9\n"), "an id that could run as a formula is neutralised")
    }

    @Test("consignees keyed by the parties the detectors handed on give the lines parties.csv works out itself")
    func handedParties() throws {
        let dir = try TemporaryDirectory("parties-handed")
        defer { dir.remove() }
        var data = try reportData(Self.kiwiSpellings, in: dir, columns: [[1, 2, 4, 8, 16, 32, 64]], names: ["d"],
                                  inspectRate: 0.3, amberRate: 0.3)
        let worked = PartiesTable(data).csv()
        data.scores.counterpartyParties = PartyResolution(data.table.text(.counterpartyName)!.values)
        #expect(PartiesTable(data).csv() == worked)
    }

    /// One consignee under three spellings in three countries.
    static let kiwiSpellings = """
        declaration_id,item_no,export_date,exporter_name,consignee_name,consignee_country,destination_country,hs_code,declared_value,currency
        1,1,2024-01-05,Exp A,Kiwi Metals Ltd,US,US,28049000,10,USD
        2,1,2024-02-05,Exp A,Kiwi Metals Ltd,US,US,28049000,10,USD
        3,1,2024-03-05,Exp A,Kiwi Metals Ltd,US,US,28049000,10,USD
        4,1,2024-04-05,Exp A,KIWI METALS LTD (Hamburg branch),DE,DE,28049000,10,USD
        5,1,2024-05-05,Exp A,Kiwi Metals Ltd,DE,DE,28049000,10,USD
        6,1,2024-06-05,Exp A,KIWI METALS LTD (Hamburg branch),DE,DE,28049000,10,USD
        7,1,2024-07-05,Exp A,Kiwi Metals Limited,AE,AE,28049000,10,USD

        """

    @Test("each country's line of a consignee is shown by the spelling most used in that country")
    func spellingPerCountry() throws {
        let dir = try TemporaryDirectory("parties-spelling")
        defer { dir.remove() }
        let data = try reportData(Self.kiwiSpellings, in: dir, columns: [[1, 1, 1, 1, 1, 1, 1]], names: ["d"], inspectRate: 0.2, amberRate: 0.2)
        let lines = PartiesTable(data).parties.filter { $0.role == "consignee" }.sorted { $0.country < $1.country }
        #expect(lines.map { "\($0.country) \($0.name) \($0.spellings)" } == [
            "AE Kiwi Metals Limited 1", "DE KIWI METALS LTD (Hamburg branch) 2", "US Kiwi Metals Ltd 1",
        ])
    }

    @Test("a consignee met in two countries is two parties, each with its own rows")
    func twoCountries() throws {
        let dir = try TemporaryDirectory("parties-countries")
        defer { dir.remove() }
        let csv = """
            declaration_id,item_no,export_date,exporter_name,consignee_name,consignee_country,destination_country,hs_code,declared_value,currency
            1,1,2024-01-05,Exp A,Con X,US,US,28049000,10,USD
            2,1,2024-02-05,Exp A,Con X,DE,DE,28049000,10,USD
            3,1,2024-03-05,Exp B,Con X,US,US,28049000,10,USD
            4,1,2024-04-05,Exp B,Con X,DE,DE,28049000,10,USD
            5,1,2024-05-05,Exp B,Con X,AE,AE,28049000,10,USD

            """
        let data = try reportData(csv, in: dir, columns: [[1, 2, 4, 8, 16]], names: ["d"], inspectRate: 0.2, amberRate: 0.2)
        let p = PartiesTable(data).parties
        #expect(p.map { "\($0.role) \($0.name) \($0.country) \($0.declarations) \(Format.decimal($0.riskSum))" } == [
            "exporter Exp B  3 28", "consignee Con X AE 1 16", "consignee Con X DE 2 10", "consignee Con X US 2 5", "exporter Exp A  2 3",
        ])
    }
}
