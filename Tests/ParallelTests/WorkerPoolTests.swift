import Dispatch
import Foundation
import Parallel
import Synchronization
import TestSupport
import Testing

/// What the tasks of one `WorkerPool.run` observed, recorded from every worker thread at once.
///
/// `@unchecked Sendable` because its stored properties are atomics and two immutable pointers to atomics,
/// allocated in `init` and freed in `deinit`; all access after `init` goes through the atomics.
final class PoolProbe: @unchecked Sendable {
    let threadCount: Int
    let taskCount: Int
    private let runs: UnsafeMutablePointer<Atomic<Int>>
    private let busy: UnsafeMutablePointer<Atomic<Bool>>
    /// Times a task started on a worker index that another running task held.
    let collisions = Atomic<Int>(0)
    /// Calls with a worker index outside 0..<threadCount or a task index outside 0..<taskCount.
    let outOfRange = Atomic<Int>(0)
    private let running = Atomic<Int>(0)
    /// The most tasks seen running at once.
    let peakRunning = Atomic<Int>(0)

    init(threadCount: Int, taskCount: Int) {
        self.threadCount = threadCount
        self.taskCount = taskCount
        runs = .allocate(capacity: max(taskCount, 1))
        for task in 0..<taskCount { (runs + task).initialize(to: Atomic(0)) }
        busy = .allocate(capacity: threadCount)
        for worker in 0..<threadCount { (busy + worker).initialize(to: Atomic(false)) }
    }

    deinit {
        runs.deinitialize(count: taskCount)
        runs.deallocate()
        busy.deinitialize(count: threadCount)
        busy.deallocate()
    }

    /// The body of every task.
    func record(task: Int, worker: Int) {
        guard (0..<threadCount).contains(worker), (0..<taskCount).contains(task) else {
            outOfRange.add(1, ordering: .relaxed)
            return
        }
        if busy[worker].exchange(true, ordering: .acquiring) { collisions.add(1, ordering: .relaxed) }
        let now = running.add(1, ordering: .relaxed).newValue
        peakRunning.max(now, ordering: .relaxed)
        runs[task].add(1, ordering: .relaxed)
        // Stay busy for a moment (varying by task) so tasks overlap and a shared worker index would show.
        for _ in 0..<(task % 5) * 20 { _ = running.load(ordering: .relaxed) }
        running.subtract(1, ordering: .relaxed)
        busy[worker].store(false, ordering: .releasing)
    }

    /// How often each task ran.
    var runCounts: [Int] { (0..<taskCount).map { runs[$0].load(ordering: .relaxed) } }
    var tasksRunning: Int { running.load(ordering: .relaxed) }
}

/// Runs `work` on a thread of its own and waits at most `seconds` for it: a deadlocked pool fails the test
/// instead of hanging the run (the stuck thread is abandoned).
private func finishes(within seconds: Double, _ work: @escaping @Sendable () -> Void) -> Bool {
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        work()
        done.signal()
    }
    thread.start()
    return done.wait(timeout: .now() + seconds) == .success
}

/// The thread id (as in /proc/self/task) of the calling thread.
private func currentThreadID() -> Int {
    var buffer = [UInt8](repeating: 0, count: 128)
    let length = buffer.withUnsafeMutableBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
            readlink("/proc/thread-self", $0, buffer.count - 1)
        }
    }
    // "PID/task/TID"
    precondition(length > 0, "readlink /proc/thread-self failed")
    return Int(String(decoding: buffer[..<length], as: UTF8.self).split(separator: "/").last!)!
}

/// Whether thread `id` of this process still exists.
private func threadExists(_ id: Int) -> Bool { access("/proc/self/task/\(id)", F_OK) == 0 }

