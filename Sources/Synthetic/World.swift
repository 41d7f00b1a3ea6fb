import Declarations

/// Everything fixed before the first row is drawn: tariff lines, parties,
/// relationships, the restricted list, corridors and the calendar. Its size
/// depends on the row count only up to a cap, so generation streams in bounded
/// memory.
struct World: Sendable {
    let seed: UInt64
    let rows: Int
    let from: CivilDate
    let to: CivilDate
    let catalogue: Catalogue
    let exporters: [Exporter]
    let exporterChoice: WeightedChoice
    let consignees: [Consignee]
    let listed: [ListedParty]
    /// Primary (non-alias, non-front) listed parties, for restricted_party rows.
    let screenTargets: [Int]
    /// Known fronts, for transshipment_route rows.
    let fronts: [Int]
    /// Consignees of controlled goods outside the US, for redirected US flows.
    let nonUSTechConsignees: [Int]
    /// Per controlled group: dealer exporters.
    let dealers: [[Int]]
    /// Per (group, surge country): new consignees created after the US ban.
    let surgeConsignees: [String: [Int]]
    /// Cumulative share of rows up to and including each day of the range.
    let cumulativeDays: [Double]
    let portChoice: WeightedChoice

    init(seed: UInt64, rows: Int, from: CivilDate, to: CivilDate) {
        precondition(from <= to, "from must not be after to")
        self.seed = seed
        self.rows = rows
        self.from = from
        self.to = to
        let catalogue = Catalogue(seed: seed)
        self.catalogue = catalogue
        var rng = RowRandom(seed: seed, stream: .world, index: 0)

        // Consignees: thousands in ~60 countries; a quarter first appear inside the range.
        let exporterCount = min(4000, max(60, rows / 250))
        let consigneeCount = exporterCount * 2
        let countryChoice = WeightedChoice(Geography.countries.map(\.weight))
        let techChoice = WeightedChoice(Geography.countries.map(\.techWeight))
        let span = to.daysSinceEpoch - from.daysSinceEpoch
        var consignees: [Consignee] = []
        func makeConsignee(country: String, firstActive: CivilDate, tradingHouse: Bool, rng: inout RowRandom) -> Int {
            let c = Geography.country(country)
            var name = Names.consignee(country: c, &rng)
            if tradingHouse && !name.contains("Trading") { name = name.replacingFirst(" ", with: " Trading ") }
            let idNumber = consignees.count + 1
            var id: [UInt8] = Array("C\(country)".utf8)
            var sink = ByteSink()
            sink.append(int: idNumber, width: 6)
            id.append(contentsOf: sink.bytes)
            consignees.append(Consignee(id: id, name: name, field: csvField(name), country: country,
                                        firstActive: firstActive, tradingHouse: tradingHouse))
            return consignees.count - 1
        }
        var techConsignees: [Int] = []
        for k in 0..<consigneeCount {
            let tech = k % 5 == 0
            let country = Geography.countries[(tech ? techChoice : countryChoice).draw(&rng)]
            let late = rng.chance(0.25)
            let first = late ? from + rng.below(max(1, span)) : from + (-400 - rng.below(1500))
            let house = !country.region.isEmpty && rng.chance(0.35)
            let i = makeConsignee(country: country.code, firstActive: first, tradingHouse: house, rng: &rng)
            if tech { techConsignees.append(i) }
        }

        // The restricted list: primary entries, aliases and known fronts.
        let listCountries = ["RU", "RU", "RU", "HK", "HK", "AE", "AE", "TR", "IR", "IR", "BY", "KZ", "KG", "AM", "PK", "MM", "IN"]
        var listed: [ListedParty] = []
        var screenTargets: [Int] = []
        let listSize = 150
        for _ in 0..<listSize {
            let cc = rng.pick(listCountries)
            let name = Names.consignee(country: Geography.country(cc), &rng)
            listed.append(ListedParty(name: name, country: cc, list: rng.pick(["ENTITY_LIST", "SDN", "MEU"]), aliasOf: nil))
            screenTargets.append(listed.count - 1)
            if rng.chance(0.4) {
                let alias = Names.consignee(country: Geography.country(cc), &rng)
                listed.append(ListedParty(name: alias, country: cc, list: listed[listed.count - 1].list, aliasOf: listed.count - 1))
            }
        }
        // Legitimate consignees that share a distinctive token with a listed party.
        for _ in 0..<(consigneeCount / 30) {
            let target = listed[rng.pick(screenTargets)]
            let token = target.name.split(separator: " ").first.map(String.init) ?? "Apex"
            let country = Geography.countries[countryChoice.draw(&rng)]
            let name = "\(token) \(rng.pick(["Foods", "Textiles", "Furniture", "Logistics", "Home", "Auto Parts", "Garden"])) \(rng.pick(country.legalForms))"
            consignees.append(Consignee(id: Array("C\(country.code)9\(consignees.count)".utf8), name: name, field: csvField(name),
                                        country: country.code, firstActive: from + (-300 - rng.below(600)), tradingHouse: false))
        }
        var fronts: [Int] = []
        let frontCountries = ["MX", "CA", "VN", "TH", "MY", "AE", "TR", "KZ"]
        for _ in 0..<24 {
            let cc = rng.pick(frontCountries)
            let name = Names.consignee(country: Geography.country(cc), &rng)
            listed.append(ListedParty(name: name, country: cc, list: "KNOWN_FRONT", aliasOf: nil))
            fronts.append(listed.count - 1)
        }

        // A legitimate consignee never bears a listed party's name (legal forms aside):
        // only planted rows are meant to match the list.
        let listedKeys = Set(listed.map { Names.key($0.name) })
        for i in consignees.indices where listedKeys.contains(Names.key(consignees[i].name)) {
            var renamed = consignees[i].name
            while listedKeys.contains(Names.key(renamed)) || renamed == consignees[i].name {
                let token = rng.pick(Names.foreignTokens)
                if !consignees[i].name.contains(token) { renamed = token + " " + consignees[i].name }
            }
            consignees[i].name = renamed
            consignees[i].field = csvField(renamed)
        }
        // Surge consignees: new firms in the corridor countries, first active within 90 days of the US ban.
        var surge: [String: [Int]] = [:]
        for (g, group) in ControlledGroup.all.enumerated() {
            guard let ban = group.usBanFrom else { continue }
            for cc in group.surgeCountries {
                var list: [Int] = []
                for k in 0..<5 {
                    list.append(makeConsignee(country: cc, firstActive: ban + (k == 0 ? 1 : 3 + rng.below(90)), tradingHouse: false, rng: &rng))
                }
                surge["\(g)|\(cc)"] = list
            }
        }

        // Exporters: a few deal in one controlled group, the rest in ordinary lines of one or two headings.
        let ordinaryLines = catalogue.lines.indices.filter { catalogue.lines[$0].group == nil }
        var exporters: [Exporter] = []
        var dealers = Array(repeating: [Int](), count: ControlledGroup.all.count)
        var popularity: [Double] = []
        for e in 0..<exporterCount {
            var name = Names.exporter(&rng)
            if rng.chance(0.1) { name = name.replacingFirst(" Co., Ltd.", with: " Co.,Ltd") }
            var id: [UInt8] = Array("91".utf8)
            var sink = ByteSink()
            sink.append(int: 110_000 + rng.below(540_000), width: 6)
            id.append(contentsOf: sink.bytes)
            let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
            for _ in 0..<10 { id.append(alphabet[rng.below(alphabet.count)]) }

            var lines: [Int] = []
            var group: Int? = nil
            if e % 12 == 5 {
                let g = rng.below(ControlledGroup.all.count)
                group = g
                let own = catalogue.linesOfGroup[g]
                lines = Array(own.shuffled(using: &rng).prefix(1 + rng.below(own.count)))
                if rng.chance(0.5) { lines.append(rng.pick(ordinaryLines)) }
                dealers[g].append(e)
            } else {
                let anchor = rng.pick(ordinaryLines)
                let prefix = catalogue.lines[anchor].code.prefix(4)
                let same = ordinaryLines.filter { catalogue.lines[$0].code.hasPrefix(prefix) }
                lines = Array(same.shuffled(using: &rng).prefix(1 + rng.below(3)))
                if rng.chance(0.3) { lines.append(rng.pick(ordinaryLines)) }
            }
            // Regular consignees: the first is old; dealers buy from technology importers.
            var regular: [Int] = []
            let count = 2 + rng.below(12)
            while regular.count < count {
                let c = group != nil ? rng.pick(techConsignees) : rng.below(consigneeCount)
                if regular.isEmpty && consignees[c].firstActive > from { continue }
                if !regular.contains(c) { regular.append(c) }
            }
            exporters.append(Exporter(
                id: id, name: csvField(name), lines: lines,
                lineChoice: WeightedChoice(lines.map { catalogue.lines[$0].popularity }),
                consignees: regular,
                consigneeChoice: WeightedChoice(regular.indices.map { 1 / Double($0 + 1) }),
                group: group))
            // Pareto-like activity; dealers ship as often as an ordinary mid-size exporter.
            popularity.append(Math.pow(rng.uniform(0.02, 1), -0.9) * (group != nil ? 1.8 : 1))
        }
        self.exporters = exporters
        self.exporterChoice = WeightedChoice(popularity)
        self.consignees = consignees
        self.listed = listed
        self.screenTargets = screenTargets
        self.fronts = fronts
        self.nonUSTechConsignees = techConsignees.filter { consignees[$0].country != "US" && consignees[$0].firstActive <= from }
        self.dealers = dealers
        self.surgeConsignees = surge

        // Calendar: fewer declarations at weekends and around the Spring Festival, slow growth.
        var cumulative: [Double] = []
        var total = 0.0
        for d in 0...span {
            let day = from + d
            let c = day.components
            var w = [1.0, 1.0, 1.0, 1.0, 1.0, 0.55, 0.25][day.weekday]
            let doy = Double(day.daysSinceEpoch - (CivilDate(year: c.year, month: 1, day: 1)!.daysSinceEpoch))
            if doy >= 25 && doy <= 50 { w *= 0.55 }                       // Spring Festival lull
            w *= 1 + 0.12 * Math.sin(2 * Double.pi * (doy - 120) / 365)  // autumn peak season
            w *= 1 + 0.06 * Double(d) / 365                                // growth
            total += w
            cumulative.append(total)
        }
        self.cumulativeDays = cumulative.map { $0 / total }
        self.portChoice = WeightedChoice(Geography.ports.map(\.weight))
    }

    /// The date of row `i`: rows are in date order, days weighted by the calendar.
    func date(ofRow i: Int) -> CivilDate {
        let u = (Double(i) + 0.5) / Double(max(rows, 1))
        var lo = 0, hi = cumulativeDays.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulativeDays[mid] >= u { hi = mid } else { lo = mid + 1 }
        }
        return from + lo
    }
}
