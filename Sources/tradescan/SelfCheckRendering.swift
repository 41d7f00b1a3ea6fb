import TradeScan

/// Plain-text rendering of a `SelfCheck` for the terminal.
enum SelfCheckRendering {
    static func text(_ report: SelfCheck) -> String {
        var out = "TradeScan \(TradeScanInfo.version) self-check\n\n"
        for check in report.checks {
            out += "\(check.passed ? "ok  " : "FAIL") \(check.name)\n"
            out += "     result   \(check.result)\n"
            if !check.passed { out += "     expected \(check.expected)\n" }
        }
        let c = report.configuration
        out += """

            OpenBLAS
              build        \(c.build)
              core         \(c.coreName)
              threads      \(c.threads) per call (\(c.parallelism) build, \(c.processors) processors detected)

            """
        let failed = report.checks.filter { !$0.passed }.count
        out += failed == 0
            ? "self-check passed: \(report.checks.count) of \(report.checks.count) checks\n"
            : "self-check FAILED: \(failed) of \(report.checks.count) checks; reinstall with Scripts/setup.sh\n"
        return out
    }
}
