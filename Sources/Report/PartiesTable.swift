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

    public init(_ data: ReportData) {
        let t = data.table
        let names = data.scores.names, detectors = names.count
        // Per party, in flat arrays: parties are numbered as first met in row
        // order, and a row finds its party through its name code (one array
        // read; a dictionary only for a counterparty seen in a second country).
        var list: [Party] = []
        var declarations: [Int] = [], red: [Int] = [], amber: [Int] = []
        var riskSum: [Double] = [], riskMax: [Double] = [], first: [Int32] = [], last: [Int32] = []
        var detectorSums: [Double] = []
        let risk = data.risk, lanes = data.lanes.lane, date = t.date, flow = t.flow, columns = data.scores.columns
        func party(roleName: String, name: String, country: UInt16?) -> Int {
            list.append(Party(role: roleName, name: name, country: country.map(CountryCodes.alpha2) ?? ""))
            declarations.append(0); red.append(0); amber.append(0)
            riskSum.append(0); riskMax.append(0); first.append(.max); last.append(.min)
            detectorSums.append(contentsOf: repeatElement(0, count: detectors))
            return list.count - 1
        }
        func add(_ i: Int, row: Int) {
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
        let trader = t.text(.traderName) ?? t.text(.traderID)
        let counterparty = t.text(.counterpartyName) ?? t.text(.counterpartyID)
        let cpCountry = t.countries(.counterparty) ?? t.countries(.destination)
        // A trader is its name code; a counterparty its name code and country.
        var traderParty = [Int](repeating: -1, count: trader?.values.count ?? 0)
        var counterpartyParty = [Int](repeating: -1, count: counterparty?.values.count ?? 0)
        var counterpartyCountry = [UInt16](repeating: 0, count: counterparty?.values.count ?? 0)
        var otherCountry: [Int: Int] = [:]   // country << 32 | name code → party
        for row in 0..<t.count {
            if let trader {
                let code = Int(trader.codes[row])
                var i = traderParty[code]
                if i < 0 {
                    i = party(roleName: flow[row] == 1 ? "importer" : "exporter", name: trader.string(row), country: nil)
                    traderParty[code] = i
                }
                add(i, row: row)
            }
            if let counterparty {
                let code = Int(counterparty.codes[row])
                let country = cpCountry?[row]
                var i = counterpartyParty[code]
                if i < 0 {
                    i = party(roleName: flow[row] == 1 ? "supplier" : "consignee", name: counterparty.string(row), country: country)
                    counterpartyParty[code] = i
                    counterpartyCountry[code] = country ?? 0xFFFF
                } else if counterpartyCountry[code] != country ?? 0xFFFF {
                    let key = Int(country ?? 0xFFFF) << 32 | code
                    if let found = otherCountry[key] { i = found } else {
                        i = party(roleName: flow[row] == 1 ? "supplier" : "consignee", name: counterparty.string(row), country: country)
                        otherCountry[key] = i
                    }
                }
                add(i, row: row)
            }
        }
        for i in list.indices {
            list[i].declarations = declarations[i]
            list[i].red = red[i]
            list[i].amber = amber[i]
            list[i].riskSum = riskSum[i]
            list[i].riskMax = riskMax[i]
            list[i].firstSeen = first[i]
            list[i].lastSeen = last[i]
            let sums = detectorSums[(i * detectors)..<((i + 1) * detectors)]
            if let d = sums.indices.max(by: { sums[$0] < sums[$1] }), sums[d] > 0 { list[i].topDetector = names[d - i * detectors] }
        }
        parties = list.sorted { a, b in
            if a.riskSum != b.riskSum { return a.riskSum > b.riskSum }
            if a.red != b.red { return a.red > b.red }
            if a.role != b.role { return a.role < b.role }
            if a.name != b.name { return a.name < b.name }
            return a.country < b.country
        }
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
