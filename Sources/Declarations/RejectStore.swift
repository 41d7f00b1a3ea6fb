#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The rejected rows of a run, in file order, in bounded memory.
///
/// A `[Reject]` took about 500 bytes a reject (two strings and an array, each
/// on the heap): a 10M-row feed read with a wrong date format (every row a
/// `bad_date`, the commonest first-run mistake) held 4.7 GB. Here each reject
/// is a packed record in one byte buffer, and once the buffer holds
/// `memoryLimit` bytes it is appended to a spill file and emptied. The spill
/// file is unlinked as soon as it is created (nothing is left behind however
/// the run ends) and read back in blocks, so resident memory stays near the
/// limit at any number of rejects.
///
/// Rejects are appended in order (`Ingest.Merge` appends each chunk's, sorted,
/// chunk after chunk) and read back in that order. Written by one thread
/// during ingest, read-only afterwards.
public final class RejectStore: Sequence, @unchecked Sendable {
    public typealias Element = Reject
    public private(set) var count = 0
    /// The first reject, kept decoded (`--on-error fail` renders it).
    public private(set) var first: Reject?
    /// The first reject of each reason and its place in the store, kept decoded
    /// (commands show them as examples of what went wrong).
    private var firsts: [RejectReason: (index: Int, reject: Reject)] = [:]
    /// Packed records not yet spilled.
    fileprivate var buffer: [UInt8] = []
    private let memoryLimit: Int
    /// Where a spill file is made (nil: the system's temporary folder).
    private let spillDirectory: String?
    private var spill: Int32 = -1
    fileprivate var spilledBytes = 0

    /// The default buffer: a few chunks' worth of rejects.
    public static let defaultMemoryLimit = 32 << 20

    /// Whether the rejects themselves are kept (else only `count`, `first` and
    /// the first of each reason: a run that writes no rejects.csv needs no more).
    public let keepsRows: Bool

    public init(memoryLimit: Int = RejectStore.defaultMemoryLimit, spillDirectory: String? = nil, keepsRows: Bool = true) {
        self.memoryLimit = Swift.max(1, memoryLimit)
        self.spillDirectory = spillDirectory
        self.keepsRows = keepsRows
    }

    deinit { if spill >= 0 { close(spill) } }

    /// Whether nothing was rejected.
    public var isEmpty: Bool { count == 0 }

    /// Whether some rejects were moved out of memory (tests).
    var hasSpilled: Bool { spilledBytes > 0 }

    /// Where the store stands, to go back to (`truncate(to:)`).
    struct Mark: Equatable {
        var count: Int
        var bytes: Int
    }

    var mark: Mark { Mark(count: count, bytes: spilledBytes + buffer.count) }

    /// Appends one reject; spills the buffer when it is full.
    func append(_ r: Reject) throws(IngestError) {
        if first == nil { first = r }
        if firsts[r.reason] == nil { firsts[r.reason] = (count, r) }
        count += 1
        guard keepsRows else { return }
        RejectStore.pack(r, into: &buffer)
        if buffer.count >= memoryLimit { try spillBuffer() }
    }

    /// Drops the rejects appended after `mark`.
    func truncate(to mark: Mark) throws(IngestError) {
        precondition(mark.count <= count && mark.bytes <= spilledBytes + buffer.count, "a mark of this store")
        if mark.bytes >= spilledBytes {
            buffer.removeSubrange((mark.bytes - spilledBytes)...)
        } else {
            buffer.removeAll(keepingCapacity: true)
            guard ftruncate(spill, off_t(mark.bytes)) == 0 else { throw spillError("cannot shorten", errno) }
            spilledBytes = mark.bytes
        }
        count = mark.count
        if count == 0 { first = nil }
        firsts = firsts.filter { $0.value.index < count }
    }

    /// The first reject of each reason, in store order.
    public var firstOfEachReason: [Reject] {
        firsts.values.sorted { $0.index < $1.index }.map(\.reject)
    }

