import Foundation
import Model

/// `ptrain train`: configuration → data → run directory → `TrainingSession`, with progress and a summary;
/// or, with `--resume`, checkpoint → the same session continued where it stopped.
struct TrainCommand: Command {
    /// Loaded when `--config` is absent and it exists (relative to the current directory).
    static let defaultConfigPath = "configs/mnist-800.json"
    /// `--checkpoint-every` when not given: ten minutes of training.
    static let defaultCheckpointInterval = CheckpointPolicy.Interval.seconds(600)
    /// The only configuration key a resumed run may change: it neither moves a weight nor changes a
    /// recorded number (each epoch's order and spike trains depend on the epoch number alone).
    static let resumableKeys: Set<String> = ["epochs"]

    static let spec = CommandSpec(
        name: "train",
        abstract: "Train a network on MNIST or your own data and write a run directory",
        discussion: """
            Trains the spiking network on the MNIST training set, evaluates the test set after every epoch with \
            both readouts (output spike counts and relaxed output potentials), and writes config.json, \
            metrics.csv, weights.bin and checkpoints (latest.ckpt, best.ckpt, epoch-XXXX.ckpt) to the run \
            directory. The configuration is read from --config, or from \(defaultConfigPath) when that file \
            exists, else the built-in defaults; every key can then be overridden with the options below. \
            Progress is a live line on a terminal and one line per epoch otherwise; a table of all epochs ends \
            the run. Ctrl-C finishes the current batch, saves latest.ckpt and exits with status 130; \
            'ptrain train --resume RUN_DIR' then continues exactly where the run stopped.
            """,
        synopsis: "[--config FILE] [--KEY VALUE ...] [--threads N] [--out DIR] [--data DIR]",
        groups: [
            OptionGroup(
                "RUN OPTIONS",
                [
                    OptionSpec(
                        "config", value: "FILE", "JSON configuration file",
                        default: "\(defaultConfigPath) if it exists, else the built-in values"),
                    SharedOptions.threads,
                    SharedOptions.scheduler,
                    OptionSpec(
                        "out", value: "DIR", "Run directory for config.json, metrics.csv, weights.bin and checkpoints",
                        default: "runs/<name>-h<hidden>-s<seed>, or the resumed run's directory"),
                    SharedOptions.data,
                    DistributedLaunch.option,
                ]),
            OptionGroup(
                "CHECKPOINTS AND RESUME",
                [
                    OptionSpec(
                        "resume", value: "PATH",
                        "Continue a run from PATH: a run directory (its latest.ckpt) or a checkpoint file (the run "
                            + "continues in the file's directory unless --out is given); of the configuration, only "
                            + "--epochs may change"),
                    OptionSpec(
                        "checkpoint-every", value: "N|DURATION",
                        "Also rewrite latest.ckpt inside an epoch: every N batches, or every DURATION of training "
                            + "(90s, 5m, 1h); off: only at the end of each epoch",
                        default: "10m, or the resumed run's"),
                    OptionSpec(
                        "keep", value: "K",
                        "Keep the epoch-XXXX.ckpt files of the last K epochs (0: none); recorded in run.json, and a "
                            + "resumed run may only raise it",
                        default: "\(CheckpointPolicy.defaultKeep), or the resumed run's"),
                    OptionSpec(
                        "force", value: nil,
                        "With --resume: accept configuration overrides that change the run's weights or metrics "
                            + "(a fork: it needs a new --out)"),
                    OptionSpec(
                        "allow-other-data", value: nil,
                        "With --resume: continue even when the checkpoint was recorded on other data than this"),
                    OptionSpec(
                        "overwrite", value: nil,
                        "Start a new run in a directory that holds another run or other files: they are first "
                            + "moved, untouched, to DIR.replaced-N"),
                ]),
            OptionGroup(
                "CONFIGURATION OVERRIDES",
                note: """
                    Each key of the configuration file, applied over the file's value. Defaults shown are the \
                    built-in ones.
                    """,
                RunConfig.keys.map { key in
                    OptionSpec(
                        key.flag, value: key.valueName, sentence(key.summary), default: key.jsonValue(in: RunConfig()))
                }),
        ])

