/// A column being appended to by one chunk parser, in raw memory grown by
/// doubling: an append is a store and an increment. `Array.append` checks
/// uniqueness and capacity and calls out on every row; with about twenty appends
/// a row that was a sixth of ingest's instructions (callgrind, 100k rows).
///
/// This file and `ChunkColumns` are the only raw memory in Declarations. A
/// builder is mutated in place by its one owner and never copied while in use
/// (copies share the memory); `ColumnMemory` frees it however the parse ends.
struct ColumnBuilder<Element: BitwiseCopyable> {
    private let memory: ColumnMemory
    private var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        let c = max(16, capacity)
        base = .allocate(capacity: c)
        self.capacity = c
        memory = ColumnMemory(UnsafeMutableRawPointer(base))
    }

    @inline(__always)
    mutating func append(_ value: Element) {
        if count == capacity { grow(to: count + 1) }
        base[count] = value   // safe: count < capacity; trivial values need no initialisation
        count &+= 1
    }

    /// Room for `n` more values at the end, returned to be written; `commit(n)` keeps them.
    @inline(__always)
    mutating func slots(_ n: Int) -> UnsafeMutablePointer<Element> {
        if count + n > capacity { grow(to: count + n) }
        return base + count
    }

    @inline(__always)
    mutating func commit(_ n: Int) { count &+= n }

    private mutating func grow(to needed: Int) {
        let c = max(needed, capacity * 2)
        let fresh = UnsafeMutablePointer<Element>.allocate(capacity: c)
        fresh.update(from: base, count: count)
        base.deallocate()
        base = fresh
        capacity = c
        memory.pointer = UnsafeMutableRawPointer(fresh)
    }

    /// The values' memory, valid until the next append (for a pass that rewrites them in place).
    var pointer: UnsafeMutablePointer<Element> { base }

    /// The values as raw bytes, for the duration of `body`.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count * MemoryLayout<Element>.stride))
    }

    /// The values as an array.
    func array() -> [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Column `k` of the values read as rows of `width` (row-major).
    func column(_ k: Int, width: Int) -> [Element] { column(k, width: width) { $0 } }

    /// Column `k` of the values read as rows of `width` (row-major), each converted.
    @inline(__always)
    func column<T>(_ k: Int, width: Int, _ convert: (Element) -> T) -> [T] {
        let rows = count / width
        return [T](unsafeUninitializedCapacity: rows) { out, initialized in
            for r in 0..<rows { out[r] = convert(base[r * width + k]) }   // safe: r * width + k < count
            initialized = rows
        }
    }
}

extension ColumnBuilder where Element == UInt8 {
    @inline(__always)
    mutating func append(contentsOf bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        let p = slots(bytes.count)
        UnsafeMutableRawPointer(p).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        commit(bytes.count)
    }
}

/// Owns a builder's memory and frees it with the last copy.
final class ColumnMemory: @unchecked Sendable {
    // safe: set only by the one builder that owns it, read only by deinit.
    var pointer: UnsafeMutableRawPointer

    init(_ pointer: UnsafeMutableRawPointer) { self.pointer = pointer }
    deinit { pointer.deallocate() }
}

/// One dictionary per text field, mutated in place through a pointer (an array of
/// interners would check its own uniqueness on every row's every field).
final class InternerSet: @unchecked Sendable {
    // safe: used by one chunk parser at a time.
    let interners: UnsafeMutablePointer<ByteInterner>
    let count: Int
    /// Room for a block of values and their hashes (`ByteInterner.intern(_:views:hashes:_:)`),
    /// `scratchCount` of each: allocated once here, not per block.
    let scratchViews: UnsafeMutablePointer<UnsafeRawBufferPointer>
    let scratchHashes: UnsafeMutablePointer<UInt64>
    let scratchCount: Int
    /// Values past which a dictionary is started afresh at the next chunk (`ChunkColumns.restartValues`).
    let restartValues: Int
    /// Per field: the next chunk lists its values (`ByteInterner.list`) instead of interning them,
    /// decided from the chunks before (`ChunkBuilder.finish`).
    var listing: [Bool]
    /// Per field: chunks listed in a row since the field was last interned.
    var listed: [Int]
    /// Rows a chunk needs for its fields to be listed at the next (`ChunkBuilder.listingRows`).
    let listingRows: Int

    init(count: Int, capacity: Int, scratch: Int = ChunkParser.deferredRows, restartValues: Int = ChunkColumns.restartValues,
         listingRows: Int = ChunkBuilder.listingRows) {
        self.count = count
        self.restartValues = restartValues
        self.listingRows = listingRows
        listing = [Bool](repeating: false, count: count)
        listed = [Int](repeating: 0, count: count)
        interners = .allocate(capacity: count)
        interners.initialize(repeating: ByteInterner(capacity: capacity), count: count)
        scratchCount = scratch
        scratchViews = .allocate(capacity: scratch)
        scratchHashes = .allocate(capacity: scratch)
    }

    deinit {
        interners.deinitialize(count: count)
        interners.deallocate()
        scratchViews.deallocate()
        scratchHashes.deallocate()
    }
}
