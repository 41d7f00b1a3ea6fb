/// `--free-text`: descriptions and consignee names as a real feed's free text
/// has them. Plain output draws every description from a few dozen thousand
/// stems and qualifiers and every consignee name from the world's list; a
/// customs system's fields are typed by declarants, so nearly every
/// description carries its own lot, batch or order number, and one consignee
/// appears under many spellings (branches, warehouses, forwarders). Detectors
/// whose work grows with the distinct values (goods_code's text model, party
/// screening, the parties table) are measured on these.
///
/// A row is elaborated from a stream of its own (`RowRandom.Stream.freeText`),
/// after it is drawn: every other field, and every row of a plain run, stays
/// as it is. A description's number is the row's; a consignee's spelling is
/// its declaration's (drawn from the declaration number), so a declaration's
/// items name one party. Planted rows keep their consignee's name as listed,
/// but for split shipments and restricted parties: an evader splitting a
/// consignment under a licence threshold varies the consignee's spelling as
/// well, so that the shipments do not add up under one name, and a listed
/// party is named with a branch, warehouse or forwarder added, so that its
/// name is not the listed one.
enum FreeText {
    static let sites = ["Rotterdam", "Hamburg", "Antwerp", "Singapore", "Busan", "Osaka", "Chicago", "Dubai", "Mumbai",
                        "Leipzig", "Lyon", "Milan", "Incheon", "Penang", "Haiphong", "Laem Chabang"]

    /// Spellings a consignee has besides its own name.
    static let spellings = 8

    static func elaborate(_ r: inout Row, row i: Int, seed: UInt64) {
        var rng = RowRandom(seed: seed, stream: .freeText, index: UInt64(i))
        var d = ByteSink(capacity: r.description.count + 32)
        d.append(r.description)
        switch rng.below(4) {
        case 0:
            d.append(" LOT "); d.append(int: 22 + rng.below(4)); d.append("-"); d.append(int: rng.below(10_000), width: 4)
        case 1:
            d.append(", batch no. "); d.append(int: rng.below(1_000_000), width: 6)
        case 2:
            d.append(" PO"); d.append(int: rng.below(100_000), width: 5); d.append(" ("); d.append(int: 1 + rng.below(60)); d.append(" drums)")
        default:
            d.append(" ref "); d.append(int: rng.below(1_000_000)); d.append("/"); d.append(int: 22 + rng.below(4))
        }
        r.description = d.bytes
        // The consignee's spelling is the declaration's: its items name one party.
        var declaration = RowRandom(seed: seed, stream: .freeText, index: fnv(r.declarationID))
        guard r.pattern == nil || r.pattern == .splitShipments || r.pattern == .restrictedParty, declaration.below(10) < 6 else { return }
        // One of the consignee's `spellings`, each always written the same way.
        var name = decoded(r.consigneeField)
        var spelling = RowRandom(seed: seed, stream: .freeText, index: fnv(Array(name.utf8)) &+ UInt64(declaration.below(spellings)))
        switch spelling.below(3) {
        case 0: name += " (\(spelling.pick(sites)) branch)"
        case 1: name += " - Warehouse \(1 + spelling.below(200))"
        default: name += " c/o \(spelling.pick(sites)) Forwarding \(1 + spelling.below(40))"
        }
        r.consigneeField = csvField(name)
    }

    /// FNV-1a of `bytes`: the stream index of a declaration's or a party's spelling.
    static func fnv(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x1_0000_0000_01B3 }
        return h
    }

    /// The text of a CSV field as `csvField` wrote it.
    static func decoded(_ field: [UInt8]) -> String {
        let quote = UInt8(ascii: "\"")
        guard field.count >= 2, field.first == quote, field.last == quote else { return String(decoding: field, as: UTF8.self) }
        var out: [UInt8] = []
        var i = 1
        while i < field.count - 1 {
            out.append(field[i])
            i += field[i] == quote ? 2 : 1   // "" inside stands for one quote
        }
        return String(decoding: out, as: UTF8.self)
    }
}
