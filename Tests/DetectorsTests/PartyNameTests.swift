@testable import Declarations
@testable import Detectors
import TestSupport
import Testing

@Suite("party names: one party under its spellings")
struct PartyNameTests {
    @Test("spellings of one party share a key", arguments: [
        // Case, punctuation, spacing and the spelling of legal forms.
        ["Kiwi Distribution Co., Ltd", "KIWI DISTRIBUTION CO.,LTD.", "Kiwi Distribution Company Limited", "kiwi  distribution co ltd"],
        ["Energia Holdings Limited", "Energia-Holdings Limited", "ENERGIA HOLDINGS LTD."],
        ["Sever Res. OAO", "SEVER RES OAO"],
        ["Orion Springbok Metals S.A.", "Orion Springbok Metals SA"],
        // What trails the last legal form: branches, warehouses, departments.
        ["Arya Vertex Trading LLC", "Arya Vertex Trading LLC (Osaka branch)", "Arya Vertex Trading LLC - Warehouse 120",
         "Arya Vertex Trading LLC, Logistics Dept."],
        // Care-of clauses name the forwarder, not the party.
        ["Falcon Saffron Trading Tbk", "Falcon Saffron Trading Tbk c/o Haiphong Forwarding 3", "Falcon Saffron Trading Tbk C/O Acme Ltd",
         "Falcon Saffron Trading Tbk C / O Acme", "Falcon Saffron Trading Tbk (care  of Acme)", "Falcon Saffron Trading Tbk -\tcare\tof Acme",
         "Falcon Saffron Trading Tbk, care of Nile Logistics", "Falcon Saffron Trading Tbk ATTN: Mr. Lee"],
        // A prefix legal form: the trailing bracketed qualifier goes.
        ["PT Evergreen Manufacturing", "PT Evergreen Manufacturing (Lyon branch)", "PT. Evergreen Manufacturing [Jakarta]"],
        // No legal form at all: a trailing bracket, one a fixed-width field cut, a site after a mark.
        ["Merlion Metals", "MERLION METALS (Singapore office)", "Merlion Metals c/o DHL", "Merlion Metals (Singapore offi",
         "Merlion Metals - Warehouse 3", "Merlion Metals, Branch Office", "Merlion Metals / Dept. 4B", "Merlion Metals; Plant 2 - Dock 7"],
        // A legal form the list leaves out ("A.S." is also a word): the same.
        ["Prime Anatolia Metals A.S.", "Prime Anatolia Metals A.S. - Warehouse 12", "PRIME ANATOLIA METALS A.S., Branch Office",
         "Prime Anatolia Metals A.S. (Izmir office", "Prime Anatolia Metals A.S. (Izmir branch)"],
        // Full-width forms, Chinese names with their glued legal form.
        ["ABC Trading Ltd", "ＡＢＣ Ｔｒａｄｉｎｇ Ｌｔｄ．", "ABC Trading Ltd（Hong Kong branch）"],
        ["深圳市华美贸易有限公司", "深圳市华美贸易有限公司（福田分公司）", "深圳市华美贸易有限公司 c/o 顺丰"],
        ["Xi'an Dingsheng Textile Co., Ltd.", "XIAN DINGSHENG TEXTILE CO LTD", "Xi\u{2019}an Dingsheng Textile Co.,Ltd"],
    ])
    func sameParty(_ spellings: [String]) {
        let keys = spellings.map(PartyName.key)
        #expect(Set(keys).count == 1, "\(zip(spellings, keys).map { "\($0) → \($1)" })")
    }

    @Test("different parties keep different keys", arguments: [
        ("ABC Trading Ltd", "ABC Trading Inc"),                                  // legal forms stay
        ("ABC Trading Co., Ltd.", "ABC Trading Ltd"),
        ("Lenovo (Beijing) Co., Ltd.", "Lenovo (Shanghai) Co., Ltd."),          // a qualifier inside the name
        ("Nile Industries AG", "Industries Nile AG"),                            // word order
        ("Volga Industries S.A.", "Volga Industry S.A."),
        ("Acme Ltd c/o Zenith GmbH", "Zenith GmbH"),                             // the party, not its forwarder
        ("Coco Trading Ltd", "Co Trading Ltd"),
        ("Unicorn Co", "Unicorn"),
        ("Trading As Partners Ltd", "Trading Partners Ltd"),                     // "as" is a word, not a form
        // A legal form that is also a word cuts nothing when a word follows it.
        ("Midwest Ag Supply", "Midwest Ag Equipment"),
        ("Acme Private Label", "Acme Private Equity"),
        ("Acme Company Store", "Acme Company"),
        ("Me Too Trading", "Me Too"),
        ("Acme Ltd & Sons", "Acme Ltd"),
        // "care of" inside a name is a name.
        ("Medical Care of America Inc", "Medical Care of Texas LLC"),
        ("Medical Care of America Inc", "Medical"),
        // A qualifier word inside a name, or after a mark with a name word of its own, is a name.
        ("Office Depot", "Depot"),
        ("Acme - Office Supplies", "Acme"),
        ("Acme - Warehouse Logistics", "Acme"),
        ("Acme Trading - Warehouse 12 (Osaka)", "Acme Trading"),
        ("Acme Plant 2", "Acme"),
    ])
    func differentParties(a: String, b: String) {
        #expect(PartyName.key(a) != PartyName.key(b), "\(a) → \(PartyName.key(a)); \(b) → \(PartyName.key(b))")
    }

