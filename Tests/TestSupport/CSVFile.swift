import CSVCore
import Foundation

extension CSVTable {
    /// The CSV file at `path`, header first; errors name the path.
    public static func read(_ path: String) throws -> CSVTable {
        try CSVTable(bytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: path))), source: path)
    }
}
