import CSVCore
import Declarations
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
    }

    public var parties: [Party]

    /// Traders and counterparties are aggregated apart, each role on a core of
    /// its own: a party's sums still run in row order, and the final order is
    /// total (risk, red count, role, name, country; no two parties share the
    /// last three), so the table is the one a single pass over both gives.
    public init(_ data: ReportData) {
        let roles = Parallel.map(0..<2, threads: System.cores) { k in
            k == 0 ? PartiesTable.traders(data) : PartiesTable.counterparties(data)
        }
        parties = (roles[0] + roles[1]).sorted { a, b in
            if a.riskSum != b.riskSum { return a.riskSum > b.riskSum }
            if a.red != b.red { return a.red > b.red }
            if a.role != b.role { return a.role < b.role }
            if a.name != b.name { return a.name < b.name }
            return a.country < b.country
        }
    }

    /// The parties of one role, numbered as first met in row order, with every
    /// row's figures added in row order.
    struct Accumulator {
        let data: ReportData
        let detectors: Int
        let risk: [Double], lanes: [Lane], date: [Int32], columns: [ScoreColumn]
        var list: [Party] = []
        var declarations: [Int] = [], red: [Int] = [], amber: [Int] = []
        var riskSum: [Double] = [], riskMax: [Double] = [], first: [Int32] = [], last: [Int32] = []
        var detectorSums: [Double] = []

        init(_ data: ReportData) {
            self.data = data
            detectors = data.scores.names.count
            (risk, lanes, date, columns) = (data.risk, data.lanes.lane, data.table.date, data.scores.columns)
        }

        mutating func party(role: String, name: String, country: UInt16?) -> Int {
            list.append(Party(role: role, name: name, country: country.map(CountryCodes.alpha2) ?? ""))
            declarations.append(0); red.append(0); amber.append(0)
            riskSum.append(0); riskMax.append(0); first.append(.max); last.append(.min)
            detectorSums.append(contentsOf: repeatElement(0, count: detectors))
            return list.count - 1
        }

        @inline(__always)
        mutating func add(_ i: Int, row: Int) {
            declarations[i] += 1
            switch lanes[row] {
            case .red: red[i] += 1
            case .amber: amber[i] += 1
            case .green: break
            }
            let r = risk[row]
            riskSum[i] += r
            riskMax[i] = max(riskMax[i], r)
            first[i] = min(first[i], date[row])
            last[i] = max(last[i], date[row])
            if r > 0 {
                for d in 0..<detectors { detectorSums[i * detectors + d] += data.model.contribution(d, score: columns[d][row]) }
            }
        }

        /// The parties with their figures and top detector.
        func parties() -> [Party] {
            let names = data.scores.names
            var out = list
            for i in out.indices {
                out[i].declarations = declarations[i]
                out[i].red = red[i]
                out[i].amber = amber[i]
                out[i].riskSum = riskSum[i]
                out[i].riskMax = riskMax[i]
                out[i].firstSeen = first[i]
                out[i].lastSeen = last[i]
                let sums = detectorSums[(i * detectors)..<((i + 1) * detectors)]
                if let d = sums.indices.max(by: { sums[$0] < sums[$1] }), sums[d] > 0 { out[i].topDetector = names[d - i * detectors] }
            }
            return out
        }
    }

    /// Exporters (importers, for import feeds): a trader is its name code (its id's without a name column).
    static func traders(_ data: ReportData) -> [Party] {
        let t = data.table
        guard let trader = t.text(.traderName) ?? t.text(.traderID) else { return [] }
        let flow = t.flow
        var acc = Accumulator(data)
        var partyOf = [Int](repeating: -1, count: trader.values.count)
        for row in 0..<t.count {
            let code = Int(trader.codes[row])
            var i = partyOf[code]
            if i < 0 {
                i = acc.party(role: flow[row] == 1 ? "importer" : "exporter", name: trader.string(row), country: nil)
                partyOf[code] = i
            }
            acc.add(i, row: row)
        }
        return acc.parties()
    }

    /// Consignees (suppliers, for import feeds): a counterparty is its name code
    /// and country (its destination's without a counterparty country column).
    static func counterparties(_ data: ReportData) -> [Party] {
        let t = data.table
        guard let counterparty = t.text(.counterpartyName) ?? t.text(.counterpartyID) else { return [] }
        let flow = t.flow
        let cpCountry = t.countries(.counterparty) ?? t.countries(.destination)
        var acc = Accumulator(data)
        // A name's first country in one array read; a dictionary only for a name seen in a second country.
        var partyOf = [Int](repeating: -1, count: counterparty.values.count)
        var countryOf = [UInt16](repeating: 0, count: counterparty.values.count)
        var otherCountry: [Int: Int] = [:]   // country << 32 | name code → party
        for row in 0..<t.count {
            let code = Int(counterparty.codes[row])
            let country = cpCountry?[row]
            var i = partyOf[code]
            if i < 0 {
                i = acc.party(role: flow[row] == 1 ? "supplier" : "consignee", name: counterparty.string(row), country: country)
                partyOf[code] = i
                countryOf[code] = country ?? 0xFFFF
            } else if countryOf[code] != country ?? 0xFFFF {
                let key = Int(country ?? 0xFFFF) << 32 | code
                if let found = otherCountry[key] { i = found } else {
                    i = acc.party(role: flow[row] == 1 ? "supplier" : "consignee", name: counterparty.string(row), country: country)
                    otherCountry[key] = i
                }
            }
            acc.add(i, row: row)
        }
        return acc.parties()
    }

    public static let header = ["rank", "role", "name", "country", "declarations", "red", "amber", "risk_sum", "risk_max",
                                "top_detector", "first_seen", "last_seen"]

    /// parties.csv (cells neutralised for spreadsheets).
    public func csv() -> [UInt8] {
        var w = CSVWriter(capacity: 1 << 20)
        w.record(Self.header)
        for (k, p) in parties.enumerated() {
            w.field(int: k + 1)
            w.field(p.role)
            w.field(RejectLog.neutralised(p.name))
            w.field(p.country)
            w.field(int: p.declarations)
            w.field(int: p.red)
            w.field(int: p.amber)
            w.field(decimal: p.riskSum)
            w.field(decimal: p.riskMax)
            w.field(p.topDetector)
            w.field(CivilDate(daysSinceEpoch: Int(p.firstSeen)).description)
            w.field(CivilDate(daysSinceEpoch: Int(p.lastSeen)).description)
            w.endRecord()
        }
        return w.buffer
    }
}
