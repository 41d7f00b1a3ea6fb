import CSVCore
import Declarations
import Foundation
import Synthetic
import TestSupport
import Testing

/// Every planted row satisfies its pattern's definition, checked from the
/// written files against facts stated independently in `DomainFacts`.
@Suite("planted patterns", .serialized)
struct PlantedPatternTests {
    static let data: GeneratedData = try! GeneratedData.make(rows: 150_000, seed: 21)

    var d: GeneratedData { Self.data }
    func c(_ name: String) -> Int { d.column(name) }
    func number(_ r: [String], _ name: String) -> Double { Double(r[c(name)])! }

    /// Median USD/kg and kg/unit of each code over unplanted rows.
    var medians: (usdPerKg: [String: Double], kgPerUnit: [String: Double]) {
        let planted = Set(d.labels.map { $0.id })
        var perKg: [String: [Double]] = [:], perUnit: [String: [Double]] = [:]
        for r in d.rows where !planted.contains(r[0]) {
            let net = number(r, "net_weight_kg")
            guard net > 2 else { continue }  // leave samples out
            perKg[r[c("hs_code")], default: []].append(d.usd(r) / net)
            perUnit[r[c("hs_code")], default: []].append(net / number(r, "quantity"))
        }
        func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }
        return (perKg.mapValues(median), perUnit.mapValues(median))
    }

    @Test("misdeclared_hs: controlled goods under an ordinary code, description hinting at them, no licence")
    func misdeclared() {
        let rows = d.planted(.misdeclaredHS)
        for r in rows {
            #expect(DomainFacts.thresholds[r[c("hs_code")]] == nil, "\(r[0]) declared under a controlled code")
            let text = r[c("goods_description")].lowercased()
            #expect(DomainFacts.hints.contains { text.contains($0) }, "\(r[0]) description '\(text)' hints at nothing")
            #expect(r[c("export_date")] >= "2023-08-01")
            #expect(r[c("licence_number")].isEmpty)
        }
        // The value fits the true goods: far above the cover code's own trade for most rows.
        let m = medians.usdPerKg
        let above = rows.filter { d.usd($0) / number($0, "net_weight_kg") > 3 * (m[$0[c("hs_code")]] ?? .infinity) }
        #expect(Double(above.count) >= 0.6 * Double(rows.count), "\(above.count) of \(rows.count) priced like controlled goods")
    }

    @Test("undervaluation: every row priced below its line's median, nearly all below a third")
    func undervaluation() {
        let m = medians.usdPerKg
        let rows = d.planted(.undervaluation)
        var deep = 0
        for r in rows {
            let ratio = d.usd(r) / number(r, "net_weight_kg") / m[r[c("hs_code")]]!
            #expect(ratio < 1, "\(r[0]) ratio \(ratio)")
            if ratio < 1.0 / 3 { deep += 1 }
        }
        #expect(Double(deep) >= 0.9 * Double(rows.count), "\(deep) of \(rows.count) below a third of the median")
    }

    @Test("weight_quantity: gross below net, gross far above net, or quantity and weight that don't fit")
    func weightQuantity() {
        let m = medians.kgPerUnit
        for r in d.planted(.weightQuantity) {
            let net = number(r, "net_weight_kg"), gross = number(r, "gross_weight_kg"), qty = number(r, "quantity")
            let grossOff = gross < net || gross > 2.5 * net
            let unitRatio = (net / qty) / m[r[c("hs_code")]]!
            let unitOff = unitRatio > 5 || unitRatio < 0.2
            #expect(grossOff || unitOff, "\(r[0]): net \(net) gross \(gross) qty \(qty) kg/unit ratio \(unitRatio)")
        }
    }

    @Test("transshipment_route: banned goods after the ban to a third country, the US as trading or final destination, or a known front")
    func route() throws {
        let fronts = Set(try CSVTable(bytes: d.file("restricted_parties.csv")).rows.filter { $0[2] == "KNOWN_FRONT" }.map { $0[0] })
        for r in d.planted(.transshipmentRoute) {
            #expect(r[c("export_date")] >= "2024-12-03")
            #expect(DomainFacts.usBanned(r[c("hs_code")]), "\(r[0]) code \(r[c("hs_code")])")
            #expect(r[c("destination_country")] != "US")
            let viaUS = r[c("trading_country")] == "US" || r[c("final_destination_country")] == "US"
            #expect(viaUS || fronts.contains(r[c("consignee_name")]), "\(r[0]) neither routed via US nor to a front")
        }
    }

    @Test("transshipment_surge: after the ban, consignees new since the ban in corridor countries take controlled goods")
    func surge() {
        var firstSeen: [String: String] = [:]
        for r in d.rows {
            let name = r[c("consignee_name")], date = r[c("export_date")]
            if firstSeen[name].map({ date < $0 }) ?? true { firstSeen[name] = date }
        }
        for r in d.planted(.transshipmentSurge) {
            #expect(r[c("export_date")] >= "2024-12-03")
            #expect(DomainFacts.thresholds[r[c("hs_code")]] != nil)
            #expect(DomainFacts.corridorCountries.contains(r[c("destination_country")]))
            #expect(firstSeen[r[c("consignee_name")]]! >= "2024-12-03", "\(r[c("consignee_name")]) seen before the ban")
        }
    }

    @Test("restricted_party: the consignee is a spelling variant or alias of a listed party")
    func restrictedParty() throws {
        let listed = try CSVTable(bytes: d.file("restricted_parties.csv")).rows.filter { $0[2] != "KNOWN_FRONT" }.map { $0[0] }
        var exact = 0
        let rows = d.planted(.restrictedParty)
        for r in rows {
            let name = r[c("consignee_name")]
            if listed.contains(name) { exact += 1 }
            #expect(listed.contains { NameSimilarity.isVariant(name, of: $0) }, "\(name) is not a variant of any listed party")
        }
        #expect(exact < rows.count / 3, "most names are variants, not exact copies")
    }

    @Test("split_shipments: bursts of 3+ by one pair within 10 days, each just under the threshold, no licence")
    func split() {
        let rows = d.planted(.splitShipments)
        var byPair: [String: [String]] = [:]
        for r in rows {
            let t = DomainFacts.thresholds[r[c("hs_code")]]!
            let net = number(r, "net_weight_kg")
            #expect(net >= 0.85 * t && net < t, "\(r[0]) net \(net) vs threshold \(t)")
            #expect(r[c("licence_number")].isEmpty)
            byPair[r[c("exporter_id")] + "|" + r[c("consignee_name")], default: []].append(r[c("export_date")])
        }
        for (pair, dates) in byPair {
            #expect(dates.count >= 3, "pair \(pair) has \(dates.count) planted shipments")
            let days = dates.map { CivilDate(iso: $0)!.daysSinceEpoch }.sorted()
            // Members of one burst sit within 10 days of a neighbour.
            for k in days.indices where days.count > 1 {
                let gap = min(k > 0 ? days[k] - days[k - 1] : .max, k + 1 < days.count ? days[k + 1] - days[k] : .max)
                #expect(gap <= 10, "pair \(pair): isolated shipment")
            }
        }
    }
}


