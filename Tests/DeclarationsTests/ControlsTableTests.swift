import Declarations
import Testing

@Suite("controls table")
struct ControlsTableTests {
    let t = ControlsTable.standard

    @Test("the default table holds the DOMAIN.md controls with their dates")
    func defaults() {
        #expect(t.groups == ["gallium", "germanium", "graphite", "antimony", "superhard", "rare_earths"])
        let d = { (s: String) in CivilDate(iso: s)! }
        #expect(!t.licenceRules(code: "81129290", date: d("2023-07-31"), destination: "DE").contains { $0.group == "gallium" })
        #expect(t.licenceRules(code: "81129290", date: d("2023-08-01"), destination: "DE").map(\.group) == ["gallium"])
        #expect(t.licenceRules(code: "8112929010", date: d("2024-01-01"), destination: "JP").first?.thresholdKg == 50)
        #expect(t.licenceRules(code: "28053012", date: d("2025-04-03"), destination: "JP").isEmpty)
        #expect(t.licenceRules(code: "28053012", date: d("2025-04-04"), destination: "JP").map(\.group) == ["rare_earths"])
        let bans = t.rules.filter { $0.kind == .banned && $0.inForce(on: d("2025-01-10")) && $0.applies(to: "US") }
        #expect(Set(bans.map(\.group)) == ["gallium", "germanium", "antimony", "superhard"])
        #expect(!t.rules.contains { $0.kind == .banned && $0.inForce(on: d("2026-01-10")) }, "suspended 2025-11-09 to 2026-11-27")
        #expect(t.isControlled(code: "28500019") && !t.isControlled(code: "28469011") && !t.isControlled(code: "85414100"))
        #expect(t.rules.first { $0.group == "rare_earths" }!.keywords.contains("镝"))
    }

    @Test("a user file replaces or extends the default; errors name the line", arguments: [
        ("item_group,code_prefixes,keywords,valid_from,valid_to,destination_scope,rule,quantity_threshold_kg,source_note\nx,1234,,2024-01-01,,all,licence,,n\ny,,,2024-01-01,,all,licence,,n\n", 3, "a rule needs code_prefixes or keywords"),
        ("item_group,code_prefixes,keywords,valid_from,valid_to,destination_scope,rule,quantity_threshold_kg,source_note\nx,1234,,2024-13-01,,all,licence,,n\n", 2, "valid_from '2024-13-01' is not YYYY-MM-DD"),
        ("item_group,code_prefixes,keywords,valid_from,valid_to,destination_scope,rule,quantity_threshold_kg,source_note\nx,1234,,2024-01-01,,Narnia,licence,,n\n", 2, "destination 'Narnia' is not a country"),
        ("item_group,code_prefixes,keywords,valid_from,valid_to,destination_scope,rule,quantity_threshold_kg,source_note\nx,1234,,2024-01-01,,all,forbid,,n\n", 2, "rule 'forbid' must be licence or banned"),
        ("item_group,code_prefixes\nx,1\n", 1, "missing column keywords"),
    ])
    func userFiles(text: String, line: Int, message: String) {
        do {
            _ = try ControlsTable(csv: Array(text.utf8), source: "c.csv")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == line)
            #expect(error.message.hasPrefix(message), "\(error.message)")
        }
    }

    @Test("extending adds rules with their scope")
    func extend() throws {
        let extra = try ControlsTable(csv: Array("item_group,code_prefixes,keywords,valid_from,valid_to,destination_scope,rule,quantity_threshold_kg,source_note\nindium,811292,indium,2025-02-01,,US;RU,banned,,test\n".utf8), source: "extra.csv")
        let both = t.extended(with: extra)
        #expect(both.rules.count == t.rules.count + 1)
        #expect(both.groups.last == "indium")
        #expect(both.rules.last!.applies(to: "RU") && !both.rules.last!.applies(to: "DE"))
    }
}
