import CSVCore
import Declarations
import Foundation
import Synthetic
import TestSupport
import Testing

@Suite("seeded generator")
struct GeneratorTests {
    @Test("same seed and options give byte-identical files whatever the thread count")
    func determinism() throws {
        let a = try GeneratedData.make(rows: 40_000, seed: 11, dirty: true, threads: 1)
        let b = try GeneratedData.make(rows: 40_000, seed: 11, dirty: true, threads: 2)
        let c = try GeneratedData.make(rows: 40_000, seed: 12, dirty: true, threads: 2)
        defer { a.dir.remove(); b.dir.remove(); c.dir.remove() }
        for name in ["declarations.csv", "labels.csv", "restricted_parties.csv", "bad_rows.csv"] {
            #expect(try a.file(name) == b.file(name), "\(name) differs between 1 and 2 threads")
        }
        // The README holds the run time, so compare it without that.
        #expect(try a.file("declarations.csv") != c.file("declarations.csv"), "another seed gives other data")
    }

    @Test("free text: descriptions nearly all distinct and consignees under several spellings, a declaration's items under one; every other field, planted consignees (split shipments' and restricted parties' aside) and the labels as without it; the same files on 1 and 2 threads")
    func freeText() throws {
        let plain = try GeneratedData.make(rows: 30_000, seed: 21)
        let free = try GeneratedData.make(rows: 30_000, seed: 21, freeText: true, threads: 1)
        let again = try GeneratedData.make(rows: 30_000, seed: 21, freeText: true, threads: 2)
        defer { plain.dir.remove(); free.dir.remove(); again.dir.remove() }
        #expect(try free.file("declarations.csv") == again.file("declarations.csv"))
        #expect(try free.file("labels.csv") == plain.file("labels.csv"))
        #expect(try free.file("restricted_parties.csv") == plain.file("restricted_parties.csv"))
        #expect(free.rows.count == plain.rows.count)
        let consignee = plain.header.firstIndex(of: "consignee_name")!, description = plain.header.firstIndex(of: "goods_description")!
        var renamed = 0
        var spellings: [String: Set<String>] = [:]
        var byDeclaration: [String: String] = [:]
        for (p, f) in zip(plain.rows, free.rows) {
            for k in p.indices where k != consignee && k != description { #expect(p[k] == f[k], "field \(plain.header[k]) of \(p[0])/\(p[1])") }
            #expect(f[description].hasPrefix(p[description]) && f[description].count > p[description].count)
            #expect(f[consignee].hasPrefix(p[consignee]))
            if f[consignee] != p[consignee] { renamed += 1 }
            spellings[p[consignee], default: []].insert(f[consignee])
            if let seen = byDeclaration[f[0]] { #expect(seen == f[consignee], "declaration \(f[0]) names two consignees") }
            byDeclaration[f[0]] = f[consignee]
        }
        // Planted consignees as listed, but for split shipments and restricted parties, whose evaders vary the name too.
        var renamedPlanted: [String: Int] = [:], planted: [String: Int] = [:]
        for l in free.labels {
            let f = free.rows[free.rowIndex[l.id + "/" + l.item]!][consignee], p = plain.rows[plain.rowIndex[l.id + "/" + l.item]!][consignee]
            if l.pattern == "split_shipments" || l.pattern == "restricted_party" {
                planted[l.pattern, default: 0] += 1
                if f != p { renamedPlanted[l.pattern, default: 0] += 1 }
                #expect(f.hasPrefix(p))
            } else {
                #expect(f == p, "\(l.pattern) row \(l.id)/\(l.item)")
            }
        }
        for pattern in ["split_shipments", "restricted_party"] {
            let n = planted[pattern] ?? 0, renamed = renamedPlanted[pattern] ?? 0
            #expect(n > 0 && renamed > n / 4 && renamed < n, "\(pattern) rows renamed \(renamed) of \(n)")
        }
        #expect(Set(free.rows.map { $0[description] }).count > free.rows.count * 95 / 100)
        #expect(Double(renamed) / Double(free.rows.count) > 0.4 && Double(renamed) / Double(free.rows.count) < 0.75, "renamed \(renamed)")
        #expect(spellings.values.map(\.count).max()! <= 9)
        #expect(String(decoding: try free.file("README.md"), as: UTF8.self).contains("--free-text"))
    }

    @Test("about 1% of rows are planted, every pattern occurs, counts match the README")
    func patternCounts() throws {
        let d = try GeneratedData.make(rows: 120_000, seed: 5)
        defer { d.dir.remove() }
        let share = Double(d.labels.count) / 120_000
        #expect(share > 0.008 && share < 0.012, "planted share \(share)")
        let readme = String(decoding: try d.file("README.md"), as: UTF8.self)
        for p in Pattern.allCases {
            let n = d.labels.filter { $0.pattern == p.rawValue }.count
            #expect(n >= 20, "\(p.rawValue): \(n) rows")
            #expect(n == d.summary.patternCounts[p] ?? 0)
            #expect(readme.contains("| `\(p.rawValue)` | \(n) |"), "README count for \(p.rawValue)")
        }
        // Every label names a row; planted rows are single-item declarations.
        for l in d.labels {
            #expect(d.rowIndex[l.id + "/" + l.item] != nil, "label \(l.id)/\(l.item) has no row")
            #expect(l.item == "1")
        }
        #expect(d.rows.count == 120_000)
        #expect(d.rows.allSatisfy { $0.count == 21 })
    }

    @Test("a world of thousands of parties in ~60 countries, headers that auto-map")
    func realism() throws {
        let d = try GeneratedData.make(rows: 200_000, seed: 8)
        defer { d.dir.remove() }
        let countries = Set(d.rows.map { $0[d.column("consignee_country")] })
        #expect(countries.count >= 55)
        #expect(Set(d.rows.map { $0[d.column("exporter_id")] }).count >= 500)
        #expect(Set(d.rows.map { $0[d.column("consignee_name")] }).count >= 1000)
        #expect(Set(d.rows.map { $0[d.column("hs_code")] }).count >= 250)
        #expect(Set(d.rows.map { $0[d.column("currency")] }).count >= 8)
        #expect(d.rows.contains { $0[d.column("goods_description")].unicodeScalars.contains { $0.value > 0x4E00 } }, "some Chinese")
        #expect(d.rows.contains { $0[d.column("goods_description")].contains("GaN LED") }, "decoys")
        #expect(d.rows.contains { $0[d.column("goods_description")].contains("\n") }, "a quoted line break")
        #expect(d.rows.contains { $0[0].hasPrefix("0") }, "declaration ids with leading zeros")
        for h in d.header { #expect(CanonicalField.match(header: h) != nil, "header \(h) auto-maps") }
        // Dates are in range and in order of rows, apart from planted bursts.
        let dates = d.rows.map { $0[d.column("export_date")] }
        #expect(dates.min()! >= "2023-01-01" && dates.max()! <= "2025-10-31")
        // After the US ban, US flows of banned goods collapse (planted routing aside).
        let planted = Set(d.labels.map { $0.id })
        func usShare(_ range: ClosedRange<String>) -> Double {
            let banned = d.rows.filter { range.contains($0[d.column("export_date")]) && DomainFacts.usBanned($0[d.column("hs_code")]) && !planted.contains($0[0]) }
            return Double(banned.filter { $0[d.column("destination_country")] == "US" }.count) / Double(max(1, banned.count))
        }
        let before = usShare("2023-01-01"..."2024-12-02"), after = usShare("2024-12-03"..."2025-10-31")
        #expect(before > 0.08 && after < before / 5, "US share of banned goods \(before) → \(after)")
        // Licences after the control date above the threshold.
        for r in d.rows where !planted.contains(r[0]) {
            if let t = DomainFacts.thresholds[r[d.column("hs_code")]], r[d.column("export_date")] >= "2025-04-04",
               let net = Double(r[d.column("net_weight_kg")]), net >= t {
                #expect(!r[d.column("licence_number")].isEmpty, "licence missing on \(r[0])")
            }
        }
    }
}
