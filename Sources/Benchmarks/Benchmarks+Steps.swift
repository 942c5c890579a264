import Model
import Parallel

extension Benchmarks {
    /// One parallel step of a batch over the profiled batches (one thread).
    public struct StepTiming: Sendable, Equatable, Codable {
        public var step: String
        public var tasks: Int
        /// Microseconds per batch of all tasks together, and of the batch's longest task (means over batches).
        public var totalMicroseconds: Double
        public var longestTaskMicroseconds: Double
        /// The median of all the step's task times over all batches, what the projection uses (`TaskGraph`).
        public var medianTaskMicroseconds: Double
    }

    /// The task graph of one training batch at one thread, and the speed-up it allows at more threads.
    public struct StepProfile: Sendable, Equatable, Codable {
        public var hidden: Int
        public var shards: Int
        public var batches: Int
        public var steps: [StepTiming]
        /// Microseconds per batch outside the parallel steps (the calling thread's work between them), the
        /// median over the batches.
        public var serialMicroseconds: Double
        public var batchMicroseconds: Double
        /// Microseconds per batch of the settling step's parts, from runs with K_pos = 0 and K_free = K_pos = 0
        /// (same data, different arithmetic): the output feed-forward and Eq. 11, the K_free relaxation steps,
        /// the K_pos teaching steps.
        public var settleParts: [String: Double]
        /// Threads → the speed-up over one thread the task graph allows (`TaskGraph`: Amdahl with the real task
        /// counts, per step ⌈tasks / threads⌉ × the median task, plus the serial time).
        public var speedups: [Int: Double]
        /// The same with unlimited threads: every step one median task, plus the serial time.
        public var speedupBound: Double
    }

    /// The thread counts the step profile projects to.
    public static let projectedThreads = [2, 4, 8, 16, 32, 64]

    /// The names of a single-process batch's four parallel steps, in `Trainer.trainBatch` order.
    static let stepNames = ["encode", "feed-forward", "settle", "update"]

    /// Trains the first `samples` images at `hidden` on a one-thread pool that times every task, once with the
    /// configuration's K_free and K_pos and twice with fewer steps to split the settling step.
    public static func stepProfile(hidden: Int, samples: Int, dataset: Dataset) -> StepProfile {
        var config = RunConfig()
        config.hidden = hidden
        let subset = dataset.prefix(samples)
        func units(_ config: RunConfig) -> [StepRecorder.Unit] {
            let pool = WorkerPool(threadCount: 1)
            let recorder = StepRecorder()
            let batches = (subset.count + 9) / 10
            recorder.reserve(
                steps: 8 * batches, tasks: 4 * config.resolvedShards * batches + 40 * batches, marks: batches + 1)
            pool.recorder = recorder
            let network = Network(
                inputs: subset.inputsPerSample, hidden: config.hidden, shards: config.resolvedShards, seed: 1)
            let trainer = Trainer(config: config, network: network, pool: pool)
            let order = EpochOrder.permutation(count: subset.count, seed: 1, epoch: 1)
            var done = 0
            while done < order.count {
                recorder.mark()
                _ = try? trainer.trainBatch(
                    samples: order[done..<min(done + 10, order.count)], dataset: subset, epoch: 1)
                done += 10
            }
            recorder.mark()
            // The first batch pages in buffers; a short last batch has other task counts (and a batch that
            // stopped early, other steps): the graph is the full batches'.
            let units = recorder.units.dropFirst().filter { $0.steps.first?.tasks == 10 }
            let shape = units.first?.steps.map(\.tasks)
            return units.filter { $0.steps.map(\.tasks) == shape }
        }
        let full = units(config)
        func settleMicroseconds(_ units: [StepRecorder.Unit]) -> Double {
            units.reduce(0) { $0 + Double($1.steps.count > 2 ? $1.steps[2].totalTaskNanoseconds : 0) }
                / Double(max(units.count, 1)) / 1e3
        }
        var noTeaching = config
        noTeaching.kPos = 0
        var noRelaxation = noTeaching
        noRelaxation.kFree = 0
        let settleFull = settleMicroseconds(full)
        let settleNoTeaching = settleMicroseconds(units(noTeaching))
        let settleNone = settleMicroseconds(units(noRelaxation))

        let count = Double(max(full.count, 1))
        let graph = TaskGraph(units: full)
        let stepCount = graph.steps.count
        let steps = (0..<stepCount).map { index in
            StepTiming(
                step: index < stepNames.count && stepCount == stepNames.count ? stepNames[index] : "step \(index + 1)",
                tasks: graph.steps[index].tasks,
                totalMicroseconds: full.reduce(0) { $0 + Double($1.steps[index].totalTaskNanoseconds) } / count / 1e3,
                longestTaskMicroseconds: full.reduce(0) { $0 + Double($1.steps[index].longestTaskNanoseconds) }
                    / count / 1e3,
                medianTaskMicroseconds: graph.steps[index].medianTaskNanoseconds / 1e3)
        }
        let measured = full.reduce(0) { total, unit in
            unit.steps.reduce(total + Double(unit.serialNanoseconds)) { $0 + Double($1.nanoseconds) }
        }
        var speedups: [Int: Double] = [:]
        for threads in projectedThreads { speedups[threads] = graph.speedup(threads: threads) }
        return StepProfile(
            hidden: hidden, shards: config.resolvedShards, batches: full.count, steps: steps,
            serialMicroseconds: graph.serialNanoseconds / 1e3, batchMicroseconds: measured / count / 1e3,
            settleParts: [
                "output feed-forward + Eq. 11": settleNone,
                "relaxation (K_free steps)": settleNoTeaching - settleNone,
                "teaching (K_pos steps)": settleFull - settleNoTeaching,
            ],
            speedups: speedups, speedupBound: graph.speedupBound)
    }
}
