import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A persistent pool of threads that runs one closure over task indices, with one barrier per call.
///
/// `DispatchQueue.concurrentPerform` costs tens of microseconds per call; a VPSNN batch needs about fifteen
/// parallel steps (feed-forward, each relaxation step, the update), so per-call overhead would dominate at
/// small hidden sizes. The pool keeps its workers alive and wakes them through an atomic generation counter:
/// a call costs a few microseconds. The calling thread works too, so `threadCount == 1` runs everything
/// inline with no synchronisation at all.
///
/// Tasks are claimed dynamically from an atomic counter, so which thread runs which task varies — callers
/// must make each task's result independent of that (tasks write disjoint memory; reductions happen after
/// `run` returns, in task order). That is what makes results independent of the thread count.
public final class WorkerPool: @unchecked Sendable {
    /// Threads that execute tasks, including the caller of `run`.
    public let threadCount: Int
    /// What the worker threads hold: they must not retain the pool itself, or it could never be released
    /// (and its threads would poll forever).
    private let shared: PoolState

    /// Starts `threadCount - 1` worker threads.
    /// - Precondition: `threadCount >= 1`.
    public init(threadCount: Int) {
        precondition(threadCount >= 1, "a worker pool needs at least one thread")
        self.threadCount = threadCount
        shared = PoolState(workers: threadCount - 1)
        for worker in 1..<max(threadCount, 1) {
            let state = shared
            let thread = Thread { state.workerLoop(worker: worker) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Stops the workers and waits until they have left their loops.
    deinit {
        shared.stopping.store(true, ordering: .releasing)
        while shared.exited.load(ordering: .acquiring) < threadCount - 1 { sched_yield() }
    }

    /// Runs `body(task, worker)` for every task in `0..<tasks`, spread over the pool's threads, and returns
    /// when all are done. `worker` is in `0..<threadCount` and is unique among concurrently running tasks,
    /// so it can index per-thread scratch memory. Not reentrant.
    public func run(tasks: Int, _ body: (_ task: Int, _ worker: Int) -> Void) {
        guard tasks > 0 else { return }
        if threadCount == 1 || tasks == 1 {
            for task in 0..<tasks { body(task, 0) }
            return
        }
        let wasRunning = shared.running.exchange(true, ordering: .acquiring)
        precondition(!wasRunning, "WorkerPool.run is not reentrant")
        withoutActuallyEscaping(body) { escapable in
            shared.job = escapable
            shared.taskCount = tasks
            shared.nextTask.store(0, ordering: .relaxed)
            shared.finished.store(0, ordering: .relaxed)
            shared.generation.add(1, ordering: .releasing)
            shared.claimTasks(escapable, count: tasks, worker: 0)
            var backoff = Backoff()
            while shared.finished.load(ordering: .acquiring) < threadCount - 1 { backoff.pause() }
            shared.job = nil
        }
        shared.running.store(false, ordering: .releasing)
    }
}

/// The state shared by a pool and its worker threads.
///
/// Synchronisation: `job` and `taskCount` are written by the caller of `run` before `generation` is
/// incremented with release ordering, and read by workers after they observe the new generation with acquire
/// ordering. The caller does not touch them again until every worker has reported through `finished`
/// (release / acquire), so no two threads ever access them concurrently.
private final class PoolState: @unchecked Sendable {
    let workers: Int
    let generation = Atomic<Int>(0)
    let nextTask = Atomic<Int>(0)
    let finished = Atomic<Int>(0)
    let stopping = Atomic<Bool>(false)
    let exited = Atomic<Int>(0)
    let running = Atomic<Bool>(false)
    var job: ((_ task: Int, _ worker: Int) -> Void)?
    var taskCount = 0

    init(workers: Int) { self.workers = workers }

    func claimTasks(_ body: (Int, Int) -> Void, count: Int, worker: Int) {
        while true {
            let task = nextTask.add(1, ordering: .relaxed).oldValue
            guard task < count else { return }
            body(task, worker)
        }
    }

    func workerLoop(worker: Int) {
        var seen = 0
        while true {
            var backoff = Backoff()
            while generation.load(ordering: .acquiring) == seen {
                if stopping.load(ordering: .acquiring) {
                    exited.add(1, ordering: .releasing)
                    return
                }
                backoff.pause()
            }
            seen += 1
            if let job { claimTasks(job, count: taskCount, worker: worker) }
            finished.add(1, ordering: .releasing)
        }
    }
}

/// Spin, then yield, then sleep: a waiting thread costs nothing measurable while a step runs (the wait is
/// microseconds), gives its core away when the host time-slices two vCPUs onto one core, and stops burning
/// CPU when the pool idles between epochs.
struct Backoff {
    private var rounds = 0

    mutating func pause() {
        rounds += 1
        if rounds < 4_000 {
            return
        } else if rounds < 20_000 {
            sched_yield()
        } else {
            // Idle (between epochs, during evaluation set-up): sleep in 1 ms naps, ~0.1% of a core.
            usleep(rounds < 40_000 ? 50 : 1_000)
        }
    }
}
