import ArgumentParser
import Declarations

struct ControlsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controls",
        abstract: "Print the built-in export-controls table (CSV) to copy and edit.",
        discussion: """
            The table is data: item group, tariff-code prefixes, description \
            keywords (English, Chinese, symbols, formulas, trade forms), validity \
            dates, destination scope, rule (licence or banned), quantity threshold \
            and source. Save it, edit the copy, and pass it to commands that take \
            --controls FILE (replace the built-in table) or --controls +FILE (extend it).

            Example: tradescan controls > my-controls.csv
            """
    )

    @Option(help: "Check a controls file instead of printing the built-in one; errors name the line.")
    var check: String?

    func run() throws {
        if let check {
            var err = StandardError()
            do {
                let t = try ControlsTable(csv: try InputFileBytes.read(check), source: check)
                print("\(check): \(t.rules.count) rules, groups: \(t.groups.joined(separator: ", "))")
            } catch {
                print(String(describing: error), to: &err)
                throw ExitCode(65)
            }
            return
        }
        print(ControlsTable.defaultText)
    }
}

/// Whole-file reads for small CLI inputs.
enum InputFileBytes {
    static func read(_ path: String) throws -> [UInt8] {
        guard let f = fopen(path, "rb") else { throw CLIError("\(path): error: cannot read the file; check the path") }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }
}

struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
