/// The dictionary codes of a text column, one per row, two bytes each while
/// every code fits 16 bits and four once one does not.
///
/// A column's codes count its distinct values, and most fields have few:
/// tariff codes, units, currencies, ports and transport modes a few hundred,
/// names and descriptions some tens of thousands. At two bytes a row instead of
/// four, the ten text fields of a 10M-row table take 200 MB less. A code reads
/// back as `UInt32` whatever the width; appending a code of 65,536 or more
/// widens the column once (`append(_:through:largest:)` widens as soon as its
/// map may hold one: a text column's once its dictionary passes 65,536 values).
public struct CodeColumn: Sendable, RandomAccessCollection, Equatable {
    /// The codes while narrow (empty once wide).
    private var narrow: [UInt16] = []
    /// The codes once wide (empty while narrow).
    private var wide: [UInt32] = []
    /// Whether the codes are stored in four bytes.
    public private(set) var isWide = false

    public init() {}

    /// `codes`, narrow when every one fits 16 bits.
    public init(_ codes: [UInt32]) {
        if codes.allSatisfy({ $0 <= UInt32(UInt16.max) }) {
            narrow = codes.map { UInt16(truncatingIfNeeded: $0) }
        } else {
            wide = codes
            isWide = true
        }
    }

    /// Codes already known to fit 16 bits.
    init(narrow codes: [UInt16]) {
        narrow = codes
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { isWide ? wide.count : narrow.count }

    @inline(__always)
    public subscript(r: Int) -> UInt32 {
        isWide ? wide[r] : UInt32(narrow[r])
    }

    /// Bytes a code takes (2 or 4).
    public var bytesPerCode: Int { isWide ? 4 : 2 }

    /// Stores codes in four bytes from now on.
    mutating func widen() {
        guard !isWide else { return }
        wide = narrow.map { UInt32($0) }
        narrow = []
        isWide = true
    }

    mutating func reserveCapacity(_ n: Int) {
        if isWide { wide.reserveCapacity(n) } else { narrow.reserveCapacity(n) }
    }

    @inline(__always)
    mutating func append(_ code: UInt32) {
        if !isWide && code > UInt32(UInt16.max) { widen() }
        if isWide { wide.append(code) } else { narrow.append(UInt16(truncatingIfNeeded: code)) }
    }

    /// Appends `count` copies of `code`.
    mutating func append(_ code: UInt32, count: Int) {
        if !isWide && code > UInt32(UInt16.max) { widen() }
        if isWide {
            wide.append(contentsOf: repeatElement(code, count: count))
        } else {
            narrow.append(contentsOf: repeatElement(UInt16(truncatingIfNeeded: code), count: count))
        }
    }

    /// Appends `map[source[k]]` for every `k`: `source` a column of codes into a
    /// chunk's dictionary, `map` their codes in this one.
    /// `largest`, when known, is the largest code in `map`.
    mutating func append(_ source: CodeColumn, through map: [UInt32], largest: UInt32? = nil) {
        if !isWide && (largest ?? map.max() ?? 0) > UInt32(UInt16.max) { widen() }
        let start = count
        if isWide {
            wide.append(contentsOf: repeatElement(0, count: source.count))
            wide.withUnsafeMutableBufferPointer { dst in
                // safe: dst has start + source.count elements; every code of source indexes map.
                for k in 0..<source.count { dst[start + k] = map[Int(source[k])] }
            }
        } else {
            narrow.append(contentsOf: repeatElement(0, count: source.count))
            narrow.withUnsafeMutableBufferPointer { dst in
                // safe: as above; every mapped code fits 16 bits (the largest does).
                for k in 0..<source.count { dst[start + k] = UInt16(truncatingIfNeeded: map[Int(source[k])]) }
            }
        }
    }

    /// Keeps the first `n` codes.
    mutating func truncate(_ n: Int) {
        if isWide { wide.removeSubrange(n...) } else { narrow.removeSubrange(n...) }
    }

    public static func == (a: CodeColumn, b: CodeColumn) -> Bool {
        a.count == b.count && a.indices.allSatisfy { a[$0] == b[$0] }
    }
}
