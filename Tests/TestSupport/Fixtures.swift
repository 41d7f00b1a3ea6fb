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

    /// The Korea Customs Service data set (df_syn_train_eng.csv,
    /// df_syn_valid_eng.csv): `$KCS_DIR` when set, else `../shared/datasets/kcs`
    /// beside the repository (the workspace layout). Tests that read it fail,
    /// naming this folder, when it is missing.
    public static var kcsDirectory: String {
        if let dir = ProcessInfo.processInfo.environment["KCS_DIR"], !dir.isEmpty { return dir }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/datasets/kcs").path
    }

    /// `kcsDirectory/<file>`, after checking the file is there: a missing data
    /// set throws an error that says where it was looked for and how to point
    /// the tests at it.
    public static func kcs(_ file: String) throws -> String {
        let path = kcsDirectory + "/" + file
        guard FileManager.default.fileExists(atPath: path) else { throw MissingDataSet(path: path) }
        return path
    }

    public struct MissingDataSet: Error, CustomStringConvertible {
        public let path: String
        public var description: String {
            "KCS data set not found: \(path). Put the Korea Customs Service files in ../shared/datasets/kcs beside the "
                + "repository, or set KCS_DIR to the folder holding df_syn_train_eng.csv and df_syn_valid_eng.csv."
        }
    }

    /// Decodes a JSON fixture.
    public static func json<T: Decodable>(_ relative: String, as type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: url(relative)))
    }
}
