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

    @Test("tasks keeps the order, runs each index once, and tasks may run parallel loops of their own", arguments: [0, 1, 2, 7, 64] as [Int])
    func tasks(count: Int) {
        for threads in [1, 2, 5] {
            let out = Parallel.tasks(0..<count, threads: threads) { k in
                (k, Parallel.rows(20_000 + k, threads: 2) { $0 &* 31 }.reduce(0, &+))
            }
            #expect(out.map(\.0) == Array(0..<count))
            #expect(out.map(\.1) == (0..<count).map { k in (0..<(20_000 + k)).reduce(0) { $0 &+ $1 &* 31 } })
        }
        #expect(Parallel.tasks(5..<9, threads: 2) { $0 * $0 } == [25, 36, 49, 64])
    }
}
