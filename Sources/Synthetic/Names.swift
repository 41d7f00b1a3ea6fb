/// Company names: Chinese exporters and foreign consignees, from token pools
/// shared with the restricted-party list (so look-alike names occur naturally),
/// and the spelling variants a listed party hides behind.
enum Names {
    static let chineseCities = ["Shenzhen", "Shanghai", "Ningbo", "Guangzhou", "Xiamen", "Qingdao", "Tianjin", "Hangzhou",
                                "Suzhou", "Dongguan", "Foshan", "Yiwu", "Changsha", "Ganzhou", "Baotou", "Kunming",
                                "Zhuzhou", "Chenzhou", "Nanjing", "Wuxi", "Hefei", "Chengdu", "Xi'an", "Jinan"]
    static let chineseBrands = ["Huaxin", "Jinlong", "Hengrui", "Zhongke", "Tianyu", "Xinda", "Kaida", "Ruifeng", "Boyuan",
                                "Hongda", "Shengtai", "Yongxing", "Dingsheng", "Jiahe", "Weili", "Zhenghe", "Huamei",
                                "Fuxing", "Minghui", "Guangyuan", "Lianfa", "Taihe", "Xingyu", "Haitian", "Baocheng",
                                "Jiuding", "Sanli", "Wanfeng", "Chuangxin", "Rongsheng"]
    static let industries = ["Electronics", "Technology", "Trading", "Industrial", "Materials", "New Materials",
                             "Metals", "Import & Export", "Chemical", "Machinery", "Textile", "Minerals",
                             "Precision", "Supply Chain", "International", "Semiconductor", "Resources", "Tools"]
    static let foreignTokens = ["Nordwind", "Apex", "Zenit", "Polar", "Atlas", "Vega", "Orion", "Meridian", "Falcon",
                                "Sterling", "Baltic", "Sirius", "Aurora", "Vertex", "Summit", "Titan", "Nova", "Delta",
                                "Alpine", "Horizon", "Pioneer", "Unity", "Global", "Pacific", "Eastern", "Crescent",
                                "Kestrel", "Granite", "Cobalt", "Harbor", "Lumen", "Stellar", "Prime", "Pinnacle",
                                "Evergreen", "Redwood", "Silverline", "Ironbridge", "Bluewater", "Keystone", "Rostek",
                                "Almaz", "Energia", "Volga", "Ural", "Sever", "Tekhno", "Promtech", "Spektr", "Kaspian",
                                "Anatolia", "Bosphorus", "Parsian", "Arya", "Pamir", "Tengri", "Ararat", "Minsk",
                                "Gulf", "Falaj", "Oasis", "Saffron", "Lotus", "Mekong", "Siam", "Merlion", "Harimau",
                                "Azteca", "Maple", "Andes", "Kiwi", "Springbok", "Savanna", "Nile", "Sahara"]
    static let foreignIndustries = ["Trading", "Industries", "Technologies", "Materials", "Metals", "Electronics",
                                    "Supply", "Components", "Resources", "Engineering", "Solutions", "Import Export",
                                    "Distribution", "Manufacturing", "Systems", "Holdings", "Commodities", "Logistics"]

    /// A name as screening compares it: its lower-cased words without legal
    /// forms, as a set (word order does not make another party).
    static func key(_ name: String) -> String {
        let forms: Set<String> = ["co", "ltd", "limited", "llc", "inc", "corp", "corporation", "gmbh", "ag", "kg", "sa", "sarl",
                                  "sas", "srl", "spa", "bv", "nv", "plc", "pte", "pvt", "private", "llp", "jsc", "ooo", "ao",
                                  "oao", "too", "osoo", "fze", "fzco", "kk", "sdn", "bhd", "berhad", "tbk", "pt", "as", "sti",
                                  "de", "cv", "company", "cjsc", "pjs", "general", "trading", "group", "international", "intl"]
        return name.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
            .filter { !forms.contains($0) && $0.count > 1 }.sorted().joined(separator: " ")
    }

    /// "Shenzhen Huaxin Electronics Co., Ltd."
    static func exporter(_ rng: inout RowRandom) -> String {
        "\(rng.pick(chineseCities)) \(rng.pick(chineseBrands)) \(rng.pick(industries)) Co., Ltd."
    }

