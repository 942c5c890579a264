import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A pool of threads that runs one closure over task indices, with one barrier per call.
///
/// Two schedulers (`Scheduler`) sit behind the same `run`: the pool's own persistent threads, which a call
/// wakes by publishing a job in one atomic word, or `DispatchQueue.concurrentPerform`. With 2 threads and 8
/// trivial tasks a step costs 0.2–1.1 µs with the pool and 0.8–4.2 µs with Dispatch (`ptrain bench`, row
/// "parallel step … 8 trivial tasks", in the runs docs/performance.md quotes), and a single-process batch
/// makes four `run` calls (encoding, feed-forward, settling, update: `ptrain bench`, table "steps of one
/// batch"), so neither cost matters much against a batch of hundreds of µs or more; which one trains faster
/// is measured side by side (`ptrain bench`, "scheduler" rows; docs/performance.md). The calling thread works
/// too, so `threadCount == 1` runs everything inline with either scheduler.
///
/// Tasks are claimed one at a time (each worker prefers the same tasks at every call, for cache affinity),
/// and `run` returns as soon as every task has *completed* — it never waits for a worker to wake up or check
/// in. On hosts that time-slice vCPUs, a worker that is not running simply claims nothing and the caller does
/// its share (a first design that waited for check-ins trained two threads three times slower than one whenever
/// another process held the second core: docs/performance.md, "The pool").
///
/// Which thread runs which task varies from call to call, so callers make each task's result independent of
/// that (tasks write disjoint memory; reductions happen after `run` returns, in task order). That is what
/// makes results independent of the thread count and of the scheduler.
///
/// `@unchecked Sendable` for its one `var`, `recorder`: it is set only on a one-thread pool (checked in its
/// `didSet`), whose `run` executes every task inline on the calling thread, so no other thread ever reads it.
/// Everything else is a `let` of a `Sendable` type.
public final class WorkerPool: @unchecked Sendable {
    /// Threads that execute tasks, including the caller of `run`.
    public let threadCount: Int
    /// Who runs the tasks: the pool's own threads or `DispatchQueue.concurrentPerform`.
    public let scheduler: Scheduler
    /// When set, every `run` is timed task by task (`StepRecorder`); only on a one-thread pool.
    public var recorder: StepRecorder? {
        didSet { precondition(recorder == nil || threadCount == 1, "only a one-thread pool records its steps") }
    }
    /// What the worker threads hold: they must not retain the pool itself, or it could never be released
    /// (and its threads would poll forever).
    private let shared: PoolState

    /// Starts `threadCount - 1` worker threads (none with `.dispatch`).
    /// - Precondition: `threadCount >= 1`.
    public init(threadCount: Int, scheduler: Scheduler = .default) {
        precondition(threadCount >= 1, "a worker pool needs at least one thread")
        self.threadCount = threadCount
        self.scheduler = scheduler
        shared = PoolState(threadCount: threadCount)
        guard scheduler == .pool else { return }
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
        let started = scheduler == .pool ? threadCount - 1 : 0
        while shared.exited.load(ordering: .acquiring) < started { sched_yield() }
    }

    /// Runs `body(task, worker)` for every task in `0..<tasks`, spread over the pool's threads, and returns
    /// when all are done. `worker` is in `0..<threadCount` and is unique among concurrently running tasks,
    /// so it can index per-thread scratch memory. Not reentrant.
    /// - Precondition: `tasks <= 4096`.
    public func run(tasks: Int, _ body: (_ task: Int, _ worker: Int) -> Void) {
        guard tasks > 0 else { return }
        if let recorder {
            recorder.run(tasks: tasks) { task in body(task, 0) }
            return
        }
        if threadCount == 1 || tasks == 1 {
            for task in 0..<tasks { body(task, 0) }
            return
        }
        precondition(tasks <= PoolState.maximumTasks, "WorkerPool.run: at most \(PoolState.maximumTasks) tasks")
        let wasRunning = shared.running.exchange(true, ordering: .acquiring)
        precondition(!wasRunning, "WorkerPool.run is not reentrant")
        withoutActuallyEscaping(body) { escapable in
            let job = PoolJob(body: escapable)
            withUnsafePointer(to: job) { pointer in
                // The job lives on this stack frame until every task has completed (below), and a worker can
                // only dereference it after claiming a task of this generation, so it never dangles.
                shared.completed.store(0, ordering: .relaxed)
                shared.jobAddress.store(UInt(bitPattern: pointer), ordering: .relaxed)
                shared.publish(tasks: tasks)
                switch scheduler {
                case .pool:
                    shared.work(worker: 0)
                    var backoff = Backoff()
                    while shared.completed.load(ordering: .acquiring) < tasks { backoff.pause() }
                case .dispatch:
                    // Iteration w is worker w: each index runs once, so concurrently running tasks never share
                    // one. concurrentPerform returns after every iteration, hence every task, has finished.
                    let state = shared
                    DispatchQueue.concurrentPerform(iterations: min(threadCount, tasks)) { worker in
                        state.work(worker: worker)
                    }
                }
            }
        }
        shared.running.store(false, ordering: .releasing)
    }
}

