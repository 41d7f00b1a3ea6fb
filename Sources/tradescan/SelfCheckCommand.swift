import ArgumentParser
import LinearAlgebra
import TradeScan

struct SelfCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "self-check",
        abstract: "Run a small BLAS/LAPACK computation with known answers and print the OpenBLAS configuration.",
        discussion: """
            Use it after installing, or when results look wrong, to prove that \
            OpenBLAS and LAPACKE are installed, linked and give exact answers on \
            this machine. Exits 1 when any check fails.
            """
    )

    @Option(name: .long, help: "OpenBLAS threads per call (default: OpenBLAS's own choice).")
    var threads: Int?

    func run() throws {
        if let threads {
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
            BLASThreading.setThreadCount(threads)
        }
        let report = SelfCheck.run()
        print(SelfCheckRendering.text(report), terminator: "")
        if !report.passed { throw ExitCode.failure }
    }
}
