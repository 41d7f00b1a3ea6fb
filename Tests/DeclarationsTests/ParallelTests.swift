@testable import Declarations
import Testing

@Suite("Parallel loops")
struct ParallelTests {
    @Test("rows equals a plain map, for counts at the part edges and any thread count, of trivial and non-trivial values",
          arguments: [0, 1, 16_383, 16_384, 16_385, 70_001] as [Int])
    func rows(count: Int) {
        for threads in [1, 2, 3, 8] {
            #expect(Parallel.rows(count, threads: threads) { $0 &* 2_654_435_761 } == (0..<count).map { $0 &* 2_654_435_761 })
            #expect(Parallel.rows(count, threads: threads) { String($0) } == (0..<count).map { String($0) })
        }
    }
}
