/// The evasion patterns planted in generated data, as written to `labels.csv`.
public enum Pattern: String, CaseIterable, Sendable, Codable {
    /// Controlled goods declared under an ordinary code; the description hints at
    /// the truth and the value fits the true goods.
    case misdeclaredHS = "misdeclared_hs"
    /// Declared value far below what the line's goods cost.
    case undervaluation
    /// Gross below net, gross far above net, or quantity and weight that don't fit.
    case weightQuantity = "weight_quantity"
    /// Controlled goods to a third country while the trading or final-destination
    /// country is a restricted one, or the consignee is a known front.
    case transshipmentRoute = "transshipment_route"
    /// New consignees in third countries take far more controlled goods after a
    /// control date than the corridor ever did.
    case transshipmentSurge = "transshipment_surge"
    /// The consignee is a spelling variant or alias of a listed party.
    case restrictedParty = "restricted_party"
    /// Bursts of shipments by one exporter–consignee pair just under a licence threshold.
    case splitShipments = "split_shipments"
}

/// The kinds of bad rows `--dirty` writes, with the handling ingest should give them.
public enum DirtyKind: String, CaseIterable, Sendable {
    case wrongFieldCount = "wrong_field_count"
    case strayQuote = "stray_quote"
    case unparsableNumber = "unparsable_number"
    case badDate = "bad_date"
    case emptyTariffCode = "empty_tariff_code"
    case negativeWeight = "negative_weight"
    case invalidUTF8 = "invalid_utf8"
    case crlfEnding = "crlf_ending"
    case duplicateRowKey = "duplicate_row_key"
    case unterminatedQuote = "unterminated_quote"

    /// `reject` or `accept` (accepted rows are repaired or are valid as they stand).
    public var expectedHandling: String {
        switch self {
        case .strayQuote, .crlfEnding: "accept"
        default: "reject"
        }
    }

    /// The reject reason code ingest should give (empty for accepted rows).
    public var reasonCode: String {
        switch self {
        case .wrongFieldCount: "wrong_field_count"
        case .unparsableNumber: "unparsable_number"
        case .badDate: "bad_date"
        case .emptyTariffCode: "empty_required_field"
        case .negativeWeight: "negative_value"
        case .invalidUTF8: "invalid_utf8"
        case .duplicateRowKey: "duplicate_row_key"
        case .unterminatedQuote: "unterminated_quote"
        case .strayQuote, .crlfEnding: ""
        }
    }

    public var problem: String {
        switch self {
        case .wrongFieldCount: "a field is missing or extra"
        case .strayQuote: "a quote inside an unquoted description"
        case .unparsableNumber: "a number that does not parse"
        case .badDate: "a date that does not exist or is in another format"
        case .emptyTariffCode: "the tariff code is empty"
        case .negativeWeight: "a negative net weight"
        case .invalidUTF8: "invalid UTF-8 bytes in the description"
        case .crlfEnding: "the record ends with CRLF"
        case .duplicateRowKey: "declaration_id and item_no repeat the previous row"
        case .unterminatedQuote: "a quoted description is never closed (last record)"
        }
    }
}