/// An independent test of "spelling variant or alias": legal forms dropped, then
/// most distinctive tokens match exactly, within one edit, or as an abbreviation.
enum NameSimilarity {
    static func tokens(_ s: String) -> [String] {
        s.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init).filter { !DomainFacts.legalForms.contains($0) }
    }

    static func isVariant(_ name: String, of listed: String) -> Bool {
        let a = tokens(name), b = tokens(listed)
        guard !b.isEmpty, !a.isEmpty else { return false }
        let matched = b.filter { t in a.contains { close($0, t) } }.count
        return close(a[0], b[0]) && Double(matched) >= 0.5 * Double(b.count)
    }

    static func close(_ x: String, _ y: String) -> Bool {
        if x == y { return true }
        if x.count >= 2 && y.hasPrefix(x) { return true }          // Tech ← Technologies
        if ["intl", "trdg", "mfg", "imp", "exp", "group", "international"].contains(x) { return true }
        return editDistance(Array(x), Array(y)) <= 1
    }

    /// Optimal-string-alignment distance: insertions, deletions, substitutions
    /// and adjacent transpositions each cost one.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var prev = Array(0...b.count)
        var prevPrev = prev
        for i in 1...max(1, a.count) where !a.isEmpty {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    cur[j] = min(cur[j], prevPrev[j - 2] + 1)  // a transposition is one edit
                }
            }
            prevPrev = prev
            prev = cur
        }
        return a.isEmpty ? b.count : prev[b.count]
    }
}
