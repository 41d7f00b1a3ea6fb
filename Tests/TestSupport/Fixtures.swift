import Foundation

/// Paths into the repository's `Fixtures/` folder.
public enum Fixtures {
    /// The package root, found from this file's location (Tests/TestSupport/Fixtures.swift).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // root

    /// `Fixtures/<relative>`.
    public static func url(_ relative: String) -> URL {
        packageRoot.appendingPathComponent("Fixtures").appendingPathComponent(relative)
    }

    /// Where the Korea Customs Service data set (df_syn_train_eng.csv,
    /// df_syn_valid_eng.csv) is looked for, in order: `$KCS_DIR` when set;
    /// `../shared/datasets/kcs` beside the repository (the workspace layout);
    /// the same beside the repository this one was cloned from, when that is a
    /// folder on this machine (so `git clone . /tmp/fresh` still finds it).
    public static var kcsCandidates: [String] {
        if let dir = ProcessInfo.processInfo.environment["KCS_DIR"], !dir.isEmpty { return [dir] }
        var dirs = [packageRoot.deletingLastPathComponent().appendingPathComponent("shared/datasets/kcs").path]
        if let origin = localOrigin() {
            dirs.append(origin.deletingLastPathComponent().appendingPathComponent("shared/datasets/kcs").path)
        }
        return dirs
    }

    /// The folder of `remote "origin"` in .git/config, when it is a local path.
    private static func localOrigin() -> URL? {
        guard let config = try? String(contentsOf: packageRoot.appendingPathComponent(".git/config"), encoding: .utf8) else { return nil }
        var inOrigin = false
        for line in config.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("[") { inOrigin = line == "[remote \"origin\"]"; continue }
            guard inOrigin, line.hasPrefix("url"), let eq = line.firstIndex(of: "=") else { continue }
            var url = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if url.hasPrefix("file://") { url.removeFirst("file://".count) }
            guard url.hasPrefix("/") || url.hasPrefix(".") else { return nil }   // ssh or https: not a folder here
            let dir = URL(fileURLWithPath: url, relativeTo: packageRoot).standardizedFileURL
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDirectory) && isDirectory.boolValue ? dir : nil
        }
        return nil
    }

    /// `<file>` in the first of `kcsCandidates` that holds it: a missing data
    /// set throws an error that names every place looked and how to point the
    /// tests at it.
    public static func kcs(_ file: String) throws -> String {
        let candidates = kcsCandidates
        for dir in candidates where FileManager.default.fileExists(atPath: dir + "/" + file) { return dir + "/" + file }
        throw MissingDataSet(file: file, looked: candidates)
    }

    public struct MissingDataSet: Error, CustomStringConvertible {
        public let file: String
        public let looked: [String]
        public var description: String {
            "KCS data set not found: no \(file) in \(looked.joined(separator: " or ")). Put the Korea Customs Service files in "
                + "../shared/datasets/kcs beside the repository, or set KCS_DIR to the folder holding df_syn_train_eng.csv and df_syn_valid_eng.csv."
        }
    }

    /// Decodes a JSON fixture.
    public static func json<T: Decodable>(_ relative: String, as type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: url(relative)))
    }
}
