import CSVCore
@testable import Declarations
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("value parsers")
struct ParserTests {
    func strtodValue(_ s: String) -> Double? {
        var end: UnsafeMutablePointer<CChar>? = nil
        return s.withCString { p in
            let v = strtod(p, &end)
            return end! - UnsafeMutablePointer(mutating: p) == s.utf8.count && !s.isEmpty ? v : nil
        }
    }

    @Test("decimals are bit-identical to strtod (seeded strings, fast path and fallback)", arguments: [1, 2, 3] as [UInt64])
    func decimalsMatchStrtod(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let parser = DecimalParser()
        for _ in 0..<50_000 {
            var s = ""
            if Bool.random(using: &rng) { s += Bool.random(using: &rng) ? "-" : "+" }
            let intDigits = Int.random(in: 0...22, using: &rng)
            for _ in 0..<intDigits { s += String(Int.random(in: 0...9, using: &rng)) }
            if Int.random(in: 0..<3, using: &rng) > 0 {
                s += "."
                for _ in 0..<Int.random(in: 0...20, using: &rng) { s += String(Int.random(in: 0...9, using: &rng)) }
            }
            if Int.random(in: 0..<4, using: &rng) == 0 { s += "e" + String(Int.random(in: -330...330, using: &rng)) }
            let want = strtodValue(s)
            let got = parser.parse(s)
            if let want, s.contains(where: \.isNumber) {
                #expect(got?.bitPattern == want.bitPattern, "'\(s)': \(String(describing: got)) vs strtod \(want)")
            } else {
                #expect(got == nil || want != nil, "'\(s)' parsed as \(String(describing: got))")
            }
        }
    }

