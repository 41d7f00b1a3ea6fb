/// The tariff lines of the generated world: the controlled lines of DOMAIN.md and
/// a few hundred ordinary 8-digit lines spread over ~60 headings.
struct Catalogue: Sendable {
    var lines: [TariffLine]
    /// Index of a line by code.
    var index: [String: Int]
    /// Lines of each controlled group, by group index.
    var linesOfGroup: [[Int]]

    init(seed: UInt64) {
        var lines = Catalogue.controlledLines()
        var rng = RowRandom(seed: seed, stream: .line, index: 0)
        for h in Catalogue.headings {
            let count = 3 + rng.below(4)
            var subs = Catalogue.subCodes
            for k in 0..<count {
                let j = k + rng.below(subs.count - k)
                subs.swapAt(k, j)
                let code = h.hs4 + subs[k]
                // Each line drifts from its heading: its own price level, spread and size.
                let wide = h.wide || rng.chance(0.06)
                lines.append(TariffLine(
                    code: code, group: nil, unit: h.unit,
                    lnUSDPerKg: Math.log(h.usdPerKg) + rng.uniform(-0.6, 0.6),
                    lnUSDPerKgSigma: wide ? rng.uniform(0.95, 1.25) : rng.uniform(0.22, 0.5),
                    kgPerUnit: h.kgPerUnit * Math.exp(rng.uniform(-0.4, 0.4)),
                    kgPerUnitSigma: rng.uniform(0.15, 0.35),
                    lnShipmentKg: Math.log(h.shipmentKg) + rng.uniform(-0.5, 0.5),
                    lnShipmentKgSigma: rng.uniform(0.7, 1.1),
                    packaging: h.packaging, packagingSigma: 0.25,
                    popularity: h.popularity * Math.exp(rng.normal() * 0.6),
                    stems: h.stems, qualifiers: k == 0 ? h.qualifiers : Array(h.qualifiers.shuffled(using: &rng).prefix(max(1, h.qualifiers.count - 1))),
                    decoys: h.decoys))
            }
        }
        lines.append(contentsOf: Catalogue.fixedOrdinaryLines())
        // Codes must be unique; a later duplicate keeps the first definition.
        var seen: Set<String> = []
        lines = lines.filter { seen.insert($0.code).inserted }
        self.lines = lines
        self.index = Dictionary(uniqueKeysWithValues: lines.enumerated().map { ($1.code, $0) })
        self.linesOfGroup = ControlledGroup.all.indices.map { g in lines.indices.filter { lines[$0].group == g } }
    }

    static let subCodes = ["1000", "1100", "1900", "2000", "2100", "2900", "3000", "4000", "5000", "9000", "9100", "9900"]

    struct Heading {
        var hs4: String
        var unit: QuantityUnit
        var usdPerKg: Double
        var kgPerUnit: Double = 1
        var shipmentKg: Double
        var packaging: Double = 0.06
        var popularity: Double = 1
        var wide = false
        var stems: [String]
        var qualifiers: [String]
        var decoys: [String] = []
    }

