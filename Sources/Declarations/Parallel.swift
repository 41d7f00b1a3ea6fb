import Dispatch
import Synchronization

/// Order-keeping parallel loops shared by ingest and the generator.
public enum Parallel {
    /// Maps `range` on `threads` threads, keeping the order; one thread runs inline.
    public static func map<R: Sendable>(_ range: Range<Int>, threads: Int, _ body: @Sendable (Int) -> R) -> [R] {
        let results = UnsafeMutableBufferPointer<R?>.allocate(capacity: range.count)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        nonisolated(unsafe) let out = results
        let lower = range.lowerBound
        if threads <= 1 {
            for k in range { out[k - lower] = body(k) }
        } else {
            DispatchQueue.concurrentPerform(iterations: range.count) { k in
                out[k] = body(lower + k)  // safe: each index is written by exactly one iteration
            }
        }
        return results.map { $0! }
    }
}

extension Parallel {
    /// `body` of every row `0..<count`, in row order, computed in contiguous
    /// ranges on every core and written straight into the result: no per-range
    /// arrays to join (at 10M rows a score column is 80 MB; each detector used to
    /// touch it twice).
    public static func rows<R: Sendable>(_ count: Int, threads: Int = System.cores, _ body: @Sendable (Int) -> R) -> [R] {
        let parts = max(1, min(threads * 4, count / 16_384))
        return [R](unsafeUninitializedCapacity: count) { buffer, initialized in
            // safe: each part initialises its own rows, and every row belongs to one part.
            nonisolated(unsafe) let out = buffer
            _ = map(0..<parts, threads: threads) { k in
                for r in (count * k / parts)..<(count * (k + 1) / parts) { (out.baseAddress! + r).initialize(to: body(r)) }
            }
            initialized = count
        }
    }
}

/// A result slot per index of a range and the next index to hand out: the
/// state of `tasks` shared between its threads.
private final class OrderedResults<R: Sendable>: @unchecked Sendable {
    // safe: each slot is written by the one thread that took its index, and read after all have ended.
    private let slots: UnsafeMutableBufferPointer<R?>
    private let lower: Int, upper: Int
    private let next: Atomic<Int>

    init(_ range: Range<Int>) {
        slots = .allocate(capacity: range.count)
        slots.initialize(repeating: nil)
        lower = range.lowerBound
        upper = range.upperBound
        next = Atomic(range.lowerBound)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    /// Takes the next index, runs `body` on it and keeps its result, until none is left.
    func drain(_ body: (Int) -> R) {
        while true {
            let k = next.add(1, ordering: .relaxed).oldValue
            guard k < upper else { return }
            slots[k - lower] = body(k)
        }
    }

    /// The results in index order (after every `drain` has returned).
    var results: [R] { slots.map { $0! } }
}

extension Parallel {
    /// Maps `range` as tasks that may themselves run parallel loops, keeping the
    /// order: `threads` tasks at a time, each on a worker of the global queue.
    ///
    /// `map` runs its iterations as one `concurrentPerform`, and libdispatch runs
    /// a `concurrentPerform` nested in another with less width (on two cores,
    /// serially): while one task's loops were the last work left, the other core
    /// idled. Here the tasks are plain queue work, so a task's own loops get
    /// every core that is free.
    public static func tasks<R: Sendable>(_ range: Range<Int>, threads: Int, _ body: @escaping @Sendable (Int) -> R) -> [R] {
        let state = OrderedResults<R>(range)
        let group = DispatchGroup()
        for _ in 0..<max(1, min(threads, range.count)) {
            DispatchQueue.global().async(group: group) { state.drain(body) }
        }
        group.wait()
        return state.results
    }
}
