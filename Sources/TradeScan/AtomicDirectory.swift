import Foundation

/// Writes a folder of outputs so that readers see either the previous folder or
/// the complete new one, never a half-written one.
///
/// The files are written into a hidden sibling (`.NAME.tmp-PID`), then renamed
/// into place. An existing folder is first renamed aside and removed only after
/// the new one is in place; a run killed at any point leaves the old folder (or
/// nothing) at `path`, plus at most a hidden temporary folder.
public enum AtomicDirectory {
    /// Runs `body` with a fresh temporary folder, then moves it to `path`.
    public static func write<T>(to path: String, _ body: (String) throws -> T) throws -> T {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: path).standardizedFileURL
        let parent = target.deletingLastPathComponent()
        guard fm.fileExists(atPath: parent.path) else {
            throw AtomicDirectoryError.missingParent(path: parent.path)
        }
        let pid = ProcessInfo.processInfo.processIdentifier
        let temp = parent.appendingPathComponent(".\(target.lastPathComponent).tmp-\(pid)")
        try? fm.removeItem(at: temp)
        try fm.createDirectory(at: temp, withIntermediateDirectories: false)
        let result: T
        do {
            result = try body(temp.path)
        } catch {
            try? fm.removeItem(at: temp)
            throw error
        }
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: target.path, isDirectory: &isDir) {
            guard isDir.boolValue else {
                try? fm.removeItem(at: temp)
                throw AtomicDirectoryError.notADirectory(path: target.path)
            }
            let old = parent.appendingPathComponent(".\(target.lastPathComponent).old-\(pid)")
            try? fm.removeItem(at: old)
            try fm.moveItem(at: target, to: old)
            try fm.moveItem(at: temp, to: target)
            try? fm.removeItem(at: old)
        } else {
            try fm.moveItem(at: temp, to: target)
        }
        return result
    }
}

/// Why an output folder could not be written.
public enum AtomicDirectoryError: Error, CustomStringConvertible {
    case missingParent(path: String)
    case notADirectory(path: String)

    public var description: String {
        switch self {
        case let .missingParent(path): "\(path): error: the folder to write into does not exist; create it first"
        case let .notADirectory(path): "\(path): error: exists and is not a folder; choose another --out"
        }
    }
}
