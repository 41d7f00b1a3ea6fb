/// A set of small integers as one bit each, with the count of members below
/// any one in constant time (a running count per 64-bit word): a sparse
/// column's "which rows are stored, and where". goods_code's extra code slots
/// (`CodeSlots`) and a sparse score column (`ScoreColumn`) both keep one.
public struct RankedBits: Sendable, Equatable {
    @usableFromInline let words: [UInt64]
    /// Members in the words before each word.
    @usableFromInline let before: [Int32]
    /// The integers the set is over: 0..<count.
    public let count: Int
    /// Members in all.
    public let setCount: Int

    /// The set whose members are the set bits of `words` (bit `i % 64` of word `i / 64`), over 0..<count.
    public init(words: [UInt64], count: Int) {
        precondition(words.count == (count + 63) / 64, "one bit per integer")
        precondition(count <= Int(Int32.max), "counts fit 32 bits")
        var before = [Int32](repeating: 0, count: words.count)
        var total = 0
        for w in words.indices {
            before[w] = Int32(total)
            total += words[w].nonzeroBitCount
        }
        self.words = words
        self.before = before
        self.count = count
        setCount = total
    }

    /// The empty set over nothing.
    public init() { self.init(words: [], count: 0) }

    @inlinable @inline(__always)
    public func contains(_ i: Int) -> Bool { words[i >> 6] >> UInt64(i & 63) & 1 != 0 }

    /// `body(i, k)` for each member `i`, ascending, `k` counting them from 0.
    public func forEach(_ body: (Int, Int) -> Void) {
        var k = 0
        for w in words.indices {
            var word = words[w]
            while word != 0 {
                body(w << 6 | word.trailingZeroBitCount, k)
                k += 1
                word &= word &- 1
            }
        }
    }

    /// Members below `i`.
    @inlinable @inline(__always)
    public func rank(_ i: Int) -> Int {
        let below = words[i >> 6] & ((1 << UInt64(i & 63)) &- 1)
        return Int(before[i >> 6]) &+ below.nonzeroBitCount
    }

    /// `rank(i)` when `i` is a member, else −1: one word load for both.
    @inlinable @inline(__always)
    public func index(of i: Int) -> Int {
        let word = words[i >> 6], bit: UInt64 = 1 << UInt64(i & 63)
        guard word & bit != 0 else { return -1 }
        return Int(before[i >> 6]) &+ (word & (bit &- 1)).nonzeroBitCount
    }

    /// Bytes held.
    public var byteCount: Int { words.count * 8 + before.count * 4 }
}
