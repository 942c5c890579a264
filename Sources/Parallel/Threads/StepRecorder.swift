import Foundation

/// Times every `WorkerPool.run` of a one-thread pool task by task, and the serial time between them, so that
/// the speed-up a task graph allows at more threads can be computed before there are more cores
/// (`ptrain bench`, table "steps of one batch", and `TaskGraph`).
///
/// Set it as a pool's `recorder`; call `mark()` at the start of each unit of work (a batch) and once after the
/// last. Recording allocates nothing per task once `reserve` has been called with enough room.
public final class StepRecorder {
    /// One parallel step.
    public struct Step: Sendable, Equatable {
        /// Nanoseconds from the first task's start to the last task's end.
        public var nanoseconds: UInt64
        public var tasks: Int
        /// Each task's nanoseconds, in task order.
        public var taskNanoseconds: [UInt64]

        public init(nanoseconds: UInt64, taskNanoseconds: [UInt64]) {
            self.nanoseconds = nanoseconds
            tasks = taskNanoseconds.count
            self.taskNanoseconds = taskNanoseconds
        }

        /// The sum of the tasks' nanoseconds, and the longest one.
        public var totalTaskNanoseconds: UInt64 { taskNanoseconds.reduce(0, +) }
        public var longestTaskNanoseconds: UInt64 { taskNanoseconds.max() ?? 0 }
    }

    /// The steps of one unit (between two `mark()`s) and the time outside them.
    public struct Unit: Sendable, Equatable {
        public var steps: [Step]
        /// Nanoseconds of the unit not spent inside a step: what the caller does between and around steps.
        public var serialNanoseconds: UInt64

        public init(steps: [Step], serialNanoseconds: UInt64) {
            self.steps = steps
            self.serialNanoseconds = serialNanoseconds
        }
    }

    private var steps: [(nanoseconds: UInt64, tasks: Range<Int>)] = []
    private var taskNanoseconds: [UInt64] = []
    private var marks: [(time: UInt64, step: Int)] = []

    public init() {}

    /// Makes room for `steps` steps of `tasks` tasks in all, and `marks` marks.
    public func reserve(steps: Int, tasks: Int, marks: Int) {
        self.steps.reserveCapacity(steps)
        taskNanoseconds.reserveCapacity(tasks)
        self.marks.reserveCapacity(marks)
    }

    /// Starts a unit (and ends the one before).
    public func mark() { marks.append((Self.now(), steps.count)) }

    /// The units between consecutive marks.
    public var units: [Unit] {
        zip(marks, marks.dropFirst()).map { start, end in
            let unitSteps = steps[start.step..<end.step].map {
                Step(nanoseconds: $0.nanoseconds, taskNanoseconds: Array(taskNanoseconds[$0.tasks]))
            }
            let inside = unitSteps.reduce(UInt64(0)) { $0 + $1.nanoseconds }
            let total = end.time - start.time
            return Unit(steps: unitSteps, serialNanoseconds: total > inside ? total - inside : 0)
        }
    }

    /// Runs `body` for every task in order on the calling thread, timing each.
    func run(tasks: Int, _ body: (_ task: Int) -> Void) {
        let first = taskNanoseconds.count
        let start = Self.now()
        var previous = start
        for task in 0..<tasks {
            body(task)
            let now = Self.now()
            taskNanoseconds.append(now - previous)
            previous = now
        }
        steps.append((previous - start, first..<taskNanoseconds.count))
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}

/// The task graph of a unit of work, summarised from many recorded units with the same shape: for each step
/// its task count n and the median m of all its tasks' times over the units, and the median s of the units'
/// serial times. On P threads a step takes ⌈n / P⌉ · m (its tasks in rounds of P, each as long as the median
/// task), the serial part does not shrink: T(P) = s + Σ ⌈n / P⌉ · m, and `speedup(threads:)` is T(1) / T(P) —
/// Amdahl's law with the real task counts. Medians, not each unit's longest task or the means, so a task or a
/// batch the host preempted does not stand for the rest; it leaves out the barrier per step and imbalance
/// between tasks.
public struct TaskGraph: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        public var tasks: Int
        public var medianTaskNanoseconds: Double

        public init(tasks: Int, medianTaskNanoseconds: Double) {
            self.tasks = tasks
            self.medianTaskNanoseconds = medianTaskNanoseconds
        }
    }

    public var steps: [Step]
    public var serialNanoseconds: Double

    public init(steps: [Step], serialNanoseconds: Double) {
        self.steps = steps
        self.serialNanoseconds = serialNanoseconds
    }

    /// The graph of `units`, which must all have the same steps with the same task counts.
    /// - Precondition: `units` is not empty and its units agree on their steps' task counts.
    public init(units: [StepRecorder.Unit]) {
        precondition(!units.isEmpty, "TaskGraph: no units")
        let shape = units[0].steps.map(\.tasks)
        precondition(units.allSatisfy { $0.steps.map(\.tasks) == shape }, "TaskGraph: units of different shapes")
        steps = shape.indices.map { index in
            Step(
                tasks: shape[index],
                medianTaskNanoseconds: Self.median(units.flatMap { $0.steps[index].taskNanoseconds }))
        }
        serialNanoseconds = Self.median(units.map(\.serialNanoseconds))
    }

    /// The median of `values` (the mean of the middle two for an even count; 0 for none).
    static func median(_ values: [UInt64]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1
            ? Double(sorted[middle]) : (Double(sorted[middle - 1]) + Double(sorted[middle])) / 2
    }

    /// T(P) = s + Σ ⌈n / P⌉ · m.
    /// - Precondition: `threads >= 1`.
    public func nanoseconds(threads: Int) -> Double {
        precondition(threads >= 1, "at least one thread")
        return steps.reduce(serialNanoseconds) {
            $0 + Double(($1.tasks + threads - 1) / threads) * $1.medianTaskNanoseconds
        }
    }

    /// T(1) / T(P).
    public func speedup(threads: Int) -> Double { nanoseconds(threads: 1) / nanoseconds(threads: threads) }

    /// The limit of `speedup` for unlimited threads: every step one round, T(∞) = s + Σ m.
    public var speedupBound: Double { nanoseconds(threads: 1) / nanoseconds(threads: Int.max / 2) }
}
