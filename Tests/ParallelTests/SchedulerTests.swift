import Parallel
import Synchronization
import TestSupport
import Testing

/// The `.dispatch` scheduler keeps the pool's promises (every task once, worker indices unique among running
/// tasks, `run` a barrier), and a one-thread pool's `StepRecorder` times what ran.
@Suite("Scheduler and StepRecorder", .serialized)
struct SchedulerTests {
    @Test(
        "with .dispatch every task runs exactly once on a worker index no other running task holds",
        arguments: [2, 3, 8], [1, 2, 7, 64, 1000])
    func dispatchRunsEveryTaskOnce(threads: Int, tasks: Int) {
        let pool = WorkerPool(threadCount: threads, scheduler: .dispatch)
        #expect(pool.scheduler == .dispatch)
        for repetition in 0..<(tasks >= 64 ? 10 : 50) {
            let probe = PoolProbe(threadCount: threads, taskCount: tasks)
            pool.run(tasks: tasks) { task, worker in probe.record(task: task, worker: worker) }
            #expect(probe.runCounts == [Int](repeating: 1, count: tasks), "repetition \(repetition)")
            #expect(probe.outOfRange.load(ordering: .relaxed) == 0)
            #expect(probe.collisions.load(ordering: .relaxed) == 0, "two running tasks shared a worker index")
            #expect(probe.peakRunning.load(ordering: .relaxed) <= threads)
            #expect(probe.tasksRunning == 0, "a task was still running after run returned")
        }
    }

    @Test("a fixed-order reduction gives the same bits with either scheduler at 1, 2 and 3 threads")
    func reductionIsIndependentOfScheduler() {
        var rng = SplitMix64(seed: 0x5C4E)
        let data = rng.floats(50_001, in: -1..<1).map { $0 * $0 * $0 * 1000 }
        let plan = ShardPlan(total: data.count, count: 23)
        func reduce(_ pool: WorkerPool) -> UInt32 {
            var partials = [Float](repeating: .nan, count: plan.count)
            data.withUnsafeBufferPointer { data in
                partials.withUnsafeMutableBufferPointer { partials in
                    pool.run(tasks: plan.count) { task, _ in
                        partials[task] = plan.range(task).reduce(Float(0)) { $0 + data[$1] }
                    }
                }
            }
            return partials.reduce(0, +).bitPattern
        }
        let reference = reduce(WorkerPool(threadCount: 1, scheduler: .pool))
        for scheduler in Scheduler.allCases {
            for threads in [1, 2, 3] {
                #expect(reduce(WorkerPool(threadCount: threads, scheduler: scheduler)) == reference, "\(scheduler)")
            }
        }
    }

    @Test("Scheduler.default is what a pool gets when none is named, and can be set")
    func defaultScheduler() {
        let before = Scheduler.default
        defer { Scheduler.default = before }
        for scheduler in Scheduler.allCases {
            Scheduler.default = scheduler
            #expect(WorkerPool(threadCount: 2).scheduler == scheduler)
        }
        #expect(Scheduler(rawValue: "dispatch") == .dispatch && Scheduler(rawValue: "pool") == .pool)
    }

    @Test("a recorder sees every step of a unit with its task count, and the time outside steps as serial")
    func recorderCountsSteps() {
        let pool = WorkerPool(threadCount: 1)
        let recorder = StepRecorder()
        pool.recorder = recorder
        let ran = Atomic<Int>(0)
        func spin(_ nanoseconds: UInt64) {
            let start = ContinuousClock.now
            while ContinuousClock.now - start < .nanoseconds(Int64(nanoseconds)) {}
        }
        for _ in 0..<3 {
            recorder.mark()
            pool.run(tasks: 4) { task, worker in
                #expect(worker == 0)
                ran.add(1, ordering: .relaxed)
                spin(task == 3 ? 400_000 : 100_000)
            }
            spin(300_000)  // serial work between steps
            pool.run(tasks: 2) { _, _ in ran.add(1, ordering: .relaxed) }
        }
        recorder.mark()
        #expect(ran.load(ordering: .relaxed) == 18)
        let units = recorder.units
        #expect(units.count == 3)
        for unit in units {
            #expect(unit.steps.map(\.tasks) == [4, 2])
            let first = unit.steps[0]
            // 3 × 100 µs + 400 µs of work, the longest task 400 µs; preemption only adds time.
            #expect(first.totalTaskNanoseconds >= 700_000 && first.longestTaskNanoseconds >= 400_000)
            #expect(first.longestTaskNanoseconds <= first.totalTaskNanoseconds)
            #expect(unit.serialNanoseconds >= 300_000)
        }
    }

    @Test("the task graph: per step ⌈tasks / threads⌉ × the median task over all units, plus the mean serial time")
    func projection() {
        let units = [
            StepRecorder.Unit(
                steps: [
                    .init(nanoseconds: 1000, taskNanoseconds: [100, 90, 110, 100, 100, 100, 100, 100, 100, 100]),
                    .init(nanoseconds: 800, taskNanoseconds: [100, 100, 100, 100, 100, 100, 100, 100]),
                ], serialNanoseconds: 150),
            // A preempted task (5000) changes the longest task, not the median.
            StepRecorder.Unit(
                steps: [
                    .init(nanoseconds: 6000, taskNanoseconds: [100, 100, 100, 5000, 100, 100, 100, 100, 100, 100]),
                    .init(nanoseconds: 800, taskNanoseconds: [100, 100, 100, 100, 100, 100, 100, 100]),
                ], serialNanoseconds: 250),
        ]
        #expect(units[1].steps[0].longestTaskNanoseconds == 5000 && units[1].steps[0].totalTaskNanoseconds == 5900)
        let graph = TaskGraph(units: units)
        #expect(
            graph.steps == [.init(tasks: 10, medianTaskNanoseconds: 100), .init(tasks: 8, medianTaskNanoseconds: 100)])
        #expect(graph.serialNanoseconds == 200)
        #expect(graph.nanoseconds(threads: 1) == 200 + 1000 + 800)
        #expect(graph.nanoseconds(threads: 4) == 200 + 3 * 100 + 2 * 100)
        #expect(graph.nanoseconds(threads: 64) == 200 + 100 + 100)
        #expect(graph.speedup(threads: 4) == 2000.0 / 700)
        #expect(graph.speedupBound == 2000.0 / 400)
    }

    @Test("only a one-thread pool records")
    func recorderNeedsOneThread() async {
        await #expect(processExitsWith: .failure) {
            let pool = WorkerPool(threadCount: 2)
            pool.recorder = StepRecorder()
        }
    }
}