    let configPath: String?
    /// `(key, text)` for each override, in command-line order.
    let overrides: [(key: ConfigKey, value: String)]
    let threads: Int
    let out: String?
    let data: String?
    let resume: String?
    /// `--keep` and `--checkpoint-every` as given; absent ones come from the resumed run's `run.json`, else
    /// the defaults (`checkpointPolicy(recorded:)`).
    let keep: Int?
    let checkpointEvery: String?
    /// `--overwrite`: a new run may move a directory's old contents aside.
    let overwrite: Bool
    /// `--allow-other-data`: resume even when the checkpoint's data fingerprint differs from this data's.
    let allowOtherData: Bool
    /// `--distributed`: this process is one rank of an MPI job.
    let distributed: Bool

    init(options: ParsedOptions) throws(UsageError) {
        configPath = try options.nonEmptyString("config")
        distributed = options.contains(DistributedLaunch.option.name)
        threads = try SharedOptions.threads(options, distributed: distributed)
        try SharedOptions.scheduler(options)
        out = try options.nonEmptyString("out")
        data = try options.nonEmptyString(SharedOptions.data.name)
        resume = try options.nonEmptyString("resume")
        checkpointEvery = options.string("checkpoint-every")
        if let checkpointEvery { _ = try Self.interval(checkpointEvery) }
        keep = try options.int("keep", in: 0...1_000_000)
        overwrite = options.contains("overwrite")
        allowOtherData = options.contains("allow-other-data")
        var overrides: [(key: ConfigKey, value: String)] = []
        for (name, value) in options.occurrences {
            guard let key = RunConfig.keys.first(where: { $0.flag == name }), let value else { continue }
            try Self.check(key, value)
            overrides.append((key, value))
        }
        self.overrides = overrides
        try Self.checkResumeOptions(
            resuming: resume != nil, force: options.contains("force"), config: configPath != nil,
            overrides: overrides.map(\.key))
    }

    /// A resumed run keeps its checkpoint's configuration: `--config` is refused, and so is every override
    /// but `--epochs` unless `--force` is given; `--hidden` even then (the weights fix it).
    static func checkResumeOptions(resuming: Bool, force: Bool, config: Bool, overrides: [ConfigKey]) throws(UsageError)
    {
        guard resuming else {
            if force { throw .requiresOption(option: "--force", required: "--resume") }
            return
        }
        if config {
            throw .conflictingOptions(
                option: "--config", other: "--resume", reason: "a resumed run keeps its checkpoint's configuration")
        }
        for key in overrides where !resumableKeys.contains(key.name) {
            if key.name == "hidden" {
                throw .conflictingOptions(
                    option: "--hidden", other: "--resume",
                    reason: "the checkpoint's weights fix the number of hidden neurons, even with '--force'")
            }
            if key.name == "layers" {
                throw .conflictingOptions(
                    option: "--layers", other: "--resume",
                    reason: "the checkpoint's weights fix the network's layers, even with '--force'")
            }
            guard !force else { continue }
            let effect = key.name == "name" ? "" : ", and changing '\(key.name)' would change its weights or metrics"
            throw .conflictingOptions(
                option: "--\(key.flag)", other: "--resume",
                reason: "a resumed run keeps its checkpoint's configuration\(effect). Only '--epochs' may change; "
                    + "add '--force' to change '\(key.name)' anyway")
        }
    }

    /// `--checkpoint-every`: `250` (batches), `90s`, `5m`, `1h`, or `off`.
    static func interval(_ text: String) throws(UsageError) -> CheckpointPolicy.Interval? {
        if text == "off" { return nil }
        let invalid = UsageError.invalidValue(
            value: text, option: "--checkpoint-every",
            reason: "must be a number of batches (250), a duration (90s, 5m, 1h) or off")
        if let batches = Int(text) {
            guard batches >= 1 else { throw invalid }
            return .batches(batches)
        }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        guard let unit = text.last.flatMap({ units[$0] }), let count = Double(text.dropLast()), count.isFinite,
            count > 0, text.dropLast().allSatisfy({ $0.isNumber || $0 == "." })
        else { throw invalid }
        return .seconds(count * unit)
    }

