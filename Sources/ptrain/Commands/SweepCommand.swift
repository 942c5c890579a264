import Dispatch
import Foundation
import Model
import Synchronization

/// `ptrain sweep --hidden 100,200,500,… [--seeds 1,2,3]`: one run per hidden size (and seed) under a sweep
/// directory, resumable, with a results table, a per-size summary over seeds and the two figures of the paper's
/// experiment (accuracy vs hidden size, accuracy vs epoch).
struct SweepCommand: Command {
    static let spec = CommandSpec(
        name: "sweep",
        abstract: "Train one run per hidden size and seed and tabulate and plot the results",
        discussion: """
            Trains one run per size in --hidden (a normal run directory h<H> with its own checkpoints under the \
            sweep directory) or, with --seeds, one per size and seed (h<H>-s<seed>; --seeds alone uses the \
            configuration's hidden size), then writes results.csv (one row per run), results.md, \
            accuracy-vs-hidden.svg and accuracy-vs-epoch.svg to the sweep directory; with --seeds also summary.csv \
            and a summary in results.md: per size the mean, the sample sd and a 95% interval (Student t) over the \
            seeds of the test accuracy at the selected epoch (validation-selected with a split, else \
            test-selected), the relaxed readout there and the final epoch's test accuracy, and error bars (± sd) in \
            accuracy-vs-hidden.svg. Running the same command again resumes: finished runs are skipped and an \
            interrupted run continues bit-exactly from its latest.ckpt; a later invocation may add sizes and seeds. \
            --parallel-runs K trains K runs at once and splits the threads between them. --patience E stops a run \
            when its selection accuracy (validation with a split, else test) has not improved for E epochs (off by \
            default, as in the paper).
            """,
        synopsis:
            "[--hidden LIST] [--seeds LIST] [--config FILE] [--KEY VALUE ...] [--out DIR] [--parallel-runs K] "
            + "[--patience E] [--keep K]",
        groups: [
            OptionGroup(
                "SWEEP OPTIONS",
                [
                    OptionSpec(
                        "hidden", value: "LIST", "Hidden sizes, comma-separated (100,200,500,1000)",
                        default: "the configuration's, with --seeds"),
                    OptionSpec(
                        "layer", value: "I.KEY=LIST",
                        "A layered network's layer size instead: layer I (from 0), its 'channels' (local, conv) or "
                            + "'units' (fc), e.g. 0.channels=8,16,32",
                        default: "with --seeds alone, the first layer's"),
                    OptionSpec(
                        "seeds", value: "LIST",
                        "Seeds, comma-separated (1,2,3,4,5): one run per size and seed, summarized over the seeds",
                        default: "one run per size with the configuration's seed"),
                    OptionSpec(
                        "config", value: "FILE", "JSON configuration file for every size",
                        default: "\(TrainCommand.defaultConfigPath) if it exists, else the built-in values"),
                    OptionSpec(
                        "out", value: "DIR", "Sweep directory",
                        default: "runs/sweep-<name>-s<seed>, with --seeds runs/sweep-<name>-seeds"),
                    OptionSpec("parallel-runs", value: "K", "Runs trained at once, sharing the threads", default: "1"),
                    OptionSpec(
                        "patience", value: "E",
                        "Stop a run after E epochs without a better validation (else test) accuracy",
                        default: "off"),
                    OptionSpec(
                        "keep", value: "K",
                        "Keep each run's epoch-XXXX.ckpt files of the last K epochs (for 'ptrain average'); "
                            + "recorded in sweep.json, and a later invocation may only raise it",
                        default: "\(CheckpointPolicy.defaultKeep), or the sweep's"),
                    SharedOptions.threads,
                    SharedOptions.scheduler,
                    SharedOptions.data,
                    OptionSpec(
                        "distributed", value: nil,
                        "Run as one rank of an MPI job: rank r trains runs r, r + K, …; rank 0 writes the results"),
                ]),
            OptionGroup(
                "CONFIGURATION OVERRIDES",
                note: "Each key of the configuration file except hidden, applied over the file's value for every size.",
                RunConfig.keys.filter { $0.flag != "hidden" }.map { key in
                    OptionSpec(key.flag, value: key.valueName, TrainCommand.sentence(key.summary))
                }),
        ])

