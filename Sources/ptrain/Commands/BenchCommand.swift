import Benchmarks
import Foundation
import Model
import Parallel

/// `ptrain bench`: the machine's FMA peak, each kernel's GFLOP/s as a fraction of it, the steps of one batch
/// with the speed-up their task graph allows at up to 64 threads, and training throughput at 1 and N threads
/// with each scheduler and their ratios; a table on stdout and `bench.json`.
struct BenchCommand: Command {
    static let spec = CommandSpec(
        name: "bench",
        abstract: "Measure kernel speed and training throughput on this machine",
        discussion: """
            Measures the single-core fp32 FMA peak, then each training kernel's GFLOP/s at 800 and 4500 hidden \
            neurons (batch 10, real MNIST spike trains) as a fraction of that peak, then the parallel steps of \
            one batch at 1000 and 4500 hidden neurons on one thread (tasks, work, longest and median task, serial \
            time between steps) and the speed-up that task graph allows at 2 to 64 threads (Amdahl with the real \
            task counts and the median task times), then end-to-end training \
            samples/s at 1000 and 4500 hidden neurons with 1 thread and with --threads threads under both \
            schedulers, alternating so that every ratio is measured within one run. Writes the numbers to --out \
            as JSON. Takes about a minute.
            """,
        synopsis: "[--threads N] [--data DIR] [--out FILE] [--repetitions N]",
        groups: [
            OptionGroup(
                "OPTIONS",
                [
                    SharedOptions.threads,
                    SharedOptions.scheduler,
                    SharedOptions.data,
                    OptionSpec("out", value: "FILE", "Where to write the results as JSON", default: "bench.json"),
                    OptionSpec(
                        "repetitions", value: "N", "Alternating 1-thread / N-thread runs per size", default: "3"),
                    OptionSpec(
                        "distributed", value: nil,
                        "Under mpirun: measure training split over the ranks (samples/s, communication per batch) "
                            + "instead of the kernels"),
                ])
        ])

    let threads: Int
    let data: String?
    let out: String
    let repetitions: Int
    let distributed: Bool

    init(options: ParsedOptions) throws(UsageError) {
        distributed = options.contains("distributed")
        threads = try SharedOptions.threads(options, distributed: distributed)
        try SharedOptions.scheduler(options)
        data = try options.nonEmptyString(SharedOptions.data.name)
        out = try options.nonEmptyString("out") ?? "bench.json"
        repetitions = try options.int("repetitions", in: 1...100) ?? 3
    }

    struct Report: Encodable {
        var ptrainVersion: String
        var processor: String
        var activeCores: Int
        var threads: Int
        var fmaPeakGFLOPS: Double
        var stepOverhead: Benchmarks.StepOverhead
        var kernels: [Benchmarks.KernelResult]
        var steps: [Benchmarks.StepProfile]
        var training: [Benchmarks.TrainingResult]
        var speedups: [Speedup]
        var schedulerRatios: [SchedulerRatio]
        var classCounts: [Benchmarks.ClassCountResult]
    }

    /// Samples/s with `--scheduler dispatch` over samples/s with `--scheduler pool`, at the same thread count.
    struct SchedulerRatio: Encodable {
        var hidden: Int
        var threads: Int
        var ratios: [Double]
    }

    struct Speedup: Encodable {
        var hidden: Int
        var threads: Int
        var scheduler: String
        /// N-thread samples/s over 1-thread samples/s, one per alternating repetition.
        var ratios: [Double]
    }