    /// Rejects an override's value as a usage error before anything is loaded. Every key's range check looks
    /// at that key alone, so trying the value on the built-in defaults decides it for any configuration.
    static func check(_ key: ConfigKey, _ value: String) throws(UsageError) {
        var probe = RunConfig()
        do {
            try probe.override(flag: key.flag, value: value)
            try probe.validate(source: "--\(key.flag)", combinations: false)
        } catch {
            throw .invalidValue(value: value, option: "--\(key.flag)", reason: reason(error))
        }
    }

    /// `must be an integer`, `must be in 1...1000000`, `must be one of beta | direct`.
    static func reason(_ error: ConfigError) -> String {
        switch error {
        case .wrongType(_, _, let expected):
            return "must be \(expected)"
        case .outOfRange(_, _, _, let allowed):
            if allowed.contains(" | ") { return "must be one of \(allowed)" }
            let isRange = allowed.wholeMatch(of: /-?[0-9]+\.\.\.-?[0-9]+/) != nil
            return "must be \(isRange ? "in " : "")\(allowed)"
        case .badLayers(_, let reason):
            return reason
        case .unreadable, .malformedJSON, .unknownKey:
            return error.description
        }
    }

    func run() throws(RuntimeError) {
        guard distributed else {
            guard let (start, data) = try prepare() else { return }
            return try train(start, data: data, distribution: nil)
        }
        try DistributedLaunch.run { communicator throws(RuntimeError) in
            // Every rank reads the configuration, the checkpoint and the data itself; a failure on any rank
            // stops all of them before the first exchange.
            let prepared = try DistributedLaunch.agreed(communicator) { () throws(RuntimeError) in
                let prepared = try prepare()
                return try prepared.map { prepared throws(RuntimeError) in
                    do throws(DistributionError) {
                        // A layered network is split by samples (each rank its share of every batch), the
                        // three-layer network by its hidden shards (docs/distributed.md).
                        let config = prepared.start.config
                        let distribution =
                            config.layers.isEmpty
                            ? try Distribution(communicator: communicator, shardCount: config.resolvedShards)
                            : Distribution(dataParallel: communicator)
                        return (prepared.start, prepared.data, distribution)
                    } catch {
                        throw .output("--distributed: \(ErrorHints.message(error))")
                    }
                }
            }
            guard let (start, data, distribution) = prepared else { return }
            try train(start, data: data, distribution: distribution)
        }
    }

    /// The run's start and its data; nil (after saying so) when a resumed run has nothing left to train.
    func prepare() throws(RuntimeError) -> (start: Start, data: TrainTestSets)? {
        let start: Start
        if let resume { start = try resumePoint(resume) } else { start = try freshStart() }
        let config = start.config
        if let checkpoint = start.checkpoint, checkpoint.cursor.epoch > config.epochs {
            Console.out(
                "\(start.checkpointPath ?? ""): the run has finished all \(config.epochs) epochs; nothing to train "
                    + "(raise --epochs to train longer)\n")
            let averagedFile = config.layers.isEmpty ? RunDirectory.averagedWeights : LayeredSession.averagedModel
            let table = ProgressFormat.summaryTable(checkpoint.records, averagedFile: averagedFile)
            if !table.isEmpty { Console.out("\n" + table.joined(separator: "\n") + "\n") }
            return nil
        }
        let directory = try wrapData { () throws(DataError) in try DataAccess.locate(explicit: data) }
        let mnist = try wrapData { () throws(DataError) in try DataAccess.load(directory: directory) }
        if let checkpoint = start.checkpoint, !allowOtherData {
            // The data as the checkpoint's run used it (its own limits), so a fork that changes a limit still
            // checks that the files are the same.
            do {
                try DataFingerprint.requireMatch(
                    recorded: checkpoint.data, actual: DataFingerprint(of: mnist, config: checkpoint.config),
                    path: start.checkpointPath ?? "")
            } catch {
                throw .checkpoint(.checkpoint(error))
            }
        }
        return (
            start,
            TrainTestSets(train: mnist.train.prefix(config.trainLimit), test: mnist.test.prefix(config.testLimit))
        )
    }