    /// `--hidden` or `--layer`'s sizes; empty with `--seeds` alone (then the configuration's size).
    let sizes: [Int]
    /// `--layer`'s layer and key; nil: the hidden size (`--hidden`), or a layered configuration's first layer.
    let layerAxis: SweepAxis?
    /// `--seeds`, duplicates dropped; nil: one run per size with the configuration's seed.
    let seeds: [UInt64]?
    let configPath: String?
    let overrides: [(key: ConfigKey, value: String)]
    let out: String?
    let parallelRuns: Int
    let patience: Int?
    /// `--keep` as given; absent, the sweep's recorded value or the default.
    let keep: Int?
    let threads: Int
    let data: String?
    /// `--distributed`: this process is one rank of an MPI job and trains every K-th size.
    let distributed: Bool

    init(options: ParsedOptions) throws(UsageError) {
        let sizeList = try options.nonEmptyString("hidden")
        let seedList = try options.nonEmptyString("seeds")
        let layerList = try options.nonEmptyString("layer")
        guard sizeList != nil || seedList != nil || layerList != nil else {
            throw .missingOption("--hidden LIST', '--layer I.KEY=LIST' or '--seeds LIST")
        }
        if sizeList != nil && layerList != nil {
            throw .conflictingOptions(
                option: "--layer", other: "--hidden", reason: "a sweep varies one size: a layer's or the hidden layer's"
            )
        }
        var sizes: [Int] = []
        for item in sizeList?.split(separator: ",", omittingEmptySubsequences: false) ?? [] {
            guard let size = Int(item.trimmingCharacters(in: .whitespaces)), (1...1_000_000).contains(size) else {
                throw .invalidValue(
                    value: sizeList!, option: "--hidden", reason: "must be sizes in 1...1000000 separated by commas")
            }
            if !sizes.contains(size) { sizes.append(size) }
        }
        if let layerList {
            let (axis, layerSizes) = try SweepAxis.parseLayer(layerList)
            layerAxis = axis
            sizes = layerSizes
        } else {
            layerAxis = nil
        }
        self.sizes = sizes
        if let seedList {
            if options.contains("seed") {
                throw .conflictingOptions(
                    option: "--seed", other: "--seeds",
                    reason: "each run of a sweep over seeds takes its seed from --seeds")
            }
            var seeds: [UInt64] = []
            for item in seedList.split(separator: ",", omittingEmptySubsequences: false) {
                guard let seed = DecimalNumber.unsignedInteger(item.trimmingCharacters(in: .whitespaces)) else {
                    throw .invalidValue(
                        value: seedList, option: "--seeds", reason: "must be non-negative integers separated by commas")
                }
                if !seeds.contains(seed) { seeds.append(seed) }
            }
            self.seeds = seeds
        } else {
            seeds = nil
        }
        configPath = try options.nonEmptyString("config")
        out = try options.nonEmptyString("out")
        parallelRuns = try options.int("parallel-runs", in: 1...64) ?? 1
        patience = try options.int("patience", in: 1...100_000)
        keep = try options.int("keep", in: 0...1_000_000)
        distributed = options.contains("distributed")
        threads = try SharedOptions.threads(options, distributed: distributed)
        try SharedOptions.scheduler(options)
        data = try options.nonEmptyString(SharedOptions.data.name)
        var overrides: [(key: ConfigKey, value: String)] = []
        for (name, value) in options.occurrences {
            guard name != "hidden", let key = RunConfig.keys.first(where: { $0.flag == name }), let value else {
                continue
            }
            try TrainCommand.check(key, value)
            overrides.append((key, value))
        }
        self.overrides = overrides
    }

