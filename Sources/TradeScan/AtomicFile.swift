import Declarations
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One file written so that readers see the old file or the whole new one.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        let file = try OutputFile(path: temp.path)
        do {
            try file.write(bytes)
            try file.close()
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw error
        }
        guard rename(temp.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temp)
            throw OutputFileError(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