    /// Trains from `start` (on one rank of `distribution`, or in this process alone).
    func train(_ start: Start, data limited: TrainTestSets, distribution: Distribution?) throws(RuntimeError) {
        let config = start.config
        let style: TrainingProgressPrinter.Style = Console.outputIsTerminal ? .terminal : .plain
        let progress = TrainingProgressPrinter(style: style, write: Console.out)
        progress.ranks = distribution?.size ?? 1
        progress.standingCheckpointChanged = InterruptSignal.setStandingLine
        Console.out("configuration: \(start.configSource)\n")
        let setup = RunSetup(
            mode: start.mode, overwrite: overwrite, command: CommandLine.arguments,
            checkpointEvery: start.checkpointEvery)
        // A layered network (`layers`, issue #15) trains in `LayeredSession`.
        InterruptSignal.install()
        let outcome: TrainingSession.Outcome
        do throws(SessionError) {
            if config.layers.isEmpty {
                outcome = try TrainingSession(
                    config: config, data: limited, threads: threads, runDirectory: start.runDirectory,
                    checkpoints: start.checkpoints, resumingFrom: start.checkpoint, distribution: distribution,
                    setup: setup
                )
                .run(observer: progress, stopRequested: { InterruptSignal.requested })
            } else {
                outcome = try LayeredSession(
                    config: config, data: limited, threads: threads, runDirectory: start.runDirectory,
                    checkpoints: start.checkpoints, resumingFrom: start.checkpoint, setup: setup,
                    distribution: distribution
                )
                .run(observer: progress, stopRequested: { InterruptSignal.requested })
            }
        } catch {
            progress.finishLine()
            if case .directory(let refusal) = error {
                throw .output(refusal.description + Self.hint(refusal, directory: start.runDirectory))
            }
            throw .training(error)
        }
        switch outcome {
        case .completed(let records):
            let averagedFile = config.layers.isEmpty ? RunDirectory.averagedWeights : LayeredSession.averagedModel
            let table = ProgressFormat.summaryTable(records, averagedFile: averagedFile)
            if !table.isEmpty { Console.out("\n" + table.joined(separator: "\n") + "\n") }
        case .interrupted(_, let cursor, let checkpoint):
            progress.finishLine()
            throw .interrupted(
                Self.interruptionMessage(
                    checkpoint: checkpoint, cursor: cursor, config: config, runDirectory: start.runDirectory))
        }
    }

    /// What to do about a refused directory, appended to its message.
    static func hint(_ refusal: RunDirectoryError, directory: String) -> String {
        switch refusal {
        case .holdsAnotherRun:
            let latest = RunDirectory(path: directory).file(RunDirectory.latest)
            guard FileManager.default.fileExists(atPath: latest) else {
                return "; it has no checkpoint to resume: choose another '--out', or add '--overwrite' to move it aside"
            }
            return "; resume it with '\(Ptrain.name) train --resume \(shellQuoted(directory))', choose another "
                + "'--out', or add '--overwrite' to move it aside"
        case .notEmpty: return "; choose another '--out', or add '--overwrite' to move its contents aside"
        case .notThisRun, .metricsAhead:
            return "; to start a new run from this checkpoint, add '--out NEW_DIR'"
        case .locked, .notADirectory, .cannotCreate, .cannotMoveAside, .unreadableIdentity, .changedMeanwhile,
            .wrongKind:
            return ""
        }
    }

    /// Where a run starts: its configuration, directory and, when resuming, the checkpoint.
    struct Start {
        var config: RunConfig
        var runDirectory: String
        var checkpoint: Checkpoint?
        var checkpointPath: String?
        /// A new run, the directory's run continued, or a fork into a new directory.
        var mode: RunSetup.Mode
        /// Where the configuration came from, for the start line.
        var configSource: String
        var checkpoints: CheckpointPolicy
        /// `--checkpoint-every` as recorded in `run.json`.
        var checkpointEvery: String
    }