    /// One run of the sweep: a size, its seed and its run directory.
    struct Run {
        let size: Int
        let config: RunConfig
        let directory: String
        /// `h<H>`, or `h<H>-s<seed>` in a sweep over seeds (`l<I>-<key><size>[-s<seed>]` for a layer): the run
        /// directory's name and its prefix in messages.
        let label: String
    }

    /// One run's state on disk.
    enum SizeState {
        case fresh
        case partial(Checkpoint)
        case finished(Checkpoint)
    }

    /// Marks a run stopped by `--patience` (its latest.ckpt is at an epoch boundary before `epochs`).
    static let earlyStopMarker = "early-stopped"

    func run() throws(RuntimeError) {
        guard distributed else {
            let (runs, mnist, sweepDirectory, lock, keep, axis) = try prepare(lock: true)
            defer { withExtendedLifetime(lock) {} }
            let (interrupted, problems) = train(runs, mnist: mnist, keep: keep, in: sweepDirectory)
            if interrupted { throw Self.interruption }
            guard problems.isEmpty else { throw .output("sweep: " + problems.joined(separator: "; ")) }
            return try writeResults(runs, into: sweepDirectory, overSeeds: seeds != nil, axis: axis)
        }
        try DistributedLaunch.run { communicator throws(RuntimeError) in
            // Rank 0 holds the sweep directory's lock; each run directory is locked by the rank training it.
            let (runs, mnist, sweepDirectory, lock, keep, axis) = try DistributedLaunch.agreed(communicator) {
                () throws(RuntimeError) in try prepare(lock: communicator.rank == 0)
            }
            defer { withExtendedLifetime(lock) {} }
            // Rank r trains runs r, r + K, r + 2K, … of the list, each as an ordinary one-process run.
            let mine = runs.indices.filter { $0 % communicator.size == communicator.rank }.map { runs[$0] }
            let (interrupted, problems) = train(mine, mnist: mnist, keep: keep, in: sweepDirectory)
            if communicator.any(interrupted) { throw Self.interruption }
            let failure = problems.isEmpty ? nil : "sweep: " + problems.joined(separator: "; ")
            if let message = communicator.agreedMessage(failure) { throw .output(message) }
            // Rank 0 writes the results; its failure is every rank's, so that all exit with the same status.
            var written: String?
            if communicator.rank == 0 {
                do {
                    try writeResults(runs, into: sweepDirectory, overSeeds: seeds != nil, axis: axis)
                } catch {
                    written = "\(error)"
                }
            }
            if let message = communicator.agreedMessage(written) { throw .output(message) }
        }
    }

    static let interruption = RuntimeError.interrupted(
        "Interrupted: every started run saved latest.ckpt.\nResume with the same command.\n")

