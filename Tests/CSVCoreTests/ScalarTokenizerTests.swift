import CSVCore
import TestSupport
import Testing

/// Decodes every record of `text` to strings, with start lines and flags.
func decode(_ text: String, dialect: Dialect = .comma) -> (records: [[String]], lines: [Int], flags: [RecordFlags], tokens: CSVTokens) {
    let bytes = Array(text.utf8)
    let t = ScalarTokenizer.tokenize(bytes, dialect: dialect)
    let records = bytes.withUnsafeBytes { buf in
        (0..<t.recordCount).map { r in
            t.fields(ofRecord: r).map {
                FieldValue.string(buf, start: t.fieldStart[$0], end: t.fieldEnd[$0], flags: t.fieldFlags[$0], quote: dialect.quote)
            }
        }
    }
    return (records, t.recordLine, t.recordFlags, t)
}

struct TokenizerCase: Sendable, CustomTestStringConvertible {
    var name: String
    var input: String
    var records: [[String]]
    var lines: [Int]
    var blank = 0
    var flags: [RecordFlags]? = nil
    var dialect: Dialect = .comma
    var testDescription: String { name }
}

@Suite("scalar tokenizer")
struct ScalarTokenizerTests {
    static let cases: [TokenizerCase] = [
        .init(name: "simple", input: "a,b,c\n1,2,3\n", records: [["a", "b", "c"], ["1", "2", "3"]], lines: [1, 2]),
        .init(name: "no final newline", input: "a,b\n1,2", records: [["a", "b"], ["1", "2"]], lines: [1, 2]),
        .init(name: "CRLF", input: "a,b\r\n1,2\r\n", records: [["a", "b"], ["1", "2"]], lines: [1, 2]),
        .init(name: "CRLF without final newline", input: "a,b\r\n1,2", records: [["a", "b"], ["1", "2"]], lines: [1, 2]),
        .init(name: "empty fields", input: ",,\n,x,\n", records: [["", "", ""], ["", "x", ""]], lines: [1, 2]),
        .init(name: "trailing delimiter then EOF", input: "a,", records: [["a", ""]], lines: [1]),
        .init(name: "quoted delimiter", input: "\"a,b\",c\n", records: [["a,b", "c"]], lines: [1]),
        .init(name: "quoted newline advances lines", input: "\"a\nb\",c\nd,e\n", records: [["a\nb", "c"], ["d", "e"]], lines: [1, 3]),
        .init(name: "doubled quotes", input: "\"say \"\"hi\"\"\",x\n", records: [["say \"hi\"", "x"]], lines: [1]),
        .init(name: "empty quoted", input: "\"\",\"\"\n", records: [["", ""]], lines: [1]),
        .init(name: "quoted then CRLF", input: "\"a\"\r\n\"b\"\r\n", records: [["a"], ["b"]], lines: [1, 2]),
        .init(name: "quoted at EOF", input: "x,\"y\"", records: [["x", "y"]], lines: [1]),
        .init(name: "blank lines skipped and counted", input: "a\n\n\r\nb\n\n", records: [["a"], ["b"]], lines: [1, 4], blank: 3),
        .init(name: "UTF-8 BOM", input: "\u{FEFF}a,b\n1,2\n", records: [["a", "b"], ["1", "2"]], lines: [1, 2]),
        .init(name: "BOM, CRLF", input: "\u{FEFF}a,b\r\n1,2\r\n", records: [["a", "b"], ["1", "2"]], lines: [1, 2]),
        .init(name: "blank lines before the first record", input: "\n\r\na,b\n1,2\n", records: [["a", "b"], ["1", "2"]], lines: [3, 4], blank: 2),
        .init(name: "BOM, then a blank line", input: "\u{FEFF}\r\na;b\r\n1;2", records: [["a", "b"], ["1", "2"]], lines: [2, 3], blank: 1,
              dialect: .semicolon),
        .init(name: "lone CR is data", input: "a\rb,c\n", records: [["a\rb", "c"]], lines: [1]),
        .init(name: "UTF-8 content", input: "镓锭 5N,Ge\n", records: [["镓锭 5N", "Ge"]], lines: [1]),
        .init(name: "stray quote in unquoted field", input: "ab\"c,d\n", records: [["ab\"c", "d"]], lines: [1], flags: [.strayQuote]),
        .init(name: "text after closing quote", input: "\"ab\"c,d\n", records: [["\"ab\"c", "d"]], lines: [1], flags: [.strayQuote]),
        .init(name: "unterminated quote runs to EOF", input: "a,\"bc\nd,e\n", records: [["a", "bc\nd,e\n"]], lines: [1], flags: [.unterminatedQuote]),
        .init(name: "semicolon dialect", input: "a;\"b;c\";d\n", records: [["a", "b;c", "d"]], lines: [1], dialect: .semicolon),
        .init(name: "tab dialect", input: "a\tb,c\n", records: [["a", "b,c"]], lines: [1], dialect: .tab),
        .init(name: "pipe dialect", input: "a|b\n", records: [["a", "b"]], lines: [1], dialect: .pipe),
        .init(name: "empty input", input: "", records: [], lines: []),
        .init(name: "only blank lines", input: "\n\n", records: [], lines: [], blank: 2),
        .init(name: "single empty field line", input: "\"\"\n", records: [[""]], lines: [1]),
    ]

