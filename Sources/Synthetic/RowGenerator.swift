import Declarations

/// Draws row `i` of the generated file from the world, the block plans and the
/// row's own random streams. One generator per chunk; it caches the two block
/// plans a row can depend on.
struct RowGenerator {
    let world: World
    let fx: FXTable
    private var plans: [Int: BlockPlan] = [:]
    private let thirdCountryConsignees: [Int]

    init(world: World, fx: FXTable = .standard) {
        self.world = world
        self.fx = fx
        let third: Set<String> = ["MX", "CA", "VN", "TH", "MY", "AE", "TR", "KZ", "SG", "IN", "KR", "JP", "DE", "NL"]
        thirdCountryConsignees = world.consignees.indices.filter {
            third.contains(world.consignees[$0].country) && world.consignees[$0].firstActive <= world.from
        }
    }

    mutating func plan(_ block: Int) -> BlockPlan {
        if let p = plans[block] { return p }
        if plans.count > 4 { plans.removeAll(keepingCapacity: true) }
        let p = BlockPlan(block: block, world: world)
        plans[block] = p
        return p
    }

    mutating func slot(_ i: Int) -> BlockPlan.Slot? {
        guard i >= 0 && i < world.rows else { return nil }
        return plan(i / BlockPlan.size).slot(atRow: i)
    }

    /// Whether row `i` starts a declaration. Declarations have 1–4 items; a
    /// planted row is always a declaration of its own.
    mutating func startsDeclaration(_ i: Int) -> Bool {
        if i == 0 || i % 4 == 0 { return true }
        if slot(i) != nil || slot(i - 1) != nil { return true }
        return Double(RowRandom.mix(world.seed ^ UInt64(i) &* 0x9E37_79B9_7F4A_7C15) >> 11) * 0x1p-53 < 0.62
    }

    /// The first row of the declaration row `i` belongs to.
    mutating func declarationStart(_ i: Int) -> Int {
        var s = i
        while !startsDeclaration(s) { s -= 1 }
        return s
    }

    // MARK: - Rows

    mutating func row(_ i: Int) -> Row {
        let start = declarationStart(i)
        var decl = RowRandom(seed: world.seed, stream: .declaration, index: UInt64(start))
        var rng = RowRandom(seed: world.seed, stream: .row, index: UInt64(i))
        var r = Row()
        r.itemNo = i - start + 1
        r.date = world.date(ofRow: start)
        let portIndex = world.portChoice.draw(&decl)
        r.port = Geography.ports[portIndex].locode
        r.declarationID = declarationID(district: Geography.ports[portIndex].district, date: r.date, sequence: start + 1)

        if let slot = slot(i) {
            let planDate = plan(i / BlockPlan.size).date
            planted(&r, slot: slot, block: i / BlockPlan.size, planDate: planDate, decl: &decl, rng: &rng)
            r.declarationID = declarationID(district: Geography.ports[portIndex].district, date: r.date, sequence: start + 1)
        } else {
            normal(&r, decl: &decl, rng: &rng)
        }
        return r
    }

    private func declarationID(district: String, date: CivilDate, sequence: Int) -> [UInt8] {
        var s = ByteSink(capacity: 18)
        s.append(Array(district.utf8))
        s.append(int: date.components.year, width: 4)
        s.append(UInt8(ascii: "0"))
        s.append(int: sequence, width: 9)
        return s.bytes
    }

    /// Declaration-level fields of an ordinary declaration: exporter, consignee, countries, currency, transport.
    private func parties(_ r: inout Row, exporter e: Int, decl: inout RowRandom) {
        r.exporter = e
        let ex = world.exporters[e]
        var c = ex.consignees[ex.consigneeChoice.draw(&decl)]
        if world.consignees[c].firstActive > r.date { c = ex.consignees[0] }
        // After the US ban, a dealer's US business collapses: it sells elsewhere.
        if let g = ex.group, ControlledGroup.all[g].bansUS(on: r.date), world.consignees[c].country == "US",
           !world.nonUSTechConsignees.isEmpty, decl.chance(0.97) {
            c = decl.pick(world.nonUSTechConsignees)
        }
        setConsignee(&r, c, decl: &decl, banned: ex.group.map { ControlledGroup.all[$0].bansUS(on: r.date) } ?? false)
        terms(&r, decl: &decl)
    }