    private func spillBuffer() throws(IngestError) {
        if spill < 0 {
            let dir = spillDirectory ?? RejectStore.temporaryDirectory
            var template = Array((dir.hasSuffix("/") ? dir : dir + "/").utf8CString.dropLast()) + Array(".tradescan-rejects-XXXXXX".utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else { throw spillError("cannot create a spill file in \(dir)", errno) }
            // Unlinked at once: the data stays reachable through the descriptor only.
            _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
            spill = fd
        }
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeBytes { pwrite(spill, $0.baseAddress! + done, $0.count - done, off_t(spilledBytes + done)) }
            guard n > 0 else { throw spillError("cannot write the spill file", errno) }
            done += n
        }
        spilledBytes += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    private func spillError(_ what: String, _ code: Int32) -> IngestError {
        .unreadable(file: "rejects spill", reason: "\(what): \(String(cString: strerror(code))); "
                    + "rejected rows beyond \(memoryLimit >> 20) MB are kept on disk (set TMPDIR, or write --out on a disk with room)")
    }

    static var temporaryDirectory: String {
        if let t = getenv("TMPDIR"), t.pointee != 0 { return String(cString: t) }
        return "/tmp"
    }

    /// All rejects, in order (small stores and tests); none when `keepsRows` is false.
    public var array: [Reject] { Array(self) }

    public func makeIterator() -> Iterator { Iterator(store: self) }

    /// The rejects in order, each decoded as it is reached: the spill file is
    /// read back a block of about 1 MB at a time, as `forEachView` reads it, so
    /// iterating holds one block and one reject, not every reject (until
    /// 2026-12-01 it decoded them all into an array first). The store must not
    /// be appended to meanwhile.
    public struct Iterator: IteratorProtocol {
        let store: RejectStore
        /// Spilled records being read, from spill offset `read`; `at` is the next one's place.
        private var block: [UInt8] = []
        private var at = 0
        private var read = 0
        /// Past the spill file: reading the in-memory buffer.
        private var inBuffer = false

        init(store: RejectStore) { self.store = store }

        public mutating func next() -> Reject? {
            while true {
                if inBuffer {
                    guard let length = RejectStore.recordLength(store.buffer, at: at) else { return nil }
                    defer { at += length }
                    return store.buffer.withUnsafeBytes { RejectStore.view($0, at: at).reject }
                }
                if let length = RejectStore.recordLength(block, at: at), at + length <= block.count {
                    defer { at += length }
                    return block.withUnsafeBytes { RejectStore.view($0, at: at).reject }
                }
                // The block's whole records are read; the partial one after them starts the next block.
                read += at
                at = 0
                guard read < store.spilledBytes else {
                    inBuffer = true
                    block = []
                    continue
                }
                block = [UInt8](repeating: 0, count: Swift.min(1 << 20, store.spilledBytes - read))
                store.readSpill(into: &block, at: read)
                if let length = RejectStore.recordLength(block, at: 0), length > block.count {
                    // A record longer than the block: read it whole.
                    block = [UInt8](repeating: 0, count: length)
                    store.readSpill(into: &block, at: read)
                }
            }
        }
    }

    /// One packed reject, read in place: its text and raw record are views
    /// into the store's memory, valid during the call that hands it out.
    public struct View {
        public var fileIndex: Int, line: Int, byteOffset: Int, column: Int, record: Int
        public var reason: RejectReason
        public var field: UnsafeRawBufferPointer
        public var message: UnsafeRawBufferPointer
        public var raw: UnsafeRawBufferPointer

        public var reject: Reject {
            Reject(fileIndex: fileIndex, line: line, byteOffset: byteOffset, column: column, record: record,
                   field: String(decoding: field, as: UTF8.self), reason: reason,
                   message: String(decoding: message, as: UTF8.self), raw: [UInt8](raw))
        }
    }

    /// Calls `body` with every reject in order, read in place: the spill file
    /// in blocks of about 1 MB, then the buffer. No string or array is made
    /// per reject (rejects.csv is written from these).
    public func forEachView(_ body: (View) -> Void) {
        var block: [UInt8] = []
        var read = 0
        while read < spilledBytes {
            // The block's last whole record ends the pass; the partial one after it starts the next.
            let want = Swift.min(1 << 20, spilledBytes - read)
            block.removeAll(keepingCapacity: true)
            block.append(contentsOf: repeatElement(0, count: want))
            readSpill(into: &block, at: read)
            var at = 0
            while let length = RejectStore.recordLength(block, at: at), at + length <= block.count {
                block.withUnsafeBytes { b in body(RejectStore.view(b, at: at)) }
                at += length
            }
            if at == 0, let length = RejectStore.recordLength(block, at: 0) {
                // A record longer than the block: read it whole.
                block = [UInt8](repeating: 0, count: length)
                readSpill(into: &block, at: read)
                block.withUnsafeBytes { b in body(RejectStore.view(b, at: 0)) }
                at = length
            }
            read += at
        }
        var at = 0
        while at < buffer.count {
            buffer.withUnsafeBytes { b in body(RejectStore.view(b, at: at)) }
            at += RejectStore.recordLength(buffer, at: at)!
        }
    }

    /// Fills `block` from the spill file at `offset`.
    fileprivate func readSpill(into block: inout [UInt8], at offset: Int) {
        var done = 0
        let n = Swift.min(block.count, spilledBytes - offset)
        while done < n {
            let got = block.withUnsafeMutableBytes { pread(spill, $0.baseAddress! + done, n - done, off_t(offset + done)) }
            // The file is this process's own, unlinked: a failed read is a broken disk.
            precondition(got > 0, "reading the rejects spill file back: \(String(cString: strerror(errno)))")
            done += got
        }
        if n < block.count { block.removeSubrange(n...) }
    }

    // MARK: Packing

    /// A record: its length (UInt32), file index, line, byte offset, column,
    /// record (Int64 each), reason (one byte), then field, message and raw,
    /// each a UInt32 length and the bytes.
    static func pack(_ r: Reject, into out: inout [UInt8]) {
        var field = r.field, message = r.message
        let start = out.count
        append(UInt32(0), to: &out)
        append(Int64(r.fileIndex), to: &out)
        append(Int64(r.line), to: &out)
        append(Int64(r.byteOffset), to: &out)
        append(Int64(r.column), to: &out)
        append(Int64(r.record), to: &out)
        out.append(UInt8(RejectReason.allCases.firstIndex(of: r.reason)!))
        field.withUTF8 { bytes(UnsafeRawBufferPointer($0), to: &out) }
        message.withUTF8 { bytes(UnsafeRawBufferPointer($0), to: &out) }
        r.raw.withUnsafeBytes { bytes($0, to: &out) }
        let length = UInt32(out.count - start)
        withUnsafeBytes(of: length.littleEndian) { l in for i in 0..<4 { out[start + i] = l[i] } }
    }

    private static func append<T: FixedWidthInteger>(_ v: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func bytes(_ b: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        append(UInt32(b.count), to: &out)
        out.append(contentsOf: b)
    }

    /// The length of the record at `at`, when its length word is there.
    static func recordLength(_ b: [UInt8], at: Int) -> Int? {
        guard at + 4 <= b.count else { return nil }
        return b.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: UInt32.self))) }
    }

    static func view(_ b: UnsafeRawBufferPointer, at start: Int) -> View {
        var p = start + 4
        func int() -> Int {
            defer { p += 8 }
            return Int(Int64(littleEndian: b.loadUnaligned(fromByteOffset: p, as: Int64.self)))
        }
        func slice() -> UnsafeRawBufferPointer {
            let n = Int(UInt32(littleEndian: b.loadUnaligned(fromByteOffset: p, as: UInt32.self)))
            defer { p += 4 + n }
            return UnsafeRawBufferPointer(rebasing: b[(p + 4)..<(p + 4 + n)])
        }
        let fileIndex = int(), line = int(), byteOffset = int(), column = int(), record = int()
        let reason = RejectReason.allCases[Int(b[p])]
        p += 1
        let field = slice(), message = slice(), raw = slice()
        return View(fileIndex: fileIndex, line: line, byteOffset: byteOffset, column: column, record: record,
                    reason: reason, field: field, message: message, raw: raw)
    }
}
