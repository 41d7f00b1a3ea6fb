import CSVCore
import Dispatch
import Synchronization

/// The SIMD path's chunks read by worker threads and handed to one merging
/// thread in chunk order, with no barrier between waves of chunks.
///
/// A worker waits until fewer than `window` chunks are read and not merged,
/// takes the next chunk and counts its quotes and line feeds, which give the
/// next chunk's start state (`TokenizerPlan.advance`). It then waits until
/// its own chunk's start state is known and reads the chunk. The merger takes
/// the results in order as they land (`result`). Before, the chunks went in
/// waves of eight: each wave's quotes counted, then its chunks read while the
/// wave before was merged, and every core waited at the end of each wave for
/// the slowest chunk and the merge.
///
/// No wait can go on for ever. Room is taken before a chunk, so the chunks
/// holding room are the ones after the merged chunks, in order: the next
/// chunk to merge has room or is not taken yet, and then a worker holding
/// room takes it. Chunks are handed out in order and each one's counts are
/// published before its worker waits again, so a chunk's start state comes.
final class ChunkPipeline<Result: Sendable>: @unchecked Sendable {
    // safe to share: `state` is behind its mutex; `results[j]` is written by the one worker that
    // took chunk j before it signals `done[j]`, and read by the merger only after waiting on it.
    /// A chunk's quotes and line feeds.
    typealias Counts = (quotes: UInt64, newlines: UInt64)

    private struct State {
        var plan: TokenizerPlan
        /// Chunks whose start state is known.
        var known: Int
        var next = 0
        var stopped = false
        /// The first chunk read as nil: no chunk after it is handed out, and one handed out
        /// before the nil came is not read if its worker has not started it.
        var end = Int.max
        /// Counts published out of order, waiting for the chunks before theirs.
        var counts: [Int: Counts] = [:]
    }

    private let state: Mutex<State>
    /// The plan each worker copies once (`TokenizerPlan.ownStarts`) and gives each chunk's start state.
    private let initial: TokenizerPlan
    private let chunks: Int
    private let countChunk: @Sendable (Int) -> Counts
    /// Called by the worker that takes chunk j, before its first pass over it.
    private let prepare: (@Sendable (Int) -> Void)?
    private let advance: @Sendable (inout TokenizerPlan, Int, Counts) -> Void
    private let results: UnsafeMutableBufferPointer<Result?>
    /// Signalled once chunk j's start state is known.
    private let ready: [DispatchSemaphore]
    /// Signalled once chunk j's result is stored.
    private let done: [DispatchSemaphore]
    /// Room for chunks read but not merged.
    private let room = DispatchSemaphore(value: 0)
    private let threads: Int
    private let group = DispatchGroup()

    /// The chunks of `plan`, read on `threads` threads, at most `window` of
    /// them read and not merged. The first chunk's start state is known;
    /// `count(j)` counts chunk j, and `advance(&plan, j, counts)` sets chunk
    /// j + 1's start state from chunk j's (called in chunk order). `prepare(j)`,
    /// when given, runs on the worker that takes chunk j before it counts or reads it.
    init(plan: TokenizerPlan, threads: Int, window: Int, count: @escaping @Sendable (Int) -> Counts,
         advance: @escaping @Sendable (inout TokenizerPlan, Int, Counts) -> Void,
         prepare: (@Sendable (Int) -> Void)? = nil) {
        precondition(window >= 1 && threads >= 1)
        self.threads = threads
        initial = plan
        chunks = plan.count
        countChunk = count
        self.prepare = prepare
        self.advance = advance
        state = Mutex(State(plan: plan, known: min(1, plan.count)))
        results = .allocate(capacity: plan.count)
        results.initialize(repeating: nil)
        ready = (0..<plan.count).map { _ in DispatchSemaphore(value: 0) }
        done = (0..<plan.count).map { _ in DispatchSemaphore(value: 0) }
        if plan.count > 0 { ready[0].signal() }
        for _ in 0..<window { room.signal() }
    }