    private func setConsignee(_ r: inout Row, _ c: Int, decl: inout RowRandom, banned: Bool) {
        let con = world.consignees[c]
        r.consigneeField = con.field
        r.consigneeCountry = con.country
        r.destination = con.country
        r.trading = con.country
        r.finalDestination = con.country
        if con.tradingHouse {
            // A trading house contracts here and ships to a customer in its region.
            r.destination = decl.pick(Geography.country(con.country).region)
            r.finalDestination = r.destination
        } else if ["MX", "CA", "BR", "CL", "CO", "PE"].contains(con.country), decl.chance(0.08), !banned {
            r.trading = "US"  // a US trading company's contract, shipped straight to its customer
        } else if decl.chance(0.02) {
            let neighbour = Geography.countries[decl.below(Geography.countries.count)].code
            if !(banned && neighbour == "US") { r.finalDestination = neighbour }
        }
    }

    private func terms(_ r: inout Row, decl: inout RowRandom) {
        let u = decl.unit()
        let local = Geography.country(r.consigneeCountry).currency
        r.currency = u < 0.62 ? "USD" : u < 0.77 ? "CNY" : local
        let v = decl.unit()
        if v < 0.15 {
            r.transport = "AIR"
        } else if v < 0.3, ["DE", "NL", "PL", "RU", "KZ", "BY", "UZ", "CZ", "HU", "BE"].contains(r.destination) {
            r.transport = "RAIL"
        } else if v < 0.4, ["VN", "KZ", "RU", "MM", "KG", "UZ", "LA"].contains(r.destination) {
            r.transport = "ROAD"
        } else {
            r.transport = "SEA"
        }
    }

    private mutating func normal(_ r: inout Row, decl: inout RowRandom, rng: inout RowRandom) {
        let e = world.exporterChoice.draw(&decl)
        parties(&r, exporter: e, decl: &decl)
        let ex = world.exporters[e]
        let lineIndex = ex.lines[ex.lineChoice.draw(&rng)]
        goods(&r, line: lineIndex, rng: &rng, allowSample: true, allowDecoy: true)
    }

    /// Item-level fields drawn from the line's distributions.
    private func goods(_ r: inout Row, line lineIndex: Int, rng: inout RowRandom, allowSample: Bool, allowDecoy: Bool,
                       netOverride: Double? = nil) {
        let line = world.catalogue.lines[lineIndex]
        r.code = line.code
        r.unit = line.unit
        let group = line.group.map { ControlledGroup.all[$0] }
        let controlled = group?.controlled(on: r.date) ?? false

        var description: String
        if allowDecoy, !line.decoys.isEmpty, rng.chance(0.05) {
            description = rng.pick(line.decoys)
        } else {
            description = rng.pick(line.stems)
            if rng.chance(0.65) { description += (rng.chance(0.5) ? " " : ", ") + rng.pick(line.qualifiers) }
            if rng.chance(0.15) { description += rng.pick([", packed in cartons", ", in wooden cases", " in 25kg bags", ", on pallets"]) }
            if rng.chance(0.25) { description = description.uppercased() }
            if rng.chance(0.0005) { description += "\n" + rng.pick(line.qualifiers) }
        }
        let sample = allowSample && rng.chance(0.003)
        var net: Double
        if let netOverride {
            net = netOverride
        } else if sample {
            net = rng.uniform(0.05, 2)
            description += rng.chance(0.5) ? " (sample, no commercial value)" : " SAMPLE"
        } else if controlled, let group, rng.chance(0.03) {
            net = group.thresholdKg * rng.uniform(0.85, 0.995)   // a single shipment just under the threshold
        } else {
            net = Math.exp(line.lnShipmentKg + line.lnShipmentKgSigma * rng.normal())
        }
        r.description = Array(description.utf8)

        if line.unit.isCount {
            let unitKg = line.kgPerUnit * Math.exp(line.kgPerUnitSigma * rng.normal())
            let count = max(1, (net / unitKg).rounded())
            r.quantity = count
            r.quantityDecimals = 0
            net = count * unitKg
        } else if line.unit == .kg {
            r.quantity = net
            r.quantityDecimals = 3
        } else {
            let density = line.kgPerUnit * Math.exp(0.05 * rng.normal())
            r.quantity = net / density
            r.quantityDecimals = 2
        }
        r.net = net
        r.gross = net * (1 + line.packaging * Math.exp(line.packagingSigma * rng.normal()))
        var usdPerKg = Math.exp(line.lnUSDPerKg + line.lnUSDPerKgSigma * rng.normal())
        if controlled { usdPerKg *= 1.25 }   // prices rose once licences were required
        var usd = net * usdPerKg
        if sample { usd = rng.chance(0.5) ? rng.uniform(1, 30) : usd }
        r.value = usd * rate(r)
        if controlled, let group, net >= group.thresholdKg {
            r.licence = licence(group: group, date: r.date, rng: &rng)
        } else {
            r.licence = []
        }
    }

