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

    @Test("the configuration names the build and the core")
    func configuration() {
        let c = BLASThreading.configuration
        #expect(c.build.contains("OpenBLAS"))
        #expect(!c.coreName.isEmpty)
        #expect(c.processors >= 1)
        #expect(c.threads >= 1)
    }
}
