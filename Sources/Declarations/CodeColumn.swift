/// The dictionary codes of a text column, one per row, in one byte each while
/// every code fits 8 bits, two while they fit 16, four after that.
///
/// A column's codes count its distinct values, and most fields have few:
/// units, currencies, ports and transport modes a handful to a few dozen,
/// tariff codes a few hundred, names and descriptions some tens of thousands.
/// At one or two bytes a row instead of four, the text fields of a 10M-row
/// table take 240 MB less. A code reads back as `UInt32` whatever the width;
/// appending a code that needs more bits widens the column once
/// (`append(_:through:largest:)` widens as soon as its map may hold one: a text
/// column's once its dictionary passes 256, then 65,536 values).
public struct CodeColumn: Sendable, RandomAccessCollection, Equatable {
    /// The codes while every one fits a byte (empty once wider).
    private var small: [UInt8] = []
    /// The codes while every one fits two bytes (empty otherwise).
    private var narrow: [UInt16] = []
    /// The codes once one needs more than two bytes (empty until then).
    private var wide: [UInt32] = []
    /// Bytes a code takes (1, 2 or 4).
    public private(set) var bytesPerCode = 1

    public init() {}

    /// `codes`, in the fewest bytes that hold every one.
    public init(_ codes: [UInt32]) {
        let widest = CodeColumn.bytes(for: codes.max() ?? 0)
        switch widest {
        case 1: small = codes.map { UInt8(truncatingIfNeeded: $0) }
        case 2: narrow = codes.map { UInt16(truncatingIfNeeded: $0) }
        default: wide = codes
        }
        bytesPerCode = widest
    }

    /// Codes already known to fit 16 bits, kept in two bytes (a chunk's columns, read once by the merge).
    init(narrow codes: [UInt16]) {
        narrow = codes
        bytesPerCode = 2
    }

    /// The bytes a column needs for codes up to `code`.
    @inline(__always)
    static func bytes(for code: UInt32) -> Int { code <= 0xFF ? 1 : code <= 0xFFFF ? 2 : 4 }

    public var startIndex: Int { 0 }
    public var endIndex: Int {
        switch bytesPerCode {
        case 1: small.count
        case 2: narrow.count
        default: wide.count
        }
    }

    @inline(__always)
    public subscript(r: Int) -> UInt32 {
        switch bytesPerCode {
        case 1: UInt32(small[r])
        case 2: UInt32(narrow[r])
        default: wide[r]
        }
    }

    /// Stores the codes in `bytes` bytes from now on (a no-op when they already take as many),
    /// keeping the room reserved for more.
    mutating func widen(to bytes: Int) {
        guard bytes > bytesPerCode else { return }
        let room = Swift.max(small.capacity, narrow.capacity, count)
        if bytes == 2 {
            narrow.reserveCapacity(room)
            narrow.append(contentsOf: small.lazy.map { UInt16($0) })
        } else {
            wide.reserveCapacity(room)
            if bytesPerCode == 1 {
                wide.append(contentsOf: small.lazy.map { UInt32($0) })
            } else {
                wide.append(contentsOf: narrow.lazy.map { UInt32($0) })
            }
            narrow = []
        }
        small = []
        bytesPerCode = bytes
    }

    mutating func reserveCapacity(_ n: Int) {
        switch bytesPerCode {
        case 1: small.reserveCapacity(n)
        case 2: narrow.reserveCapacity(n)
        default: wide.reserveCapacity(n)
        }
    }

    /// `reserveCapacity`, growing by at least half (`Array.reserveGrowing`).
    mutating func reserveGrowing(_ n: Int) {
        switch bytesPerCode {
        case 1: small.reserveGrowing(n)
        case 2: narrow.reserveGrowing(n)
        default: wide.reserveGrowing(n)
        }
    }

    @inline(__always)
    mutating func append(_ code: UInt32) {
        widen(to: CodeColumn.bytes(for: code))
        switch bytesPerCode {
        case 1: small.append(UInt8(truncatingIfNeeded: code))
        case 2: narrow.append(UInt16(truncatingIfNeeded: code))
        default: wide.append(code)
        }
    }

    /// Appends `count` copies of `code`.
    mutating func append(_ code: UInt32, count: Int) {
        widen(to: CodeColumn.bytes(for: code))
        switch bytesPerCode {
        case 1: small.append(contentsOf: repeatElement(UInt8(truncatingIfNeeded: code), count: count))
        case 2: narrow.append(contentsOf: repeatElement(UInt16(truncatingIfNeeded: code), count: count))
        default: wide.append(contentsOf: repeatElement(code, count: count))
        }
    }

    /// Appends `map[source[k]]` for every `k` (every kept `k`, when `keep` is
    /// given): `source` a column of codes into a chunk's dictionary, `map` their
    /// codes in this one. `largest`, when known, is the largest code in `map`.
    mutating func append(_ source: CodeColumn, through map: [UInt32], largest: UInt32? = nil, keep: KeptRows? = nil) {
        widen(to: CodeColumn.bytes(for: largest ?? map.max() ?? 0))
        // One loop per pair of widths: a width switch per code read was 3 instructions a code of the merge.
        switch bytesPerCode {
        case 1: CodeColumn.append(source, through: map, keep: keep, to: &small)
        case 2: CodeColumn.append(source, through: map, keep: keep, to: &narrow)
        default: CodeColumn.append(source, through: map, keep: keep, to: &wide)
        }
    }

    /// `map[source[k]]` for every (kept) `k`, appended to `destination` (whose width holds every mapped code).
    private static func append<D: FixedWidthInteger>(_ source: CodeColumn, through map: [UInt32], keep: KeptRows?, to destination: inout [D]) {
        switch source.bytesPerCode {
        case 1: append(source.small, through: map, keep: keep, to: &destination)
        case 2: append(source.narrow, through: map, keep: keep, to: &destination)
        default: append(source.wide, through: map, keep: keep, to: &destination)
        }
    }

    @inline(__always)
    private static func append<S: FixedWidthInteger, D: FixedWidthInteger>(_ source: [S], through map: [UInt32], keep: KeptRows?,
                                                                           to destination: inout [D]) {
        var at = destination.count
        destination.append(contentsOf: repeatElement(0, count: keep?.count ?? source.count))
        source.withUnsafeBufferPointer { src in
            map.withUnsafeBufferPointer { map in
                destination.withUnsafeMutableBufferPointer { dst in
                    // safe: the kept rows lie within source and number as many as the room appended to
                    // dst; every code of source indexes map, and every mapped code fits D (the column
                    // was widened for the largest).
                    KeptRows.forEachRun(keep, rows: src.count) { run in
                        for k in run {
                            dst[at] = D(truncatingIfNeeded: map[Int(src[k])])
                            at &+= 1
                        }
                    }
                }
            }
        }
    }

    /// Keeps the first `n` codes.
    mutating func truncate(_ n: Int) {
        switch bytesPerCode {
        case 1: small.removeSubrange(n...)
        case 2: narrow.removeSubrange(n...)
        default: wide.removeSubrange(n...)
        }
    }

    public static func == (a: CodeColumn, b: CodeColumn) -> Bool {
        a.count == b.count && a.indices.allSatisfy { a[$0] == b[$0] }
    }
}