/// CPU time in seconds of the thread behind `clock` (from `pthread_getcpuclockid`).
private func cpuTime(_ clock: clockid_t) -> Double {
    var time = timespec()
    guard clock_gettime(clock, &time) == 0 else { return .nan }
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// The pool's threads, indexed by worker: their thread ids and CPU clocks. Runs one task per thread, each
/// waiting until all have started, so every thread takes exactly one task (a thread cannot claim a second task
/// while it waits in its first). Nil if they did not all start within 10 s.
private func poolThreads(_ pool: WorkerPool) -> [(id: Int, clock: clockid_t)]? {
    let count = pool.threadCount
    let ids = UnsafeMutablePointer<Int>.allocate(capacity: count)
    let clocks = UnsafeMutablePointer<clockid_t>.allocate(capacity: count)
    defer {
        ids.deallocate()
        clocks.deallocate()
    }
    ids.initialize(repeating: -1, count: count)
    clocks.initialize(repeating: 0, count: count)
    let arrived = Atomic<Int>(0)
    let deadline = ContinuousClock.now + .seconds(10)
    pool.run(tasks: count) { _, worker in
        ids[worker] = currentThreadID()
        var clock = clockid_t()
        if pthread_getcpuclockid(pthread_self(), &clock) == 0 { clocks[worker] = clock }
        arrived.add(1, ordering: .relaxed)
        while arrived.load(ordering: .relaxed) < count && ContinuousClock.now < deadline { sched_yield() }
    }
    guard arrived.load(ordering: .relaxed) == count, (0..<count).allSatisfy({ ids[$0] >= 0 }) else { return nil }
    return (0..<count).map { (ids[$0], clocks[$0]) }
}

/// One pool per thread count, shared by the suite (the suite is serialized: `run` is not reentrant), so the
/// tests do not start and stop threads per case. They live as long as the test process.
private let pools: [Int: WorkerPool] = Dictionary(
    uniqueKeysWithValues: [1, 2, 3, 8].map { ($0, WorkerPool(threadCount: $0)) })

@Suite("WorkerPool", .serialized)
struct WorkerPoolTests {
    @Test(
        "every task runs exactly once, on a worker index in range held by no other running task",
        arguments: [1, 2, 3, 8], [1, 2, 3, 7, 64, 1000])
    func everyTaskRunsOnce(threads: Int, tasks: Int) {
        let pool = pools[threads]!
        #expect(pool.threadCount == threads)
        for repetition in 0..<(tasks >= 64 ? 20 : 200) {
            let probe = PoolProbe(threadCount: threads, taskCount: tasks)
            pool.run(tasks: tasks) { task, worker in probe.record(task: task, worker: worker) }
            // All of this holds when run returns: run is a barrier.
            let counts = probe.runCounts
            let wrong = counts.indices.filter { counts[$0] != 1 }
            #expect(
                wrong.isEmpty,
                "repetition \(repetition): tasks \(wrong.prefix(10)) ran \(wrong.prefix(10).map { counts[$0] }) times")
            #expect(probe.outOfRange.load(ordering: .relaxed) == 0, "worker or task index out of range")
            #expect(probe.collisions.load(ordering: .relaxed) == 0, "two running tasks shared a worker index")
            #expect(probe.peakRunning.load(ordering: .relaxed) <= threads)
            #expect(probe.tasksRunning == 0, "a task was still running after run returned")
            // One report per case is enough.
            if !wrong.isEmpty || probe.collisions.load(ordering: .relaxed) != 0
                || probe.outOfRange.load(ordering: .relaxed) != 0
            {
                return
            }
        }
    }

    @Test("tasks: 0 calls nothing", arguments: [1, 2, 8])
    func noTasks(threads: Int) {
        let calls = Atomic<Int>(0)
        pools[threads]!.run(tasks: 0) { _, _ in calls.add(1, ordering: .relaxed) }
        #expect(calls.load(ordering: .relaxed) == 0)
    }

    @Test("with one thread every task runs inline on the caller as worker 0")
    func singleThreadRunsInline() {
        let caller = pthread_self()
        var onCaller = true
        var workers = Set<Int>()
        var tasks = [Int]()
        pools[1]!.run(tasks: 100) { task, worker in
            onCaller = onCaller && pthread_equal(pthread_self(), caller) != 0
            workers.insert(worker)
            tasks.append(task)
        }
        #expect(onCaller)
        #expect(workers == [0])
        #expect(tasks.sorted() == Array(0..<100))
    }

    @Test("20,000 consecutive tiny runs all complete (no lost wake-up, no deadlock)", arguments: [2, 3, 8])
    func manyConsecutiveRuns(threads: Int) {
        let pool = pools[threads]!
        let total = Atomic<Int>(0)
        let probeFailures = Atomic<Int>(0)
        let runs = 20_000
        // 1 to 9 tasks: single-task runs take the inline path and must not confuse the next pooled run.
        let expected = (0..<runs).reduce(0) { sum, run in sum + (1...(run % 9 + 1)).reduce(0, +) }
        let completed = finishes(within: 60) {
            for run in 0..<runs {
                let tasks = run % 9 + 1
                pool.run(tasks: tasks) { task, worker in
                    if worker < 0 || worker >= threads { probeFailures.add(1, ordering: .relaxed) }
                    total.add(task + 1, ordering: .relaxed)
                }
            }
        }
        #expect(completed, "\(runs) runs on \(threads) threads did not finish within 60 s")
        if completed {
            #expect(total.load(ordering: .relaxed) == expected)
            #expect(probeFailures.load(ordering: .relaxed) == 0)
        }
    }

    @Test("a fixed-order reduction over per-task partials is bit-identical for 1, 2, 3 and 8 threads")
    func reductionIsIndependentOfThreadCount() {
        var rng = SplitMix64(seed: 0x9001)
        let count = 100_003
        let data = rng.floats(count, in: -1..<1).map { $0 * $0 * $0 * 1000 }
        let plan = ShardPlan(total: count, count: 37)
        func reduce(threads: Int) -> Float {
            var partials = [Float](repeating: .nan, count: plan.count)
            data.withUnsafeBufferPointer { data in
                partials.withUnsafeMutableBufferPointer { partials in
                    pools[threads]!.run(tasks: plan.count) { task, _ in
                        var sum: Float = 0
                        for index in plan.range(task) { sum += data[index] }
                        partials[task] = sum  // disjoint: one slot per task
                    }
                }
            }
            return partials.reduce(0, +)
        }
        let serial = (0..<plan.count).map { plan.range($0).reduce(Float(0)) { $0 + data[$1] } }.reduce(0, +)
        for threads in [1, 2, 3, 8] {
            for repetition in 0..<5 {
                let result = reduce(threads: threads)
                #expect(result.bitPattern == serial.bitPattern, "\(threads) threads, repetition \(repetition)")
            }
        }
    }

    @Test("kernels over ShardPlan shards summed in shard order give the same bits at any thread count")
    func shardedKernelIsIndependentOfThreadCount() {
        // The Model's output drive: each shard's rowDots partial, added in shard order after the join.
        var rng = SplitMix64(seed: 0x5A4D)
        let hidden = 1008
        let outputs = 10
        let plan = ShardPlan(total: hidden, count: 13)
        let potential = rng.floats(hidden, in: -0.5..<1.5)
        // Weights of each shard laid out as `outputs` rows of the shard's width.
        let weights = plan.ranges.map { rng.floats(outputs * $0.count, in: -1..<1) }
        func drive(threads: Int) -> [Float] {
            // rowDots always writes 16 floats.
            var partials = [[Float]](repeating: [Float](repeating: .nan, count: 16), count: plan.count)
            partials.withUnsafeMutableBufferPointer { partials in
                pools[threads]!.run(tasks: plan.count) { shard, _ in
                    let range = plan.range(shard)
                    potential.withUnsafeBufferPointer { potential in
                        weights[shard].withUnsafeBufferPointer { weights in
                            partials[shard].withUnsafeMutableBufferPointer { out in
                                Kernels.rowDots(
                                    potential.baseAddress! + range.lowerBound, weights: weights.baseAddress!,
                                    rows: outputs, width: range.count, clampInput: true, out: out.baseAddress!)
                            }
                        }
                    }
                }
            }
            return (0..<outputs).map { k in partials.reduce(Float(0)) { $0 + $1[k] } }
        }
        let reference = drive(threads: 1)
        for threads in [2, 3, 8] {
            for repetition in 0..<5 {
                expectBitIdentical(drive(threads: threads), reference, "\(threads) threads, repetition \(repetition)")
            }
        }
    }

    @Test("a pool is freed when its last reference goes away, and its worker threads exit")
    func poolIsReleased() throws {
        weak var single: WorkerPool?
        weak var multi: WorkerPool?
        var workerIDs = [Int]()
        do {
            // The pool scheduler: it is the one with persistent threads to free.
            let one = WorkerPool(threadCount: 1, scheduler: .pool)
            let eight = WorkerPool(threadCount: 8, scheduler: .pool)
            single = one
            multi = eight
            one.run(tasks: 4) { _, _ in }
            let threads = try #require(poolThreads(eight), "the 8 threads never ran one task each")
            workerIDs = threads.dropFirst().map(\.id)
            #expect(threads[0].id == currentThreadID(), "worker 0 is the caller")
            #expect(Set(threads.map(\.id)).count == 8, "8 distinct threads: \(threads.map(\.id))")
            #expect(workerIDs.allSatisfy(threadExists), "worker threads alive while the pool is")
        }
        #expect(single == nil)
        #expect(multi == nil, "the pool outlived its last reference")
        // deinit returns once every worker has left its loop; the threads end just after. Watch them by thread id
        // (/proc/self/task) rather than the process's `Threads:` count, which the suites running in parallel
        // change.
        let deadline = ContinuousClock.now + .seconds(5)
        while workerIDs.contains(where: threadExists) && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.002)
        }
        let alive = workerIDs.filter(threadExists)
        #expect(alive.isEmpty, "worker threads \(alive) of a released pool still exist after 5 s")
    }

    @Test("an idle pool of 8 threads stops using CPU")
    func idlePoolSleeps() throws {
        // The workers' own CPU clocks (pthread_getcpuclockid), not getrusage(RUSAGE_SELF): other suites run in
        // this process at the same time. After a run each worker spins 4,000 rounds, yields until round 20,000,
        // naps 50 µs until round 40,000 and only then naps 1 ms. On a loaded 2-core host the 50 µs phase lasted
        // 2.5–3 s and cost the 7 workers 0.10–0.21 CPU-s per 0.5 s window; the 1 ms phase about 0.02. So the
        // window right after 0.2 s of idleness can exceed 0.1 CPU-s; instead successive 0.5 s windows are
        // measured until one falls under 0.05 CPU-s, within 10 s. A pool that never reaches its long naps
        // (spinning, yielding or napping 50 µs forever) stays above that in every window.
        let pool = WorkerPool(threadCount: 8, scheduler: .pool)
        let threads = try #require(poolThreads(pool), "the 8 threads never ran one task each")
        let workers = threads.dropFirst()
        func cpuSeconds() -> Double { workers.reduce(0) { $0 + cpuTime($1.clock) } }
        Thread.sleep(forTimeInterval: 0.2)
        let budget = 0.05
        var windows = [Double]()
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let start = cpuSeconds()
            Thread.sleep(forTimeInterval: 0.5)
            windows.append(cpuSeconds() - start)
            if windows.last! < budget { break }
        }
        let report = windows.map { String(Int(($0 * 1000).rounded())) }.joined(separator: ", ")
        #expect(
            windows.last! < budget,
            "7 idle workers used [\(report)] ms of CPU per 0.5 s window, never under \(Int(budget * 1000)) ms")
        withExtendedLifetime(pool) {}
    }

    @Test("rejects zero threads and a reentrant run")
    func preconditions() async {
        await #expect(processExitsWith: .failure) { _ = WorkerPool(threadCount: 0) }
        await #expect(processExitsWith: .failure) {
            let pool = WorkerPool(threadCount: 2)
            pool.run(tasks: 2) { _, _ in pool.run(tasks: 2) { _, _ in } }
        }
    }
}
