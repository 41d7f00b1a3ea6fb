/// Countries of the generated world: trade weight, the currency their buyers
/// invoice in besides USD, and the legal forms of their company names.
struct Country: Sendable {
    var code: String
    var weight: Double
    /// Weight among buyers of controlled materials (0: rarely).
    var techWeight: Double
    var currency: String
    var legalForms: [String]
    /// Whether trading houses there re-export to a region.
    var region: [String] = []
}

enum Geography {
    static let countries: [Country] = [
        .init(code: "US", weight: 12, techWeight: 20, currency: "USD", legalForms: ["LLC", "Inc.", "Corp."]),
        .init(code: "JP", weight: 6, techWeight: 15, currency: "JPY", legalForms: ["Co., Ltd.", "K.K.", "Corporation"]),
        .init(code: "KR", weight: 6, techWeight: 12, currency: "KRW", legalForms: ["Co., Ltd.", "Inc.", "Corp."]),
        .init(code: "DE", weight: 5, techWeight: 10, currency: "EUR", legalForms: ["GmbH", "AG", "GmbH & Co. KG"]),
        .init(code: "NL", weight: 4, techWeight: 8, currency: "EUR", legalForms: ["B.V.", "N.V."], region: ["DE", "BE", "FR", "PL"]),
        .init(code: "GB", weight: 3, techWeight: 4, currency: "GBP", legalForms: ["Ltd", "Limited", "PLC"]),
        .init(code: "FR", weight: 3, techWeight: 4, currency: "EUR", legalForms: ["SAS", "SARL", "S.A."]),
        .init(code: "IT", weight: 2.5, techWeight: 3, currency: "EUR", legalForms: ["S.r.l.", "S.p.A."]),
        .init(code: "ES", weight: 2, techWeight: 1, currency: "EUR", legalForms: ["S.L.", "S.A."]),
        .init(code: "BE", weight: 2, techWeight: 4, currency: "EUR", legalForms: ["BV", "NV", "SA"]),
        .init(code: "PL", weight: 1.5, techWeight: 0.5, currency: "EUR", legalForms: ["Sp. z o.o.", "S.A."]),
        .init(code: "CZ", weight: 1, techWeight: 0.5, currency: "EUR", legalForms: ["s.r.o.", "a.s."]),
        .init(code: "SE", weight: 1, techWeight: 1, currency: "EUR", legalForms: ["AB"]),
        .init(code: "AT", weight: 1, techWeight: 1, currency: "EUR", legalForms: ["GmbH"]),
        .init(code: "CH", weight: 1, techWeight: 2, currency: "USD", legalForms: ["AG", "SA", "GmbH"], region: ["DE", "IT", "FR", "AT"]),
        .init(code: "HU", weight: 0.7, techWeight: 0.3, currency: "EUR", legalForms: ["Kft.", "Zrt."]),
        .init(code: "RO", weight: 0.6, techWeight: 0.2, currency: "EUR", legalForms: ["S.R.L.", "S.A."]),
        .init(code: "PT", weight: 0.5, techWeight: 0.2, currency: "EUR", legalForms: ["Lda", "S.A."]),
        .init(code: "GR", weight: 0.5, techWeight: 0.1, currency: "EUR", legalForms: ["S.A.", "Ltd"]),
        .init(code: "VN", weight: 5, techWeight: 0.6, currency: "VND", legalForms: ["Co., Ltd", "JSC", "Joint Stock Company"]),
        .init(code: "TH", weight: 3, techWeight: 0.5, currency: "THB", legalForms: ["Co., Ltd.", "Public Co., Ltd."]),
        .init(code: "MY", weight: 3, techWeight: 0.5, currency: "MYR", legalForms: ["Sdn. Bhd.", "Berhad"]),
        .init(code: "SG", weight: 2.5, techWeight: 2, currency: "SGD", legalForms: ["Pte. Ltd.", "Pte Ltd"], region: ["MY", "ID", "VN", "TH", "PH"]),
        .init(code: "ID", weight: 3, techWeight: 0.3, currency: "USD", legalForms: ["PT", "Tbk"]),
        .init(code: "PH", weight: 2, techWeight: 0.2, currency: "USD", legalForms: ["Inc.", "Corp."]),
        .init(code: "IN", weight: 4, techWeight: 4, currency: "INR", legalForms: ["Pvt. Ltd.", "Private Limited", "Ltd."]),
        .init(code: "PK", weight: 1, techWeight: 0.2, currency: "USD", legalForms: ["(Pvt) Ltd", "Ltd"]),
        .init(code: "BD", weight: 1, techWeight: 0.1, currency: "USD", legalForms: ["Ltd.", "Limited"]),
        .init(code: "LK", weight: 0.4, techWeight: 0.05, currency: "USD", legalForms: ["(Pvt) Ltd"]),
        .init(code: "KH", weight: 0.6, techWeight: 0.05, currency: "USD", legalForms: ["Co., Ltd."]),
        .init(code: "MM", weight: 0.5, techWeight: 0.05, currency: "USD", legalForms: ["Co., Ltd."]),
        .init(code: "HK", weight: 4, techWeight: 3, currency: "HKD", legalForms: ["Limited", "Co., Limited", "Trading Limited"], region: ["VN", "TH", "ID", "MY", "PH", "KH"]),
        .init(code: "TW", weight: 3, techWeight: 8, currency: "USD", legalForms: ["Co., Ltd.", "Corp."]),
        .init(code: "AE", weight: 2.5, techWeight: 0.5, currency: "AED", legalForms: ["FZE", "LLC", "FZCO", "General Trading LLC"], region: ["SA", "IQ", "IR", "EG", "PK"]),
        .init(code: "SA", weight: 1.5, techWeight: 0.2, currency: "USD", legalForms: ["Co.", "LLC"]),
        .init(code: "TR", weight: 1.5, techWeight: 0.3, currency: "USD", legalForms: ["A.S.", "Ltd. Sti."]),
        .init(code: "IL", weight: 1, techWeight: 1, currency: "USD", legalForms: ["Ltd."]),
        .init(code: "IR", weight: 0.5, techWeight: 0.05, currency: "USD", legalForms: ["Co.", "PJS"]),
        .init(code: "IQ", weight: 0.4, techWeight: 0.02, currency: "USD", legalForms: ["Co.", "LLC"]),
        .init(code: "EG", weight: 0.8, techWeight: 0.05, currency: "USD", legalForms: ["S.A.E.", "LLC"]),
        .init(code: "RU", weight: 3, techWeight: 1, currency: "RUB", legalForms: ["LLC", "OOO", "JSC", "AO"]),
        .init(code: "KZ", weight: 1, techWeight: 0.1, currency: "USD", legalForms: ["LLP", "TOO", "JSC"]),
        .init(code: "UZ", weight: 0.5, techWeight: 0.05, currency: "USD", legalForms: ["LLC", "JV"]),
        .init(code: "KG", weight: 0.4, techWeight: 0.05, currency: "USD", legalForms: ["LLC", "OsOO"]),
        .init(code: "BY", weight: 0.3, techWeight: 0.05, currency: "USD", legalForms: ["LLC", "OAO"]),
        .init(code: "UA", weight: 0.4, techWeight: 0.05, currency: "USD", legalForms: ["LLC", "TOV"]),
        .init(code: "AM", weight: 0.2, techWeight: 0.02, currency: "USD", legalForms: ["LLC", "CJSC"]),
        .init(code: "MX", weight: 2.5, techWeight: 0.6, currency: "MXN", legalForms: ["S.A. de C.V.", "S. de R.L. de C.V."]),
        .init(code: "CA", weight: 2, techWeight: 2, currency: "USD", legalForms: ["Inc.", "Ltd.", "Corp."]),
        .init(code: "BR", weight: 2.5, techWeight: 0.5, currency: "USD", legalForms: ["Ltda.", "S.A."]),
        .init(code: "CL", weight: 1, techWeight: 0.1, currency: "USD", legalForms: ["SpA", "Ltda."]),
        .init(code: "AR", weight: 0.6, techWeight: 0.1, currency: "USD", legalForms: ["S.A.", "S.R.L."]),
        .init(code: "PE", weight: 0.6, techWeight: 0.05, currency: "USD", legalForms: ["S.A.C.", "E.I.R.L."]),
        .init(code: "CO", weight: 0.6, techWeight: 0.05, currency: "USD", legalForms: ["S.A.S.", "Ltda."]),
        .init(code: "AU", weight: 2.5, techWeight: 1, currency: "USD", legalForms: ["Pty Ltd", "Pty. Limited"]),
        .init(code: "NZ", weight: 0.5, techWeight: 0.1, currency: "USD", legalForms: ["Limited", "Ltd"]),
        .init(code: "ZA", weight: 1, techWeight: 0.2, currency: "USD", legalForms: ["(Pty) Ltd", "Ltd"]),
        .init(code: "NG", weight: 0.8, techWeight: 0.02, currency: "USD", legalForms: ["Ltd", "Limited", "Nig. Ltd"]),
        .init(code: "KE", weight: 0.4, techWeight: 0.02, currency: "USD", legalForms: ["Ltd", "Limited"]),
        .init(code: "MA", weight: 0.4, techWeight: 0.02, currency: "USD", legalForms: ["SARL", "S.A."]),
    ]

    static let index: [String: Int] = Dictionary(uniqueKeysWithValues: countries.enumerated().map { ($1.code, $0) })

    static func country(_ code: String) -> Country { countries[index[code]!] }

    /// Ports of loading: UN/LOCODE, the 4-digit customs district that starts a
    /// declaration number (some with leading zeros), and a weight.
    static let ports: [(locode: String, district: String, weight: Double)] = [
        ("CNSHA", "2201", 20), ("CNNGB", "3104", 14), ("CNSZX", "5316", 14), ("CNQIN", "4218", 9),
        ("CNTXG", "0202", 8), ("CNCAN", "5141", 8), ("CNXMN", "3702", 6), ("CNDLC", "0902", 4),
        ("CNPEK", "0101", 4), ("CNCKG", "8012", 2), ("CNURC", "9401", 2), ("CNHKG", "5301", 2),
        ("CNKHN", "8601", 1),
    ]
}
