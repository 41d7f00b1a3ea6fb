import Dispatch
import Foundation
import LinearAlgebra
import Testing

@Suite("OpenBLAS threading", .serialized)
struct ThreadingTests {
    @Test("withThreadCount sets one thread and restores the previous count")
    func scoped() throws {
        let before = BLASThreading.threadCount
        let inside = BLASThreading.withThreadCount(1) { BLASThreading.threadCount }
        #expect(inside == 1)
        #expect(BLASThreading.threadCount == before)
    }

    @Test("one-thread sections on different threads compose: one ending does not end another's pin")
    func overlapping() {
        let entered = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            BLASThreading.withThreadCount(1) { entered.signal(); release.wait() }
            done.signal()
        }
        entered.wait()
        // A second section starts inside the first, and the first ends while it runs.
        let inside = BLASThreading.withThreadCount(1) { () -> Int in
            release.signal()
            done.wait()
            return BLASThreading.threadCount
        }
        #expect(inside == 1, "the second section still runs at one thread after the first ended")
    }

    /// In a process of its own (an exit test): stopping the pool under
    /// another test's threaded call would break that call.
    @Test("runSingleThreaded sets one thread and stops the idle pool; a later call at two threads starts it again and multiplies right")
    func singleThreadedProcess() async {
        await #expect(processExitsWith: .success) {
            func threads() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0 }
            let before = threads()
            let stopped = BLASThreading.runSingleThreaded()
            guard BLASThreading.threadCount == 1 else { exit(1) }
            // A pool exists only where OpenBLAS found more than one processor.
            guard stopped == (BLASThreading.processorCount > 1) else { exit(2) }
            if stopped, threads() != before - (BLASThreading.processorCount - 1) { exit(3) }
            // Large enough that OpenBLAS splits it over its threads.
            let n = 300
            let a = try! Matrix(rows: n, columns: n, columnMajor: (0..<(n * n)).map { Double($0 % 7) - 3 })
            let b = try! Matrix(rows: n, columns: n, columnMajor: (0..<(n * n)).map { Double($0 % 5) - 2 })
            BLASThreading.setThreadCount(2)
            let c = try! BLAS.gemm(a, b)
            for (i, j) in [(0, 0), (17, 250), (299, 299), (123, 4)] {
                let expected = (0..<n).reduce(0.0) { $0 + a[i, $1] * b[$1, j] }
                if c[i, j] != expected { exit(4) }
            }
            if stopped, threads() != before { exit(5) }
        }
    }

    @Test("the configuration names the build and the core")
    func configuration() {
        let c = BLASThreading.configuration
        #expect(c.build.contains("OpenBLAS"))
        #expect(!c.coreName.isEmpty)
        #expect(c.processors >= 1)
        #expect(c.threads >= 1)
    }
}
