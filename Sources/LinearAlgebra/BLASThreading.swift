import CBLAS
import Synchronization

/// Control of OpenBLAS's own thread pool.
///
/// TradeScan parallelises by itself (chunks of a file, groups of a model); when
/// it does, OpenBLAS must run one thread per call, or the two pools oversubscribe
/// the cores (measured here: 8 parallel `dgemm(1000)` took 155 ms at one BLAS
/// thread against 300–360 ms oversubscribed). Let OpenBLAS thread only a single
/// large factorisation that runs alone.
///
/// The setting is process-wide, as in OpenBLAS itself.
public enum BLASThreading {
    /// The number of threads OpenBLAS uses for a call.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// The number of processors OpenBLAS detected.
    public static var processorCount: Int { Int(openblas_get_num_procs()) }

    /// Sets the number of threads OpenBLAS uses (at least 1).
    ///
    /// The corresponding OpenBLAS function is `openblas_set_num_threads`.
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(Swift.max(1, count)))
    }

    /// Runs `body` with OpenBLAS at `count` threads and restores the previous
    /// count afterwards. Wrap the engine's own parallel sections in
    /// `withThreadCount(1)`.
    ///
    /// Sections at one thread compose across threads: the count stays 1 while any
    /// of them runs and is restored when the last one ends (each restoring the count
    /// it found would let one section end another's pin halfway, and a computation
    /// run twice could see different thread counts, so different sums).
    public static func withThreadCount<T, E: Error>(_ count: Int, _ body: () throws(E) -> T) throws(E) -> T {
        guard count == 1 else {
            let previous = threadCount
            setThreadCount(count)
            defer { setThreadCount(previous) }
            return try body()
        }
        pins.withLock { p in
            if p.count == 0 { p.restore = threadCount; setThreadCount(1) }
            p.count += 1
        }
        defer {
            pins.withLock { p in
                p.count -= 1
                if p.count == 0 { setThreadCount(p.restore) }
            }
        }
        return try body()
    }

    /// Sections running at one thread, and the count to restore after the last.
    private static let pins = Mutex<(count: Int, restore: Int)>((0, 1))

    /// What OpenBLAS reports about its build and the machine.
    public static var configuration: BLASConfiguration {
        let parallel: String
        switch openblas_get_parallel() {
        case 0: parallel = "sequential"
        case 1: parallel = "pthreads"
        case 2: parallel = "OpenMP"
        default: parallel = "unknown"
        }
        return BLASConfiguration(
            build: openblas_get_config().map { String(cString: $0) } ?? "unknown",
            coreName: openblas_get_corename().map { String(cString: $0) } ?? "unknown",
            threads: threadCount,
            processors: processorCount,
            parallelism: parallel)
    }
}

/// OpenBLAS's description of itself, for the self-check and run summaries.
public struct BLASConfiguration: Sendable, Hashable, Codable {
    /// The build configuration string (`openblas_get_config`).
    public var build: String
    /// The CPU kernel set in use (`openblas_get_corename`), e.g. `Haswell`.
    public var coreName: String
    /// Threads per BLAS call now.
    public var threads: Int
    /// Processors detected.
    public var processors: Int
    /// Threading model OpenBLAS was built with: sequential, pthreads or OpenMP.
    public var parallelism: String
}
