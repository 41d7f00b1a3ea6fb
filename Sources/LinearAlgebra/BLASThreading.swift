import CBLAS
#if canImport(Glibc)
import Glibc
#endif
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

    /// Sets OpenBLAS to one thread per call for the whole process and stops
    /// the thread pool it started when it was loaded. For the commands, which
    /// run their own threads: call it once, first, before any thread uses BLAS.
    ///
    /// An idle pool thread spins (`sched_yield`) for OpenBLAS's thread timeout
    /// before it sleeps: 0.08–0.09 s of a core at every start here, taken from
    /// ingest's first chunks on a 2-core machine, though no call ever used the
    /// pool. A later call at more threads starts the pool again (OpenBLAS does
    /// this on its own). Builds without the pool (or without its stop
    /// function) are only set to one thread.
    ///
    /// Returns whether a pool was stopped.
    @discardableResult
    public static func runSingleThreaded() -> Bool {
        setThreadCount(1)
        #if os(Linux)
        // Looked up at run time: the function is OpenBLAS's own (its fork
        // handler's), not part of the CBLAS interface every build exports.
        // RTLD_DEFAULT (a null handle on Linux): every loaded library.
        guard let stop = dlsym(nil, "blas_thread_shutdown_") else { return false }
        typealias Stop = @convention(c) () -> Int32
        return unsafeBitCast(stop, to: Stop.self)() == 0
        #else
        return false
        #endif
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
