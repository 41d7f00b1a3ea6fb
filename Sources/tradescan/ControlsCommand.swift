import ArgumentParser
import Declarations
import TradeScan

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
                let t = try ControlsTable(csv: [UInt8](try InputFile.read(check)), source: check)
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