    /// The SIMD path's chunks of `plan` (only its first chunk planned): each
    /// chunk's quotes and line feeds give the next one's quote state and line.
    convenience init(_ bytes: UnsafeRawBufferPointer, plan: TokenizerPlan, dialect: Dialect, threads: Int, window: Int,
                     prepare: (@Sendable (Int) -> Void)? = nil) {
        precondition(plan.planned == 1, "a plan whose first chunk alone is planned (Tokenizer.chunks)")
        // safe: the bytes are only read, while the pipeline runs.
        nonisolated(unsafe) let shared = bytes
        self.init(plan: plan, threads: threads, window: window,
                  count: { [plan] j in plan.counts(ofChunk: j, shared, dialect: dialect) },
                  advance: { p, _, c in p.advance(c) }, prepare: prepare)
    }

    deinit {
        results.deinitialize()
        results.deallocate()
    }

    /// Number of chunks.
    var count: Int { chunks }

    /// Starts the workers: `read(worker, chunk, plan)` reads a chunk whose
    /// start state `plan` holds, or returns nil when its quoting is irregular:
    /// the merger stops there, so no chunk after it is handed out (the chunks
    /// before it are still read; one after it that a worker had already
    /// started is read and dropped). `plan` holds the next chunk's start state too when it is
    /// known, which it always is once the chunk's own counts are in (the
    /// pieces of an irregular file need the next one's line). Worker `w` reads
    /// its chunks in increasing order, on one thread at a time.
    func start(_ read: @escaping @Sendable (_ worker: Int, _ chunk: Int, _ plan: TokenizerPlan) -> Result?) {
        for w in 0..<threads {
            DispatchQueue.global().async(group: group) { [self] in
                var mine = initial.ownStarts()
                while true {
                    // Room first, then a chunk: the room is held by the chunks after the merged
                    // ones, in order, so the next chunk to merge always has it.
                    room.wait()
                    guard let j = take() else { room.signal(); return }
                    prepare?(j)
                    if j + 1 < count { publish(j, countChunk(j)) }
                    ready[j].wait()
                    let (starts, skip) = state.withLock { s in
                        ((s.plan.start(ofChunk: j), j + 1 < s.known ? s.plan.start(ofChunk: j + 1) : nil), s.stopped || j > s.end)
                    }
                    mine.setStart(starts.0, ofChunk: j)
                    if let next = starts.1 { mine.setStart(next, ofChunk: j + 1) }
                    let r = skip ? nil : read(w, j, mine)
                    if r == nil { state.withLock { $0.end = min($0.end, j) } }
                    results[j] = r
                    done[j].signal()
                }
            }
        }
    }

    /// Chunk j's result, once it is read (the merger calls this for 0, 1, 2…
    /// in turn, each after merging the one before). nil: its quoting is
    /// irregular. The chunk before it is merged by now: its room goes to the
    /// next chunk to be read, so the chunks read and not merged, the one
    /// being merged included, are never more than `window`.
    func result(_ j: Int) -> Result? {
        if j > 0 { room.signal() }
        done[j].wait()
        let r = results[j]
        results[j] = nil
        return r
    }

    /// The plan with every chunk counted so far (for where a stopped read resumes).
    var plan: TokenizerPlan { state.withLock { $0.plan } }

    /// Stops handing out chunks and waits for the workers to end: the chunks
    /// they hold end without being read. Call once, whether or not every
    /// result was taken.
    func finish() {
        state.withLock { $0.stopped = true }
        // A worker may wait for room the merger will not free now.
        for _ in 0..<threads { room.signal() }
        group.wait()
    }

    private func take() -> Int? {
        state.withLock { s in
            guard !s.stopped, s.next < chunks, s.next <= s.end else { return nil }
            s.next += 1
            return s.next - 1
        }
    }

    /// Chunk j's counts: chunk j + 1's start state once every chunk before it has its own.
    private func publish(_ j: Int, _ c: Counts) {
        let newlyReady: Range<Int> = state.withLock { s in
            s.counts[j] = c
            let before = s.known
            while let c = s.counts.removeValue(forKey: s.known - 1) {
                advance(&s.plan, s.known - 1, c)
                s.known += 1
            }
            return before..<s.known
        }
        for k in newlyReady { ready[k].signal() }
    }
}
