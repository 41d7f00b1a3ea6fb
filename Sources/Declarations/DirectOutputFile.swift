#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Dispatch

/// A large output file written around the page cache (`O_DIRECT`) where the
/// file system allows it, through an aligned staging buffer: bytes go from the
/// buffer to the device without being copied into freshly allocated cache
/// pages, and the file does not push other files (the input) out of the cache.
/// Where direct I/O is refused (at open, or by a write), writing goes on
/// through the cache (`write(2)`), so the bytes are the same either way. Not
/// for files read back at once: they are not left in the page cache. Call
/// `close()`: the last staged bytes are written there, and a file dropped
/// without it (an error path, whose folder is discarded) ends short.
///
/// A full staging buffer is written by a thread of its own while the caller
/// fills the other one: a direct write waits for the device, and the caller
/// (a renderer) goes on rendering meanwhile. A write's error shows at the next
/// `write` or at `close`.
public final class DirectOutputFile: @unchecked Sendable {
    // safe: the caller fills `staging` while the writer thread writes `other`; the two
    // swap only after `inFlight.wait()`, and `fd`, `direct` and `failure` change
    // only on the writer thread or after that wait.
    public let path: String
    private var fd: Int32
    /// Whether the descriptor is open with `O_DIRECT` now (the writer thread may
    /// clear it: read it before the first full buffer or after `close()`).
    public private(set) var direct: Bool
    private var staging: UnsafeMutableRawPointer
    private var other: UnsafeMutableRawPointer
    private var filled = 0
    private let writer = DispatchQueue(label: "tradescan.output")
    private let inFlight = DispatchGroup()
    private var failure: OutputFileError?

    /// Bytes staged before a write; a multiple of `alignment`.
    static let stagingSize = 4 << 20
    /// Offset, length and address alignment direct writes keep (covers 512- and 4096-byte blocks).
    static let alignment = 4096

    #if os(Linux) && arch(x86_64)
    static let oDirect: Int32 = 0o40000
    #elseif os(Linux) && arch(arm64)
    static let oDirect: Int32 = 0o200000
    #else
    static let oDirect: Int32 = 0
    #endif

    /// Opens `path` for writing (created or truncated); with `direct` false, or
    /// where the platform has no `O_DIRECT`, writes go through the page cache.
    public init(path: String, direct wanted: Bool = true) throws(OutputFileError) {
        self.path = path
        let flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
        var descriptor: Int32 = -1
        if wanted && DirectOutputFile.oDirect != 0 { descriptor = open(path, flags | DirectOutputFile.oDirect, 0o644) }
        direct = descriptor >= 0
        if descriptor < 0 { descriptor = open(path, flags, 0o644) }
        guard descriptor >= 0 else { throw OutputFileError(path: path, reason: String(cString: strerror(errno))) }
        fd = descriptor
        var memory: UnsafeMutableRawPointer? = nil, second: UnsafeMutableRawPointer? = nil
        guard posix_memalign(&memory, DirectOutputFile.alignment, DirectOutputFile.stagingSize) == 0, let memory,
              posix_memalign(&second, DirectOutputFile.alignment, DirectOutputFile.stagingSize) == 0, let second else {
            Glibc.close(descriptor)
            free(memory)
            throw OutputFileError(path: path, reason: "no memory for the write buffer")
        }
        staging = memory
        other = second
    }

    deinit {
        inFlight.wait()
        if fd >= 0 { Glibc.close(fd) }
        free(staging)
        free(other)
    }

    /// Appends bytes (staged; written in aligned runs).
    public func write(_ bytes: UnsafeRawBufferPointer) throws(OutputFileError) {
        guard var from = bytes.baseAddress, fd >= 0 else { return }
        var left = bytes.count
        while left > 0 {
            let n = min(left, DirectOutputFile.stagingSize - filled)
            (staging + filled).copyMemory(from: from, byteCount: n)
            filled += n
            from += n
            left -= n
            if filled == DirectOutputFile.stagingSize {
                try handOver()
            }
        }
    }

    /// Waits for the write in flight, then writes the full staging buffer on
    /// the writer thread and stages into the other one.
    private func handOver() throws(OutputFileError) {
        inFlight.wait()
        if let failure { throw failure }
        nonisolated(unsafe) let full = staging
        let count = filled
        staging = other
        other = full
        filled = 0
        // Not a strong reference: the write in flight must not hold the file's
        // last one (its deinit would then wait on its own thread). deinit waits
        // for the write, so the object outlives it.
        unowned(unsafe) let file = self
        writer.async(group: inFlight) {
            do throws(OutputFileError) { try file.writeAll(full, count) } catch { file.failure = error }
        }
    }

    /// Writes what is staged and closes: the aligned part directly, the tail
    /// through the cache. Throws if a write or the close fails (a full disk shows here).
    public func close() throws(OutputFileError) {
        guard fd >= 0 else { return }
        inFlight.wait()
        defer { fd = -1 }
        if let failure {
            Glibc.close(fd)
            throw failure
        }
        let aligned = filled / DirectOutputFile.alignment * DirectOutputFile.alignment
        do {
            if aligned > 0 { try writeAll(staging, aligned) }
            if filled > aligned {
                try dropDirect()
                try writeAll(staging + aligned, filled - aligned)
            }
        } catch {
            Glibc.close(fd)
            throw error
        }
        filled = 0
        if Glibc.close(fd) != 0 { throw OutputFileError(path: path, reason: String(cString: strerror(errno))) }
    }

    private func writeAll(_ bytes: UnsafeRawPointer, _ count: Int) throws(OutputFileError) {
        var done = 0
        while done < count {
            let n = Glibc.write(fd, bytes + done, count - done)
            if n >= 0 { done += n; continue }
            if errno == EINTR { continue }
            // A file system may accept O_DIRECT at open and refuse the write: go on through the cache.
            if errno == EINVAL && direct { try dropDirect(); continue }
            throw OutputFileError(path: path, reason: String(cString: strerror(errno)))
        }
    }

    private func dropDirect() throws(OutputFileError) {
        guard direct else { return }
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags & ~DirectOutputFile.oDirect) == 0 else {
            throw OutputFileError(path: path, reason: String(cString: strerror(errno)))
        }
        direct = false
    }
}
