import Foundation

/// A fresh folder under the system's temporary directory, removed by `remove()`
/// or, at the latest, when the test process exits: data sets cached in statics
/// for a whole run (`DetectorData`, `GeneratedData`) were left behind, some
/// megabytes a run.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init(_ prefix: String = "tradescan-test") throws {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/\(prefix)-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        ExitCleanup.add(path)
    }

    /// An existing folder, removed by `remove()` like a fresh one (not at exit).
    public init(existing path: String) { self.path = path }

    public func file(_ name: String) -> String { path + "/" + name }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Folders removed when the process exits (`atexit`), whatever the tests left.
enum ExitCleanup {
    private static let lock = NSLock()
    // safe: read and written under `lock` only.
    nonisolated(unsafe) private static var paths: [String] = []
    nonisolated(unsafe) private static var registered = false

    static func add(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        paths.append(path)
        if !registered {
            registered = true
            atexit { ExitCleanup.removeAll() }
        }
    }

    private static func removeAll() {
        lock.lock()
        let all = paths
        paths = []
        lock.unlock()
        for p in all { try? FileManager.default.removeItem(atPath: p) }
    }
}