    // Ordinary headings: unit, price level (USD/kg), unit weight, typical shipment, packaging (gross/net − 1).
    static let headings: [Heading] = [
        .init(hs4: "8471", unit: .pcs, usdPerKg: 60, kgPerUnit: 2.2, shipmentKg: 800, popularity: 3,
              stems: ["laptop computer", "notebook PC", "portable computer", "mini PC host", "tablet computer"],
              qualifiers: ["14 inch", "i5 8GB", "with charger", "brand new", "OEM"]),
        .init(hs4: "8517", unit: .pcs, usdPerKg: 140, kgPerUnit: 0.25, shipmentKg: 400, popularity: 3,
              stems: ["mobile phone", "smartphone", "wireless router", "network switch", "cellular module"],
              qualifiers: ["5G", "128GB", "dual SIM", "24 port", "with accessories"]),
        .init(hs4: "8504", unit: .pcs, usdPerKg: 14, kgPerUnit: 0.3, shipmentKg: 900, popularity: 2,
              stems: ["power adapter", "switching power supply", "transformer", "battery charger"],
              qualifiers: ["65W", "12V 2A", "UL listed", "EU plug"],
              decoys: ["GaN fast charger 65W", "GaN power adapter USB-C"]),
        .init(hs4: "8541", unit: .pcs, usdPerKg: 220, kgPerUnit: 0.002, shipmentKg: 60, popularity: 1.5,
              stems: ["LED chips", "photovoltaic cells", "diodes", "power transistors", "solar cells"],
              qualifiers: ["SMD 2835", "monocrystalline", "TO-220", "182mm"],
              decoys: ["GaN LED chips", "GaAs infrared LED chips", "gallium nitride LED wafer chips"]),
        .init(hs4: "8542", unit: .pcs, usdPerKg: 2500, kgPerUnit: 0.0008, shipmentKg: 15, popularity: 1.5,
              stems: ["integrated circuits", "microcontroller IC", "memory chips", "processor chips"],
              qualifiers: ["QFN", "BGA package", "32-bit", "DDR4"]),
        .init(hs4: "8544", unit: .kg, usdPerKg: 11, shipmentKg: 1500, popularity: 1.5,
              stems: ["insulated copper cable", "data cable", "power cord", "coaxial cable"],
              qualifiers: ["3 core", "1.5 mm2", "PVC jacket", "with connectors"]),
        .init(hs4: "8507", unit: .pcs, usdPerKg: 18, kgPerUnit: 0.6, shipmentKg: 2500, popularity: 1.5,
              stems: ["lithium ion battery", "battery pack", "lead acid battery", "LiFePO4 battery cell"],
              qualifiers: ["12V", "3.7V 5000mAh", "48V 100Ah", "rechargeable"],
              decoys: ["lithium battery cells with graphite anode"]),
        .init(hs4: "8545", unit: .kg, usdPerKg: 3, shipmentKg: 18000, packaging: 0.04, popularity: 0.6,
              stems: ["graphite electrode", "carbon electrode", "electrode paste"],
              qualifiers: ["UHP 450mm", "RP grade", "with nipples", "HP 350mm"],
              decoys: ["graphite electrodes UHP 600mm", "artificial graphite electrode for EAF"]),
        .init(hs4: "6109", unit: .pcs, usdPerKg: 12, kgPerUnit: 0.2, shipmentKg: 1200, popularity: 2.5,
              stems: ["cotton T-shirt", "knitted T-shirt", "tee shirt", "polo shirt"],
              qualifiers: ["men's", "100% cotton", "short sleeve", "printed"]),
        .init(hs4: "6204", unit: .pcs, usdPerKg: 18, kgPerUnit: 0.4, shipmentKg: 900, popularity: 2,
              stems: ["women's dress", "ladies suit", "skirt", "women's trousers"],
              qualifiers: ["polyester", "woven", "casual", "lined"]),
        .init(hs4: "6403", unit: .pair, usdPerKg: 16, kgPerUnit: 0.9, shipmentKg: 1500, popularity: 1.5,
              stems: ["leather shoes", "leather boots", "men's dress shoes"],
              qualifiers: ["rubber sole", "size 39-45", "genuine leather"]),
        .init(hs4: "6402", unit: .pair, usdPerKg: 7, kgPerUnit: 0.7, shipmentKg: 2000, popularity: 1.5,
              stems: ["sports shoes", "slippers", "rubber sandals"], qualifiers: ["EVA", "PVC upper", "assorted sizes"]),
        .init(hs4: "9403", unit: .pcs, usdPerKg: 3, kgPerUnit: 16, shipmentKg: 5000, packaging: 0.15, popularity: 2.5,
              stems: ["wooden furniture", "office chair", "steel cabinet", "sofa", "dining table"],
              qualifiers: ["knock down", "MDF", "with cushions", "flat packed"]),
        .init(hs4: "9405", unit: .pcs, usdPerKg: 8, kgPerUnit: 1.2, shipmentKg: 1500, packaging: 0.12, popularity: 2,
              stems: ["LED lamp", "LED panel light", "street light", "ceiling lamp"],
              qualifiers: ["100W", "IP65", "6500K", "with driver"]),
        .init(hs4: "9503", unit: .pcs, usdPerKg: 6, kgPerUnit: 0.5, shipmentKg: 1800, packaging: 0.15, popularity: 2,
              stems: ["plastic toys", "plush toys", "toy cars", "building blocks"], qualifiers: ["assorted", "for children 3+", "boxed"]),
        .init(hs4: "3926", unit: .kg, usdPerKg: 4, shipmentKg: 3000, popularity: 2,
              stems: ["plastic articles", "plastic household goods", "PP containers", "plastic clips"],
              qualifiers: ["assorted", "injection moulded", "food grade"]),
        .init(hs4: "3901", unit: .kg, usdPerKg: 1.2, shipmentKg: 24000, packaging: 0.02, popularity: 1.5,
              stems: ["polyethylene granules", "LDPE resin", "HDPE granules"], qualifiers: ["film grade", "virgin", "25kg bags"]),
        .init(hs4: "3907", unit: .kg, usdPerKg: 1.1, shipmentKg: 22000, packaging: 0.02, popularity: 1.2,
              stems: ["PET resin", "polyester chips", "polycarbonate granules"], qualifiers: ["bottle grade", "IV 0.80", "virgin"],
              decoys: ["antimony-free PET resin", "PET chips, antimony catalyst free"]),
        .init(hs4: "7208", unit: .kg, usdPerKg: 0.7, shipmentKg: 60000, packaging: 0.01, popularity: 1.5,
              stems: ["hot rolled steel coil", "steel plate", "HR sheet"], qualifiers: ["Q235B", "SS400", "2.0mm"]),
        .init(hs4: "7210", unit: .kg, usdPerKg: 0.9, shipmentKg: 50000, packaging: 0.01, popularity: 1.2,
              stems: ["galvanized steel coil", "PPGI coil", "coated steel sheet"], qualifiers: ["Z80", "0.5mm", "DX51D"]),
        .init(hs4: "7318", unit: .kg, usdPerKg: 2.6, shipmentKg: 6000, packaging: 0.04, popularity: 1.5,
              stems: ["hex bolts", "stainless steel screws", "nuts and washers", "anchor bolts"],
              qualifiers: ["M8", "grade 8.8", "zinc plated", "DIN 933"]),
        .init(hs4: "7601", unit: .kg, usdPerKg: 2.4, shipmentKg: 25000, packaging: 0.01, popularity: 1.2,
              stems: ["aluminium ingot", "aluminium alloy ingot", "primary aluminium"], qualifiers: ["A7 99.7%", "ADC12", "A356"]),
        .init(hs4: "7604", unit: .kg, usdPerKg: 3.6, shipmentKg: 15000, packaging: 0.05, popularity: 1.2,
              stems: ["aluminium profiles", "aluminium extrusions", "aluminium bars"], qualifiers: ["6063-T5", "anodized", "powder coated"]),
        .init(hs4: "8001", unit: .kg, usdPerKg: 28, shipmentKg: 5000, packaging: 0.01, popularity: 0.5,
              stems: ["tin ingot", "refined tin", "tin bar"], qualifiers: ["99.9%", "Sn 99.95%", "25kg ingots"]),
        .init(hs4: "7901", unit: .kg, usdPerKg: 2.8, shipmentKg: 25000, packaging: 0.01, popularity: 0.8,
              stems: ["zinc ingot", "refined zinc", "zinc alloy ingot"], qualifiers: ["99.995%", "SHG", "Zamak 3"]),
        .init(hs4: "7403", unit: .kg, usdPerKg: 9, shipmentKg: 20000, packaging: 0.01, popularity: 0.8,
              stems: ["copper cathode", "refined copper", "copper wire rod"], qualifiers: ["Grade A", "99.99%", "8mm"]),
        .init(hs4: "8108", unit: .kg, usdPerKg: 26, shipmentKg: 2000, packaging: 0.03, popularity: 0.6,
              stems: ["titanium sponge", "titanium bar", "titanium alloy plate"], qualifiers: ["Gr2", "TA1", "Ti-6Al-4V"]),
        .init(hs4: "8105", unit: .kg, usdPerKg: 32, shipmentKg: 1500, packaging: 0.03, popularity: 0.4,
              stems: ["cobalt powder", "cobalt cathode", "cobalt alloy"], qualifiers: ["99.8%", "extra fine", "cut pieces"]),
        .init(hs4: "8104", unit: .kg, usdPerKg: 3, shipmentKg: 20000, packaging: 0.01, popularity: 0.6,
              stems: ["magnesium ingot", "magnesium alloy ingot", "magnesium granules"], qualifiers: ["99.9%", "AZ91D", "7.5kg ingots"]),
        .init(hs4: "2804", unit: .kg, usdPerKg: 2.3, shipmentKg: 25000, packaging: 0.02, popularity: 0.8,
              stems: ["silicon metal", "metallurgical silicon", "silicon lumps"], qualifiers: ["553", "441", "10-100mm", "99%"]),
        .init(hs4: "2818", unit: .kg, usdPerKg: 0.6, shipmentKg: 25000, packaging: 0.02, popularity: 0.6,
              stems: ["aluminium oxide", "calcined alumina", "fused alumina"], qualifiers: ["99.5%", "white", "F60"]),
        .init(hs4: "2620", unit: .kg, usdPerKg: 0.4, shipmentKg: 22000, packaging: 0.03, popularity: 0.4, wide: true,
              stems: ["zinc ash", "metal bearing slag", "residues containing metals", "dross"], qualifiers: ["in bags", "bulk", "mixed"]),
        .init(hs4: "2530", unit: .kg, usdPerKg: 0.35, shipmentKg: 20000, packaging: 0.03, popularity: 0.5, wide: true,
              stems: ["mineral substances", "natural mineral powder", "vermiculite", "mica powder"], qualifiers: ["n.e.s.", "bulk", "in jumbo bags"]),
        .init(hs4: "3802", unit: .kg, usdPerKg: 1.8, shipmentKg: 15000, packaging: 0.03, popularity: 0.6,
              stems: ["activated carbon", "coconut shell activated carbon", "carbon black"], qualifiers: ["granular", "powder", "iodine 1000"]),
        .init(hs4: "6804", unit: .kg, usdPerKg: 6, shipmentKg: 2000, packaging: 0.1, popularity: 0.6,
              stems: ["grinding wheel", "resin bonded grinding disc", "polishing stones"], qualifiers: ["100mm", "for metal", "flap type"],
              decoys: ["diamond grinding wheel 125mm", "resin bond diamond cup wheel"]),
        .init(hs4: "8202", unit: .pcs, usdPerKg: 15, kgPerUnit: 0.8, shipmentKg: 900, packaging: 0.12, popularity: 0.8,
              stems: ["saw blades", "circular saw blade", "hand saw"], qualifiers: ["TCT", "230mm", "for wood"],
              decoys: ["diamond saw blade 350mm", "diamond segment saw blade for granite"]),
        .init(hs4: "2513", unit: .kg, usdPerKg: 0.4, shipmentKg: 20000, packaging: 0.03, popularity: 0.3,
              stems: ["natural abrasives", "emery powder", "pumice stone"], qualifiers: ["grade 80", "in bags"]),
        .init(hs4: "7801", unit: .kg, usdPerKg: 2.2, shipmentKg: 25000, packaging: 0.01, popularity: 0.6,
              stems: ["refined lead ingot", "lead alloy ingot", "lead"], qualifiers: ["99.97%", "Pb", "unwrought"]),
        .init(hs4: "9001", unit: .pcs, usdPerKg: 450, kgPerUnit: 0.05, shipmentKg: 40, packaging: 0.3, popularity: 0.5,
              stems: ["optical lens", "infrared lens", "optical windows", "prisms"], qualifiers: ["coated", "25mm", "AR coated"],
              decoys: ["germanium infrared lens assembly", "germanium window, AR coated"]),
        .init(hs4: "8708", unit: .pcs, usdPerKg: 6, kgPerUnit: 3, shipmentKg: 6000, packaging: 0.1, popularity: 2,
              stems: ["brake pads", "auto parts", "shock absorbers", "clutch kit"], qualifiers: ["for Toyota", "OEM", "front"]),
        .init(hs4: "8481", unit: .pcs, usdPerKg: 10, kgPerUnit: 2, shipmentKg: 3000, packaging: 0.1, popularity: 1.5,
              stems: ["ball valves", "gate valves", "check valves", "solenoid valve"], qualifiers: ["DN50", "stainless steel", "PN16"]),
        .init(hs4: "8413", unit: .pcs, usdPerKg: 9, kgPerUnit: 20, shipmentKg: 4000, packaging: 0.12, popularity: 1.2,
              stems: ["centrifugal pump", "water pump", "submersible pump"], qualifiers: ["1.5kW", "220V", "cast iron"]),
        .init(hs4: "8477", unit: .set, usdPerKg: 9, kgPerUnit: 3000, shipmentKg: 9000, packaging: 0.08, popularity: 0.5, wide: true,
              stems: ["injection moulding machine", "plastic extruder", "blow moulding machine"], qualifiers: ["with spare parts", "250T", "complete line"]),
        .init(hs4: "8474", unit: .set, usdPerKg: 5, kgPerUnit: 5000, shipmentKg: 15000, packaging: 0.06, popularity: 0.4, wide: true,
              stems: ["jaw crusher", "ball mill", "vibrating screen"], qualifiers: ["PE600x900", "with motor", "mining"]),
        .init(hs4: "2933", unit: .kg, usdPerKg: 25, shipmentKg: 1000, packaging: 0.1, popularity: 0.6, wide: true,
              stems: ["pharmaceutical intermediate", "heterocyclic compound", "organic chemical"], qualifiers: ["99%", "CAS listed", "in drums"]),
        .init(hs4: "3004", unit: .kg, usdPerKg: 40, shipmentKg: 500, packaging: 0.3, popularity: 0.6, wide: true,
              stems: ["medicaments", "tablets", "capsules"], qualifiers: ["packed for retail", "blister", "500mg"]),
        .init(hs4: "4011", unit: .pcs, usdPerKg: 3, kgPerUnit: 10, shipmentKg: 12000, packaging: 0.02, popularity: 1.2,
              stems: ["car tyres", "truck tyres", "radial tyres"], qualifiers: ["205/55R16", "315/80R22.5", "new"]),
        .init(hs4: "6907", unit: .m2, usdPerKg: 0.55, kgPerUnit: 20, shipmentKg: 25000, packaging: 0.05, popularity: 1.2,
              stems: ["ceramic tiles", "porcelain tiles", "floor tiles"], qualifiers: ["600x600mm", "glazed", "polished"]),
        .init(hs4: "2202", unit: .litre, usdPerKg: 1.0, kgPerUnit: 1.05, shipmentKg: 18000, packaging: 0.12, popularity: 0.6,
              stems: ["soft drinks", "energy drink", "beverages"], qualifiers: ["in cans", "330ml", "24 per carton"]),
        .init(hs4: "1605", unit: .kg, usdPerKg: 8, shipmentKg: 12000, packaging: 0.08, popularity: 0.8,
              stems: ["frozen shrimp", "squid", "prepared seafood"], qualifiers: ["IQF", "peeled", "in cartons"]),
        .init(hs4: "0810", unit: .kg, usdPerKg: 1.5, shipmentKg: 20000, packaging: 0.1, popularity: 0.8,
              stems: ["fresh fruit", "kiwi fruit", "fresh pears"], qualifiers: ["grade A", "in cartons", "cold storage"]),
        .init(hs4: "3304", unit: .kg, usdPerKg: 15, shipmentKg: 1500, packaging: 0.25, popularity: 1,
              stems: ["cosmetics", "skin care cream", "lipstick"], qualifiers: ["50ml", "assorted", "private label"]),
        .init(hs4: "3808", unit: .litre, usdPerKg: 6, kgPerUnit: 1.1, shipmentKg: 10000, packaging: 0.2, popularity: 0.8,
              stems: ["herbicide", "insecticide", "fungicide"], qualifiers: ["in 200L drums", "EC formulation", "SC"]),
        .init(hs4: "2710", unit: .litre, usdPerKg: 1.6, kgPerUnit: 0.88, shipmentKg: 18000, packaging: 0.15, popularity: 0.8,
              stems: ["lubricating oil", "engine oil", "hydraulic oil"], qualifiers: ["SAE 15W-40", "in drums", "ISO VG 46"]),
        .init(hs4: "4819", unit: .kg, usdPerKg: 1.5, shipmentKg: 8000, packaging: 0.05, popularity: 0.8,
              stems: ["paper cartons", "corrugated boxes", "paper bags"], qualifiers: ["printed", "5 ply", "kraft"]),
        .init(hs4: "4802", unit: .kg, usdPerKg: 1.0, shipmentKg: 20000, packaging: 0.03, popularity: 0.8,
              stems: ["copy paper", "offset paper", "writing paper"], qualifiers: ["A4 80gsm", "in reels", "woodfree"]),
        .init(hs4: "5208", unit: .m2, usdPerKg: 6, kgPerUnit: 0.15, shipmentKg: 5000, packaging: 0.05, popularity: 1,
              stems: ["cotton fabric", "woven cotton", "denim fabric"], qualifiers: ["dyed", "150cm width", "plain weave"]),
        .init(hs4: "8528", unit: .pcs, usdPerKg: 12, kgPerUnit: 9, shipmentKg: 6000, packaging: 0.2, popularity: 1.2,
              stems: ["LED TV", "computer monitor", "display screen"], qualifiers: ["55 inch", "4K", "24 inch"]),
        .init(hs4: "8516", unit: .pcs, usdPerKg: 7, kgPerUnit: 4, shipmentKg: 4000, packaging: 0.2, popularity: 1.5,
              stems: ["electric kettle", "microwave oven", "hair dryer", "induction cooker"], qualifiers: ["1800W", "220V", "stainless"]),
        .init(hs4: "8450", unit: .pcs, usdPerKg: 4, kgPerUnit: 60, shipmentKg: 9000, packaging: 0.1, popularity: 0.8,
              stems: ["washing machine", "twin tub washer"], qualifiers: ["8kg", "front loading", "fully automatic"]),
        .init(hs4: "8415", unit: .pcs, usdPerKg: 6, kgPerUnit: 40, shipmentKg: 8000, packaging: 0.1, popularity: 1,
              stems: ["air conditioner", "split AC unit", "heat pump"], qualifiers: ["12000BTU", "inverter", "R32"]),
        .init(hs4: "9018", unit: .pcs, usdPerKg: 60, kgPerUnit: 0.5, shipmentKg: 500, packaging: 0.3, popularity: 0.8,
              stems: ["medical instruments", "syringes", "surgical instruments"], qualifiers: ["disposable", "sterile", "stainless steel"]),
        .init(hs4: "9506", unit: .pcs, usdPerKg: 6, kgPerUnit: 1.5, shipmentKg: 3000, packaging: 0.15, popularity: 1,
              stems: ["fitness equipment", "yoga mats", "dumbbells"], qualifiers: ["home use", "NBR", "adjustable"]),
    ]