    @Test("keys, spelled out", arguments: [
        ("Kiwi Distribution Co., Ltd (Lyon branch)", "kiwi distribution co ltd"),
        ("Baltic Manufacturing Public Co., Ltd. c/o Incheon Forwarding 24", "baltic manufacturing public co ltd"),
        ("Siemens GmbH & Co. KG - Werk 2", "siemens gmbh co kg"),
        ("S.A. de C.V. Industrias Norte", "sa de cv industrias norte"),
        ("Grupo Norte S. de R.L. de C.V.", "grupo norte s de rl de cv"),
        ("OOO Romashka (Moscow)", "ooo romashka"),
        ("Ltd", "ltd"),
        ("c/o DHL", "c o dhl"),
        ("(Osaka branch)", "osaka branch"),
        ("  ---  ", "---"),
        ("", ""),
        ("深圳市华美贸易有限公司（福田分公司）", "深圳市华美贸易有限公司"),
        ("Merlion Metals care of DHL", "merlion metals care of dhl"),   // no mark before "care of": a name
        ("Acme Ltd Werk 2", "acme ltd werk 2"),                         // no mark after the form: nothing cut
        ("Acme Ltd; Werk 2", "acme ltd"),
        ("Merlion Metals (Singapore offi", "merlion metals"),
        ("Merlion (HK) Metals (Singapore", "merlion hk metals"),
        ("Lenovo (Beijing", "lenovo"),                      // cut short inside its bracket: the bracket goes
        ("(Osaka branch", "osaka branch"),                   // no word before the bracket: nothing cut
        ("Acme - Warehouse 12 (Osaka)", "acme warehouse 12"),
        ("Acme Trading - Warehouse 12, Dock 3", "acme trading"),
        ("Acme Trading - Dock", "acme trading"),
        ("- Warehouse 12", "warehouse 12"),
        ("3M Trading - Unit 4", "3m trading"),
    ])
    func keys(name: String, key: String) {
        #expect(PartyName.key(name) == key)
    }

    @Test("the ASCII path gives the Unicode-scalar path's keys (seeded names from the pieces names are made of)", arguments: [UInt64(1), 2, 3])
    func asciiPathMatchesScalars(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let pieces = ["Kiwi", "ORION", "metals", "Co.", "Ltd", "LIMITED", "S.A.", "GmbH", "&", "c/o", "C/O", "care of", "attn", "Attn:", "Office", "DEPT", "4b", "Dock",
                      "(", ")", "[", "]", "{", "}", "-", ",", ".", "'", "/", "PT", "ooo", "Warehouse", "12", "branch", "co", "as",
                      "xc/o", "c/ox", "care off", "attnx", "Company", "Corporation", "Inc.", "\t", "  ", "a", "Z9",
                      "Proprietary", "Berhad", "de", "THE", "Incorporated", "Corporations", "abcdefghijklmnop", "abcdefghijklmnopq",
                      "Supercalifragilistic", "L.T.D", "Co.,Ltd", "S. de R.L."]
        for _ in 0..<20_000 {
            let n = Int.random(in: 0...9, using: &rng)
            var name = ""
            for _ in 0..<n {
                name += pieces.randomElement(using: &rng)!
                if Bool.random(using: &rng) { name += " " }
            }
            #expect(PartyName.key(name) == PartyName.keyOfScalars(name), "\(name.debugDescription)")
        }
    }

