import Declarations
@testable import Detectors
import Dispatch
import Synchronization
import Testing

/// `TableFacts.memo`: a value per key made once, whoever asks and however
/// many ask at once; a key's value being made holds up only that key.
@Suite("table facts: memos")
struct TableFactsTests {
    @Test("a key's value is made once, for eight threads asking at once; other keys get their own")
    func once() {
        let facts = TableFacts(DeclarationTable())
        let made = Mutex([String: Int]())
        let got = Mutex([Int]())
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let key = i % 2 == 0 ? "even" : "odd"
            let v: Int = facts.memo(key) {
                made.withLock { $0[key, default: 0] += 1 }
                return key.count
            }
            got.withLock { $0.append(v) }
        }
        #expect(made.withLock { $0 } == ["even": 1, "odd": 1])
        #expect(got.withLock { $0.sorted() } == [3, 3, 3, 3, 4, 4, 4, 4])
    }

    @Test("an optional value is made once, not taken for made before it is: a value and nil alike")
    func optionalValues() {
        let facts = TableFacts(DeclarationTable())
        var made = 0
        for _ in 0..<3 {
            let v: Int? = facts.memo("some") { made += 1; return 7 }
            #expect(v == 7)
        }
        #expect(made == 1)
        var madeNil = 0
        for _ in 0..<2 {
            let v: Int? = facts.memo("none") { madeNil += 1; return nil }
            #expect(v == nil)
        }
        #expect(madeNil == 1)
    }

    @Test("a value being made holds up only its own key: another key is made meanwhile")
    func otherKeysProceed() {
        let facts = TableFacts(DeclarationTable())
        let otherDone = DispatchSemaphore(value: 0)
        let slowStarted = DispatchSemaphore(value: 0)
        let result = Mutex<Bool?>(nil)
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            let v: Bool = facts.memo("slow") {
                slowStarted.signal()
                // True only if "fast" is made while "slow" is being made (with one lock for
                // every key, "fast" waited for this, which times out and returns false).
                return otherDone.wait(timeout: .now() + 10) == .success
            }
            result.withLock { $0 = v }
        }
        slowStarted.wait()
        let fast: Int = facts.memo("fast") { 1 }
        otherDone.signal()
        group.wait()
        #expect(fast == 1)
        #expect(result.withLock { $0 } == true)
    }
}
