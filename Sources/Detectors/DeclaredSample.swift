import Declarations

/// Goods declared as samples of no commercial value, in a sample-sized quantity.
///
/// Their declared value is nominal by nature (a few dollars for a machine or a
/// kilogram of powder), so a price far below the line's says nothing about
/// undervaluation or the goods' identity: the unit-value detector leaves the
/// USD/kg feature out for them, and the goods-code detector its value
/// likelihood ratio. Everything else (weights, text, licences, routing, parties)
/// still counts, so calling goods a sample hides nothing but their price, and
/// only for a quantity a sample can have.
///
/// A description declares a sample when it holds the word "sample" or
/// "samples", the phrase "no commercial value", the token "NCV", or 样品 / 样本
/// (ASCII case-insensitive, whole words for the Latin forms). Sample-sized means a
/// net weight of at most `maximumKg`, or at most `maximumUnits` pieces when the
/// quantity counts pieces.
public enum DeclaredSample {
    public static let maximumKg = 30.0
    public static let maximumUnits = 5.0

    /// Whether `description` declares a sample.
    public static func declares(_ description: String) -> Bool { declares(utf8: ArraySlice(description.utf8)) }

    /// Whether UTF-8 `bytes` declare a sample: scanned in place, no allocation (this
    /// runs once per distinct description of a feed). ASCII letters compare without
    /// case; any byte that is not an ASCII letter or digit ends a word.
    public static func declares(utf8 bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBytes { declares(utf8: $0) }
    }

    /// `declares` of bytes in place. One pass over the words; the phrase is
    /// searched for only when a word is "commercial" (the phrase holds it as a
    /// whole word, between spaces), which few descriptions have: a search of
    /// every description cost as much as the pass (free text: 10M of them).
    public static func declares(utf8 bytes: UnsafeRawBufferPointer) -> Bool {
        // The Chinese words only where a byte is not ASCII.
        if !ASCIIText.isASCII(bytes) && (contains(bytes, chineseSample) || contains(bytes, chineseSpecimen)) { return true }
        guard mayDeclare(bytes) else { return false }
        var start = bytes.startIndex
        var i = bytes.startIndex
        var commercialWord = false
        while i <= bytes.endIndex {
            let wordByte = i < bytes.endIndex && isWordByte(bytes[i])
            if !wordByte {
                if i > start {
                    let word = bytes[start..<i]
                    switch word.count {
                    case 3: if equal(word, ncv) { return true }
                    case 6: if equal(word, sample) { return true }
                    case 7: if equal(word, samples) { return true }
                    case 10: if equal(word, commercial) { commercialWord = true }
                    default: break
                    }
                }
                start = i + 1
            }
            i += 1
        }
        return commercialWord && contains(bytes, noCommercialValue)
    }