    @Test("any text: a key never traps, is its own key, and the ASCII path and its oracle agree (seeded Unicode and byte soup)", arguments: [UInt64(7), 8])
    func anyText(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let scalars: [Unicode.Scalar] = Array("aZ09ocatn .,'()[]{}-/&:;|\t\u{2019}（）ＡＢ有限公司华美é\u{301}İß\u{FEFF}\u{200B}😀ـ".unicodeScalars)
        let ascii = scalars.filter(\.isASCII)
        for k in 0..<10_000 {
            // Every other name ASCII only: the byte path against its oracle; the rest may hold anything.
            let pool = k % 2 == 0 ? ascii : scalars
            let n = Int.random(in: 0...24, using: &rng)
            var view = String.UnicodeScalarView()
            for _ in 0..<n { view.append(pool.randomElement(using: &rng)!) }
            let name = String(view)
            let key = PartyName.key(name)
            #expect(PartyName.key(key) == key, "\(name.debugDescription) → \(key.debugDescription) → \(PartyName.key(key).debugDescription)")
            #expect(key == PartyName.keyOfScalars(name), "\(name.debugDescription)")
            _ = PartyName.careOf(name)
            _ = PartyName.head(name)
        }
    }

    @Test("the party a name is sent care of", arguments: [
        ("Acme Ltd c/o Nile Logistics FZE", "nile logistics fze"),
        ("ACME LTD C/O  Nile Logistics", "nile logistics"),
        ("Acme Ltd, care of Zenith GmbH (Dubai)", "zenith gmbh (dubai)"),
        ("Acme Ltd attn: purchasing", ": purchasing"),
        ("Acme Ltd c/o", nil),
        ("Acme Ltd c/o --", nil),
        ("c/o Nile Logistics", nil),        // nothing of the name's own before it
        ("Acme Ltd xc/o Nile", nil),
        ("Acme Ltd", nil),
        ("华美贸易有限公司 c/o ＮＩＬＥ Logistics", "nile logistics"),
    ] as [(String, String?)])
    func careOf(name: String, party: String?) {
        #expect(PartyName.careOf(name) == party)
    }

    @Test("a name's head for screening: before its first trailing qualifier with no legal form after it", arguments: [
        ("Siam International Baltic Elec. PJS - Warehouse 146", "siam international baltic elec. pjs"),
        ("Stellar Internaional Holdings LLP (Chicago branch)", "stellar internaional holdings llp"),
        ("Acme Trading (Osaka branch) - Dock 3", "acme trading (osaka branch)"),
        ("Acme Trdg Lmtd c/o Nile Logistics - Dock 3", nil),
        ("Acme Trdg Lmtd - Dock 3 c/o Nile", "acme trdg lmtd"),
        ("Saffron Technologies (Pty) Ltd", nil),          // the bracket is inside the name
        ("Kiwi Distribution Co., Ltd", nil),              // a legal form after the comma
        ("Foo Holdings, Trading Ltd", nil),
        ("Acme (HK) Trading", nil),
        ("(Osaka) Acme", nil),
        ("Acme Trading", nil),
        ("ＡＣＭＥ Trading （Osaka branch）", "acme trading"),
    ] as [(String, String?)])
    func head(name: String, head: String?) {
        #expect(PartyName.head(name) == head)
    }

    @Test("a column's parties: numbered by first value")
    func resolution() {
        var column = TextColumn()
        let rows = ["Acme Ltd (Osaka branch)", "Zenith GmbH", "ACME LTD", "Acme Ltd", "ACME LTD", "Acme Ltd", "zenith gmbh", "Other"]
        for r in rows { column.codes.append(column.values.intern(r)) }
        for threads in [1, 2] {
            let p = PartyResolution(column.values, threads: threads)
            #expect(p.keys == ["acme ltd", "zenith gmbh", "other"])
            #expect(p.party == [0, 1, 0, 0, 1, 2])
        }
        // Ids are not folded: each value its own party.
        let ids = PartyResolution(column.values, fold: false)
        #expect(ids.keys.count == column.values.count && ids.party == (0..<Int32(column.values.count)).map { $0 })
    }

    @Test("a column of thousands of spellings: the same parties on 1 and 2 threads, each value keyed as alone")
    func resolutionInBatches() {
        var column = TextColumn()
        var rng = SeededRandom(seed: 11)
        let suffixes = ["", " (Osaka branch)", " - Warehouse 9", " c/o Nile Forwarding", ", Logistics Dept."]
        for _ in 0..<12_000 {
            let name = "Party \(Int.random(in: 0..<1_500, using: &rng)) Co., Ltd" + suffixes.randomElement(using: &rng)!
            column.codes.append(column.values.intern(Bool.random(using: &rng) ? name : name.uppercased()))
        }
        let one = PartyResolution(column.values, threads: 1), two = PartyResolution(column.values, threads: 2)
        #expect(column.values.count > 5_000)
        #expect(one.party == two.party && one.keys == two.keys)
        for c in 0..<column.values.count { #expect(one.keys[Int(one.party[c])] == PartyName.key(column.values.string(UInt32(c)))) }
        #expect(one.keys.count <= 1_500)
    }
}
