/// The canonical declaration record every input maps onto (shared/SCHEMA.md).
///
/// A header that matches a canonical name or one of its synonyms is mapped
/// without configuration; matching ignores case, spaces, dots, dashes,
/// underscores and a trailing unit in parentheses (`Net Mass (kg)` matches
/// `net mass`).
public enum CanonicalField: String, CaseIterable, Sendable, Codable {
    case declarationID = "declaration_id"
    case itemNo = "item_no"
    case declarationDate = "declaration_date"
    case flow
    case traderID = "trader_id"
    case traderName = "trader_name"
    case declarantID = "declarant_id"
    case counterpartyID = "counterparty_id"
    case counterpartyName = "counterparty_name"
    case counterpartyCountry = "counterparty_country"
    case originCountry = "origin_country"
    case dispatchCountry = "dispatch_country"
    case destinationCountry = "destination_country"
    case tradingCountry = "trading_country"
    case finalDestinationCountry = "final_destination_country"
    case endUser = "end_user"
    case hsCode = "hs_code"
    case description
    case quantity
    case quantityUnit = "quantity_unit"
    case netWeightKg = "net_weight_kg"
    case grossWeightKg = "gross_weight_kg"
    case value
    case currency
    case incoterm
    case transportMode = "transport_mode"
    case port
    case licenceNumber = "licence_number"
    case outcome
    case revenue

    /// The synonyms mapped automatically (SCHEMA.md).
    public var synonyms: [String] {
        switch self {
        case .declarationID: ["declaration_no", "declaration_number", "entry_number", "sgd_id"]
        case .itemNo: ["item", "line_no", "goods_item"]
        case .declarationDate: ["date", "sgd_date", "export_date", "import_date"]
        case .flow: ["trade_flow", "direction"]
        case .traderID: ["exporter_id", "importer_id", "shipper_id"]
        case .traderName: ["exporter_name", "importer_name", "shipper_name"]
        case .declarantID: ["broker_id"]
        case .counterpartyID: ["consignee_id", "seller_id", "buyer_id"]
        case .counterpartyName: ["consignee_name", "seller_name", "buyer_name", "consignee"]
        case .counterpartyCountry: ["consignee_country", "seller_country", "buyer_country"]
        case .originCountry: ["country_of_origin", "origin"]
        case .dispatchCountry: ["country_of_departure", "departure_country", "country_of_dispatch"]
        case .destinationCountry: ["country_of_destination", "arrival_country"]
        case .tradingCountry: ["contract_country", "trading_partner_country"]
        case .finalDestinationCountry: ["end_use_country", "final_country"]
        case .endUser: ["end_user_name"]
        case .hsCode: ["tariff_code", "commodity_code", "hs6_code", "hs", "tariff"]
        case .description: ["goods_description", "commodity_description", "goods"]
        case .quantity: ["qty"]
        case .quantityUnit: ["unit", "uom"]
        case .netWeightKg: ["net_weight", "net_mass", "net_mass_kg"]
        case .grossWeightKg: ["gross_weight", "gross_mass"]
        case .value: ["declared_value", "customs_value", "item_price", "invoice_value"]
        case .currency: ["currency_code", "curr"]
        case .incoterm: ["delivery_terms", "terms"]
        case .transportMode: ["mode_of_transport", "transport"]
        case .port: ["port_of_loading", "port_of_entry", "office_id", "customs_office"]
        case .licenceNumber: ["license_number", "licence_no", "permit_number"]
        case .outcome: ["fraud", "illicit", "label"]
        case .revenue: ["raised_tax", "revenue_recovered"]
        }
    }

    /// The canonical field a header names, or `nil`.
    ///
    /// A trailing unit in parentheses is tried both dropped and joined:
    /// `Item Price (KRW)` matches `item_price`, `Net Mass (kg)` matches `net_mass`
    /// (and would match `net_mass_kg`).
    public static func match(header: String) -> CanonicalField? {
        if let f = lookup[normalizedHeader(header)] { return f }
        let trimmed = header.trimmingSpaces
        guard trimmed.hasSuffix(")"), let open = trimmed.lastIndex(of: "(") else { return nil }
        let base = String(trimmed[..<open])
        let unit = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        return lookup[normalizedHeader(base)] ?? lookup[normalizedHeader(base + unit)]
    }

    /// A header name as matching sees it: lower-cased, with spaces, tabs, dots,
    /// dashes and underscores removed.
    public static func normalizedName(_ header: String) -> String { normalizedHeader(header) }

    /// Lower-cased, with spaces, tabs, dots, dashes and underscores removed.
    static func normalizedHeader(_ header: String) -> String {
        var s = header.lowercased()
        s.removeAll { $0 == " " || $0 == "." || $0 == "-" || $0 == "_" || $0 == "\t" }
        return s
    }

    private static let lookup: [String: CanonicalField] = {
        var table: [String: CanonicalField] = [:]
        for field in CanonicalField.allCases {
            for name in [field.rawValue] + field.synonyms { table[normalizedHeader(name)] = field }
        }
        return table
    }()
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}