    /// A test no declaring text fails, eight places at a time without a branch
    /// per byte: whether the text, lower-cased, holds "ncv", "amp" or "mme" (of
    /// "ncv", "sample(s)" and "commercial"). Most descriptions hold none; those
    /// that do ("lamp", "commerce") go on to the word pass, which decides. Text
    /// of fewer than 10 bytes goes straight there.
    @inline(__always)
    static func mayDeclare(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let n = bytes.count
        guard n >= 10 else { return true }
        // OR 0x20 lower-cases a letter and gives a letter only from that letter's two cases.
        @inline(__always) func lowered(_ i: Int) -> UInt64 { bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) | 0x2020_2020_2020_2020 }
        // The top bit of each zero byte (and perhaps of a byte above one: a false hit only).
        @inline(__always) func zeros(_ v: UInt64) -> UInt64 { (v &- 0x0101_0101_0101_0101) & ~v & 0x8080_8080_8080_8080 }
        @inline(__always) func all(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }
        let (a, c, e, m) = (all(UInt8(ascii: "a")), all(UInt8(ascii: "c")), all(UInt8(ascii: "e")), all(UInt8(ascii: "m")))
        let (n_, p, v) = (all(UInt8(ascii: "n")), all(UInt8(ascii: "p")), all(UInt8(ascii: "v")))
        // Blocks of 8 starting places (their trigrams end 2 bytes further); the last block
        // ends at the text's end, overlapping the one before it.
        var i = 0
        while true {
            let x = lowered(i), y = lowered(i &+ 1), z = lowered(i &+ 2)
            let hit = zeros(x ^ n_) & zeros(y ^ c) & zeros(z ^ v)
                | zeros(x ^ a) & zeros(y ^ m) & zeros(z ^ p)
                | zeros(x ^ m) & zeros(y ^ m) & zeros(z ^ e)
            if hit != 0 { return true }
            if i &+ 10 >= n { return false }
            i = Swift.min(i &+ 8, n &- 10)
        }
    }

    private static let sample = Array("sample".utf8), samples = Array("samples".utf8), ncv = Array("ncv".utf8)
    private static let noCommercialValue = Array("no commercial value".utf8), commercial = Array("commercial".utf8)
    private static let chineseSample = Array("样品".utf8), chineseSpecimen = Array("样本".utf8)

    @inline(__always) private static func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b | 0x20 : b }
    @inline(__always) private static func isWordByte(_ b: UInt8) -> Bool {
        let l = lower(b)
        return (l >= 97 && l <= 122) || (b >= 48 && b <= 57)
    }

    /// `word` equals lower-case ASCII `target`, ignoring case.
    private static func equal(_ word: Slice<UnsafeRawBufferPointer>, _ target: [UInt8]) -> Bool {
        guard word.count == target.count else { return false }
        var k = 0
        for b in word {
            if lower(b) != target[k] { return false }
            k += 1
        }
        return true
    }

    /// `bytes` hold `pattern` (lower-case ASCII compares without case; other bytes exactly).
    private static func contains(_ bytes: UnsafeRawBufferPointer, _ pattern: [UInt8]) -> Bool {
        guard bytes.count >= pattern.count else { return false }
        var i = bytes.startIndex
        while i + pattern.count <= bytes.endIndex {
            var k = 0
            while k < pattern.count && lower(bytes[i + k]) == pattern[k] { k += 1 }
            if k == pattern.count { return true }
            i += 1
        }
        return false
    }

    /// Whether a net weight (kg) and quantity in `unitClass` (`UnitValueFeatures.unitClass`) are sample-sized.
    public static func sampleSized(netKg: Double, quantity: Double, unitClass: Int) -> Bool {
        if netKg > 0 && netKg <= maximumKg { return true }
        return unitClass == 1 && quantity > 0 && quantity <= maximumUnits
    }

    /// Whether row `r` of `table` is a declared, sample-sized sample (for explaining one row).
    public static func row(_ table: DeclarationTable, _ r: Int) -> Bool {
        guard let desc = table.text(.description), declares(utf8: desc.values.bytes(desc.codes[r])) else { return false }
        return sampleSized(netKg: table.numbers(.netWeightKg)?[r] ?? .nan, quantity: table.numbers(.quantity)?[r] ?? .nan,
                           unitClass: UnitValueFeatures.unitClass(table.text(.quantityUnit)?.string(r) ?? ""))
    }

    /// Per row of `table`: declared as a sample, in a sample-sized quantity
    /// (all false without a description column). Decided once per distinct description.
    public static func rows(_ table: DeclarationTable) -> [Bool] {
        guard let desc = table.text(.description) else { return [Bool](repeating: false, count: table.count) }
        // Over ranges of descriptions on every core: free text has nearly one a row.
        let values = desc.values, distinct = values.count, ranges = System.cores * 4
        let parts = Parallel.map(0..<ranges, threads: System.cores) { k -> [Bool] in
            let range = (distinct * k / ranges)..<(distinct * (k + 1) / ranges)
            return values.withValueBytes { (v: ByteInterner.ValueBytes) -> [Bool] in range.map { (c: Int) -> Bool in declares(utf8: v[c]) } }
        }
        let declaring: [Bool] = parts.flatMap { $0 }
        guard declaring.contains(true) else { return [Bool](repeating: false, count: table.count) }
        let net = table.numbers(.netWeightKg), quantity = table.numbers(.quantity)
        let classes = UnitValueFeatures.Classes(table)
        let codes = desc.codes
        return Parallel.rows(table.count) { r in
            guard declaring[Int(codes[r])] else { return false }
            return sampleSized(netKg: net?[r] ?? .nan, quantity: quantity?[r] ?? .nan, unitClass: classes[r])
        }
    }
}
