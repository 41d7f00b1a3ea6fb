import ArgumentParser
import TradeScan

@main
struct TradeScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tradescan",
        abstract: "Batch anomaly detection for customs declarations.",
        discussion: """
            TradeScan reads customs declaration files, fits statistical models over \
            BLAS/LAPACK and writes a ranked, explained risk report of likely false \
            declarations and transshipment of export-controlled minerals.

            Exit codes: 0 success, 64 usage error, 65 input rejected beyond the \
            allowed rate, 1 internal error.
            """,
        version: TradeScanInfo.version,
        subcommands: [GenerateCommand.self, ValidateCommand.self, ScanCommand.self, FitCommand.self, ScoreCommand.self, EvaluateCommand.self, ControlsCommand.self, SelfCheckCommand.self]
    )
}
