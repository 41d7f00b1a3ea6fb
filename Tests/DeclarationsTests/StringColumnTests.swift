@testable import Declarations
import TestSupport
import Testing

/// Declaration ids stored as numbers, fixed-width bytes or bytes with offsets:
/// every form reads back the bytes it was given, however chunks are joined,
/// filtered, reserved and cut, against a plain array of strings.
@Suite("string columns")
struct StringColumnTests {
    static func column(_ values: [String]) -> StringColumn {
        var bytes: [UInt8] = [], ends: [Int] = []
        for v in values { bytes += Array(v.utf8); ends.append(bytes.count) }
        return StringColumn(bytes: bytes, ends: ends)
    }

    static func strings(_ c: StringColumn) -> [String] { (0..<c.count).map { c.string($0) } }

    @Test("the form is the smallest the values allow, and the values read back", arguments: [
        ([], .fixed, 0),
        (["514120230000000001", "000000000000000042"], .digits, 18),
        (["0", "7", "0"], .digits, 1),
        (["9999999999999999999", "0000000000000000000"], .digits, 19),   // 19 digits: below 2^64
        (["99999999999999999999", "00000000000000000001"], .fixed, 20),  // 20 digits: not
        (["12a4", "1234"], .fixed, 4),
        (["-123", "+123"], .fixed, 4),
        (["", ""], .fixed, 0),
        (["12", "123"], .varying, 0),
        (["KR-1", "", "é"], .varying, 0),
    ] as [([String], StringColumn.Form, Int)])
    func forms(values: [String], form: StringColumn.Form, width: Int) {
        let c = Self.column(values)
        #expect(c.form == form)
        #expect(c.width == width)
        #expect(Self.strings(c) == values)
        #expect(c.byteCount == (form == .digits ? 8 * values.count : form == .fixed ? width * values.count
                                : values.reduce(0) { $0 + $1.utf8.count } + 8 * (values.count + 1)))
        #expect((c.digitNumbers != nil) == (form == .digits))
        #expect(c.formDescription == (form == .digits ? "\(width)-digit numbers" : form == .fixed ? "\(width) bytes each" : "bytes with offsets"))
        if let (w, numbers) = c.digitNumbers {
            #expect(w == width && numbers == values.map { UInt64($0)! })
        }
    }

    @Test("digit ids of every width 1...19 read back exactly; a non-digit byte anywhere gives the fixed form",
          arguments: [1, 2, 3] as [UInt64])
    func digitWidths(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        for width in 1...19 {
            let values = (0..<20).map { _ in String((0..<width).map { _ in "0123456789".randomElement(using: &rng)! }) }
                + [String(repeating: "9", count: width), String(repeating: "0", count: width)]
            let c = Self.column(values)
            #expect(c.form == .digits && Self.strings(c) == values, "width \(width)")
            #expect(c.digitNumbers?.numbers == values.map { UInt64($0)! }, "width \(width)")
            for position in 0..<width {
                for bad in ["/", ":", "a", " ", "\u{7F}", "é"] where bad.utf8.count == 1 {
                    var broken = values
                    var chars = Array(broken[3])
                    chars[position] = Character(bad)
                    broken[3] = String(chars)
                    #expect(Self.column(broken).form == .fixed, "width \(width), \(bad) at \(position)")
                }
            }
        }
    }

    /// Chunks of ids in one of four shapes, so joins meet every pair of forms.
    static func chunk(_ shape: Int, rows: Int, using rng: inout SeededRandom) -> [String] {
        (0..<rows).map { _ in
            switch shape {
            case 0: String((0..<18).map { _ in "0123456789".randomElement(using: &rng)! })
            case 1: String((0..<18).map { _ in "0123456789AB".randomElement(using: &rng)! })
            case 2: String((0..<Int.random(in: 0...4, using: &rng)).map { _ in "019Z".randomElement(using: &rng)! })
            default: String((0..<5).map { _ in "0123456789".randomElement(using: &rng)! })
            }
        }
    }

    @Test("appending chunks of every form pair, with and without a keep mask, after a reserve, then cutting, reads back the oracle",
          arguments: 0..<24 as Range<UInt64>)
    func joins(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        var c = StringColumn()
        var oracle: [String] = []
        for step in 0..<6 {
            let values = Self.chunk(Int.random(in: 0..<4, using: &rng), rows: Int.random(in: 0..<20, using: &rng), using: &rng)
            let chunk = Self.column(values)
            if Bool.random(using: &rng) { c.reserve(additional: values.count, like: chunk) }
            if Bool.random(using: &rng) {
                let keep = values.map { _ in Bool.random(using: &rng) }
                c.append(chunk, keep: KeptRows(keep))
                oracle += zip(values, keep).filter(\.1).map(\.0)
            } else {
                c.append(chunk, keep: nil)
                oracle += values
            }
            #expect(c.count == oracle.count && Self.strings(c) == oracle, "seed \(seed) step \(step)")
        }
        let n = Int.random(in: 0...oracle.count, using: &rng)
        c.truncate(n)
        #expect(Self.strings(c) == Array(oracle.prefix(n)), "seed \(seed) cut at \(n)")
    }

    @Test("as ingest uses it: room reserved from the first chunk, chunks of other forms after it, cut back to none and refilled")
    func ingestPattern() {
        let digits = ["514120230000000001", "000000000000000042"], shorter = ["12345", "00007"], letters = ["KR-2023-000001", "KR-2023-000002"]
        var c = StringColumn()
        c.reserve(additional: 100, like: Self.column(digits))
        c.append(Self.column(digits), keep: nil)
        #expect(c.form == .digits)
        c.append(Self.column(shorter), keep: KeptRows([false, true]))
        #expect(c.form == .varying && Self.strings(c) == digits + ["00007"])
        c.truncate(0)
        #expect(c.count == 0)
        c.reserve(additional: 10, like: Self.column(letters))
        c.append(Self.column(letters), keep: nil)
        #expect(c.form == .fixed && c.width == 14 && Self.strings(c) == letters)
        c.truncate(0)
        c.append(Self.column(digits), keep: nil)
        #expect(c.form == .digits, "a column cut back to nothing takes the next chunk's form")
    }

    @Test("equals holds across forms for the same bytes")
    func equalsAcrossForms() {
        let values = ["514120230000000001", "000000000000000042", "123456789012345678"]
        let digits = Self.column(values), fixed = Self.column(values + ["12345678901234567X"]),
            varying = Self.column(values + ["1"]), shorter = Self.column(["00000000000000042"])
        #expect(digits.form == .digits && fixed.form == .fixed && varying.form == .varying && shorter.form == .digits)
        for i in values.indices {
            for j in values.indices {
                for other in [digits, fixed, varying] {
                    #expect(digits.equals(i, other, j) == (i == j) && other.equals(j, digits, i) == (i == j))
                }
            }
            #expect(!digits.equals(i, shorter, 0) && !shorter.equals(0, digits, i), "42 in 17 digits is not 42 in 18")
        }
    }

    @Test("equals and precedes agree with the bytes, within a form and across forms", arguments: 0..<8 as Range<UInt64>)
    func comparisons(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let a = Self.chunk(Int(seed % 4), rows: 30, using: &rng), b = Self.chunk(Int(seed / 2 % 4), rows: 30, using: &rng)
        let ca = Self.column(a), cb = Self.column(b)
        for i in 0..<30 {
            for j in 0..<30 {
                #expect(ca.equals(i, cb, j) == (a[i] == b[j]))
                #expect(ca.equals(i, ca, j) == (a[i] == a[j]))
                #expect(ca.precedes(i, j) == Array(a[i].utf8).lexicographicallyPrecedes(Array(a[j].utf8)))
            }
        }
    }
}