    /// Ordinary lines with fixed codes that sit next to controlled ones (decoys and cover codes).
    static func fixedOrdinaryLines() -> [TariffLine] {
        func line(_ code: String, _ unit: QuantityUnit, usd: Double, sigma: Double, shipment: Double,
                  stems: [String], qualifiers: [String], decoys: [String] = [], popularity: Double = 0.5) -> TariffLine {
            TariffLine(code: code, group: nil, unit: unit, lnUSDPerKg: Math.log(usd), lnUSDPerKgSigma: sigma,
                       kgPerUnit: 1, kgPerUnitSigma: 0.2, lnShipmentKg: Math.log(shipment), lnShipmentKgSigma: 0.8,
                       packaging: 0.03, packagingSigma: 0.25, popularity: popularity, stems: stems, qualifiers: qualifiers, decoys: decoys)
        }
        return [
            line("28469011", .kg, usd: 4, sigma: 0.35, shipment: 5000,
                 stems: ["cerium oxide polishing powder", "lanthanum cerium oxide", "cerium carbonate"],
                 qualifiers: ["99%", "D50 1.5um", "in 25kg drums"], decoys: ["rare earth polishing powder (cerium oxide)", "稀土 polishing powder CeO2"]),
            line("28053011", .kg, usd: 6, sigma: 0.3, shipment: 2000,
                 stems: ["lanthanum metal", "cerium metal", "misch metal"], qualifiers: ["99%", "ingots", "in argon"]),
            line("28053014", .kg, usd: 80, sigma: 0.3, shipment: 1000,
                 stems: ["neodymium metal", "praseodymium-neodymium metal", "Nd metal"], qualifiers: ["99.5%", "ingots", "PrNd 25:75"]),
            line("76012000", .kg, usd: 2.5, sigma: 0.25, shipment: 25000, stems: ["aluminium alloy ingot", "aluminium alloys, unwrought"], qualifiers: ["ADC12", "A380"]),
            line("80011000", .kg, usd: 28, sigma: 0.15, shipment: 5000, stems: ["tin ingot", "unwrought tin, not alloyed"], qualifiers: ["99.9%", "Sn"]),
            line("26209900", .kg, usd: 0.4, sigma: 1.0, shipment: 20000, stems: ["slag and ash containing metals", "metal residues"], qualifiers: ["bulk", "in bags"]),
            line("81089000", .kg, usd: 30, sigma: 0.5, shipment: 1500, stems: ["titanium articles", "titanium parts"], qualifiers: ["machined", "Gr5"]),
            line("28046900", .kg, usd: 2.4, sigma: 0.3, shipment: 25000, stems: ["silicon, other", "silicon metal"], qualifiers: ["98.5%", "lumps"]),
            line("38029000", .kg, usd: 1.8, sigma: 0.4, shipment: 12000, stems: ["activated natural mineral products", "carbon adsorbent"], qualifiers: ["granular", "powder"]),
            line("25309000", .kg, usd: 0.35, sigma: 1.0, shipment: 20000, stems: ["mineral substances n.e.s.", "natural mineral powder"], qualifiers: ["bulk", "jumbo bags"]),
            line("78019900", .kg, usd: 2.2, sigma: 0.15, shipment: 25000, stems: ["unwrought lead, other", "lead alloy ingot"], qualifiers: ["Pb 99.9%", "ingots"]),
            line("68042200", .kg, usd: 6, sigma: 0.45, shipment: 2000, stems: ["grinding stones of agglomerated abrasives", "abrasive wheels"], qualifiers: ["resin bond", "100mm"]),
            line("25132000", .kg, usd: 0.4, sigma: 0.5, shipment: 20000, stems: ["emery, natural corundum", "natural abrasives"], qualifiers: ["grit", "bulk"]),
        ]
    }

