import Synchronization

/// How a `WorkerPool` hands its tasks to threads. Both give every task the same worker-index guarantees and
/// the same claiming order (worker w tries tasks w, w + threads, … first, then steals), so results are the
/// same bits with either; only the cost of a parallel step differs.
public enum Scheduler: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The pool's own persistent threads, woken by one atomic word, waiting by spin-then-yield-then-nap.
    case pool
    /// `DispatchQueue.concurrentPerform` with one iteration per thread (capped at the task count); each
    /// iteration claims tasks as a pool worker does. No threads of the pool's own.
    case dispatch

    public var description: String { rawValue }

    /// What `WorkerPool(threadCount:)` uses when no scheduler is named: `ptrain` sets it once from
    /// `--scheduler` before it makes any pool, so the Trainer and Evaluator call sites stay as they are.
    /// docs/performance.md ("Scheduler") says why the default is what it is, with the `ptrain bench` rows.
    public static var `default`: Scheduler {
        get { allCases[defaultIndex.load(ordering: .acquiring)] }
        set { defaultIndex.store(allCases.firstIndex(of: newValue)!, ordering: .releasing) }
    }

    /// The index in `allCases` of `default`: 0, `.pool`. On a quiet host the pool trained 1.6–2.3× faster than
    /// `.dispatch` in all 6 side-by-side pairs of one `ptrain bench` run (rows "scheduler at H = …, dispatch /
    /// pool": 0.47–0.50× at H = 1,000, 0.43–0.62× at 4,500); dispatch won only on an oversubscribed host
    /// (docs/performance.md, "Scheduler").
    private static let defaultIndex = Atomic<Int>(0)
}
