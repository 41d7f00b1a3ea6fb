import CZlib
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The bytes of one input: a memory-mapped plain file, a decompressed .gz, or
/// standard input read to the end. Kept alive while its rows are parsed.
final class InputBytes: @unchecked Sendable {
    // safe to share: the bytes are never written after init.
    let name: String
    private var mapped: UnsafeMutableRawPointer?
    private var mappedLength = 0
    private var owned: [UInt8] = []
    /// Mapped bytes below this offset were handed back with `release(before:)`.
    private var released = 0

    var buffer: UnsafeRawBufferPointer {
        if let mapped { return UnsafeRawBufferPointer(start: mapped, count: mappedLength) }
        return owned.withUnsafeBytes { UnsafeRawBufferPointer(start: $0.baseAddress, count: $0.count) }
    }

    init(name: String, owned: [UInt8]) {
        self.name = name
        self.owned = owned
    }

    /// Opens `path`: "-" is standard input; `.gz` is inflated; anything else is mapped.
    init(path: String) throws(IngestError) {
        name = path
        if path == "-" {
            owned = try InputBytes.readAll(fd: 0, name: "<stdin>")
            return
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .unreadable(file: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .unreadable(file: path, reason: String(cString: strerror(errno))) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw .unreadable(file: path, reason: "is a folder") }
        if path.hasSuffix(".gz") {
            owned = try InputBytes.gunzip(try InputBytes.readAll(fd: fd, name: path), name: path)
            return
        }
        let size = Int(st.st_size)
        guard size > 0 else { return }
        // No MAP_POPULATE: pages are mapped as the chunks reach them (the kernel maps
        // 16 cached pages per fault) and dropped again by `release(before:)`, so
        // resident memory holds the chunks being read and merged, not all of the file.
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            owned = try InputBytes.readAll(fd: fd, name: path)
            return
        }
        madvise(p, size, MADV_SEQUENTIAL)
        mapped = p
        mappedLength = size
    }

    /// Drops the mapped pages wholly before `offset` from resident memory (the
    /// page cache keeps them; touching them again maps them again, so this is
    /// only a hint). Does nothing for owned bytes.
    func release(before offset: Int) {
        guard offset > released else { return }
        released = release(released..<offset)
    }

    /// Drops the mapped pages wholly inside `range` from resident memory (a
    /// hint, as `release(before:)`; safe from any thread). Does nothing for owned bytes.
    /// Returns where the released pages end (`range.lowerBound` when none were).
    @discardableResult
    func release(_ range: Range<Int>) -> Int {
        guard let mapped else { return range.lowerBound }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + page - 1) / page * page, end = min(range.upperBound, mappedLength) / page * page
        guard end > start else { return range.lowerBound }
        madvise(mapped + start, end - start, MADV_DONTNEED)
        return end
    }

    /// Maps the cached pages of `range` in one call (`MADV_POPULATE_READ`), ahead
    /// of a chunk's first pass: its 1,024 pages then cost no page fault each
    /// (16 at a time, as the kernel maps them around a fault). A hint, safe from
    /// any thread: a kernel without it (before Linux 5.14) or owned bytes do nothing.
    func populate(_ range: Range<Int>) {
        #if os(Linux)
        guard let mapped else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = range.lowerBound / page * page, end = min(range.upperBound, mappedLength)
        guard end > start else { return }
        _ = madvise(mapped + start, end - start, InputBytes.populateRead)
        #endif
    }

    /// `MADV_POPULATE_READ` (Linux 5.14), which older C headers lack.
    static let populateRead: Int32 = 22

    deinit {
        if let mapped { munmap(mapped, mappedLength) }
    }

    /// Replaces the bytes (after decoding another encoding to UTF-8).
    func replace(with bytes: [UInt8]) {
        if let mapped { munmap(mapped, mappedLength) }
        mapped = nil
        mappedLength = 0
        owned = bytes
    }

    static func readAll(fd: Int32, name: String) throws(IngestError) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable(file: name, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    /// Inflates gzip (or zlib) data, concatenated members included.
    static func gunzip(_ input: [UInt8], name: String) throws(IngestError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count * 4)
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .unreadable(file: name, reason: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var status: Int32 = Z_OK
        input.withUnsafeBytes { (inp: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: inp.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(inp.count)
            repeat {
                let produced = buffer.withUnsafeMutableBytes { b -> Int in
                    stream.next_out = b.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(b.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return b.count - Int(stream.avail_out)
                }
                out.append(contentsOf: buffer[0..<produced])
                if status == Z_STREAM_END && stream.avail_in > 0 {
                    inflateReset(&stream)       // another gzip member follows
                    status = Z_OK
                }
            } while status == Z_OK
        }
        guard status == Z_STREAM_END else {
            let truncated = status == Z_BUF_ERROR && stream.avail_in == 0
            let detail = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
            throw .undecodable(
                file: name, line: nil,
                reason: truncated ? "the gzip data ends early (after \(stream.total_in) bytes)"
                                  : "not valid gzip data at byte \(stream.total_in) (\(detail))",
                hint: "the .gz file is damaged or truncated; re-create it with gzip, or drop the .gz suffix if it is plain text")
        }
        return out
    }
}
