/// Why a row was rejected. The raw value is the reason code written to rejects.csv.
public enum RejectReason: String, Sendable, CaseIterable, Codable {
    case wrongFieldCount = "wrong_field_count"
    case unterminatedQuote = "unterminated_quote"
    case invalidUTF8 = "invalid_utf8"
    case emptyRequiredField = "empty_required_field"
    case unparsableNumber = "unparsable_number"
    case negativeValue = "negative_value"
    case badDate = "bad_date"
    case dateOutOfRange = "date_out_of_range"
    case unknownCountry = "unknown_country"
    case unknownCurrency = "unknown_currency"
    case badTariffCode = "bad_tariff_code"
    case duplicateRowKey = "duplicate_row_key"
    case recordTooLong = "record_too_long"
    case badOutcome = "bad_outcome"

    /// How to fix it, for diagnostics.
    public var hint: String {
        switch self {
        case .wrongFieldCount: "check the delimiter (--mapping \"delimiter\") and quoting of this record"
        case .unterminatedQuote: "close the quoted field or double the quotes inside it"
        case .invalidUTF8: "convert the file to UTF-8, or pass --encoding gb18030 if it is GB18030"
        case .emptyRequiredField: "fill the field, or map another column to it with --mapping"
        case .unparsableNumber: "check decimal_separator and thousands_separator in --mapping"
        case .negativeValue: "weights and values must be zero or more"
        case .badDate: "set date_formats in --mapping (e.g. \"%d/%m/%Y\")"
        case .dateOutOfRange: "dates must lie between 1990-01-01 and 2035-12-31; check the year and date_formats in --mapping"
        case .unknownCountry: "use ISO 3166-1 alpha-2 or alpha-3 codes or English names"
        case .unknownCurrency: "use an ISO 4217 code present in the FX table (--fx FILE)"
        case .badTariffCode: "tariff codes are 6 to 10 digits (dots and spaces allowed)"
        case .duplicateRowKey: "declaration_id and item_no must be unique; the first row was kept"
        case .recordTooLong: "a record over 1 MiB usually means a quote was never closed"
        case .badOutcome: "outcome must be 0 or 1"
        }
    }
}
