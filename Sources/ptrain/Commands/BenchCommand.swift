import Foundation
import Model
import Parallel

/// `ptrain bench`: the machine's FMA peak, each kernel's GFLOP/s as a fraction of it, and training
/// throughput at 1 and N threads with their ratio; a table on stdout and `bench.json`.
struct BenchCommand: Command {
    static let spec = CommandSpec(
        name: "bench",
        abstract: "Measure kernel speed and training throughput on this machine",
        discussion: """
            Measures the single-core fp32 FMA peak, then each training kernel's GFLOP/s at 800 and 4500 hidden \
            neurons (batch 10, real MNIST spike trains) as a fraction of that peak, then end-to-end training \
            samples/s at 1000 and 4500 hidden neurons with 1 thread and with --threads threads, alternating \
            so that every ratio is measured within one run. Writes the numbers to --out as JSON. Takes about \
            a minute.
            """,
        synopsis: "[--threads N] [--data DIR] [--out FILE] [--repetitions N]",
        groups: [
            OptionGroup(
                "OPTIONS",
                [
                    SharedOptions.threads,
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
        threads =
            distributed && !options.contains(SharedOptions.threads.name)
            ? DistributedLaunch.defaultThreads() : try SharedOptions.threads(options)
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
        var poolStepMicroseconds: Double
        var concurrentPerformStepMicroseconds: Double
        var kernels: [Benchmarks.KernelResult]
        var training: [Benchmarks.TrainingResult]
        var speedups: [Speedup]
    }

    struct Speedup: Encodable {
        var hidden: Int
        var threads: Int
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
            "parallel step with \(threads) threads, 8 trivial tasks: WorkerPool \(MetricsTable.fixed(overhead.pool, 2)) µs, "
                + "DispatchQueue.concurrentPerform \(MetricsTable.fixed(overhead.concurrentPerform, 2)) µs\n\n")

        var kernels: [Benchmarks.KernelResult] = []
        for hidden in [800, 4500] {
            kernels += Benchmarks.kernels(hidden: hidden, dataset: mnist.train, peak: peak)
        }
        Console.out(Self.kernelTable(kernels) + "\n")

        var training: [Benchmarks.TrainingResult] = []
        var speedups: [Speedup] = []
        let counts = threads == 1 ? [1] : [1, threads]
        for (hidden, samples) in [(1000, 4000), (4500, 1500)] {
            let results = Benchmarks.training(
                hidden: hidden, threads: counts, samples: samples, repetitions: repetitions, dataset: mnist.train)
            training += results
            if results.count == 2 {
                speedups.append(
                    Speedup(
                        hidden: hidden, threads: threads,
                        ratios: zip(results[1].samplesPerSecond, results[0].samplesPerSecond).map { $0 / $1 }))
            }
        }
        Console.out(Self.trainingTable(training, speedups: speedups))

        let report = Report(
            ptrainVersion: Ptrain.version, processor: processor,
            activeCores: ProcessInfo.processInfo.activeProcessorCount, threads: threads, fmaPeakGFLOPS: peak,
            poolStepMicroseconds: overhead.pool, concurrentPerformStepMicroseconds: overhead.concurrentPerform,
            kernels: kernels, training: training, speedups: speedups)
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
                do {
                    results.append(
                        try Benchmarks.distributedTraining(
                            hidden: hidden, samples: samples, repetitions: repetitions, dataset: mnist.train,
                            communicator: communicator, threads: threads))
                } catch {
                    throw .output("--distributed: \(error)")
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

    static func trainingTable(_ training: [Benchmarks.TrainingResult], speedups: [Speedup]) -> String {
        var lines = ["training  hidden  threads  samples/s (each repetition)           s/epoch (60k, best)"]
        for r in training {
            let rates = r.samplesPerSecond.map { MetricsTable.fixed($0, 0) }.joined(separator: ", ")
            let best = r.samplesPerSecond.max() ?? 0
            lines.append(
                "        " + String(r.hidden).leftPadded(8) + String(r.threads).leftPadded(9) + "  "
                    + rates.padding(toLength: 36, withPad: " ", startingAt: 0)
                    + MetricsTable.fixed(60_000 / max(best, 1e-9), 2).leftPadded(8))
        }
        for s in speedups {
            let ratios = s.ratios.map { MetricsTable.fixed($0, 2) + "×" }.joined(separator: ", ")
            lines.append("speed-up at H = \(s.hidden), \(s.threads) threads vs 1: \(ratios)")
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
