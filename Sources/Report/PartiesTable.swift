import CSVCore
import Declarations
import Detectors
import Scoring

/// Exporters and consignees ranked by aggregated risk.
///
/// A party's risk is the sum of its declarations' risk scores (log10-odds
/// evidence: many weak flags add up, one strong flag counts in full); ties by
/// red-lane count, then role and name.
public struct PartiesTable: Sendable {
    public struct Party: Sendable, Equatable {
        public var role: String
        public var name: String
        public var country: String
        public var declarations = 0
        public var red = 0
        public var amber = 0
        public var riskSum = 0.0
        public var riskMax = 0.0
        public var firstSeen = Int32.max
        public var lastSeen = Int32.min
        /// The detector contributing most to the party's risk.
        public var topDetector = ""
        /// The spellings of its name on its rows (`PartyName`: one party's spellings are one line).
        public var spellings = 0
        /// Its id, for a party keyed by the feed's party id (empty for one keyed by name).
        public var id = ""
    }

    public var parties: [Party]

    /// Traders and counterparties are aggregated apart, each role on a core of
    /// its own: a party's sums still run in row order, and the final order is
    /// total (risk, red count, role, name, country, id; no two parties share the
    /// last four), so the table is the one a single pass over both gives.
    public init(_ data: ReportData) {
        let contributions = Contributions(data)
        let roles = Parallel.map(0..<2, threads: System.cores) { k in
            k == 0 ? PartiesTable.traders(data, contributions) : PartiesTable.counterparties(data, contributions)
        }
        parties = (roles[0] + roles[1]).sorted { a, b in
            if a.riskSum != b.riskSum { return a.riskSum > b.riskSum }
            if a.red != b.red { return a.red > b.red }
            if a.role != b.role { return a.role < b.role }
            if a.name != b.name { return a.name < b.name }
            if a.country != b.country { return a.country < b.country }
            return a.id < b.id
        }
    }

    /// A role's parties as the detectors key them (`TradeContext.partyKeys`): a row's
    /// id when it has one, else its name's party (`PartyResolution`: its spellings
    /// folded). Without names, every id is a party, the empty one too.
    struct RoleParties {
        /// Per id code: its party (−1: the empty id, whose rows go by name).
        private let byID: [Int32]?
        /// Per name code: its party.
        private let byName: [Int32]?
        private let idCodes: CodeColumn?, nameCodes: CodeColumn?
        /// Per party: its id; empty for a name's party.
        let ids: [String]
        /// The column a line is named from (the names, else the ids), by the spelling
        /// most used on the line's rows.
        let shown: TextColumn

        /// `known`: the name column's parties when the detectors already worked them out (`SuiteScores.counterpartyParties`).
        init?(id: TextColumn?, name: TextColumn?, known: PartyResolution? = nil) {
            guard let shown = name ?? id else { return nil }
            self.shown = shown
            var ids: [String] = []
            if let id {
                var byID = [Int32](repeating: -1, count: id.values.count)
                for c in 0..<id.values.count where name == nil || !id.values.bytes(UInt32(c)).isEmpty {
                    byID[c] = Int32(ids.count)
                    ids.append(id.values.string(UInt32(c)))
                }
                self.byID = byID
            } else {
                byID = nil
            }
            if let name {
                let resolution = known ?? PartyResolution(name.values), base = Int32(ids.count)
                byName = resolution.party.map { base + $0 }
                ids.append(contentsOf: repeatElement("", count: resolution.keys.count))
            } else {
                byName = nil
            }
            self.ids = ids
            idCodes = id?.codes
            nameCodes = name?.codes
        }

        var count: Int { ids.count }

        /// Row `r`'s party.
        @inline(__always)
        func party(_ r: Int) -> Int {
            if let byID, let idCodes {
                let p = byID[Int(idCodes[r])]
                if p >= 0 { return Int(p) }
            }
            return Int(byName![Int(nameCodes![r])])
        }
    }

    /// Every row of risk above 0, ascending, with each detector's contribution to
    /// its risk (`values[k × detectors + d]` for `rows[k]`): read column by column
    /// (a sparse column's stored scores only) once for both roles, where reading
    /// every detector's score at each such row, once per role, cost a lookup in
    /// each column's bitmap and values per row and detector.
    struct Contributions: Sendable {
        let rows: [Int32]
        let values: [Double]
        let detectors: Int

