import CSVKernelsC

/// Which stage-1 loop of the SIMD tokenizer runs. Every kernel writes the same
/// structural index; tests and the fuzzer run each input through each one.
public enum IndexKernel: String, Sendable, CaseIterable {
    /// 64-byte blocks as four 16-byte compares (baseline x86-64, SSE2), positions emitted bit by bit.
    case portable
    /// One AVX-512 compare per byte class, the prefix XOR by carry-less multiply,
    /// positions written sixteen at a time (`tradescan_index_avx512`).
    case avx512
    /// `avx512` with the positions of a block packed by one byte compress
    /// (AVX512_VBMI2) and widened sixteen at a time, instead of four 16-lane
    /// compresses (`tradescan_index_avx512vbmi2`).
    case avx512vbmi2

    /// Whether this kernel runs the AVX-512 code (stage 2's record fast path too).
    var isAVX512: Bool { self != .portable }

    /// The fastest kernel this CPU runs.
    public static let best: IndexKernel = available.last!

    /// The kernels this CPU runs, slowest first.
    public static let available: [IndexKernel] = {
        #if arch(x86_64)
        if tradescan_have_avx512vbmi2_index() != 0 { return [.portable, .avx512, .avx512vbmi2] }
        if tradescan_have_avx512_index() != 0 { return [.portable, .avx512] }
        #endif
        return [.portable]
    }()
}

/// Stage 1 of the fast tokenizer: the positions of structural bytes.
///
/// Each 64-byte block becomes three bitmasks (quote, delimiter, LF). The quote
/// mask's prefix XOR, carried from block to block, says which bytes lie inside
/// quotes (the parity model: every quote toggles). Delimiters and LFs outside
/// quotes are separators; LFs inside quotes are kept apart so line numbers stay
/// exact. The parity model equals RFC 4180 parsing whenever quoting is regular;
/// stage 2 (`TokenAssembler`) checks that and otherwise hands the input to the
/// scalar tokenizer.
///
/// It also checks that the quoting is simple, looking only backwards: each
/// opening quote right after a separator (or where a record starts), each
/// closing quote right before one (or before CR LF). Where that fails (a
/// doubled quote, a stray one, text after a closing quote) the position goes
/// to `irregular`; stage 2 takes such records by its general loop. A separator
/// right after a closing quote (or after one and a CR) ends a quoted field.
///
/// Positions are `UInt32` offsets from `start` (windows stay below 1 GiB); a
/// separator that is an LF has `recordEndBit` set, one that ends a quoted field
/// `quotedFieldBit`.
struct StructuralIndex {
    static let recordEndBit: UInt32 = 1 << 31
    static let quotedFieldBit: UInt32 = 1 << 30
    static let positionMask: UInt32 = (1 << 30) - 1
    /// The largest window whole-buffer tokenizing indexes at once (under the 1 GiB positions allow).
    static let largestWindow = 1 << 29

    /// The index's lists. A window stage 2 has passed hands its storage to the
    /// next window, so indexing a chunk reuses a few warm buffers instead of
    /// asking for fresh pages for every window.
    final class Storage {
        private(set) var capacity = 0
        private(set) var separators = UnsafeMutablePointer<UInt32>.allocate(capacity: 0)
        private(set) var quotes = UnsafeMutablePointer<UInt32>.allocate(capacity: 0)
        private(set) var quotedNewlines = UnsafeMutablePointer<UInt32>.allocate(capacity: 0)
        private(set) var irregular = UnsafeMutablePointer<UInt32>.allocate(capacity: 0)
        var separatorCount = 0, quoteCount = 0, quotedNewlineCount = 0, irregularCount = 0

        /// Room for `count` entries in each list (contents dropped when it grows).
        func reserve(_ count: Int) {
            guard count > capacity else { return }
            separators.deallocate(); quotes.deallocate(); quotedNewlines.deallocate(); irregular.deallocate()
            separators = .allocate(capacity: count)
            quotes = .allocate(capacity: count)
            quotedNewlines = .allocate(capacity: count)
            irregular = .allocate(capacity: count)
            capacity = count
        }

        deinit { separators.deallocate(); quotes.deallocate(); quotedNewlines.deallocate(); irregular.deallocate() }
    }

