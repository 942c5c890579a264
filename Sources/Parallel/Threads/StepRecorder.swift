import Foundation

/// Times every `WorkerPool.run` of a one-thread pool task by task, and the serial time between them, so that
/// the speed-up a task graph allows at more threads can be computed before there are more cores
/// (`ptrain bench`, table "steps of one batch").
///
/// Set it as a pool's `recorder`; call `mark()` at the start of each unit of work (a batch) and once after the
/// last. Recording allocates nothing per task once `reserve` has been called with enough room.
public final class StepRecorder {
    /// One parallel step.
    public struct Step: Sendable, Equatable {
        /// Nanoseconds from the first task's start to the last task's end.
        public var nanoseconds: UInt64
        public var tasks: Int
        /// The sum of the tasks' nanoseconds, and the longest one.
        public var totalTaskNanoseconds: UInt64
        public var longestTaskNanoseconds: UInt64

        public init(nanoseconds: UInt64, tasks: Int, totalTaskNanoseconds: UInt64, longestTaskNanoseconds: UInt64) {
            self.nanoseconds = nanoseconds
            self.tasks = tasks
            self.totalTaskNanoseconds = totalTaskNanoseconds
            self.longestTaskNanoseconds = longestTaskNanoseconds
        }
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

        /// The unit's time on `threads` threads by the list-scheduling bound: each step takes at least its longest
        /// task and at least its total work spread evenly, and the serial part does not shrink. It is a lower
        /// bound: it leaves out the cost of a step's barrier and Graham's up to one extra longest task of
        /// imbalance.
        public func projectedNanoseconds(threads: Int) -> Double {
            precondition(threads >= 1, "at least one thread")
            return steps.reduce(Double(serialNanoseconds)) {
                $0 + max(Double($1.longestTaskNanoseconds), Double($1.totalTaskNanoseconds) / Double(threads))
            }
        }
    }

    private var steps: [Step] = []
    private var marks: [(time: UInt64, step: Int)] = []

    public init() {}

    /// Makes room for `steps` steps and `marks` marks.
    public func reserve(steps: Int, marks: Int) {
        self.steps.reserveCapacity(steps)
        self.marks.reserveCapacity(marks)
    }

    /// Starts a unit (and ends the one before).
    public func mark() { marks.append((Self.now(), steps.count)) }

    /// The units between consecutive marks.
    public var units: [Unit] {
        zip(marks, marks.dropFirst()).map { start, end in
            let unitSteps = Array(steps[start.step..<end.step])
            let inside = unitSteps.reduce(UInt64(0)) { $0 + $1.nanoseconds }
            let total = end.time - start.time
            return Unit(steps: unitSteps, serialNanoseconds: total > inside ? total - inside : 0)
        }
    }

    /// Runs `body` for every task in order on the calling thread, timing each.
    func run(tasks: Int, _ body: (_ task: Int) -> Void) {
        let start = Self.now()
        var previous = start
        var longest: UInt64 = 0
        for task in 0..<tasks {
            body(task)
            let now = Self.now()
            longest = max(longest, now - previous)
            previous = now
        }
        let elapsed = previous - start
        steps.append(
            Step(nanoseconds: elapsed, tasks: tasks, totalTaskNanoseconds: elapsed, longestTaskNanoseconds: longest))
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
