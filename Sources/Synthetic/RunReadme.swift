/// The README.md written beside a generated data set.
enum RunReadme {
    static func text(options: GeneratorOptions, summary: GeneratorSummary, world: World) -> String {
        var t = """
        # Generated export declarations

        Made by `tradescan generate --rows \(options.rows) --seed \(options.seed) --from \(options.from) --to \(options.to)\(options.dirty ? " --dirty" : "")\(options.freeText ? " --free-text" : "")`.
        The same command writes byte-identical files on any machine and with any thread count.

        | file | what it holds |
        |---|---|
        | `declarations.csv` | \(summary.rows) goods lines of China export declarations, \(summary.lines) physical lines, \(summary.bytes) bytes; UTF-8, RFC 4180 quoting; export-style column names that auto-map to the canonical record |
        | `labels.csv` | `declaration_id,item_no,pattern` for each planted row (\(summary.patternCounts.values.reduce(0, +)) rows) |
        | `restricted_parties.csv` | `name,country,list,alias_of`: \(summary.listedParties) listed parties (lists ENTITY_LIST, SDN, MEU; KNOWN_FRONT for front companies); aliases name their primary entry |

        """
        if options.dirty {
            t += "| `bad_rows.csv` | every bad row: physical line, key, kind, problem, expected handling (reject or accept) and the reject reason |\n"
        }
        t += """

        ## The world

        - \(summary.exporters) exporters and \(summary.consignees) consignees in \(Geography.countries.count) countries, with lasting
          relationships: each exporter ships a few tariff lines to its regular consignees; a quarter of the consignees first
          appear inside the date range (legitimate new consignees).
        - \(summary.tariffLines) tariff lines (8 digits), \(summary.controlledLines) of them controlled (gallium, germanium,
          graphite, antimony, superhard materials, medium and heavy rare earths). Per line: log-normal USD/kg, shipment
          size, kg per unit for count units, gross/net packaging ratio; descriptions from per-line stems and qualifiers
          with natural variation (upper case, packing notes, Chinese, purity like 5N or 99.99%), and decoys that name a
          controlled material legitimately (GaN LED chips, graphite electrodes, antimony-free PET, diamond saw blades).
        - Currencies: USD, CNY and the buyer's currency, converted with the built-in monthly FX table.
        - Calendar: fewer declarations at weekends and around the Spring Festival, an autumn peak, slow growth.
        - Samples (0.3% of ordinary rows): tiny weights, nominal values, "SAMPLE" in the description.
        - Trading houses in HK, SG, AE, NL and CH contract in their country and ship to their region; some Latin American
          buyers contract through US trading companies: legitimate country mismatches.

        ## Control events

        | group | licence required from | threshold (kg) | US exports |
        |---|---|---|---|

        """
        for g in ControlledGroup.all {
            t += "| \(g.name) (\(g.code)) | \(g.controlFrom) | \(Int(g.thresholdKg)) | \(g.usBanFrom.map { "collapse after \($0) (97% of US flows redirected)" } ?? "unaffected") |\n"
        }
        t += """

        Shipments of a controlled line at or over the threshold after the control date carry a licence number
        (`LC<year><group><6 digits>`); 3% of controlled shipments sit just under the threshold on their own.

        ## Planted patterns (about 1% of rows)

        | pattern | rows | how it is made | legitimate look-alikes |
        |---|---|---|---|

        """
        let how: [Pattern: (String, String)] = [
            .misdeclaredHS: ("controlled goods from a dealer, declared under an ordinary cover code; 90% of descriptions hint at the true goods (symbol, formula, Chinese name, purity); value and weight drawn from the true line", "decoy descriptions under their proper codes; cover codes' own trade"),
            .undervaluation: ("an ordinary shipment whose value is cut by a factor exp(max(1.2, 4–6·σ)) of the line's log-spread σ", "samples; wide-spread lines (σ ≈ 1)"),
            .weightQuantity: ("gross below net (×0.3–0.8), gross far above net (×3–10), or kg per unit / kg quantity off by ×8–40", "lines packed heavily (drums, cases)"),
            .transshipmentRoute: ("controlled goods of a US-banned group after the ban to a third country with trading and/or final destination US; 8% to a KNOWN_FRONT consignee", "trading houses; US trading companies for ordinary goods"),
            .transshipmentSurge: ("after the US ban, new consignees in corridor countries (GA: TH, MY; GE: VN; SB: MX, TH; SH: AE) take large shipments", "legitimate new consignees; ordinary growth"),
            .restrictedParty: ("consignee named as a spelling variant (legal form, typo, abbreviation, punctuation, case) or alias of a listed party; 90% in the party's country", "consignees sharing a distinctive token with a listed party"),
            .splitShipments: ("bursts of 3–6 shipments by one exporter–consignee pair within 1–10 days, each at 85–99.5% of the licence threshold, no licence", "single shipments just under the threshold"),
        ]
        for p in Pattern.allCases {
            t += "| `\(p.rawValue)` | \(summary.patternCounts[p] ?? 0) | \(how[p]!.0) | \(how[p]!.1) |\n"
        }
        t += "\nPlanted rows are single-item declarations. Route and surge rows occur only after the US ban (2024-12-03);\n"
        t += "misdeclaration and split shipments only once a control is in force.\n"
        if options.freeText {
            t += "\n## Free text (`--free-text`)\n\n"
            t += "Every description carries a lot, batch, order or reference number (nearly every one is distinct). In 6\n"
            t += "declarations in 10 without a planted row, and in 6 in 10 of the split-shipment and restricted-party ones (an\n"
            t += "evader varies the consignee's name too), the consignee is named with a branch, warehouse or forwarder\n"
            t += "added: one of the 8 spellings each consignee has. Every other field, and every other planted row's\n"
            t += "consignee, is as without `--free-text`.\n"
        }
        if options.dirty {
            t += "\n## Bad rows (`--dirty`)\n\n| kind | rows | expected handling |\n|---|---|---|\n"
            for k in DirtyKind.allCases {
                t += "| \(k.rawValue): \(k.problem) | \(summary.dirtyCounts[k] ?? 0) | \(k.expectedHandling)\(k.reasonCode.isEmpty ? "" : " (`\(k.reasonCode)`)") |\n"
            }
        }
        return t
    }
}