    private(set) var storage: Storage?
    /// Separators in order, relative to `start`.
    var separators: UnsafeBufferPointer<UInt32> { UnsafeBufferPointer(start: storage?.separators, count: storage?.separatorCount ?? 0) }
    /// LFs inside quotes, relative to `start`.
    var quotedNewlines: UnsafeBufferPointer<UInt32> { UnsafeBufferPointer(start: storage?.quotedNewlines, count: storage?.quotedNewlineCount ?? 0) }
    /// Every quote byte, relative to `start` (stage 2 checks quoting is regular).
    var quotes: UnsafeBufferPointer<UInt32> { UnsafeBufferPointer(start: storage?.quotes, count: storage?.quoteCount ?? 0) }
    /// Where the quoting is not simple, relative to `start`: an opening quote
    /// after other bytes, or the byte after a closing quote that is neither a
    /// separator nor CR LF (the LF's position when the CR is followed by another byte).
    var irregular: UnsafeBufferPointer<UInt32> { UnsafeBufferPointer(start: storage?.irregular, count: storage?.irregularCount ?? 0) }
    /// Whether the parity model ends inside quotes.
    var endsInsideQuotes = false
    /// Bytes covered.
    var start = 0
    var end = 0

    init() {}

    /// Indexes `[start, end)` of `buffer`, starting inside quotes when `insideQuotes`,
    /// into `storage` when given (a passed window's) or new storage.
    init(_ buffer: UnsafeRawBufferPointer, start: Int, end: Int, dialect: Dialect, insideQuotes: Bool,
         kernel: IndexKernel = .best, reusing storage: Storage? = nil) {
        precondition(start >= 0 && end <= buffer.count && start <= end, "index range out of bounds")
        precondition(end - start <= Int(StructuralIndex.positionMask), "index windows must be smaller than 1 GiB")
        self.start = start
        self.end = end
        let length = end - start
        let quote = dialect.quote, delim = dialect.delimiter
        guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), length > 0 else {
            endsInsideQuotes = insideQuotes
            return
        }
        // Worst case every byte is a separator, a quote or a quoted LF; 64 spare
        // slots absorb the unrolled writes. The hot loop never touches an Array
        // or a captured variable.
        let lists = storage ?? Storage()
        lists.reserve(length + 64)
        self.storage = lists
        let seps = lists.separators, quoteBuffer = lists.quotes, lfBuffer = lists.quotedNewlines, irregularBuffer = lists.irregular
        var carry: UInt64 = insideQuotes ? ~0 : 0
        // What the bytes before `start` say (bits 0, 1, 2): a separator or a record
        // start; a closing quote; a closing quote and a CR. Outside quotes only.
        let before = StructuralIndex.before(buffer, start: start, dialect: dialect, insideQuotes: insideQuotes)
        #if arch(x86_64)
        if kernel.isAVX512 {
            // safe: each list has room for length + 64 entries, as the kernels require.
            let counts = kernel == .avx512vbmi2
                ? tradescan_index_avx512vbmi2(base + start, length, quote, delim, carry, before, seps, quoteBuffer, lfBuffer, irregularBuffer)
                : tradescan_index_avx512(base + start, length, quote, delim, carry, before, seps, quoteBuffer, lfBuffer, irregularBuffer)
            lists.separatorCount = counts.separators
            lists.quoteCount = counts.quotes
            lists.quotedNewlineCount = counts.quotedNewlines
            lists.irregularCount = counts.irregular
            endsInsideQuotes = counts.inside != 0
            return
        }
        #endif
        var count = 0, quoteCount = 0, lfCount = 0, irregularCount = 0
        var sepBefore = before & 1, closeBefore = (before >> 1) & 1, closeCRBefore = (before >> 2) & 1
        var offset = 0
        var tail = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while offset < length {
            var q: UInt64 = 0, d: UInt64 = 0, n: UInt64 = 0, r: UInt64 = 0
            var valid = UInt64.max
            if length - offset >= 64 {
                tradescan_masks64(base + start + offset, quote, delim, &q, &d, &n, &r)
            } else {
                // The last partial block: copy into a zeroed block, then cut the
                // masks to the valid bytes.
                withUnsafeMutableBytes(of: &tail) { t in
                    t.initializeMemory(as: UInt8.self, repeating: 0)
                    t.copyMemory(from: UnsafeRawBufferPointer(start: base + start + offset, count: length - offset))
                    tradescan_masks64(t.baseAddress!.assumingMemoryBound(to: UInt8.self), quote, delim, &q, &d, &n, &r)
                }
                valid = (1 << UInt64(length - offset)) &- 1
                q &= valid; d &= valid; n &= valid; r &= valid
            }
            let inside = StructuralIndex.prefixXOR(q) ^ carry
            carry = UInt64(bitPattern: Int64(bitPattern: inside) >> 63)
            let structural = (d | n) & ~inside
            // The simple-quoting check of TRADESCAN_INDEX_LOOP (csv_kernels.h).
            let closing = q & ~inside
            let afterClose = (closing << 1) | closeBefore
            let afterCloseCR = ((afterClose & r) << 1) | closeCRBefore
            let bad = ((q & inside & ~((structural << 1) | sepBefore)) | (afterClose & ~(structural | r)) | (afterCloseCR & ~n)) & valid
            sepBefore = structural >> 63
            closeBefore = closing >> 63
            closeCRBefore = (afterClose & r) >> 63
            let o = UInt32(truncatingIfNeeded: offset)
            // safe: each emit writes at most 8 * ceil(popcount / 8) slots past its
            // count, and counts never exceed `length` (one entry per byte at most).
            if q != 0 { StructuralIndex.emit(q, offset: o, into: quoteBuffer, count: &quoteCount) }
            let lfInside = n & inside
            if lfInside != 0 { StructuralIndex.emit(lfInside, offset: o, into: lfBuffer, count: &lfCount) }
            if bad != 0 { StructuralIndex.emit(bad, offset: o, into: irregularBuffer, count: &irregularCount) }
            if structural != 0 {
                StructuralIndex.emit(structural, newlines: n, quoted: structural & (afterClose | afterCloseCR), offset: o,
                                     into: seps, count: &count)
            }
            offset &+= 64
        }
        lists.separatorCount = count
        lists.quoteCount = quoteCount
        lists.quotedNewlineCount = lfCount
        lists.irregularCount = irregularCount
        endsInsideQuotes = carry != 0
    }

    /// Bits 0, 1, 2: the byte before `start` is a separator (or `start` is
    /// where the input's records begin: offset 0 or after a UTF-8 BOM); a
    /// closing quote; a CR after a closing quote. A byte before `start` that is
    /// a delimiter, LF, CR or quote lies outside quotes when `start` does (a
    /// closing quote leaves quotes), so the state at `start` decides.
    static func before(_ b: UnsafeRawBufferPointer, start: Int, dialect: Dialect, insideQuotes: Bool) -> UInt64 {
        if start == 0 || (start == 3 && Tokenizer.hasBOM(b)) { return 1 }
        if insideQuotes { return 0 }
        let last = b[start - 1]
        if last == dialect.delimiter || last == 0x0A { return 1 }
        if last == dialect.quote { return 2 }
        if last == 0x0D && start >= 2 && b[start - 2] == dialect.quote { return 4 }
        return 0
    }

    /// Gives up the lists (bounds and the quote state stay), for another window to reuse.
    mutating func release() -> Storage? {
        defer { storage = nil }
        return storage
    }

    /// Bit i of the result is the XOR of bits 0…i of `x`: set for bytes after an
    /// odd number of quotes (the opening quote included, the closing one not).
    @inline(__always)
    static func prefixXOR(_ x: UInt64) -> UInt64 {
        var y = x
        y ^= y << 1
        y ^= y << 2
        y ^= y << 4
        y ^= y << 8
        y ^= y << 16
        y ^= y << 32
        return y
    }

    /// Writes the positions of the set bits of `mask` (plus `offset`), flagging
    /// LFs and the ends of quoted fields, eight at a time (simdjson's unrolled emit).
    @inline(__always)
    static func emit(_ mask: UInt64, newlines: UInt64 = 0, quoted: UInt64 = 0, offset: UInt32, into out: UnsafeMutablePointer<UInt32>,
                     count: inout Int) {
        var m = mask
        let total = mask.nonzeroBitCount
        var p = out + count
        while m != 0 {
            for _ in 0..<8 {
                let bit = UInt32(truncatingIfNeeded: m.trailingZeroBitCount)
                let isLF = UInt32(truncatingIfNeeded: (newlines >> UInt64(bit & 63)) & 1) << 31
                let isQuoted = UInt32(truncatingIfNeeded: (quoted >> UInt64(bit & 63)) & 1) << 30
                p.pointee = (offset &+ bit) | isLF | isQuoted
                p += 1
                m &= m &- 1
            }
        }
        count += total
    }
}
