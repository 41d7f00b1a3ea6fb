@testable import CSVCore
import TestSupport
import Testing

/// One field, written either way.
enum CursorField: CustomStringConvertible, Sendable {
    case int(Int), digits(UInt64, Int), decimal(Double, Int), encoded([UInt8]), empty, lane, flag(Bool), scalar

    var description: String {
        switch self {
        case .int(let v): "int \(v)"
        case .digits(let v, let n): "digits \(v) in \(n)"
        case .decimal(let v, let p): "decimal \(v) at \(p)"
        case .encoded(let b): "encoded \(String(decoding: b, as: UTF8.self))"
        case .empty: "empty"
        case .lane: "lane"
        case .flag(let on): "flag \(on)"
        case .scalar: "one-scalar static string"
        }
    }

    /// The bytes `CSVWriter`'s field methods write: the oracle.
    func write(_ w: inout CSVWriter) {
        switch self {
        case .int(let v): w.field(int: v)
        case .digits(let v, let n):
            var s = String(v % (n >= 20 ? UInt64.max : PowersOfTen.integer(n)))
            s = String(repeating: "0", count: max(0, n - s.count)) + s
            w.field(s)
        case .decimal(let v, let p): w.field(decimal: v, places: p)
        case .encoded(let b): b.withUnsafeBytes { w.field(encoded: $0) }
        case .empty: w.field(static: "")
        case .lane: w.field(static: "amber")
        case .flag(let on): w.field(static: on ? "1" : "0")
        case .scalar: w.field("x")
        }
    }

    func write(_ c: inout FieldCursor) {
        switch self {
        case .int(let v): c.int(v)
        case .digits(let v, let n): c.digits(v, count: n)
        case .decimal(let v, let p): c.decimal(v, places: p)
        case .encoded(let b): b.withUnsafeBytes { c.encoded($0) }
        case .empty: c.static("")
        case .lane: c.static("amber")
        case .flag(let on): c.static(on ? "1" : "0")
        case .scalar: c.static(StaticString(unicodeScalarLiteral: "x"))
        }
    }

    var room: Int {
        switch self {
        case .int, .digits: FieldCursor.intRoom
        case .decimal: FieldCursor.decimalRoom
        case .encoded(let b): b.count + 1
        case .empty, .lane, .flag, .scalar: 6
        }
    }
}

@Suite("field cursor: fields straight into reserved room")
struct FieldCursorTests {
    static let cases: [CursorField] = [
        .int(0), .int(7), .int(-7), .int(12_345_678), .int(123_456_789), .int(.max), .int(.min),
        .digits(531_620_230_000_000_001, 18), .digits(42, 18), .digits(0, 1), .digits(7, 3), .digits(99_999_999, 8),
        .decimal(0, 4), .decimal(-0.0, 4), .decimal(0.5, 4), .decimal(-3, 4), .decimal(24.57431, 4), .decimal(1e-9, 4),
        .decimal(0.00005, 4), .decimal(12_345.675, 2), .decimal(1_539.4269, 3), .decimal(99_999_999.99, 2),
        .decimal(123_456_789.5, 2), .decimal(1e15, 4), .decimal(-2.5e16, 2), .decimal(-.greatestFiniteMagnitude, 4), .decimal(.nan, 4), .decimal(.infinity, 2),
        .decimal(.leastNonzeroMagnitude, 4), .decimal(0.1 + 0.2, 8), .decimal(1.25, 12),
        .encoded(Array("DE".utf8)), .encoded([]), .encoded(Array("\"Shenzhen, Ltd.\"".utf8)),
        .encoded(Array(repeating: UInt8(ascii: "x"), count: 70)), .empty, .lane, .flag(true), .flag(false), .scalar,
    ]

    /// `fields` through the writer, one record, as the oracle.
    static func plain(_ records: [[CursorField]]) -> [UInt8] {
        var w = CSVWriter()
        for r in records {
            for f in r { f.write(&w) }
            w.endRecord()
        }
        return w.buffer
    }

    /// The same records, each cut into sections at `cuts` (field indices where a
    /// cursor section ends); fields outside sections go through the writer.
    static func cursored(_ records: [[CursorField]], sections: [[Range<Int>]]) -> [UInt8] {
        var w = CSVWriter(capacity: 1)   // grows while cursors reserve
        for (r, fields) in records.enumerated() {
            var next = 0
            for s in sections[r] {
                while next < s.lowerBound { fields[next].write(&w); next += 1 }
                var c = w.cursor(reserving: fields[s].reduce(0) { $0 + $1.room })
                for f in fields[s] { f.write(&c) }
                w.commit(c)
                next = s.upperBound
            }
            while next < fields.count { fields[next].write(&w); next += 1 }
            w.endRecord()
        }
        return w.buffer
    }

    @Test("every field alone in a record, through a cursor, is the writer's field", arguments: cases.indices)
    func alone(_ k: Int) {
        let records = [[Self.cases[k]]]
        #expect(Self.cursored(records, sections: [[0..<1]]) == Self.plain(records), "\(Self.cases[k])")
    }

    @Test("every field after and before a writer field, and every pair in one section")
    func midRecord() {
        for a in Self.cases {
            for b in [CursorField.int(3), .encoded(Array("x,y".utf8)), .decimal(1.5, 2)] {
                let records = [[b, a, b], [a, b], [b, a]]
                #expect(Self.cursored(records, sections: [[1..<2], [0..<1], [1..<2]]) == Self.plain(records), "\(a) beside \(b)")
                #expect(Self.cursored([[a, b]], sections: [[0..<2]]) == Self.plain([[a, b]]), "\(a) then \(b)")
            }
        }
    }

    @Test("seeded records cut into sections at random equal the writer's, for every split")
    func seededSections() {
        var rng = SeededRandom(seed: 61)
        for _ in 0..<300 {
            let n = Int.random(in: 1...12, using: &rng)
            let fields = (0..<n).map { _ in Self.cases[Int.random(in: 0..<Self.cases.count, using: &rng)] }
            // Sections: ascending disjoint non-empty ranges.
            var sections: [Range<Int>] = []
            var at = 0
            while at < n {
                let start = at + Int.random(in: 0...2, using: &rng)
                guard start < n else { break }
                let end = min(n, start + Int.random(in: 1...5, using: &rng))
                sections.append(start..<end)
                at = end
            }
            #expect(Self.cursored([fields, fields], sections: [sections, sections]) == Self.plain([fields, fields]), "\(fields) in \(sections)")
        }
    }
}
