import CSVCore
import Declarations
import Foundation

/// The rows an earlier report flagged (red or amber), read from its ranked.csv,
/// so that today's flags can be marked new or repeated.
public struct PreviousFlags: Sendable {
    /// "declaration_id \u{1F} item_no" of every flagged row, as written (neutralised ids).
    var keys: Set<String>
    public var count: Int { keys.count }

    public init(keys: Set<String>) { self.keys = keys }

    /// Reads `DIR/ranked.csv`.
    public static func read(folder: String) throws -> PreviousFlags {
        let path = folder.hasSuffix("/") ? folder + "ranked.csv" : folder + "/ranked.csv"
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw PreviousFlagsError(message: "\(path): error: cannot read the previous report (\((error as NSError).localizedDescription)); --previous names a folder an earlier scan or score wrote")
        }
        let cols = try data.withUnsafeBytes { bytes in
            try CSVColumns(bytes: bytes, columns: { header throws(CSVTableError) in
                let need = ["declaration_id", "item_no", "lane"]
                let idx = need.map { header.firstIndex(of: $0) }
                if let missing = zip(need, idx).first(where: { $0.1 == nil }) {
                    throw CSVTableError(source: path, line: 1, message: "no \(missing.0) column; --previous needs a ranked.csv with lanes (written by this version)")
                }
                return idx
            }, source: path)
        }
        var keys = Set<String>()
        for r in cols.values[0].indices where cols.values[2][r] == "red" || cols.values[2][r] == "amber" {
            keys.insert(cols.values[0][r] + "\u{1F}" + cols.values[1][r])
        }
        return PreviousFlags(keys: keys)
    }

    func contains(table: DeclarationTable, row: Int) -> Bool {
        keys.contains(CSVWriter.neutralised(table.declarationID.string(row)) + "\u{1F}" + String(table.itemNo[row]))
    }
}

public struct PreviousFlagsError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