    /// The runs (directories and configurations), the data, the sweep directory (created, and locked when
    /// `lock`), and the `keep` in force. The sweep's `sweep.json` is checked first: a sweep directory holds one
    /// configuration, so a key that differs from the recorded one (all but `hidden` and `epochs`, and `seed` in a
    /// sweep over seeds), another `--patience`, a smaller `--keep` or `--seeds` given to a sweep without them (or
    /// the other way round) is refused, naming it, before anything is trained or written.
    private func prepare(lock: Bool) throws(RuntimeError) -> (
        runs: [Run], mnist: TrainTestSets, sweepDirectory: String, lock: DirectoryLock?, keep: Int, axis: SweepAxis
    ) {
        let (base, source) = try TrainCommand.loadConfig(path: configPath, overrides: overrides)
        // What varies: --layer's layer, a layered configuration's first layer (--seeds alone), or the hidden size.
        let axis =
            layerAxis ?? (base.layers.isEmpty || !sizes.isEmpty ? SweepAxis.hidden : SweepAxis.firstLayer(of: base))
        if let mismatch = axis.mismatch(with: base) { throw .output("\(source): \(mismatch)") }
        if distributed && !base.layers.isEmpty {
            throw .output(
                "--distributed: a sweep of layered networks ('layers') trains in one process for now (issue #15)")
        }
        let sweepDirectory =
            out ?? (seeds == nil ? "runs/sweep-\(base.name)-s\(base.seed)" : "runs/sweep-\(base.name)-seeds")
        let directory = try wrapData { () throws(DataError) in try DataAccess.locate(explicit: data) }
        let mnist = try wrapData { () throws(DataError) in try DataAccess.load(directory: directory) }
        let runs = Self.runs(
            sizes: sizes.isEmpty ? [axis.size(of: base)] : sizes, seeds: seeds, base: base, axis: axis,
            in: sweepDirectory)
        let held: DirectoryLock?
        do throws(RunDirectoryError) {
            held = lock ? try RunDirectory(path: sweepDirectory).lock(purpose: "sweep") : nil
        } catch {
            throw .output(error.description)
        }
        let identityPath = (sweepDirectory as NSString).appendingPathComponent(SweepIdentity.fileName)
        let recorded: SweepIdentity?
        do throws(RunDirectoryError) {
            recorded = try SweepIdentity.read(path: identityPath)
        } catch {
            throw .output(error.description)
        }
        let keep = self.keep ?? recorded?.keep ?? CheckpointPolicy.defaultKeep
        if let recorded {
            try Self.requireSameKind(recorded: recorded.seeds, given: seeds, path: identityPath)
            if let difference = recorded.firstDifference(from: base) {
                let changeable =
                    seeds == nil
                    ? "only --epochs and the --hidden sizes" : "only --epochs, the --hidden sizes and the --seeds"
                throw .output(
                    "\(identityPath): this sweep was run with \(difference.key) = \(difference.recorded), this command "
                        + "gives \(difference.given); a sweep directory holds one configuration (\(changeable) may "
                        + "change): use another --out for another configuration")
            }
            if recorded.patience != patience {
                throw .output(
                    "\(identityPath): this sweep was run with --patience \(recorded.patience.map(String.init) ?? "off"), "
                        + "this command gives \(patience.map(String.init) ?? "off"); use the same --patience or another --out"
                )
            }
            if keep < recorded.keep {
                throw .output(
                    "\(identityPath): --keep \(keep) is fewer than the \(recorded.keep) epoch checkpoints this sweep keeps: "
                        + "it would delete files an earlier invocation kept; a sweep's --keep can only grow")
            }
        } else {
            // A sweep directory from before sweep.json: its runs must all have been trained with this
            // configuration, or the results would mix two.
            for run in runs {
                let latest = (run.directory as NSString).appendingPathComponent(RunDirectory.latest)
                guard let checkpoint = try? Checkpoint.read(path: latest, weights: .skip) else { continue }
                if let key = checkpoint.config.differingKeys(
                    from: Self.resolved(run.config), ignoring: SweepIdentity.changeableKeys
                )
                .first {
                    throw .output(
                        "\(latest): trained with \(key) = \(RunConfig.key(named: key)?.jsonValue(in: checkpoint.config) ?? ""), "
                            + "this command gives \(RunConfig.key(named: key)?.jsonValue(in: run.config) ?? ""); a sweep "
                            + "directory holds one configuration: use another --out for another configuration")
                }
            }
        }
        if lock {
            var identity =
                recorded
                ?? SweepIdentity(
                    config: base, keep: keep, patience: patience, seeds: seeds, command: CommandLine.arguments)
            if recorded != nil {
                identity.keep = keep
                if let seeds, let earlier = identity.seeds {
                    identity.seeds = earlier + seeds.filter { !earlier.contains($0) }
                }
                identity.invocations.append(.now(CommandLine.arguments))
            }
            do {
                try AtomicFile.write(text: identity.jsonText(), to: identityPath)
            } catch {
                throw .output(error.description)
            }
        }
        Console.out("configuration: \(source)\n")
        return (runs, mnist, sweepDirectory, held, keep, axis)
    }

