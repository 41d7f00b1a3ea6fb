import CSVCore
import Declarations

/// Per distinct description, the first `CodeSlots.slots` distinct tariff codes
/// it comes with, in row order, each in a slot of its own: goods_code computes a
/// description's similarity to each of its codes' centroids once, into an array
/// indexed by slot, and a row looks its own up (`slot(of:code:)`).
///
/// Free text has a description nearly per row, almost every one under a single
/// code. So the first slot is dense (slot `d` is description `d`'s first code)
/// and the other three exist only for the descriptions that come with a second
/// code: 4 bytes a description, and 12 more for each of those. Four slots for
/// every description took 16 bytes each, and their similarities 32: 480 MB at
/// 10M free-text descriptions, where this takes 120 MB.
struct CodeSlots: Sendable, Equatable {
    static let slots = 4

    /// The code in each slot (−1: free). Slots `0..<distinct` are each
    /// description's first; then `slots − 1` per description with a second
    /// code, in the order of those descriptions (`more`).
    private(set) var codes: [Int32]
    /// The descriptions with a second code.
    private let more: RankedBits

    /// Distinct descriptions.
    var distinct: Int { more.count }

    /// Slots in all: the length of an array of one value per slot.
    var slotCount: Int { codes.count }

    /// Description `d`'s slots past the first, if it has them.
    @inline(__always)
    private func extra(_ d: Int) -> Range<Int>? {
        guard more.contains(d) else { return nil }
        let start = distinct &+ (CodeSlots.slots &- 1) &* more.rank(d)
        return start..<(start &+ CodeSlots.slots &- 1)
    }

    /// `body(slot, code)` for each taken slot of description `d`, first code first.
    @inline(__always)
    func forEachSlot(_ d: Int, _ body: (Int, Int) -> Void) {
        guard codes[d] >= 0 else { return }
        body(d, Int(codes[d]))
        guard let e = extra(d) else { return }
        for s in e where codes[s] >= 0 { body(s, Int(codes[s])) }
    }

    /// The slot holding `code` among description `d`'s, if it is one of them.
    @inline(__always)
    func slot(of d: Int, code: Int) -> Int? {
        if Int(codes[d]) == code { return d }
        guard let e = extra(d) else { return nil }
        for s in e where Int(codes[s]) == code { return s }
        return nil
    }

    /// Whether every slot of description `d` is taken (it may come with more codes).
    func isFull(_ d: Int) -> Bool {
        guard let e = extra(d) else { return false }
        return codes[e.upperBound &- 1] >= 0
    }

    /// The first codes of each of `distinct` descriptions, over rows whose description
    /// is `descriptions[r]` and code `hsCodes[r]`. Found over `parts` row ranges on
    /// every core and joined range after range: the codes one pass in row order finds.
    init(descriptions: CodeColumn, hsCodes: CodeColumn, distinct: Int, parts: Int) {
        precondition(parts >= 1 && hsCodes.count == descriptions.count, "code slots: one code per row, over one range or more")
        let n = descriptions.count, slots = CodeSlots.slots
        // First: each description's first code, and whether it comes with another.
        let firstParts = Parallel.map(0..<parts, threads: System.cores) { part -> (first: [Int32], more: [UInt64]) in
            var first = [Int32](repeating: -1, count: distinct)
            var more = [UInt64](repeating: 0, count: (distinct + 63) / 64)
            for r in (n * part / parts)..<(n * (part + 1) / parts) {
                let d = Int(descriptions[r]), hc = Int32(truncatingIfNeeded: hsCodes[r])
                if first[d] < 0 {
                    first[d] = hc
                } else if first[d] != hc {
                    more[d >> 6] |= 1 << UInt64(d & 63)
                }
            }
            return (first, more)
        }
        var first = firstParts[0].first, moreWords = firstParts[0].more
        for part in firstParts.dropFirst() {
            for d in 0..<distinct where part.first[d] >= 0 {
                if first[d] < 0 {
                    first[d] = part.first[d]
                } else if first[d] != part.first[d] {
                    moreWords[d >> 6] |= 1 << UInt64(d & 63)
                }
            }
            for w in moreWords.indices { moreWords[w] |= part.more[w] }
        }
        let more = RankedBits(words: moreWords, count: distinct)
        // Then the first `slots` codes of each description with a second one.
        let many = more.setCount
        let found = CodeSlots.firstCodes(of: more, descriptions: descriptions, hsCodes: hsCodes, parts: parts)
        // A description's first slot there is its first code: the rest follow it.
        var codes = first
        codes.reserveCapacity(distinct + many * (slots - 1))
        for m in 0..<many {
            codes.append(contentsOf: found[(m * slots + 1)..<((m + 1) * slots)])
        }
        self.codes = codes
        self.more = more
    }

    /// The first `slots` codes of each description of `more` (the `k`th of them
    /// at `k · slots`), in row order: the rows of those descriptions alone, found
    /// through a table of their places, made here and dropped (with a second code
    /// on most rows, a rank per row was most of this pass).
    private static func firstCodes(of more: RankedBits, descriptions: CodeColumn, hsCodes: CodeColumn, parts: Int) -> [Int32] {
        let many = more.setCount, n = descriptions.count, slots = CodeSlots.slots
        guard many > 0 else { return [] }
        var table = [Int32](repeating: -1, count: more.count)
        more.forEach { d, m in table[d] = Int32(m) }
        let place = table
        let found = Parallel.map(0..<parts, threads: System.cores) { part -> [Int32] in
            var found = [Int32](repeating: -1, count: many * slots)
            for r in (n * part / parts)..<(n * (part + 1) / parts) {
                let m = Int(place[Int(descriptions[r])])
                guard m >= 0 else { continue }
                let base = m * slots, hc = Int32(truncatingIfNeeded: hsCodes[r])
                for k in base..<(base + slots) {
                    if found[k] == hc { break }
                    if found[k] < 0 { found[k] = hc; break }
                }
            }
            return found
        }
        // Joined range after range: a later range's codes follow the earlier ones'.
        var out = found[0]
        for part in found.dropFirst() {
            for base in stride(from: 0, to: out.count, by: slots) where out[base + slots - 1] < 0 {
                for k in base..<(base + slots) {
                    let hc = part[k]
                    guard hc >= 0 else { break }
                    for j in base..<(base + slots) {
                        if out[j] == hc { break }
                        if out[j] < 0 { out[j] = hc; break }
                    }
                }
            }
        }
        return out
    }
}

