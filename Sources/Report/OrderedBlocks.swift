import Foundation

/// Renders numbered blocks on every core and writes them in number order, each
/// by the thread that finished the next one due, right after rendering it.
///
/// Copying bytes into the page cache is the dearest part of writing a 2 GB
/// file when the bytes have left the cache: on the benchmark machine a write
/// from cold memory ran at 0.4 GB/s, from memory still in L2 at 3 GB/s. So
/// blocks are small (they fit in L2), a thread writes its own block at once
/// when it is the next due, and buffers are reused, so no new pages are
/// touched after the first few blocks. A block finished out of turn waits in
/// `ready` for the thread that writes its predecessor. A block more than
/// `2 × threads` ahead of the next one due waits before it starts, which
/// bounds the buffers alive; the block due never waits, so writing always
/// moves on (`concurrentPerform` hands out block numbers in increasing order,
/// so the block due has always been handed to a thread before a later one).
final class OrderedBlocks<Block: AnyObject>: @unchecked Sendable {
    private let condition = NSCondition()
    private var nextDue = 0
    private var writing = false
    private var ready: [Int: Block] = [:]
    private var spare: [Block] = []
    private var failure: (any Error)?
    private let limit: Int

    private init(threads: Int) { limit = 2 * max(1, threads) }

    /// Runs `render(block number, into buffer)` for `0..<count` on `threads`
    /// threads and `write` on the buffers in block order (one `write` at a
    /// time). `make` creates a buffer when no spare one is left; `render`
    /// must overwrite what a reused buffer held. Rethrows the first error of
    /// `write`; blocks after it are not written.
    static func run(count: Int, threads: Int, make: () -> Block, render: @Sendable (Int, Block) -> Void,
                    write: @Sendable (Block) throws -> Void) throws {
        if threads <= 1 {
            let block = make()
            for b in 0..<count {
                render(b, block)
                try write(block)
            }
            return
        }
        let run = OrderedBlocks(threads: threads)
        run.spare = (0..<(run.limit + max(1, threads))).map { _ in make() }
        nonisolated(unsafe) let makeMore = make
        DispatchQueue.concurrentPerform(iterations: count) { b in
            guard let block = run.take(b, makeMore) else { return }
            render(b, block)
            run.deposit(b, block, write: write)
        }
        if let failure = run.failure { throw failure }
    }

    /// A buffer to render block `b` into, once `b` is near enough the block due; nil once writing failed.
    private func take(_ b: Int, _ make: () -> Block) -> Block? {
        condition.lock()
        defer { condition.unlock() }
        while b - nextDue >= limit && failure == nil { condition.wait() }
        guard failure == nil else { return nil }
        return spare.popLast() ?? make()
    }

    /// Hands in block `b`; writes it and every block due after it that is ready,
    /// unless another thread is writing (that thread picks it up).
    private func deposit(_ b: Int, _ block: Block, write: (Block) throws -> Void) {
        condition.lock()
        ready[b] = block
        guard !writing else { return condition.unlock() }
        writing = true
        while failure == nil, let due = ready.removeValue(forKey: nextDue) {
            condition.unlock()
            var error: (any Error)?
            do { try write(due) } catch let e { error = e }
            condition.lock()
            if let error { failure = error }
            nextDue += 1
            spare.append(due)
            condition.broadcast()
        }
        writing = false
        condition.broadcast()
        condition.unlock()
    }
}