/// The closure of one `run` call.
private struct PoolJob {
    let body: (_ task: Int, _ worker: Int) -> Void
}

/// The state shared by a pool and its worker threads.
///
/// The job word packs (generation: 44 bits, task count: 20 bits); `claims[t]` holds the generation that last
/// claimed task t. A thread claims task t of generation g by a compare-and-swap from a smaller value to g, so
/// each task runs once per generation, and a thread that slept through a whole call (its g is older than
/// every claim of the tasks it could name) can never claim a task of a later call with an earlier call's
/// closure. `jobAddress` is written before the word is published (release) and read only after a successful
/// claim (acquire), when the calling `run` is still waiting for that task.
///
/// Affinity: worker w first tries the tasks t ≡ w (mod threads), then any task left. With every thread
/// awake, shard s is therefore run by the same thread at every step, and its weights stay in that core's L2;
/// a thread that is late or descheduled loses its tasks to the others instead of holding up the step.
///
/// `@unchecked Sendable` only because `claims` is a raw pointer the checker cannot see through: it points at
/// `Atomic` words, allocated in `init` and freed in `deinit` (after every worker has exited), and every access
/// to them is atomic. Every other property is an `Atomic` or a `let` constant.
private final class PoolState: @unchecked Sendable {
    static let taskBits: UInt64 = 20
    /// Tasks per `run`: one claim word each, allocated once.
    static let maximumTasks = 4096
    static let taskMask: UInt64 = (1 << taskBits) - 1

    let threadCount: Int
    let word = Atomic<UInt64>(0)
    let jobAddress = Atomic<UInt>(0)
    let completed = Atomic<Int>(0)
    let stopping = Atomic<Bool>(false)
    let exited = Atomic<Int>(0)
    let running = Atomic<Bool>(false)
    private let claims: UnsafeMutablePointer<Atomic<UInt64>>

    init(threadCount: Int) {
        self.threadCount = threadCount
        claims = UnsafeMutablePointer<Atomic<UInt64>>.allocate(capacity: Self.maximumTasks)
        for index in 0..<Self.maximumTasks { (claims + index).initialize(to: Atomic<UInt64>(0)) }
    }

    deinit {
        claims.deinitialize(count: Self.maximumTasks)
        claims.deallocate()
    }

    /// Starts a new generation of `tasks` tasks.
    func publish(tasks: Int) {
        let generation = (word.load(ordering: .relaxed) >> Self.taskBits) &+ 1
        word.store(generation << Self.taskBits | UInt64(tasks), ordering: .releasing)
    }

    /// Runs tasks of the current generation until none is left unclaimed: this worker's own tasks first.
    func work(worker: Int) {
        let current = word.load(ordering: .acquiring)
        let generation = current >> Self.taskBits
        let count = Int(current & Self.taskMask)
        var task = worker
        while task < count {
            run(task, generation: generation, worker: worker)
            task += threadCount
        }
        for task in 0..<count { run(task, generation: generation, worker: worker) }
    }

    /// Claims task `task` for `generation` and runs it; does nothing if another thread claimed it.
    @inline(__always)
    private func run(_ task: Int, generation: UInt64, worker: Int) {
        // This is safe because task < count <= maximumTasks, the capacity of `claims`.
        let claim = claims[task].load(ordering: .relaxed)
        guard claim < generation else { return }
        guard
            claims[task].compareExchange(expected: claim, desired: generation, ordering: .acquiringAndReleasing)
                .exchanged
        else { return }
        let job = UnsafePointer<PoolJob>(bitPattern: jobAddress.load(ordering: .acquiring))!
        job.pointee.body(task, worker)
        completed.add(1, ordering: .releasing)
    }

    func workerLoop(worker: Int) {
        // Start from generation 0, not from the current word: a thread that starts after the first `run`
        // was published must still join it (tests block every task until all threads have arrived).
        var seen: UInt64 = 0
        var backoff = Backoff()
        while true {
            if stopping.load(ordering: .acquiring) {
                exited.add(1, ordering: .releasing)
                return
            }
            let generation = word.load(ordering: .acquiring) >> Self.taskBits
            if generation == seen {
                backoff.pause()
                continue
            }
            seen = generation
            work(worker: worker)
            backoff = Backoff()
        }
    }
}

/// Spin, then yield, then sleep: a thread waiting between the steps of a batch (tens to hundreds of µs apart:
/// `ptrain bench`, table "steps of one batch") spins, gives its core away when the host time-slices two vCPUs
/// onto one core, and stops burning CPU when the pool idles between epochs.
struct Backoff {
    private var rounds = 0

    mutating func pause() {
        rounds += 1
        if rounds < 4_000 {
            return
        } else if rounds < 20_000 {
            sched_yield()
        } else {
            // Idle (between epochs, during evaluation set-up): sleep in 1 ms naps, 1,000 wake-ups a second.
            usleep(rounds < 40_000 ? 50 : 1_000)
        }
    }
}