        init(_ data: ReportData) {
            let risk = data.risk, columns = data.scores.columns, model = data.model
            let detectors = columns.count
            var rows: [Int32] = []
            for r in risk.indices where risk[r] > 0 { rows.append(Int32(truncatingIfNeeded: r)) }
            let flagged = rows
            // Per detector on every core: its contribution at a row it stores no score for is
            // that of a score of 0; the stored ones, met in row order, overwrite theirs.
            let perDetector = Parallel.map(0..<detectors, threads: System.cores) { d -> [Double] in
                var out = [Double](repeating: model.contribution(d, score: 0), count: flagged.count)
                var k = 0
                columns[d].forEachStored { r, v in
                    while k < flagged.count && Int(flagged[k]) < r { k += 1 }
                    if k < flagged.count && Int(flagged[k]) == r { out[k] = model.contribution(d, score: v) }
                }
                return out
            }
            var values = [Double](repeating: 0, count: flagged.count * detectors)
            for (d, column) in perDetector.enumerated() {
                for k in column.indices { values[k * detectors + d] = column[k] }
            }
            self.rows = flagged
            self.values = values
            self.detectors = detectors
        }
    }

    /// One party's running figures.
    struct Figures {
        var declarations = 0, red = 0, amber = 0
        var riskSum = 0.0, riskMax = 0.0, first = Int32.max, last = Int32.min
    }

    /// The parties of one role, numbered as first met in row order, with every
    /// row's figures added in row order.
    struct Accumulator {
        let detectors: Int, names: [String]
        let risk: [Double], lanes: [Lane], date: [Int32]
        let contributions: Contributions
        var list: [Party] = []
        var figures: [Figures] = []
        var detectorSums: [Double] = []
        /// The next row of `contributions.rows` (rows come in ascending order).
        var nextFlagged = 0
        /// Per name code: the line (party, or party and country) its spelling was first
        /// counted for (-1: none yet), and its rows on that line; `otherRows` holds the rows
        /// of a spelling on another line too, by line << 32 | code.
        var countedFor: [Int] = []
        var rowsFor: [Int] = []
        var otherRows: [Int: Int] = [:]

        init(_ data: ReportData, _ contributions: Contributions) {
            (detectors, names) = (data.scores.names.count, data.scores.names)
            (risk, lanes, date) = (data.risk, data.lanes.lane, data.table.date)
            self.contributions = contributions
        }

        /// Room for `codes` name codes.
        mutating func spellings(_ codes: Int) {
            countedFor = [Int](repeating: -1, count: codes)
            rowsFor = [Int](repeating: 0, count: codes)
        }

        /// A row of line `i` spelled as name code `code`: counts the spelling among
        /// the line's (once) and the row among the spelling's on that line.
        @inline(__always)
        mutating func spelling(_ code: Int, of i: Int) {
            let seen = countedFor[code]
            if seen == i { rowsFor[code] += 1; return }
            if seen < 0 {
                countedFor[code] = i
                rowsFor[code] = 1
            } else {
                let key = i << 32 | code
                if let n = otherRows[key] { otherRows[key] = n + 1; return }
                otherRows[key] = 1
            }
            list[i].spellings += 1
        }

        /// Names each line by the spelling on most of its own rows (of equals, the one
        /// with the lowest code: the first met), from `values`. A consignee's line in
        /// one country shows a spelling used there, not the party's most used overall.
        mutating func name(from values: ByteInterner) {
            var best = [Int](repeating: -1, count: list.count), most = [Int](repeating: 0, count: list.count)
            func offer(_ i: Int, _ code: Int, _ n: Int) {
                if n > most[i] || (n == most[i] && code < best[i]) { (most[i], best[i]) = (n, code) }
            }
            for code in countedFor.indices where countedFor[code] >= 0 { offer(countedFor[code], code, rowsFor[code]) }
            for (key, n) in otherRows { offer(key >> 32, key & 0xFFFF_FFFF, n) }
            for i in list.indices where best[i] >= 0 { list[i].name = values.string(UInt32(best[i])) }
        }

        mutating func party(role: String, id: String, country: UInt16?) -> Int {
            list.append(Party(role: role, name: "", country: country.map(CountryCodes.alpha2) ?? "", id: id))
            figures.append(Figures())
            detectorSums.append(contentsOf: repeatElement(0, count: detectors))
            return list.count - 1
        }

        /// Adds row `row` (rows in ascending order) to party `i`.
        @inline(__always)
        mutating func add(_ i: Int, row: Int) {
            let r = risk[row], lane = lanes[row], day = date[row]
            Accumulator.update(&figures[i], risk: r, lane: lane, day: day)
            if r > 0 {
                let k = nextFlagged
                nextFlagged += 1
                // A role's pass must add every row, in ascending order, for the flagged rows to line up.
                precondition(Int(contributions.rows[k]) == row, "parties: rows added out of order")
                let base = k * detectors, target = i * detectors
                for d in 0..<detectors { detectorSums[target + d] += contributions.values[base + d] }
            }
        }

        /// One access to a party's figures per row, not one per figure.
        @inline(__always)
        static func update(_ f: inout Figures, risk r: Double, lane: Lane, day: Int32) {
            f.declarations += 1
            switch lane {
            case .red: f.red += 1
            case .amber: f.amber += 1
            case .green: break
            }
            f.riskSum += r
            f.riskMax = max(f.riskMax, r)
            f.first = min(f.first, day)
            f.last = max(f.last, day)
        }

