import Declarations

/// One generated goods line of a declaration, typed, before it is written.
struct Row {
    var declarationID: [UInt8] = []
    var itemNo = 1
    var date = CivilDate(daysSinceEpoch: 0)
    var exporter = 0
    var consigneeField: [UInt8] = []
    var consigneeCountry = ""
    var destination = ""
    var trading = ""
    var finalDestination = ""
    var code = ""
    /// The description's raw UTF-8 bytes (encoded for CSV when written).
    var description: [UInt8] = []
    var quantity = 0.0
    var quantityDecimals = 3
    var unit = QuantityUnit.kg
    var net = 0.0
    var gross = 0.0
    var value = 0.0
    var currency = "USD"
    var transport = "SEA"
    var port = ""
    var licence: [UInt8] = []
    var pattern: Pattern?
}

/// The header of `declarations.csv`: canonical fields under the export-style
/// synonyms a customs export feed has (auto-mapped by ingest).
let declarationHeader = [
    "declaration_id", "item_no", "export_date", "exporter_id", "exporter_name", "consignee_name", "consignee_country",
    "destination_country", "trading_country", "final_destination_country", "hs_code", "goods_description", "quantity",
    "unit", "net_weight_kg", "gross_weight_kg", "declared_value", "currency", "transport_mode", "port_of_loading",
    "licence_number",
]