    /// Every size with every seed, size by size: `h<H>` directories with `base`'s seed when `seeds` is nil,
    /// `h<H>-s<seed>` otherwise (`l<I>-<key><size>` for a layer's size).
    static func runs(
        sizes: [Int], seeds: [UInt64]?, base: RunConfig, axis: SweepAxis = .hidden, in sweepDirectory: String
    ) -> [Run] {
        sizes.flatMap { size in
            (seeds ?? [base.seed]).map { seed in
                var config = axis.applying(size, to: base)
                config.seed = seed
                let label = seeds == nil ? axis.label(size) : "\(axis.label(size))-s\(seed)"
                return Run(
                    size: size, config: config, directory: (sweepDirectory as NSString).appendingPathComponent(label),
                    label: label)
            }
        }
    }

    /// A sweep over seeds stays one (its runs are `h<H>-s<seed>`), a sweep without stays without (`h<H>`).
    static func requireSameKind(recorded: [UInt64]?, given: [UInt64]?, path: String) throws(RuntimeError) {
        func list(_ seeds: [UInt64]) -> String { seeds.map(String.init).joined(separator: ",") }
        switch (recorded, given) {
        case (nil, let given?):
            throw .output(
                "\(path): this sweep was run without --seeds (one run h<H> per size), this command gives --seeds "
                    + "\(list(given)); use another --out for a sweep over seeds")
        case (let recorded?, nil):
            throw .output(
                "\(path): this sweep was run with --seeds \(list(recorded)); give --seeds (it may add seeds) or use "
                    + "another --out")
        default:
            return
        }
    }

    /// `config` as its run records it: the shard count resolved (`TrainingSession` does the same; a layered
    /// network's configuration is recorded as it is).
    static func resolved(_ config: RunConfig) -> RunConfig {
        guard config.layers.isEmpty else { return config }
        var resolved = config
        resolved.shards = config.resolvedShards
        return resolved
    }

    /// Trains `runs`, `parallelRuns` at a time; returns whether a signal interrupted them and each failure.
    private func train(_ runs: [Run], mnist: TrainTestSets, keep: Int, in sweepDirectory: String) -> (
        interrupted: Bool, problems: [String]
    ) {
        let concurrent = max(1, min(parallelRuns, runs.count))
        let threadsPerRun = max(1, threads / concurrent)
        let what: String
        if let seeds {
            var sizes: [Int] = []
            for run in runs where !sizes.contains(run.size) { sizes.append(run.size) }
            let seedsTrained = seeds.filter { seed in runs.contains { $0.config.seed == seed } }
            what =
                "\(runs.count) runs (sizes \(sizes.map(String.init).joined(separator: ", ")) × seeds "
                + "\(seedsTrained.map(String.init).joined(separator: ", ")))"
        } else {
            what = "\(runs.count) sizes (\(runs.map { String($0.size) }.joined(separator: ", ")))"
        }
        Console.out(
            "sweep of \(what) in \(sweepDirectory); \(concurrent) at a time, \(threadsPerRun) threads each\n")
        InterruptSignal.install()
        let next = Atomic<Int>(0)
        let failures = Mutex<[String]>([])
        let interrupted = Atomic<Bool>(false)
        DispatchQueue.concurrentPerform(iterations: concurrent) { _ in
            while !InterruptSignal.requested {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < runs.count else { return }
                let run = runs[index]
                do {
                    if try !train(run, threads: threadsPerRun, keep: keep, mnist: mnist) {
                        interrupted.store(true, ordering: .relaxed)
                    }
                } catch {
                    failures.withLock { $0.append("\(run.label): \(error)") }
                }
            }
        }
        return (interrupted.load(ordering: .relaxed) || InterruptSignal.requested, failures.withLock { $0 })
    }