    func run() throws(RuntimeError) {
        // Checked before the minutes of measuring: --out may only replace an earlier bench's JSON.
        do {
            try FileKind.json.requireReplaceable(out)
        } catch {
            throw .output(error.description)
        }
        if distributed { return try runDistributed() }
        let directory = try wrapData { () throws(DataError) in try DataAccess.locate(explicit: data) }
        let mnist = try wrapData { () throws(DataError) in try DataAccess.load(directory: directory) }
        let processor = Self.processorName()
        Console.out("ptrain bench on \(processor), \(ProcessInfo.processInfo.activeProcessorCount) active cores\n")

        let peak = Benchmarks.fmaPeak()
        Console.out("single-core fp32 FMA peak: \(MetricsTable.fixed(peak, 1)) GFLOP/s")
        // 16 lanes × 2 flops per FMA at ≥ 1 FMA per cycle is ≥ 32 flops/cycle, > 40 GFLOP/s on any current x86-64
        // core; a build without a target CPU runs one scalar `fmaf` call per lane (~1.5 GFLOP/s).
        Console.out(peak > 40 ? " (vector FMA code)\n\n" : " — scalar code: rebuild without PTRAIN_PORTABLE\n\n")

        let overhead = Benchmarks.dispatchOverhead(threads: threads)
        Console.out(
            "parallel step with \(threads) threads, 8 trivial tasks: --scheduler pool "
                + "\(MetricsTable.fixed(overhead.pool, 2)) µs, --scheduler dispatch "
                + "\(MetricsTable.fixed(overhead.dispatchPool, 2)) µs, bare DispatchQueue.concurrentPerform "
                + "\(MetricsTable.fixed(overhead.concurrentPerform, 2)) µs\n\n")

        var kernels: [Benchmarks.KernelResult] = []
        for hidden in [800, 4500] {
            kernels += Benchmarks.kernels(hidden: hidden, dataset: mnist.train, peak: peak)
        }
        // The convolution kernels of issue #15's layers ("hidden" is their output channel count).
        kernels += Benchmarks.convolutionKernels(peak: peak)
        Console.out(Self.kernelTable(kernels) + "\n")

        let steps = [(1000, 2000), (4500, 600)].map {
            Benchmarks.stepProfile(hidden: $0.0, samples: $0.1, dataset: mnist.train)
        }
        Console.out(Self.stepTable(steps) + "\n")

        var training: [Benchmarks.TrainingResult] = []
        var speedups: [Speedup] = []
        var schedulerRatios: [SchedulerRatio] = []
        let counts = threads == 1 ? [1] : [1, threads]
        // The default scheduler first: the 1-thread runs (inline with either) are labelled with it.
        let schedulers = [Scheduler.default] + Scheduler.allCases.filter { $0 != Scheduler.default }
        for (hidden, samples) in [(1000, 4000), (4500, 1500)] {
            let results = Benchmarks.training(
                hidden: hidden, threads: counts, schedulers: schedulers, samples: samples,
                repetitions: repetitions, dataset: mnist.train)
            training += results
            func rates(_ scheduler: Scheduler) -> [Double]? {
                results.first { $0.threads == threads && $0.scheduler == scheduler.rawValue }?.samplesPerSecond
            }
            guard threads > 1, let single = results.first?.samplesPerSecond else { continue }
            for scheduler in schedulers {
                guard let rates = rates(scheduler) else { continue }
                speedups.append(
                    Speedup(
                        hidden: hidden, threads: threads, scheduler: scheduler.rawValue,
                        ratios: zip(rates, single).map { $0 / $1 }))
            }
            if let dispatch = rates(.dispatch), let pool = rates(.pool) {
                schedulerRatios.append(
                    SchedulerRatio(hidden: hidden, threads: threads, ratios: zip(dispatch, pool).map { $0 / $1 }))
            }
        }
        Console.out(Self.trainingTable(training, speedups: speedups, schedulerRatios: schedulerRatios))

        let classCounts = Benchmarks.classCounts(
            hidden: 1000, counts: [10, 100, 1000], threads: threads, samples: 2000, repetitions: repetitions,
            dataset: mnist.train)
        Console.out("\n" + Self.classCountTable(classCounts))

        let report = Report(
            ptrainVersion: Ptrain.version, processor: processor,
            activeCores: ProcessInfo.processInfo.activeProcessorCount, threads: threads, fmaPeakGFLOPS: peak,
            stepOverhead: overhead, kernels: kernels, steps: steps, training: training, speedups: speedups,
            schedulerRatios: schedulerRatios, classCounts: classCounts)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            let json = try encoder.encode(report)
            try AtomicFile.write([UInt8](json) + [10], to: out)
        } catch let error as FileWriteError {
            throw .output(error.description)
        } catch {
            throw .output("\(out): \(error)")
        }
        Console.out("\nwrote \(out)\n")
    }

    /// `mpirun -np K ptrain bench --distributed`: training at H = 1000 and 4500 split over the ranks.
    func runDistributed() throws(RuntimeError) {
        try DistributedLaunch.run { world throws(RuntimeError) in
            let mnist = try DistributedLaunch.agreed(world) { () throws(RuntimeError) in
                let directory = try wrapData { () throws(DataError) in try DataAccess.locate(explicit: data) }
                return try wrapData { () throws(DataError) in try DataAccess.load(directory: directory) }
            }
            let communicator = TimedCommunicator(world)
            Console.out(
                "ptrain bench --distributed: \(world.size) ranks × \(threads) threads on \(Self.processorName())\n\n")
            var results: [Benchmarks.DistributedTrainingResult] = []
            for (hidden, samples) in [(1000, 4000), (4500, 1500)] {
                do throws(DistributionError) {
                    results.append(
                        try Benchmarks.distributedTraining(
                            hidden: hidden, samples: samples, repetitions: repetitions, dataset: mnist.train,
                            communicator: communicator, threads: threads))
                } catch {
                    throw .output("--distributed: \(ErrorHints.message(error))")
                }
            }
            var lines = [
                "hidden  shards  ranks  threads  samples/s (each repetition)   collectives/batch  KB/batch  "
                    + "µs/batch in collectives"
            ]
            for r in results {
                lines.append(
                    String(r.hidden).leftPadded(6) + String(r.shards).leftPadded(8) + String(r.ranks).leftPadded(7)
                        + String(r.threadsPerRank).leftPadded(9) + "  "
                        + r.samplesPerSecond.map { MetricsTable.fixed($0, 0) }.joined(separator: ", ")
                        .padding(toLength: 30, withPad: " ", startingAt: 0)
                        + MetricsTable.fixed(r.exchangesPerBatch, 1).leftPadded(17)
                        + MetricsTable.fixed(r.bytesPerBatch / 1024, 1).leftPadded(10)
                        + MetricsTable.fixed(r.exchangeMicrosecondsPerBatch, 0).leftPadded(25))
            }
            Console.out(lines.joined(separator: "\n") + "\n")
            guard world.rank == 0 else { return }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            do {
                try AtomicFile.write([UInt8](try encoder.encode(results)) + [10], to: out)
            } catch {
                throw .output("\(out): \(error)")
            }
            Console.out("\nwrote \(out)\n")
        }
    }

    static func kernelTable(_ kernels: [Benchmarks.KernelResult]) -> String {
        var lines = ["kernel                               hidden   GFLOP/s  of peak  note"]
        for k in kernels {
            lines.append(
                k.kernel.padding(toLength: 36, withPad: " ", startingAt: 0)
                    + String(k.hidden).leftPadded(7) + MetricsTable.fixed(k.gflops, 1).leftPadded(10)
                    + (MetricsTable.fixed(100 * k.fractionOfPeak, 0) + "%").leftPadded(9) + "  " + k.note)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The parallel steps of one batch at one thread and the speed-up they allow at more threads.
    static func stepTable(_ profiles: [Benchmarks.StepProfile]) -> String {
        var lines = [
            "steps of one batch, 1 thread   hidden  tasks  µs/batch  longest task µs  median task µs"
        ]
        for p in profiles {
            for step in p.steps {
                lines.append(
                    ("  " + step.step).padding(toLength: 31, withPad: " ", startingAt: 0)
                        + String(p.hidden).leftPadded(6)
                        + String(step.tasks).leftPadded(7)
                        + MetricsTable.fixed(step.totalMicroseconds, 1).leftPadded(10)
                        + MetricsTable.fixed(step.longestTaskMicroseconds, 1).leftPadded(17)
                        + MetricsTable.fixed(step.medianTaskMicroseconds, 1).leftPadded(16))
            }
            lines.append(
                "  serial, between steps".padding(toLength: 31, withPad: " ", startingAt: 0)
                    + String(p.hidden).leftPadded(6)
                    + "       " + MetricsTable.fixed(p.serialMicroseconds, 1).leftPadded(10))
            lines.append(
                "  whole batch".padding(toLength: 31, withPad: " ", startingAt: 0) + String(p.hidden).leftPadded(6)
                    + "       " + MetricsTable.fixed(p.batchMicroseconds, 1).leftPadded(10))
            let parts = p.settleParts.sorted { $0.key < $1.key }.map { "\($0.key) \(MetricsTable.fixed($0.value, 1))" }
            lines.append("  settle = " + parts.joined(separator: ", ") + " µs")
        }
        lines.append(
            "speed-up the task graph allows (Amdahl with the real task counts: per step ⌈tasks/threads⌉ × median "
                + "task, plus serial), " + Benchmarks.projectedThreads.map { "\($0)" }.joined(separator: "/")
                + " threads, and unlimited:")
        for p in profiles {
            let values = Benchmarks.projectedThreads.map { MetricsTable.fixed(p.speedups[$0] ?? 0, 2) + "×" }
            lines.append(
                "  H = \(p.hidden), \(p.shards) shards, \(p.batches) batches: " + values.joined(separator: ", ")
                    + "; ∞: " + MetricsTable.fixed(p.speedupBound, 2) + "×")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func trainingTable(
        _ training: [Benchmarks.TrainingResult], speedups: [Speedup], schedulerRatios: [SchedulerRatio]
    ) -> String {
        var lines = ["training  hidden  threads  scheduler  samples/s (each repetition)           s/epoch (60k, best)"]
        for r in training {
            let rates = r.samplesPerSecond.map { MetricsTable.fixed($0, 0) }.joined(separator: ", ")
            let best = r.samplesPerSecond.max() ?? 0
            lines.append(
                "        " + String(r.hidden).leftPadded(8) + String(r.threads).leftPadded(9) + "  "
                    + (r.threads == 1 ? "(inline)" : r.scheduler).padding(toLength: 11, withPad: " ", startingAt: 0)
                    + rates.padding(toLength: 36, withPad: " ", startingAt: 0)
                    + MetricsTable.fixed(60_000 / max(best, 1e-9), 2).leftPadded(8))
        }
        for s in speedups {
            let ratios = s.ratios.map { MetricsTable.fixed($0, 2) + "×" }.joined(separator: ", ")
            lines.append("speed-up at H = \(s.hidden), \(s.threads) threads (\(s.scheduler)) vs 1: \(ratios)")
        }
        for s in schedulerRatios {
            let ratios = s.ratios.map { MetricsTable.fixed($0, 3) + "×" }.joined(separator: ", ")
            lines.append("scheduler at H = \(s.hidden), \(s.threads) threads, dispatch / pool samples/s: \(ratios)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Samples/s per class count, and each repetition's ratio to the first count's (K = 10) in that repetition.
    static func classCountTable(_ results: [Benchmarks.ClassCountResult]) -> String {
        var lines = [
            "classes  hidden  threads  samples/s (each repetition)           ratio to K = 10 (each repetition)"
        ]
        let base = results.first?.samplesPerSecond ?? []
        for r in results {
            let rates = r.samplesPerSecond.map { MetricsTable.fixed($0, 0) }.joined(separator: ", ")
            let ratios = zip(r.samplesPerSecond, base).map { MetricsTable.fixed($0 / $1, 3) + "×" }
            lines.append(
                String(r.classes).leftPadded(7) + String(r.hidden).leftPadded(8) + String(r.threads).leftPadded(9)
                    + "  " + rates.padding(toLength: 38, withPad: " ", startingAt: 0) + ratios.joined(separator: ", "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func processorName() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown CPU" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        }
        return "unknown CPU"
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
