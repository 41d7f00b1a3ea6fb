import Declarations
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Progress on standard error: a redrawn bar (stage, rows, MB/s, ETA) when
/// stderr is a terminal, plain log lines otherwise. Standard output stays
/// reserved for data.
public final class ProgressLog: @unchecked Sendable {
    let interactive: Bool
    let quiet: Bool
    let lock = NSLock()
    let started = ContinuousClock.now
    var lastDraw = ContinuousClock.now
    var drewBar = false

    /// `quiet`: nothing but errors. `interactive` defaults to whether stderr is a terminal.
    public init(quiet: Bool = false, interactive: Bool? = nil) {
        self.quiet = quiet
        self.interactive = interactive ?? (isatty(2) == 1)
    }

    func write(_ s: String) {
        FileHandle.standardError.write(Data(s.utf8))
    }

    /// The ingest callback: redraws the bar at most 10 times a second.
    public func ingest(_ p: IngestProgress, fileSizes: [Int]) {
        guard !quiet, interactive else { return }
        lock.lock(); defer { lock.unlock() }
        let now = ContinuousClock.now
        guard lastDraw.duration(to: now) > .milliseconds(100) || p.bytesDone == p.bytesTotal else { return }
        lastDraw = now
        let before = fileSizes.prefix(p.fileIndex).reduce(0, +)
        let done = before + p.bytesDone
        let total = max(done, fileSizes.reduce(0, +))
        let e = started.duration(to: now)
        let secs = max(1e-3, Double(e.components.seconds) + Double(e.components.attoseconds) * 1e-18)
        let rate = Double(done) / secs
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let width = 30
        let filled = total > 0 ? Int(Double(width) * Double(done) / Double(total)) : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        write(String(format: "\r\u{1B}[2Kingest [%@] %ld rows, %.0f MB/s, ETA %.0f s", bar, p.rows, rate / 1e6, eta))
        drewBar = true
    }

    /// A stage finished.
    public func stageDone(_ name: String, seconds: Double) {
        guard !quiet else { return }
        lock.lock(); defer { lock.unlock() }
        if interactive {
            write(String(format: "\r\u{1B}[2K%@ done (%.2f s)", name, seconds))
            drewBar = true
        } else {
            write(String(format: "%@ done (%.2f s)\n", name, seconds))
        }
    }

    /// Ends the bar line, before the final messages.
    public func finish() {
        lock.lock(); defer { lock.unlock() }
        if drewBar && interactive { write("\r\u{1B}[2K") }
        drewBar = false
    }

    /// Prints a message line (not under --quiet).
    public func info(_ s: String) {
        guard !quiet else { return }
        finish()
        write(s.hasSuffix("\n") ? s : s + "\n")
    }
}
