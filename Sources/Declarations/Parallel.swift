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

extension Parallel {
    /// Maps the rows `0..<count` in contiguous ranges on every core and joins the
    /// ranges' results in row order: `body` gets a range and returns one value per row.
    public static func rows<R: Sendable>(_ count: Int, threads: Int = System.cores, _ body: @Sendable (Range<Int>) -> [R]) -> [R] {
        let parts = max(1, min(threads * 4, count / 16_384))
        let pieces = map(0..<parts, threads: threads) { k in body((count * k / parts)..<(count * (k + 1) / parts)) }
        if parts == 1 { return pieces[0] }
        var out: [R] = []
        out.reserveCapacity(count)
        for p in pieces { out.append(contentsOf: p) }
        return out
    }
}
