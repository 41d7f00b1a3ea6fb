/// Serialises rows to `declarations.csv` bytes, applying a `--dirty` corruption
/// when one is asked for.
enum RowWriter {
    static let comma = UInt8(ascii: ",")

    /// Appends `r` as one record. Returns the number of physical lines written.
    @discardableResult
    static func write(_ r: Row, exporter: Exporter, dirty: DirtyKind?, previousKey: (id: [UInt8], item: Int)?, into s: inout ByteSink) -> Int {
        var lines = 1
        // declaration_id, item_no
        if dirty == .duplicateRowKey, let previousKey {
            s.append(previousKey.id); s.append(comma); s.append(int: previousKey.item)
        } else {
            s.append(r.declarationID); s.append(comma); s.append(int: r.itemNo)
        }
        s.append(comma)
        // export_date
        if dirty == .badDate {
            let c = r.date.components
            if r.itemNo % 2 == 0 {
                s.append(int: c.day, width: 2); s.append(UInt8(ascii: "/")); s.append(int: c.month, width: 2)
                s.append(UInt8(ascii: "/")); s.append(int: c.year, width: 4)
            } else {
                s.append(int: c.year, width: 4); s.append("-02-30")
            }
        } else {
            appendDate(r, &s)
        }
        s.append(comma)
        s.append(exporter.id); s.append(comma)
        s.append(exporter.name); s.append(comma)
        s.append(r.consigneeField); s.append(comma)
        s.append(Array(r.consigneeCountry.utf8)); s.append(comma)
        s.append(Array(r.destination.utf8)); s.append(comma)
        s.append(Array(r.trading.utf8)); s.append(comma)
        s.append(Array(r.finalDestination.utf8)); s.append(comma)
        if dirty != .emptyTariffCode { s.append(Array(r.code.utf8)) }
        s.append(comma)
        // goods_description
        switch dirty {
        case .strayQuote:
            var d = r.description.filter { $0 != comma && $0 != UInt8(ascii: "\"") && $0 != 0x0A && $0 != 0x0D }
            while d.first == 0x20 { d.removeFirst() }
            s.append(d); s.append(" 5\" dia")
        case .invalidUTF8:
            var d = r.description.filter { $0 != comma && $0 != UInt8(ascii: "\"") && $0 != 0x0A && $0 != 0x0D }
            while d.first == 0x20 { d.removeFirst() }
            d.insert(contentsOf: [0xFF, 0xFE], at: min(3, d.count))
            s.append(d)
        default:
            let field = csvField(String(decoding: r.description, as: UTF8.self))
            lines += field.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            s.append(field)
        }
        s.append(comma)
        s.append(decimal: r.quantity, decimals: r.quantityDecimals); s.append(comma)
        s.append(Array(r.unit.rawValue.utf8)); s.append(comma)
        if dirty == .unparsableNumber && r.itemNo % 2 == 1 {
            s.append("n/a")
        } else if dirty == .negativeWeight {
            s.append(decimal: -max(r.net, 0.001), decimals: 3)
        } else {
            s.append(decimal: r.net, decimals: 3)
        }
        s.append(comma)
        s.append(decimal: r.gross, decimals: 3); s.append(comma)
        if dirty == .unparsableNumber && r.itemNo % 2 == 0 {
            s.append(int: Int(r.value)); s.append("O.5")
        } else {
            s.append(decimal: r.value, decimals: 2)
        }
        s.append(comma)
        s.append(Array(r.currency.utf8)); s.append(comma)
        if dirty != .wrongFieldCount || r.itemNo % 2 == 0 {
            s.append(Array(r.transport.utf8)); s.append(comma)
        }
        s.append(Array(r.port.utf8)); s.append(comma)
        s.append(r.licence)
        if dirty == .wrongFieldCount && r.itemNo % 2 == 0 { s.append(",EXTRA") }
        if dirty == .crlfEnding { s.append(0x0D) }
        s.append(0x0A)
        return lines
    }

    static func appendDate(_ r: Row, _ s: inout ByteSink) {
        let c = r.date.components
        s.append(int: c.year, width: 4); s.append(UInt8(ascii: "-"))
        s.append(int: c.month, width: 2); s.append(UInt8(ascii: "-"))
        s.append(int: c.day, width: 2)
    }

    /// The final record of a dirty file: a description whose quote never closes.
    static func unterminated(_ r: Row, exporter: Exporter, into s: inout ByteSink) {
        s.append(r.declarationID); s.append(comma); s.append(int: r.itemNo); s.append(comma)
        appendDate(r, &s); s.append(comma)
        s.append(exporter.id); s.append(comma); s.append(exporter.name); s.append(comma)
        s.append(r.consigneeField); s.append(comma)
        for c in [r.consigneeCountry, r.destination, r.trading, r.finalDestination, r.code] {
            s.append(Array(c.utf8)); s.append(comma)
        }
        s.append(UInt8(ascii: "\""))
        s.append(r.description.filter { $0 != UInt8(ascii: "\"") && $0 != 0x0A })
        s.append(", 1kg bars"); s.append(comma)
        s.append(decimal: r.quantity, decimals: r.quantityDecimals); s.append(comma)
        s.append(Array(r.unit.rawValue.utf8)); s.append(0x0A)
    }
}