    @Test("records, lines and flags", arguments: cases)
    func table(_ c: TokenizerCase) {
        let got = decode(c.input, dialect: c.dialect)
        #expect(got.records == c.records)
        #expect(got.lines == c.lines)
        #expect(got.tokens.blankLines == c.blank)
        if let flags = c.flags { #expect(got.flags == flags) } else { #expect(got.flags.allSatisfy { $0.isEmpty }) }
    }

    @Test("record offsets point at the record's first byte")
    func offsets() {
        let text = "\u{FEFF}h1,h2\n\n\"x\ny\",2\r\nz,3"
        let got = decode(text)
        let bytes = Array(text.utf8)
        #expect(got.tokens.recordOffset == [3, 10, 19])
        #expect(got.tokens.recordOffset.map { bytes[$0] } == [UInt8(ascii: "h"), UInt8(ascii: "\""), UInt8(ascii: "z")])
        #expect(got.lines == [1, 3, 5])
        #expect(got.tokens.lineCount == 5)
    }

    @Test("seeded round trip: written records tokenize back to themselves", arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func roundTrip(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let alphabet: [String] = ["a", "b", " ", ",", ";", "\"", "\n", "\r\n", "镓", "é", "1", "."]
        for dialect in [Dialect.comma, .semicolon, .tab] {
            var records: [[String]] = []
            for _ in 0..<Int.random(in: 1...30, using: &rng) {
                let fields = Int.random(in: 1...6, using: &rng)
                records.append((0..<fields).map { _ in
                    (0..<Int.random(in: 0...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
                })
            }
            // A record of one empty field is a blank line in CSV: it cannot round-trip unquoted.
            records = records.filter { $0 != [""] }
            var w = CSVWriter(dialect: dialect)
            for r in records { w.record(r) }
            let got = decode(String(decoding: w.buffer, as: UTF8.self), dialect: dialect)
            #expect(got.records == records, "seed \(seed)")
        }
    }

    @Test("CSVTable reports the line of a record with the wrong field count")
    func tableErrors() throws {
        let ok = try CSVTable(bytes: Array("id,score\n\"7\",0.5\n8,1\n".utf8))
        #expect(ok.header == ["id", "score"])
        #expect(ok.rows == [["7", "0.5"], ["8", "1"]])
        #expect(ok.lines == [2, 3])
        #expect(throws: CSVTableError(source: "r.csv", line: 3, message: "1 fields, the header has 2")) {
            try CSVTable(bytes: Array("id,score\n1,2\n3\n".utf8), source: "r.csv")
        }
        #expect(throws: CSVTableError.self) { try CSVTable(bytes: Array("id\n\"open\n".utf8)) }
        #expect(throws: CSVTableError.self) { try CSVTable(bytes: []) }
    }
}

@Suite("CSV writer fields")
struct CSVWriterFieldTests {
    @Test("decimals round to places and drop trailing zeros; beyond the format, the shortest number that reads back", arguments: [
        (0.0, "0"), (1.0, "1"), (24.574312, "24.5743"), (-0.5, "-0.5"), (-0.00004, "0"), (1234567.89, "1234567.89"),
        (-12.30001, "-12.3"), (0.99995, "1"), (Double.nan, ""), (Double.infinity, ""), (1e20, "1e+20"), (2.5e16, "2.5e+16"),
    ])
    func decimals(value: Double, text: String) {
        var w = CSVWriter()
        w.field(decimal: value)
        #expect(String(decoding: w.buffer, as: UTF8.self) == text)
    }

    @Test("integers, and raw bytes quoted or neutralised when needed", arguments: [
        ("007", false, "007"), ("a,b", false, "\"a,b\""), ("=SUM(A1)", true, "\"'=SUM(A1)\""), ("-5", true, "\"'-5\""), ("-5", false, "-5"),
        ("'=x", true, "\"''=x\""), ("'", true, "\"''\""), ("a'", true, "a'"),
    ])
    func raw(text: String, neutralise: Bool, expected: String) {
        var w = CSVWriter()
        Array(text.utf8).withUnsafeBytes { w.field(raw: $0, neutralise: neutralise) }
        w.field(int: -42)
        #expect(String(decoding: w.buffer, as: UTF8.self) == expected + ",-42")
    }
}

@Suite("neutralised cells")
struct NeutralisedCellTests {
    @Test("reading back gives the value as it was; no neutralised cell starts with a formula character", arguments: [
        "", "abc", "=1+1", "+200", "-100", "@SUM(A1)", "\tx", "\rx", "'", "''", "'=x", "'abc", "a=b", "é=",
    ])
    func roundTrip(value: String) {
        let cell = CSVWriter.neutralised(value)
        #expect(CSVWriter.unneutralised(cell) == value)
        #expect(!(cell.utf8.first.map { "=+-@\t\r".utf8.contains($0) } ?? false), "\(cell)")
        // The writer's neutralised field holds the same cell.
        var w = CSVWriter()
        w.field(text: value, neutralise: true)
        let back = ScalarTokenizer.tokenize(w.buffer)
        let read = w.buffer.withUnsafeBytes { b in
            back.recordCount == 0 ? "" : FieldValue.string(b, start: back.fieldStart[0], end: back.fieldEnd[0], flags: back.fieldFlags[0])
        }
        #expect(read == cell, "\(value)")
    }
}

@Suite("Output bytes: the raw buffer and the number format")
struct ByteBufferTests {
    /// The number format spelled with Strings: the oracle of `DecimalDigits`.
    private func oracle(_ v: Double, places: Int) -> String {
        guard v.isFinite, abs(v) < 1e15 else { return "" }
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        guard abs(v * Double(scale)) < 9e18 else { return "" }
        let scaled = Int((v * Double(scale)).rounded())
        guard scaled != 0 else { return "0" }
        var digits = String(scaled.magnitude)
        while digits.count <= places { digits = "0" + digits }
        var frac = String(digits.suffix(places))
        while frac.hasSuffix("0") { frac.removeLast() }
        return (scaled < 0 ? "-" : "") + String(digits.dropLast(places)) + (frac.isEmpty ? "" : "." + frac)
    }

    @Test("decimals equal the String oracle on seeded values of every magnitude, places 0 to 8", arguments: [1, 2, 3] as [UInt64])
    func decimals(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        var values: [Double] = [0, -0.0, 0.5, 0.125, -2.5, 1e15, -1e15, 999_999_999_999_999, .nan, .infinity, 5e-5, 0.00005, 1.00005]
        for _ in 0..<20_000 {
            var v = Double.random(in: 1..<10, using: &rng)
            let exponent = Int.random(in: -7...14, using: &rng)
            for _ in 0..<abs(exponent) { v = exponent < 0 ? v / 10 : v * 10 }
            if Bool.random(using: &rng) { v = -v }
            if Int.random(in: 0..<8, using: &rng) == 0 { v = v.rounded() }
            values.append(v)
        }
        for v in values {
            for places in 0...8 {
                var b = ByteBuffer()
                let ok = b.append(decimal: v, places: places)
                let text = String(decoding: b.array, as: UTF8.self)
                #expect(text == oracle(v, places: places), "\(v) places \(places)")
                #expect(ok == !text.isEmpty)
                var array: [UInt8] = [1]
                CSVWriter.appendDecimal(v, places: places, to: &array)
                #expect(array == [1] + b.array)
            }
        }
    }

    @Test("integers equal String(_:)", arguments: [Int.min, Int.min + 1, -1, 0, 7, 10, 99, 100, 1_000_000_007, Int.max])
    func integers(value: Int) {
        var b = ByteBuffer()
        b.append(int: value)
        #expect(String(decoding: b.array, as: UTF8.self) == String(value))
    }

    @Test("appends across growth and reuse equal an array's", arguments: [4, 5, 6] as [UInt64])
    func growth(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        var b = ByteBuffer(capacity: 1)
        var oracle: [UInt8] = []
        for step in 0..<3_000 {
            let chunk = (0..<Int.random(in: 0..<300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            switch Int.random(in: 0..<10, using: &rng) {
            case 0: chunk.withUnsafeBytes { b.append($0) }
            case 1: b.append(contentsOf: chunk.lazy.map { $0 })   // not contiguous: byte by byte
            case 3 where step % 500 == 0:
                b.removeAll()
                oracle.removeAll()
                continue
            default: b.append(contentsOf: chunk)
            }
            oracle += chunk
            #expect(b.count == oracle.count)
        }
        #expect(b.array == oracle)
        b.withBytes { #expect(Array($0) == oracle) }
    }
}