    /// Trains (or resumes, or skips) one run; returns false when it was interrupted by a signal.
    private func train(_ run: Run, threads: Int, keep: Int, mnist: TrainTestSets) throws(RuntimeError) -> Bool {
        let (directory, config, label) = (run.directory, run.config, run.label)
        let state = try Self.state(of: directory, epochs: config.epochs)
        let checkpoint: Checkpoint?
        switch state {
        case .finished:
            Console.out("\(label): finished earlier, skipped\n")
            return true
        case .partial(let saved):
            do {
                try DataFingerprint.requireMatch(
                    recorded: saved.data, actual: DataFingerprint(of: mnist, config: saved.config),
                    path: (directory as NSString).appendingPathComponent(RunDirectory.latest))
            } catch {
                throw .checkpoint(.checkpoint(error))
            }
            checkpoint = saved
            Console.out("\(label): resuming from epoch \(saved.cursor.epoch)\n")
        case .fresh:
            checkpoint = nil
        }
        var runConfig = checkpoint?.config ?? config
        runConfig.epochs = config.epochs
        let observer = SweepObserver(label: label, patience: patience, earlier: checkpoint?.records ?? [])
        let data = TrainTestSets(
            train: mnist.train.prefix(runConfig.trainLimit), test: mnist.test.prefix(runConfig.testLimit))
        let policy = CheckpointPolicy(every: .seconds(600), keep: keep)
        // A run without a checkpoint whose directory holds files (killed before its first checkpoint) starts
        // again; its files move aside to h<H>.replaced-N (h<H>-s<seed>.replaced-N).
        let setup = RunSetup(
            mode: checkpoint == nil ? .fresh : .continuing, overwrite: checkpoint == nil,
            command: CommandLine.arguments, checkpointEvery: "10m")
        let stop = { InterruptSignal.requested || observer.patienceExhausted }
        let outcome: TrainingSession.Outcome
        do throws(SessionError) {
            if runConfig.layers.isEmpty {
                outcome = try TrainingSession(
                    config: runConfig, data: data, threads: threads, runDirectory: directory, checkpoints: policy,
                    resumingFrom: checkpoint, setup: setup
                )
                .run(observer: observer, stopRequested: stop)
            } else {
                outcome = try LayeredSession(
                    config: runConfig, data: data, threads: threads, runDirectory: directory, checkpoints: policy,
                    resumingFrom: checkpoint, setup: setup
                )
                .run(observer: observer, stopRequested: stop)
            }
        } catch {
            throw .training(error)
        }
        if case .interrupted = outcome {
            guard observer.patienceExhausted, !InterruptSignal.requested else { return false }
            let marker = (directory as NSString).appendingPathComponent(Self.earlyStopMarker)
            do {
                try AtomicFile.write(
                    text: "stopped by --patience \(patience ?? 0) after epoch \(outcome.records.count)\n", to: marker)
            } catch {
                throw .output(error.description)
            }
            Console.out(
                "\(label): no better \(observer.selectionName) accuracy for \(patience ?? 0) epochs, stopped after epoch \(outcome.records.count)\n"
            )
        }
        return true
    }