        /// The parties with their figures and top detector.
        func parties() -> [Party] {
            var out = list
            for i in out.indices {
                let f = figures[i]
                out[i].declarations = f.declarations
                out[i].red = f.red
                out[i].amber = f.amber
                out[i].riskSum = f.riskSum
                out[i].riskMax = f.riskMax
                out[i].firstSeen = f.first
                out[i].lastSeen = f.last
                let sums = detectorSums[(i * detectors)..<((i + 1) * detectors)]
                if let d = sums.indices.max(by: { sums[$0] < sums[$1] }), sums[d] > 0 { out[i].topDetector = names[d - i * detectors] }
            }
            return out
        }
    }

    /// Exporters (importers, for import feeds): a trader is its id, or without one
    /// its name's party (`RoleParties`, as the detectors key it), shown by the
    /// spelling of its name most used on its rows.
    static func traders(_ data: ReportData, _ contributions: Contributions) -> [Party] {
        let t = data.table
        guard let roles = RoleParties(id: t.text(.traderID), name: t.text(.traderName)) else { return [] }
        let flow = t.flow, shown = roles.shown
        var acc = Accumulator(data, contributions)
        acc.spellings(shown.values.count)
        var partyOf = [Int](repeating: -1, count: roles.count)
        for row in 0..<t.count {
            let p = roles.party(row)
            var i = partyOf[p]
            if i < 0 {
                i = acc.party(role: flow[row] == 1 ? "importer" : "exporter", id: roles.ids[p], country: nil)
                partyOf[p] = i
            }
            acc.spelling(Int(shown.codes[row]), of: i)
            acc.add(i, row: row)
        }
        acc.name(from: shown.values)
        return acc.parties()
    }

    /// Consignees (suppliers, for import feeds): a counterparty is its id or its
    /// name's party (as for traders) and country (its destination's without a
    /// counterparty country column); each country's line is shown by the
    /// spelling most used on its own rows.
    static func counterparties(_ data: ReportData, _ contributions: Contributions) -> [Party] {
        let t = data.table
        guard let roles = RoleParties(id: t.text(.counterpartyID), name: t.text(.counterpartyName),
                                      known: data.scores.counterpartyParties) else { return [] }
        let flow = t.flow, shown = roles.shown
        let cpCountry = t.countries(.counterparty) ?? t.countries(.destination)
        var acc = Accumulator(data, contributions)
        acc.spellings(shown.values.count)
        // A party's first country in one array read; a dictionary only for a party seen in a second country.
        var partyOf = [Int](repeating: -1, count: roles.count)
        var countryOf = [UInt16](repeating: 0, count: roles.count)
        var otherCountry: [Int: Int] = [:]   // country << 32 | party → line
        for row in 0..<t.count {
            let p = roles.party(row)
            let country = cpCountry?[row]
            var i = partyOf[p]
            if i < 0 {
                i = acc.party(role: flow[row] == 1 ? "supplier" : "consignee", id: roles.ids[p], country: country)
                partyOf[p] = i
                countryOf[p] = country ?? 0xFFFF
            } else if countryOf[p] != country ?? 0xFFFF {
                let key = Int(country ?? 0xFFFF) << 32 | p
                if let found = otherCountry[key] { i = found } else {
                    i = acc.party(role: flow[row] == 1 ? "supplier" : "consignee", id: roles.ids[p], country: country)
                    otherCountry[key] = i
                }
            }
            acc.spelling(Int(shown.codes[row]), of: i)
            acc.add(i, row: row)
        }
        acc.name(from: shown.values)
        return acc.parties()
    }

    /// `id` last: the columns before it kept their places when it came.
    public static let header = ["rank", "role", "name", "country", "declarations", "red", "amber", "risk_sum", "risk_max",
                                "top_detector", "first_seen", "last_seen", "spellings", "id"]

    /// parties.csv (cells neutralised for spreadsheets).
    public func csv() -> [UInt8] {
        var w = CSVWriter(capacity: 1 << 20)
        w.record(Self.header)
        for (k, p) in parties.enumerated() {
            w.field(int: k + 1)
            w.field(p.role)
            w.field(CSVWriter.neutralised(p.name))
            w.field(p.country)
            w.field(int: p.declarations)
            w.field(int: p.red)
            w.field(int: p.amber)
            w.field(decimal: p.riskSum)
            w.field(decimal: p.riskMax)
            w.field(p.topDetector)
            w.field(CivilDate(daysSinceEpoch: Int(p.firstSeen)).description)
            w.field(CivilDate(daysSinceEpoch: Int(p.lastSeen)).description)
            w.field(int: p.spellings)
            w.field(CSVWriter.neutralised(p.id))
            w.endRecord()
        }
        return w.buffer
    }
}
