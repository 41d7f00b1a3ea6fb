import Dispatch
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

    @Test("the configuration names the build and the core")
    func configuration() {
        let c = BLASThreading.configuration
        #expect(c.build.contains("OpenBLAS"))
        #expect(!c.coreName.isEmpty)
        #expect(c.processors >= 1)
        #expect(c.threads >= 1)
    }
}