    private func rate(_ r: Row) -> Double {
        let c = r.date.components
        guard let units = fx.unitsPerUSD(r.currency, year: c.year, month: c.month) else { return 1 }
        return units
    }

    private func licence(group: ControlledGroup, date: CivilDate, rng: inout RowRandom) -> [UInt8] {
        var s = ByteSink(capacity: 14)
        s.append("LC")
        s.append(int: date.components.year, width: 4)
        s.append(Array(group.code.utf8))
        s.append(int: rng.below(1_000_000), width: 6)
        return s.bytes
    }

    // MARK: - Planted patterns

    private func groups(where include: (ControlledGroup) -> Bool) -> [Int] {
        ControlledGroup.all.indices.filter { include(ControlledGroup.all[$0]) && !world.dealers[$0].isEmpty }
    }

    private mutating func planted(_ r: inout Row, slot: BlockPlan.Slot, block: Int, planDate: CivilDate,
                                  decl: inout RowRandom, rng: inout RowRandom) {
        r.pattern = slot.pattern
        // Patterns that need a control in force are dated no earlier than the plan's date.
        switch slot.pattern {
        case .undervaluation, .weightQuantity, .restrictedParty: break
        case .splitShipments: r.date = planDate + slot.dayOffset
        default: r.date = max(r.date, planDate)
        }
        let date = r.date
        switch slot.pattern {
        case .undervaluation:
            normalParties(&r, decl: &decl, rng: &rng)
            let sigma = world.catalogue.lines[world.catalogue.index[r.code]!].lnUSDPerKgSigma
            r.value *= Math.exp(-max(1.2, rng.uniform(4, 6) * sigma))

        case .weightQuantity:
            normalParties(&r, decl: &decl, rng: &rng)
            switch rng.below(4) {
            case 0: r.gross = r.net * rng.uniform(0.3, 0.8)                      // gross below net
            case 1: r.gross = r.net * rng.uniform(3, 10)                         // gross far above net
            default:
                let factor = rng.chance(0.5) ? rng.uniform(8, 40) : 1 / rng.uniform(8, 40)
                if r.unit == .kg {
                    r.quantity *= factor                                          // quantity in kg ≠ net kg
                } else {
                    r.gross *= factor                                             // kg per unit off
                    r.net *= factor
                }
            }

        case .misdeclaredHS:
            let g = rng.pick(groups { $0.controlled(on: date) })
            let group = ControlledGroup.all[g]
            parties(&r, exporter: rng.pick(world.dealers[g]), decl: &decl)
            let trueLine = pickLine(of: g, rng: &rng)
            goods(&r, line: trueLine, rng: &rng, allowSample: false, allowDecoy: false)
            r.code = rng.pick(group.coverCodes)
            r.licence = []
            var d = rng.chance(0.9) ? rng.pick(group.hintDescriptions)
                : rng.pick(world.catalogue.lines[world.catalogue.index[r.code]!].stems) + " " + rng.pick(["99.99%", "5N", "high purity", "ingot"])
            if rng.chance(0.2) { d = d.uppercased() }
            r.description = Array(d.utf8)

        case .transshipmentRoute:
            let g = rng.pick(groups { $0.bansUS(on: date) })
            parties(&r, exporter: rng.pick(world.dealers[g]), decl: &decl)
            if rng.chance(0.08) {
                let front = world.listed[rng.pick(world.fronts)]
                r.consigneeField = csvField(front.name)
                r.consigneeCountry = front.country
                r.destination = front.country
                r.trading = front.country
                r.finalDestination = front.country
            } else {
                let c = world.consignees[rng.pick(thirdCountryConsignees)]
                r.consigneeField = c.field
                r.consigneeCountry = c.country
                r.destination = c.country
                r.trading = c.country
                r.finalDestination = c.country
                let u = rng.unit()
                if u < 0.5 { r.trading = "US" } else if u < 0.85 { r.finalDestination = "US" } else { r.trading = "US"; r.finalDestination = "US" }
            }
            terms(&r, decl: &decl)
            goods(&r, line: pickLine(of: g, rng: &rng), rng: &rng, allowSample: false, allowDecoy: false)

        case .transshipmentSurge:
            let candidates = groups { $0.bansUS(on: date) && !$0.surgeCountries.isEmpty }
            let g = rng.pick(candidates)
            let group = ControlledGroup.all[g]
            let cc = rng.pick(group.surgeCountries)
            let pool = world.surgeConsignees["\(g)|\(cc)"]!
            let active = pool.filter { world.consignees[$0].firstActive <= date }
            let c = world.consignees[active.isEmpty ? pool[0] : rng.pick(active)]
            r.exporter = rng.pick(world.dealers[g])
            r.consigneeField = c.field
            r.consigneeCountry = c.country
            r.destination = c.country
            r.trading = c.country
            r.finalDestination = c.country
            terms(&r, decl: &decl)
            let lineIndex = pickLine(of: g, rng: &rng)
            let line = world.catalogue.lines[lineIndex]
            let net = max(group.thresholdKg * 1.2, Math.exp(line.lnShipmentKg + 0.9 + 0.4 * rng.normal()))
            goods(&r, line: lineIndex, rng: &rng, allowSample: false, allowDecoy: false, netOverride: net)

        case .restrictedParty:
            let target = rng.pick(world.screenTargets)
            var base = world.listed[target].name
            if rng.chance(0.3), let alias = world.listed.firstIndex(where: { $0.aliasOf == target }) {
                base = world.listed[alias].name
            }
            let name = rng.chance(0.85) ? Names.variant(of: base, &rng) : base
            let dealerGroups = groups { $0.controlled(on: date) }
            let useDealer = !dealerGroups.isEmpty && rng.chance(0.6)
            let g = useDealer ? rng.pick(dealerGroups) : nil
            let e = g.map { rng.pick(world.dealers[$0]) } ?? world.exporterChoice.draw(&decl)
            r.exporter = e
            let country = rng.chance(0.9) ? world.listed[target].country : Geography.countries[rng.below(Geography.countries.count)].code
            r.consigneeField = csvField(name)
            r.consigneeCountry = country
            r.destination = country
            r.trading = country
            r.finalDestination = country
            terms(&r, decl: &decl)
            let ex = world.exporters[e]
            let lineIndex = g.map { pickLine(of: $0, rng: &rng) } ?? ex.lines[ex.lineChoice.draw(&rng)]
            goods(&r, line: lineIndex, rng: &rng, allowSample: false, allowDecoy: false)

        case .splitShipments:
            var burst = RowRandom(seed: world.seed, stream: .corridor, index: UInt64(block * 64 + slot.burst))
            let g = burst.pick(groups { $0.controlled(on: planDate) })
            let group = ControlledGroup.all[g]
            var pairRandom = burst
            parties(&r, exporter: burst.pick(world.dealers[g]), decl: &pairRandom)
            // Every member of the burst shares the pair, the line and the terms.
            let lineIndex = pickLine(of: g, rng: &burst)
            goods(&r, line: lineIndex, rng: &rng, allowSample: false, allowDecoy: false,
                  netOverride: group.thresholdKg * rng.uniform(0.85, 0.995))
            r.licence = []
        }
    }

    /// An ordinary declaration's parties and goods, never a sample (planted rows must stand on their own).
    private mutating func normalParties(_ r: inout Row, decl: inout RowRandom, rng: inout RowRandom) {
        let e = world.exporterChoice.draw(&decl)
        parties(&r, exporter: e, decl: &decl)
        let ex = world.exporters[e]
        goods(&r, line: ex.lines[ex.lineChoice.draw(&rng)], rng: &rng, allowSample: false, allowDecoy: false)
    }

    private func pickLine(of group: Int, rng: inout RowRandom) -> Int {
        let lines = world.catalogue.linesOfGroup[group]
        return lines[WeightedChoice(lines.map { world.catalogue.lines[$0].popularity }).draw(&rng)]
    }
}