    func freshStart() throws(RuntimeError) -> Start {
        let (config, source) = try Self.loadConfig(path: configPath, overrides: overrides)
        let (checkpoints, every) = try checkpointPolicy(recorded: nil)
        return Start(
            config: config, runDirectory: out ?? "runs/\(config.runDirectoryName)", checkpoint: nil, mode: .fresh,
            configSource: source, checkpoints: checkpoints, checkpointEvery: every)
    }

    /// Keys a checkpoint taken inside an epoch cannot change: the cursor counts batches of the batch size, and
    /// the epoch's order depends on the seed and the training-set size.
    static let fixedInsideEpoch: Set<String> = ["batch", "seed", "trainLimit"]

    /// `--resume PATH`: the checkpoint (read and verified before any data is loaded), its configuration with the
    /// allowed overrides applied, and how the run relates to the directory it goes to. Continuing in place
    /// needs the directory's own `latest.ckpt` and no changed key; anything else (an older checkpoint, changed
    /// keys, another `--out`) is a fork, which goes to a new directory and records its parent.
    func resumePoint(_ path: String) throws(RuntimeError) -> Start {
        let source = RunDirectory.resumeSource(path)
        guard FileManager.default.fileExists(atPath: source.checkpoint) else {
            if source.checkpoint == path { throw .missingFile(path: path, role: "checkpoint") }
            throw .resume("\(path): nothing to resume: the directory has no \(RunDirectory.latest)")
        }
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.read(path: source.checkpoint)
        } catch {
            throw .checkpoint(.checkpoint(error))
        }
        var config = checkpoint.config
        do {
            for (key, value) in overrides { try config.override(flag: key.flag, value: value) }
            try config.validate(source: "command line")
        } catch {
            throw .config(error)
        }
        let completed = checkpoint.cursor.completedEpochs
        guard config.epochs >= completed else {
            throw .resume(
                "--epochs \(config.epochs) is fewer than the \(completed) epochs \(source.checkpoint) has finished")
        }
        let changed = config.differingKeys(from: checkpoint.config, ignoring: ["epochs"])
        if checkpoint.cursor.isMidEpoch, let key = changed.first(where: Self.fixedInsideEpoch.contains) {
            let cursor = checkpoint.cursor
            throw .resume(
                "\(source.checkpoint): '\(key)' cannot change inside an epoch: the checkpoint stopped after "
                    + "\(cursor.samplesDone) of \(cursor.epochSamples) samples of epoch \(cursor.epoch); resume without "
                    + "it to finish the epoch, or start from an epoch's end (epoch-XXXX.ckpt)")
        }
        let target = out ?? source.directory
        let recorded = try? RunIdentity.read(path: RunDirectory(path: source.directory).file(RunIdentity.fileName))
        let isLatest =
            Self.samePath(source.checkpoint, RunDirectory(path: source.directory).file(RunDirectory.latest))
        let inPlace = Self.samePath(target, source.directory)
        let mode: RunSetup.Mode
        if inPlace && isLatest && changed.isEmpty {
            guard !overwrite else {
                throw .resume(
                    "--overwrite starts a new run; continuing \(source.directory) in place moves nothing aside (a fork "
                        + "into another '--out' may use it)")
            }
            mode = .continuing
        } else if inPlace {
            let why =
                changed.isEmpty
                ? "it is not the run's \(RunDirectory.latest), so continuing from it"
                : "changing \(changed.map { "'\($0)'" }.joined(separator: ", ")) of its configuration"
            throw .resume(
                "\(source.checkpoint): \(why) starts a new run (a fork), and a fork needs a new directory: add "
                    + "'--out NEW_DIR' (the new run records this checkpoint as its parent)")
        } else {
            mode = .fork(
                RunIdentity.Parent(
                    directory: source.directory, run: recorded?.id, checkpoint: source.checkpoint,
                    epochsDone: checkpoint.cursor.completedEpochs, batchesDone: checkpoint.cursor.batchesDone,
                    changedKeys: changed))
        }
        // A fork writes a new directory: the parent's settings are its defaults, and it may keep fewer files.
        let (checkpoints, every) = try checkpointPolicy(recorded: recorded, mayShrink: mode != .continuing)
        return Start(
            config: config, runDirectory: target, checkpoint: checkpoint, checkpointPath: source.checkpoint,
            mode: mode, configSource: "from \(source.checkpoint)", checkpoints: checkpoints, checkpointEvery: every)
    }

    /// `--keep` and `--checkpoint-every`, or the values `recorded` in the run's `run.json`, or the defaults. A
    /// run's `keep` may only grow: a smaller one would delete epoch checkpoints an earlier invocation kept.
    func checkpointPolicy(recorded: RunIdentity?, mayShrink: Bool = false) throws(RuntimeError) -> (
        CheckpointPolicy, String
    ) {
        let keep = self.keep ?? recorded?.keep ?? CheckpointPolicy.defaultKeep
        if let recorded, keep < recorded.keep, !mayShrink {
            throw .resume(
                "--keep \(keep) is fewer than the \(recorded.keep) epoch checkpoints this run keeps (recorded in "
                    + "\(RunIdentity.fileName)): it would delete files an earlier invocation kept; a run's --keep can "
                    + "only grow")
        }
        let everyText = checkpointEvery ?? recorded?.checkpointEvery ?? "10m"
        let every: CheckpointPolicy.Interval?
        do {
            every = try Self.interval(everyText)
        } catch {
            throw .resume("\(RunIdentity.fileName): checkpointEvery '\(everyText)' is not an interval")
        }
        return (CheckpointPolicy(every: every, keep: keep), everyText)
    }

    /// Whether two paths name the same existing file or directory (symbolic links resolved).
    static func samePath(_ first: String, _ second: String) -> Bool {
        guard let a = realpath(first, nil) else { return false }
        defer { free(a) }
        guard let b = realpath(second, nil) else { return false }
        defer { free(b) }
        return strcmp(a, b) == 0
    }

    /// `path` (or `configs/mnist-800.json` when it exists in the current directory, else the built-in defaults)
    /// with `overrides` applied and validated, and where it came from (`configs/x.json`, or which default, naming
    /// the current directory); shared by `train` and `sweep`.
    static func loadConfig(path configPath: String?, overrides: [(key: ConfigKey, value: String)]) throws(RuntimeError)
        -> (config: RunConfig, source: String)
    {
        let path =
            configPath
            ?? (FileManager.default.fileExists(atPath: defaultConfigPath) ? defaultConfigPath : nil)
        let directory = FileManager.default.currentDirectoryPath
        let source =
            configPath
            ?? (path != nil
                ? "\(defaultConfigPath) (the default, found in the current directory \(directory))"
                : "built-in defaults (no \(defaultConfigPath) in the current directory \(directory))")
        do {
            var config = try path.map { path throws(ConfigError) in try RunConfig.load(path: path) } ?? RunConfig()
            for (key, value) in overrides {
                try config.override(flag: key.flag, value: value)
            }
            try config.validate(source: path ?? "built-in configuration")
            return (config, source)
        } catch {
            throw .config(error)
        }
    }

    /// ```
    /// Interrupted: saved runs/x/latest.ckpt after batch 150 of 300 in epoch 2.
    /// Resume with: ptrain train --resume runs/x
    /// ```
    static func interruptionMessage(
        checkpoint: String, cursor: TrainingCursor, config: RunConfig, runDirectory: String
    ) -> String {
        let position = ProgressFormat.checkpointPosition(cursor, batch: config.batch)
        return "Interrupted: saved \(checkpoint) \(position).\n"
            + "Resume with: \(Ptrain.name) train --resume \(shellQuoted(runDirectory))\n"
    }

    /// `path` as one shell word: unchanged when it holds only safe characters, else in single quotes.
    static func shellQuoted(_ path: String) -> String {
        let safe = path.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (CharacterSet.alphanumerics.contains(scalar) || "/._-+,:@%".unicodeScalars.contains(scalar))
        }
        return safe && !path.isEmpty ? path : "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// "hidden LIF neurons H" → "Hidden LIF neurons H", to read like the other help entries.
    static func sentence(_ summary: String) -> String {
        summary.prefix(1).uppercased() + summary.dropFirst()
    }
}
