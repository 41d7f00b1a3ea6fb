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
        var byKey: [Int: Int] = [:]   // role << 62 | country << 32 | name code → index
        var list: [Party] = []
        var detectorSums: [[Double]] = []
        let names = data.scores.names
        func add(role: Int, roleName: String, code: UInt32, name: @autoclosure () -> String, country: UInt16?, row: Int) {
            let key = role << 62 | Int(country ?? 0xFFFF) << 32 | Int(code)
            let i: Int
            if let found = byKey[key] { i = found } else {
                i = list.count
                byKey[key] = i
                list.append(Party(role: roleName, name: name(), country: country.map(CountryCodes.alpha2) ?? ""))
                detectorSums.append(Array(repeating: 0, count: names.count))
            }
            list[i].declarations += 1
            switch data.lanes.lane[row] {
            case .red: list[i].red += 1
            case .amber: list[i].amber += 1
            case .green: break
            }
            let r = data.risk[row]
            list[i].riskSum += r
            list[i].riskMax = max(list[i].riskMax, r)
            list[i].firstSeen = min(list[i].firstSeen, t.date[row])
            list[i].lastSeen = max(list[i].lastSeen, t.date[row])
            if r > 0 {
                for d in names.indices { detectorSums[i][d] += data.model.contribution(d, score: data.scores.columns[d][row]) }
            }
        }
        let trader = t.text(.traderName) ?? t.text(.traderID)
        let counterparty = t.text(.counterpartyName) ?? t.text(.counterpartyID)
        let cpCountry = t.countries(.counterparty) ?? t.countries(.destination)
        for row in 0..<t.count {
            if let trader {
                add(role: 0, roleName: t.flow[row] == 1 ? "importer" : "exporter", code: trader.codes[row],
                    name: trader.string(row), country: nil, row: row)
            }
            if let counterparty {
                add(role: 1, roleName: t.flow[row] == 1 ? "supplier" : "consignee", code: counterparty.codes[row],
                    name: counterparty.string(row), country: cpCountry?[row], row: row)
            }
        }
        for i in list.indices {
            if let d = detectorSums[i].indices.max(by: { detectorSums[i][$0] < detectorSums[i][$1] }), detectorSums[i][d] > 0 {
                list[i].topDetector = names[d]
            }
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
