import Dispatch

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