    /// The controlled lines of DOMAIN.md as 8-digit codes.
    static func controlledLines() -> [TariffLine] {
        func line(_ code: String, _ group: String, usd: Double, sigma: Double = 0.3, shipment: Double,
                  stems: [String], qualifiers: [String], popularity: Double = 1) -> TariffLine {
            TariffLine(code: code, group: ControlledGroup.index(of: group), unit: .kg,
                       lnUSDPerKg: Math.log(usd), lnUSDPerKgSigma: sigma, kgPerUnit: 1, kgPerUnitSigma: 0.2,
                       lnShipmentKg: Math.log(shipment), lnShipmentKgSigma: 0.7, packaging: 0.04, packagingSigma: 0.25,
                       popularity: popularity, stems: stems, qualifiers: qualifiers)
        }
        let purity = ["99.99%", "4N", "5N", "99.999%", "6N"]
        return [
            line("81129290", "GA", usd: 420, shipment: 300, stems: ["gallium metal", "gallium ingot", "Ga metal", "镓锭"], qualifiers: purity + ["1kg ingots"], popularity: 1.5),
            line("81129990", "GA", usd: 380, shipment: 200, stems: ["gallium, other", "gallium scrap", "gallium bars"], qualifiers: purity),
            line("28500019", "GA", usd: 900, sigma: 0.4, shipment: 40, stems: ["gallium nitride", "GaN powder", "gallium nitride substrate"], qualifiers: ["99.99%", "2 inch", "powder"]),
            line("28259090", "GA", usd: 600, shipment: 80, stems: ["gallium oxide", "Ga2O3 powder"], qualifiers: ["5N", "99.999%"]),
            line("28539040", "GA", usd: 1100, sigma: 0.4, shipment: 30, stems: ["gallium phosphide", "GaP polycrystal"], qualifiers: ["6N", "wafers"]),
            line("28429090", "GA", usd: 1300, sigma: 0.4, shipment: 30, stems: ["gallium arsenide", "GaAs polycrystal", "GaAs wafers"], qualifiers: ["6N", "2 inch"]),
            line("81129210", "GE", usd: 1500, shipment: 150, stems: ["germanium metal", "germanium ingot", "Ge ingot", "锗锭"], qualifiers: purity + ["zone refined"], popularity: 1.3),
            line("81129910", "GE", usd: 1400, shipment: 80, stems: ["germanium, other", "germanium wafers", "germanium substrates"], qualifiers: ["4 inch", "5N", "polished"]),
            line("28256000", "GE", usd: 1100, shipment: 100, stems: ["germanium dioxide", "GeO2"], qualifiers: ["99.999%", "powder"]),
            line("38011000", "GR", usd: 2.5, shipment: 20000, stems: ["artificial graphite", "synthetic graphite powder", "graphite anode material"], qualifiers: ["99.9% C", "battery grade", "D50 15um"], popularity: 1.5),
            line("38019090", "GR", usd: 3.5, shipment: 15000, stems: ["spherical graphite", "graphite preparations", "expanded graphite"], qualifiers: ["SG-17", "99.95%", "80 mesh"]),
            line("25041010", "GR", usd: 0.9, shipment: 25000, stems: ["natural flake graphite", "crystalline flake graphite", "鳞片石墨"], qualifiers: ["+194 94%C", "-100 mesh", "95% C"], popularity: 1.5),
            line("26171010", "SB", usd: 9, shipment: 20000, stems: ["antimony ore", "antimony concentrate"], qualifiers: ["Sb 45%", "in bags"]),
            line("26171090", "SB", usd: 7, shipment: 20000, stems: ["antimony ores, other", "stibnite concentrate"], qualifiers: ["Sb 30%", "bulk"]),
            line("28309020", "SB", usd: 14, shipment: 5000, stems: ["antimony sulphide", "Sb2S3"], qualifiers: ["98%", "powder"]),
            line("81101010", "SB", usd: 24, shipment: 8000, stems: ["antimony ingot", "antimony metal", "锑锭"], qualifiers: ["99.65%", "99.85%", "25kg ingots"], popularity: 1.5),
            line("81101020", "SB", usd: 27, shipment: 3000, stems: ["antimony powder", "Sb powder"], qualifiers: ["99.9%", "200 mesh"]),
            line("81102000", "SB", usd: 15, shipment: 5000, stems: ["antimony waste and scrap"], qualifiers: ["mixed", "in bags"]),
            line("81109000", "SB", usd: 30, shipment: 2000, stems: ["antimony articles", "antimony alloy"], qualifiers: ["machined", "Sb-Pb"]),
            line("28258000", "SB", usd: 16, shipment: 10000, stems: ["antimony trioxide", "Sb2O3", "antimony oxide"], qualifiers: ["99.8%", "99.99%", "catalyst grade"], popularity: 1.3),
            line("71051000", "SH", usd: 250, sigma: 0.45, shipment: 60, stems: ["diamond micropowder", "synthetic diamond powder", "diamond dust"], qualifiers: ["W1.5", "0-0.5um", "MBD grade"], popularity: 1.2),
            line("28053012", "RE", usd: 280, shipment: 300, stems: ["dysprosium metal", "dysprosium oxide", "Dy2O3", "镝"], qualifiers: ["99.5%", "99.9%", "powder"]),
            line("28053013", "RE", usd: 1100, shipment: 100, stems: ["terbium metal", "terbium oxide", "Tb4O7", "铽"], qualifiers: ["99.99%", "powder"]),
            line("28053017", "RE", usd: 12, shipment: 3000, stems: ["yttrium metal", "yttrium oxide", "Y2O3", "钇"], qualifiers: ["99.999%", "powder"]),
            line("28053018", "RE", usd: 900, sigma: 0.4, shipment: 60, stems: ["scandium metal", "scandium oxide", "Sc2O3", "钪"], qualifiers: ["99.99%", "ingot"]),
            line("28053019", "RE", usd: 60, sigma: 0.45, shipment: 500, stems: ["samarium metal", "gadolinium oxide", "lutetium oxide", "Sm-Co alloy", "钐"], qualifiers: ["99.9%", "ingots"]),
            line("28469019", "RE", usd: 35, sigma: 0.4, shipment: 2000, stems: ["mixed rare earth oxides", "heavy rare earth concentrate", "rare earth compounds"], qualifiers: ["TREO 92%", "Dy/Tb bearing"]),
        ]
    }
}
