#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A file written with buffered stdio; every failure names the path. Call
/// `close()` to learn of errors that only show when the buffer is flushed.
public final class OutputFile {
    private var handle: UnsafeMutablePointer<FILE>?
    public let path: String

    public init(path: String) throws(OutputFileError) {
        guard let h = fopen(path, "wb") else { throw OutputFileError(path: path, reason: String(cString: strerror(errno))) }
        handle = h
        self.path = path
    }

    public func write(_ bytes: [UInt8]) throws(OutputFileError) {
        guard !bytes.isEmpty, let handle else { return }
        let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
        if n != bytes.count { throw OutputFileError(path: path, reason: String(cString: strerror(errno))) }
    }

    /// Flushes and closes; throws if the flush fails (a full disk shows here).
    public func close() throws(OutputFileError) {
        guard let h = handle else { return }
        handle = nil
        if fclose(h) != 0 { throw OutputFileError(path: path, reason: String(cString: strerror(errno))) }
    }

    deinit {
        if let handle { fclose(handle) }
    }
}

/// A file that could not be written.
public struct OutputFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): error: cannot write (\(reason)); check the folder exists and is writable, and the disk has room" }
}