    @Test("the plain-shape path gives the general path's bits wherever it answers, and answers for the common shapes",
          arguments: [1, 2] as [UInt64])
    func plainPathAgrees(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        for separator in [UInt8(ascii: "."), UInt8(ascii: ",")] {
            let parser = DecimalParser(decimalSeparator: separator, thousandsSeparator: separator == UInt8(ascii: ".") ? nil : UInt8(ascii: "."))
            var answered = 0
            for k in 0..<40_000 {
                var s = Bool.random(using: &rng) && k % 3 == 0 ? "-" : ""
                for _ in 0..<Int.random(in: 0...12, using: &rng) { s += String(Int.random(in: 0...9, using: &rng)) }
                if Int.random(in: 0..<4, using: &rng) > 0 {
                    s += String(UnicodeScalar(separator))
                    for _ in 0..<Int.random(in: 0...10, using: &rng) { s += String(Int.random(in: 0...9, using: &rng)) }
                }
                var t = s
                let (plain, general) = t.withUTF8 { b in (parser.plain(UnsafeRawBufferPointer(b)), parser.general(UnsafeRawBufferPointer(b))) }
                if let plain {
                    answered += 1
                    #expect(plain.bitPattern == general?.bitPattern, "'\(s)': \(plain) vs \(String(describing: general))")
                }
            }
            #expect(answered > 30_000, "the plain path answers the common shapes")
        }
        let parser = DecimalParser()
        for s in ["-0", "0.000", "00012.5000", "1234567890123456789", "12345678901234567890", "9007199254740993", "9007199254740992",
                  ".5", "5.", "-.5", "0.0000000000000000001", "31401.404", "179295.95"] {
            var t = s
            let (plain, general) = t.withUTF8 { b in (parser.plain(UnsafeRawBufferPointer(b)), parser.general(UnsafeRawBufferPointer(b))) }
            if let plain { #expect(plain.bitPattern == general?.bitPattern, "'\(s)'") }
            #expect(parser.parse(s)?.bitPattern == strtodValue(s)?.bitPattern, "'\(s)'")
        }
    }

    @Test("the vector path of plain answers as its byte-by-byte twin: every length 1...17, the separator at every place or none, a stray byte at every place",
          .enabled(if: DecimalWords.available, "the CPU has no AVX-512 decimal path (or TRADESCAN_SCALAR_DECIMALS is set)"),
          arguments: [1, 2] as [UInt64])
    func vectorPathAgrees(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        var checked = 0, answered = 0
        // Each field ends where an unreadable page begins, as a field at the end of a mapped
        // file: a read past the field's last byte crashes the test.
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let mapping = try #require(mmap(nil, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))
        #expect(mapping != MAP_FAILED)
        defer { munmap(mapping, 2 * page) }
        #expect(mprotect(mapping + page, page, PROT_NONE) == 0)
        for separator in [UInt8(ascii: "."), UInt8(ascii: ",")] {
            let parser = DecimalParser(decimalSeparator: separator)
            func compare(_ bytes: [UInt8]) {
                let start = mapping + page - bytes.count
                start.copyMemory(from: bytes, byteCount: bytes.count)
                let b = UnsafeRawBufferPointer(start: start, count: bytes.count)
                let words = parser.plain(b), scalar = parser.plainScalar(b)
                checked += 1
                if words != nil { answered += 1 }
                #expect(words?.bitPattern == scalar?.bitPattern, "\(String(decoding: bytes, as: UTF8.self).debugDescription): \(String(describing: words)) vs \(String(describing: scalar))")
            }
            for n in 1...17 {
                for place in [-1] + Array(0..<n) {
                    for trial in 0..<12 {
                        // All zeros, all nines (over 2^53 at 16 digits), then random digits.
                        var bytes = (0..<n).map { _ in trial == 0 ? UInt8(ascii: "0") : trial == 1 ? UInt8(ascii: "9") : UInt8.random(in: 48...57, using: &rng) }
                        if place >= 0 { bytes[place] = separator }
                        compare(bytes)
                        guard trial < 3 else { continue }
                        for k in 0..<n {
                            for stray: UInt8 in [0x00, 0x20, 0x2B, 0x2D, 0x2F, 0x3A, 0x45, 0x65, 0x80, 0xFF, UInt8(ascii: "."), UInt8(ascii: ",")] {
                                var c = bytes
                                c[k] = stray
                                compare(c)
                            }
                        }
                    }
                }
            }
        }
        #expect(checked > 50_000 && answered > 3_000)
    }

    @Test("decimal edge cases", arguments: [
        ("0", 0.0), ("-0", -0.0), ("12.50", 12.5), (".5", 0.5), ("5.", 5.0), ("1e3", 1000.0), ("1.5E-2", 0.015),
        ("123456789012345678901234", 1.2345678901234568e23), ("0.1", 0.1), ("9007199254740993", 9007199254740992.0),
    ])
    func decimalEdges(text: String, value: Double) {
        #expect(DecimalParser().parse(text)?.bitPattern == value.bitPattern)
    }

    @Test("not numbers", arguments: ["", "-", ".", "1e", "1,5", "n/a", "12O.5", " 1", "1 ", "0x10", "inf", "1.2.3"])
    func notNumbers(text: String) {
        #expect(DecimalParser().parse(text) == nil)
    }

    @Test("decimal comma and thousands separators")
    func separators() {
        let eu = DecimalParser(decimalSeparator: UInt8(ascii: ","), thousandsSeparator: UInt8(ascii: "."))
        #expect(eu.parse("1.234.567,89") == 1_234_567.89)
        #expect(eu.parse("0,5") == 0.5)
        let us = DecimalParser(decimalSeparator: UInt8(ascii: "."), thousandsSeparator: UInt8(ascii: ","))
        #expect(us.parse("1,234.5") == 1234.5)
        #expect(us.parse(",5") == nil)
    }

    @Test("dates in the formats feeds use", arguments: [
        ("%Y-%m-%d", "2024-12-03", "2024-12-03"), ("%d/%m/%Y", "03/12/2024", "2024-12-03"), ("%m/%d/%Y", "12/3/2024", "2024-12-03"),
        ("%Y%m%d", "20241203", "2024-12-03"), ("%d.%m.%Y", "3.12.2024", "2024-12-03"), ("%d-%b-%y", "03-Dec-24", "2024-12-03"),
        ("%Y-%m-%d", "2024-12-03T10:15:00", "2024-12-03"),
    ])
    func dates(format: String, text: String, iso: String) {
        var t = text
        let d = t.withUTF8 { DateParser(formats: [format]).parse(UnsafeRawBufferPointer($0)) }
        #expect(d?.description == iso)
    }

    @Test("impossible or foreign dates are refused", arguments: ["2024-02-30", "2024-13-01", "31/12/2024", "2024/12/03", "", "24-12-03"])
    func badDates(text: String) {
        var t = text
        #expect(t.withUTF8 { DateParser().parse(UnsafeRawBufferPointer($0)) } == nil)
    }

    @Test("a date no configured format reads: the common formats that read it, for the reject's message", arguments: [
        (["%d/%m/%Y"], "2023-01-31", ["%Y-%m-%d"]), (["%Y-%m-%d"], "31/12/2024", ["%d/%m/%Y"]),
        (["%Y-%m-%d"], "03/04/2024", ["%d/%m/%Y", "%m/%d/%Y"]), (["%Y-%m-%d"], "12/31/2024", ["%m/%d/%Y"]),
        (["%Y-%m-%d"], "2024/12/03", ["%Y/%m/%d"]), (["%Y-%m-%d"], "07-Mar-2025", ["%d-%b-%Y"]),
        (["%Y-%m-%d"], "20241203", ["%Y%m%d"]), (["%Y-%m-%d"], "3.12.2024", ["%d.%m.%Y"]),
        (["%Y-%m-%d"], "2024-02-30", []), (["%Y-%m-%d"], "soon", []), (["%Y-%m-%d"], "", []),
    ])
    func dateSuggestions(formats: [String], text: String, expected: [String]) {
        var t = text
        #expect(t.withUTF8 { DateParser(formats: formats).suggestions(UnsafeRawBufferPointer($0)) } == expected)
    }

    @Test("countries from alpha-2, alpha-3 and English names", arguments: [
        ("KR", "KR"), ("kr", "KR"), ("KOR", "KR"), ("South Korea", "KR"), ("Korea, Republic of", "KR"), ("USA", "US"),
        ("United States", "US"), ("Viet Nam", "VN"), ("Vietnam", "VN"), ("ZZ", "ZZ"), ("Hong Kong", "HK"), ("DEU", "DE"),
    ])
    func countries(text: String, alpha2: String) {
        #expect(CountryCodes.code(text).map(CountryCodes.alpha2) == alpha2)
    }

    @Test("unknown countries", arguments: ["XX", "Narnia", "U", "KORE"])
    func unknownCountries(text: String) {
        #expect(CountryCodes.code(text) == nil)
    }

    @Test("tariff codes keep leading zeros and drop dots and spaces", arguments: [
        ("071080", "071080"), ("8112.92.90", "81129290"), ("2805 30 12 00", "2805301200"), ("12345", nil), ("81129A10", nil), ("12345678901", nil),
    ] as [(String, String?)])
    func tariffCodes(text: String, digits: String?) {
        var t = text
        let got = t.withUTF8 { ChunkParser.tariffDigits(UnsafeRawBufferPointer($0)) }
        #expect(got.map { String(decoding: $0, as: UTF8.self) } == digits)
    }

    @Test("interning gives dense codes in order of first appearance")
    func interning() {
        var i = ByteInterner(capacity: 2)
        let words = (0..<5000).map { "w\($0 % 1700)" }
        let codes = words.map { i.intern($0) }
        #expect(i.count == 1700)
        #expect(codes.prefix(3) == [0, 1, 2])
        for (w, c) in zip(words, codes) { #expect(i.string(c) == w) }
        #expect(i.intern("") == 1700)
    }

    @Test("UTF-8 validation finds the first bad byte", arguments: [
        ([0x61, 0x62], nil), ([0xE9, 0x95, 0x93], nil), ([0x61, 0xFF, 0x62], 1), ([0xE9, 0x95], 0), ([0xC0, 0x80], 0),
        ([0xED, 0xA0, 0x80], 0), ([0xF0, 0x9F, 0x98, 0x80], nil), ([0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0xFE], 9),
    ] as [([UInt8], Int?)])
    func utf8(bytes: [UInt8], bad: Int?) {
        #expect(bytes.withUnsafeBytes { UTF8Validation.firstInvalid($0) } == bad)
    }

    @Test("UTF-8 validation agrees with the standard library's decoder on ASCII runs of every length around sequences",
          arguments: [1, 2, 3] as [UInt64])
    func utf8Property(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let sequences: [[UInt8]] = [[0xC3, 0xA9], [0xE9, 0x95, 0x93], [0xF0, 0x9F, 0x98, 0x80], [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80],
                                    [0xE9, 0x95], [0x80], [0xF4, 0x90, 0x80, 0x80]]
        for _ in 0..<3_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                bytes += (0..<Int.random(in: 0...70, using: &rng)).map { _ in UInt8.random(in: 0x20...0x7E, using: &rng) }
                if Bool.random(using: &rng) { bytes += sequences.randomElement(using: &rng)! }
            }
            // The oracle: the offset where the standard decoder first reports an error.
            var oracle: Int? = nil, offset = 0
            var parser = Unicode.UTF8.ForwardParser()
            var iterator = bytes.makeIterator()
            decode: while true {
                switch parser.parseScalar(from: &iterator) {
                case .valid(let s): offset += s.count
                case .error: oracle = offset; break decode
                case .emptyInput: break decode
                }
            }
            #expect(bytes.withUnsafeBytes { UTF8Validation.firstInvalid($0) } == oracle, "\(bytes)")
        }
    }
}
