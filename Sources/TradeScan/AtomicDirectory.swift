import Foundation

/// Writes a folder of outputs so that readers see either the previous folder or
/// the complete new one, never a half-written one.
///
/// The files are written into a hidden sibling (`.NAME.tmp-PID`), then renamed
/// into place. An existing folder is first renamed aside and removed only after
/// the new one is in place; a run killed at any point leaves the old folder (or
/// nothing) at `path`, plus at most a hidden temporary folder.
///
/// Because the folder is replaced whole, an existing one is replaced only when
/// everything in it is a file the command writes (an earlier run's outputs):
/// `--out .` in a folder of other work, or `--out data` over the input, once
/// deleted whatever was there. It must not be the current folder or hold it
/// either (the shell would be left in a deleted folder).
public enum AtomicDirectory {
    /// What a report folder holds (scan, score; validate writes two of them).
    public static let reportFiles: Set<String> = [
        "ranked.csv", "ranked.jsonl", "parties.csv", "corridors.csv", "report.html", "summary.md", "rejects.csv",
    ]
    /// What `generate` writes.
    public static let generatedFiles: Set<String> = [
        "declarations.csv", "labels.csv", "restricted_parties.csv", "README.md", "bad_rows.csv",
    ]

    /// Throws unless `path` may be replaced whole by a folder of `files`: it
    /// does not exist, or it is a folder holding only such files, and it is not
    /// the current folder or one that holds it. Commands call it before their
    /// work, so a long run does not fail at its end; `write` calls it again
    /// before the swap.
    public static func checkReplaceable(_ path: String, files: Set<String>) throws {
        let fm = FileManager.default
        let target = resolved(path)
        let parent = target.deletingLastPathComponent()
        guard fm.fileExists(atPath: parent.path) else { throw AtomicDirectoryError.missingParent(path: parent.path) }
        let cwd = URL(fileURLWithPath: fm.currentDirectoryPath).standardizedFileURL.resolvingSymlinksInPath()
        let t = target.path.hasSuffix("/") ? target.path : target.path + "/"
        if (cwd.path + "/").hasPrefix(t) { throw AtomicDirectoryError.holdsCurrentFolder(path: path) }
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: target.path, isDirectory: &isDir) else { return }
        guard isDir.boolValue else { throw AtomicDirectoryError.notADirectory(path: path) }
        // Fail closed: a folder that cannot be listed is not known to be ours.
        let entries: [String]
        do { entries = try fm.contentsOfDirectory(atPath: target.path) } catch {
            throw AtomicDirectoryError.foreignFiles(path: path, names: ["(the folder cannot be listed: \(error.localizedDescription))"])
        }
        // Ours only as plain files of our names (a folder named summary.md is not), or the litter
        // file managers leave (.DS_Store, Thumbs.db, LibreOffice's lock of an open file).
        let foreign = entries.filter { name in
            if litter(name) { return false }
            guard files.contains(name), let type = try? fm.attributesOfItem(atPath: target.path + "/" + name)[.type] as? FileAttributeType
            else { return true }
            return type != .typeRegular
        }.sorted()
        if !foreign.isEmpty { throw AtomicDirectoryError.foreignFiles(path: path, names: foreign) }
    }

    /// `path` made absolute, and followed when it is a symbolic link (a `latest` link to
    /// the day's folder): the folder the link points to is the one replaced, the link stays.
    static func resolved(_ path: String) -> URL {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        if let dest = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) {
            return URL(fileURLWithPath: dest, relativeTo: url.deletingLastPathComponent()).standardizedFileURL
        }
        return url
    }

    /// Files that file managers and editors leave in any folder they show.
    static func litter(_ name: String) -> Bool {
        name == ".DS_Store" || name == "Thumbs.db" || name == "desktop.ini" || name.hasPrefix(".~lock.")
    }

    /// Runs `body` with a fresh temporary folder, then moves it to `path`,
    /// replacing a folder there that holds only `files` (`checkReplaceable`).
    public static func write<T>(to path: String, files: Set<String>, _ body: (String) throws -> T) throws -> T {
        let fm = FileManager.default
        try checkReplaceable(path, files: files)
        let target = resolved(path)
        let parent = target.deletingLastPathComponent()
        let pid = ProcessInfo.processInfo.processIdentifier
        let temp = parent.appendingPathComponent(".\(target.lastPathComponent).tmp-\(pid)")
        try? fm.removeItem(at: temp)
        try fm.createDirectory(at: temp, withIntermediateDirectories: false)
        let result: T
        do {
            result = try body(temp.path)
            // Again: something may have been put there while the body ran.
            try checkReplaceable(path, files: files)
        } catch {
            try? fm.removeItem(at: temp)
            throw error
        }
        if fm.fileExists(atPath: target.path) {
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
    case foreignFiles(path: String, names: [String])
    case holdsCurrentFolder(path: String)
    /// `fit --model PATH` over a file that is not an earlier model.
    case notAModel(path: String, why: String)

    public var description: String {
        switch self {
        case let .missingParent(path): "\(path): error: the folder to write into does not exist; create it first"
        case let .notADirectory(path): "\(path): error: exists and is not a folder; choose another --out"
        case let .foreignFiles(path, names):
            "\(path): error: the folder holds files TradeScan did not write (\(names.prefix(5).joined(separator: ", "))"
                + (names.count > 5 ? ", and \(names.count - 5) more" : "") + "); the output folder is replaced whole, "
                + "so choose a new or empty folder for --out, or one holding only an earlier run's outputs"
        case let .notAModel(path, why):
            "\(path): error: --model would replace it, and \(why); name a new file or an earlier model"
        case let .holdsCurrentFolder(path):
            "\(path): error: is the current folder or holds it; the output folder is replaced whole, "
                + "so name a folder inside it, e.g. --out report"
        }
    }
}