    /// "Nordwind Precision Materials GmbH"
    static func consignee(country: Country, _ rng: inout RowRandom) -> String {
        var parts = [rng.pick(foreignTokens)]
        if rng.chance(0.35) { parts.append(rng.pick(foreignTokens)) }
        parts.append(rng.pick(foreignIndustries))
        let form = rng.pick(country.legalForms)
        return form == "PT" ? "PT " + parts.joined(separator: " ") : parts.joined(separator: " ") + " " + form
    }

    /// A spelling variant of `name` of the kind used to slip past screening:
    /// changed or dropped legal form, a typo, abbreviations, punctuation, case.
    static func variant(of name: String, _ rng: inout RowRandom) -> String {
        var s = name
        let operations = 1 + rng.below(2)
        var used: Set<Int> = []
        for _ in 0..<operations {
            var op = rng.below(7)
            while used.contains(op) { op = (op + 1) % 7 }
            used.insert(op)
            switch op {
            case 0: s = swapLegalForm(s, &rng)
            case 1: s = typo(s, &rng)
            case 2: s = abbreviate(s)
            case 3: s = s.filter { $0 != "," && $0 != "." }
            case 4: s = s.uppercased()
            case 5: s = s.replacingFirst(" ", with: rng.chance(0.5) ? " Group " : " International ")
            default: s = s.replacingFirst(" ", with: "-")
            }
        }
        return s == name ? typo(name, &rng) : s
    }

    static let legalFormsAll = ["LLC", "Ltd", "Ltd.", "Limited", "Co., Ltd.", "GmbH", "Inc.", "Corp.", "FZE", "OOO",
                                "JSC", "A.S.", "Co.", "Trading LLC", "Company Limited", "Pte. Ltd.", "LLP", "S.A."]

    static func swapLegalForm(_ name: String, _ rng: inout RowRandom) -> String {
        for form in legalFormsAll.sorted(by: { $0.count > $1.count }) where name.hasSuffix(" " + form) {
            let base = String(name.dropLast(form.count + 1))
            return rng.chance(0.4) ? base : base + " " + rng.pick(legalFormsAll.filter { $0 != form })
        }
        return name + " " + rng.pick(legalFormsAll)
    }

    /// Swaps two adjacent letters, drops one or doubles one, inside a word of 4+ letters.
    static func typo(_ name: String, _ rng: inout RowRandom) -> String {
        var chars = Array(name)
        let candidates = chars.indices.filter { i in
            i > 0 && i + 2 < chars.count && chars[i].isLetter && chars[i + 1].isLetter && chars[i - 1].isLetter
        }
        guard !candidates.isEmpty else { return name + "." }
        let i = rng.pick(candidates)
        switch rng.below(3) {
        case 0: chars.swapAt(i, i + 1)
        case 1: chars.remove(at: i)
        default: chars.insert(chars[i], at: i)
        }
        return String(chars)
    }

    static func abbreviate(_ name: String) -> String {
        let table = [("International", "Intl"), ("Technologies", "Tech"), ("Technology", "Tech"), ("Industries", "Ind."),
                     ("Trading", "Trdg"), ("Company", "Co"), ("Limited", "Ltd"), ("Materials", "Mat."), ("Engineering", "Eng."),
                     ("Electronics", "Elec."), ("Resources", "Res."), ("Import Export", "Imp-Exp"), ("Manufacturing", "Mfg")]
        for (long, short) in table where name.contains(long) { return name.replacingFirst(long, with: short) }
        return name.replacingFirst(" and ", with: " & ")
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        let t = Array(target.unicodeScalars)
        let s = Array(unicodeScalars)
        guard s.count >= t.count else { return self }
        for i in 0...(s.count - t.count) where Array(s[i..<(i + t.count)]) == t {
            var out = String.UnicodeScalarView()
            out.append(contentsOf: s[..<i])
            out.append(contentsOf: replacement.unicodeScalars)
            out.append(contentsOf: s[(i + t.count)...])
            return String(out)
        }
        return self
    }
}