    /// Whether a run directory holds a finished, a partial or no run.
    static func state(of directory: String, epochs: Int) throws(RuntimeError) -> SizeState {
        let latest = (directory as NSString).appendingPathComponent(RunDirectory.latest)
        guard FileManager.default.fileExists(atPath: latest) else { return .fresh }
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.read(path: latest)
        } catch {
            throw .checkpoint(.checkpoint(error))
        }
        let stopped = FileManager.default.fileExists(
            atPath: (directory as NSString).appendingPathComponent(earlyStopMarker))
        if stopped || checkpoint.cursor.completedEpochs >= epochs { return .finished(checkpoint) }
        return .partial(checkpoint)
    }

    /// results.csv, results.md, the two figures and, over seeds, summary.csv, from each run's latest checkpoint.
    /// A run whose checkpoint holds another configuration (all keys but `hidden` and `epochs`) is an error, never a
    /// row, and each result file may only replace a file of its own kind.
    private func writeResults(_ runs: [Run], into sweepDirectory: String, overSeeds: Bool, axis: SweepAxis)
        throws(RuntimeError)
    {
        var rows: [SweepResult] = []
        for run in runs {
            let latest = (run.directory as NSString).appendingPathComponent(RunDirectory.latest)
            guard let checkpoint = try? Checkpoint.read(path: latest, weights: .skip), !checkpoint.records.isEmpty
            else { continue }
            if let key = checkpoint.config.differingKeys(
                from: Self.resolved(run.config), ignoring: SweepIdentity.changeableKeys
            ).first {
                throw .output("\(latest): trained with another \(key) than this sweep; its results are not the sweep's")
            }
            rows.append(SweepResult(size: run.size, seed: run.config.seed, records: checkpoint.records))
        }
        let summaries = SweepSummary.of(rows)
        let markdown =
            SweepResult.markdown(rows, overSeeds: overSeeds, axis: axis)
            + (overSeeds ? "\n" + SweepSummary.markdown(summaries, axis: axis) : "")
        var files: [(String, String, FileKind)] = [
            ("results.csv", SweepResult.csv(rows, axis: axis), .text),
            ("results.md", markdown, .text),
            (axis.figureName, SweepResult.accuracyVersusSize(summaries, axis: axis), .svg),
            ("accuracy-vs-epoch.svg", SweepResult.accuracyVersusEpoch(rows, overSeeds: overSeeds, axis: axis), .svg),
        ]
        if overSeeds { files.insert(("summary.csv", SweepSummary.csv(summaries, axis: axis), .text), at: 1) }
        do {
            for (name, _, kind) in files {
                try kind.requireReplaceable((sweepDirectory as NSString).appendingPathComponent(name))
            }
        } catch {
            throw .output(error.description)
        }
        do {
            for (name, text, _) in files {
                try AtomicFile.write(text: text, to: (sweepDirectory as NSString).appendingPathComponent(name))
            }
        } catch {
            throw .output(error.description)
        }
        Console.out(
            "\n" + markdown + "\nwrote \(files.map(\.0).joined(separator: ", ")) to \(sweepDirectory)\n")
    }
}

/// Progress of one run in a sweep: a line per epoch, prefixed with the run's label (`h100`, `h100-s2`), and the
/// patience rule.
final class SweepObserver: TrainingObserver, Sendable {
    let label: String
    let patience: Int?
    private let state: Mutex<[EpochRecord]>

    init(label: String, patience: Int?, earlier: [EpochRecord]) {
        self.label = label
        self.patience = patience
        state = Mutex(earlier)
    }

    /// True when the last `patience` epochs brought no better accuracy than the best before them, by the
    /// run's selection rule (`EpochSelection`: validation when the run has a split, otherwise test).
    var patienceExhausted: Bool {
        guard let patience else { return false }
        return state.withLock { EpochSelection.epochsSinceBest($0) >= patience && !$0.isEmpty }
    }

    func runStarted(config: RunConfig, threads: Int, runDirectory: String, trainSamples: Int, testSamples: Int) {
        Console.out("\(label): \(config.epochs) epochs, \(threads) threads, writing \(runDirectory)\n")
    }

    func batchFinished(epoch: Int, samplesDone: Int, samplesTotal: Int, correct: Int, elapsedSeconds: Double) {}

    func evaluationStarted(epoch: Int) {}

    /// What `--patience` watches: `validation` or `test`.
    var selectionName: String { state.withLock { $0.contains { $0.validation != nil } } ? "validation" : "test" }

    func epochFinished(_ record: EpochRecord) {
        state.withLock { $0.append(record) }
        let validation = record.validation.map { "  validation spike \(MetricsTable.fixed(100 * $0.spike, 2))%" } ?? ""
        Console.out(
            "\(label): epoch \(record.epoch)  train \(MetricsTable.fixed(100 * record.trainAccuracy, 2))%\(validation)  test spike "
                + "\(MetricsTable.fixed(100 * record.testSpikeAccuracy, 2))%  relaxed "
                + "\(MetricsTable.fixed(100 * record.testRelaxedAccuracy, 2))%  \(MetricsTable.fixed(record.seconds, 1)) s\n"
        )
    }
}
