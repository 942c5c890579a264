import Foundation
import Parallel

/// A whole training run: trains up to `config.epochs` epochs, evaluates the test set after each, and keeps the
/// run directory current (`RunDirectory`: configuration, metrics, weights and checkpoints, each written
/// atomically). A session starts fresh or continues from a checkpoint; either way the same configuration and
/// data give bit-identical weights and accuracies.
public struct TrainingSession {
    public let config: RunConfig
    public let data: TrainTestSets
    public let threads: Int
    public let runDirectory: String
    public let checkpoints: CheckpointPolicy
    /// The checkpoint the run continues from; nil for a fresh run.
    public let resumingFrom: Checkpoint?
    /// The group this session is one rank of (`ptrain train --distributed`); nil in a single process. Every
    /// rank runs the same session; rank 0 writes the run directory's files, every rank writes its shards of
    /// each checkpoint, and every decision that ends or pauses the loop (a stop request, a due checkpoint, a
    /// divergence, a failed write) is taken by all ranks together.
    public let distribution: Distribution?
    /// How the run relates to its directory: a new run, the directory's own run continued, or a fork.
    public let setup: RunSetup

    /// `config` is resolved here: `shards = 0` becomes the actual shard count, so `config.json` alone
    /// reproduces the run. To continue a run, pass its checkpoint (read with weights) and its configuration
    /// (`checkpoint.config`, with `epochs` changed if wanted).
    public init(
        config: RunConfig, data: TrainTestSets, threads: Int, runDirectory: String,
        checkpoints: CheckpointPolicy = CheckpointPolicy(), resumingFrom checkpoint: Checkpoint? = nil,
        distribution: Distribution? = nil, setup: RunSetup? = nil
    ) {
        var resolved = config
        resolved.shards = config.resolvedShards
        self.config = resolved
        self.data = data
        self.threads = threads
        self.runDirectory = runDirectory
        self.checkpoints = checkpoints
        self.resumingFrom = checkpoint
        self.distribution = distribution
        self.setup = setup ?? RunSetup(mode: checkpoint == nil ? .fresh : .continuing)
    }

    /// How a run ended.
    public enum Outcome: Sendable {
        /// Every epoch up to `config.epochs` is done; the records of all of them, resumed ones included.
        case completed([EpochRecord])
        /// A stop was requested: the current batch was finished and `checkpoint` written at `cursor`.
        case interrupted(records: [EpochRecord], cursor: TrainingCursor, checkpoint: String)

        /// The records of every finished epoch.
        public var records: [EpochRecord] {
            switch self {
            case .completed(let records), .interrupted(let records, _, _): return records
            }
        }
    }

    /// Runs every epoch without interruption; returns the metrics of each.
    /// - Throws: `SessionError` (bad data shapes, divergence, files that cannot be written).
    public func run(observer: any TrainingObserver) throws(SessionError) -> [EpochRecord] {
        try run(observer: observer, stopRequested: { false }).records
    }

    /// Runs the remaining epochs. `stopRequested` is asked after every batch and after every epoch; when it
    /// says yes, the session writes `latest.ckpt` at the position reached and returns `.interrupted`.
    public func run(observer: any TrainingObserver, stopRequested: () -> Bool) throws(SessionError) -> Outcome {
        let (data, start) = try agreed { () throws(SessionError) in
            // `validation` images of the training set as used are held out (SessionData, ValidationSplit.swift).
            let data = try SessionData(self.data, config: config)
            // Between batches each rank holds only its own shards' new weights (they are shared before each
            // evaluation), so an average of every batch's whole network would need an exchange per batch.
            guard config.averageFrom == 0 || config.averageEvery == .epoch || (distribution?.size ?? 1) == 1 else {
                throw .invalidData("averageEvery batch needs one process; average every epoch across ranks")
            }
            guard data.train.inputsPerSample <= Network.maximumInputs else {
                throw .invalidData(
                    "samples of \(data.train.inputsPerSample) inputs: ptrain's networks take at most "
                        + "\(Network.maximumInputs)"
                )
            }
            return (data, try startingState(train: data.train))
        }
        var (network, cursor, records, average) = start
        let (used, train, validation, test) = (data.used, data.train, data.validation, data.test)

        // What the run trains and evaluates on, in every checkpoint and in run.json (`DataFingerprint`).
        let fingerprint = DataFingerprint(train: used, test: test)
        let directory = RunDirectory(path: runDirectory)
        // The directory is locked for the whole run (by rank 0 in a group) and checked before anything is
        // written; a continued run's first writes wait for its first checkpoint, so a resume that fails before
        // it (a divergence in its first batches) leaves every file as it was.
        var lock: DirectoryLock?
        defer { withExtendedLifetime(lock) {} }
        var startWrites: [(path: String, bytes: [UInt8])] = []
        try leaderWrite { () throws(SessionError) in
            lock = try directory.claim(for: setup, observer: observer)
            startWrites = try self.startWrites(
                network: network, cursor: cursor, records: records, data: fingerprint, in: directory)
            if case .continuing = setup.mode { return }
            try write { () throws(FileWriteError) in
                for file in startWrites { try AtomicFile.write(file.bytes, to: file.path) }
            }
            startWrites = []
        }
        var startWritesPending: Bool = {
            if case .continuing = setup.mode { return true }
            return false
        }()
        /// Writes the continued run's identity, configuration and repaired files before its first checkpoint.
        func flushStartWrites() throws(SessionError) {
            guard startWritesPending else { return }
            startWritesPending = false
            try leaderWrite { () throws(SessionError) in
                try write { () throws(FileWriteError) in
                    for file in startWrites { try AtomicFile.write(file.bytes, to: file.path) }
                }
            }
        }

        let pool = WorkerPool(threadCount: threads)
        let trainer = Trainer(config: config, network: network, pool: pool, distribution: distribution)
        let evaluator = Evaluator(config: config, network: network, pool: pool)
        observer.runStarted(
            config: config, threads: threads, runDirectory: runDirectory, trainSamples: train.count,
            testSamples: test.count)
        if resumingFrom != nil { observer.runResumed(at: cursor) }

        var lastCheckpoint = DispatchTime.now().uptimeNanoseconds
        func saveLatest() throws(SessionError) -> String {
            try flushStartWrites()
            let path = directory.file(RunDirectory.latest)
            try write { () throws(FileWriteError) in
                if let distribution {
                    try Checkpoint.writeTogether(
                        network: network, config: config, cursor: cursor, records: records, distribution: distribution,
                        path: path, data: fingerprint, average: average)
                } else {
                    try Checkpoint(
                        network: network, config: config, cursor: cursor, records: records, data: fingerprint,
                        average: average
                    )
                    .write(to: path)
                }
            }
            lastCheckpoint = DispatchTime.now().uptimeNanoseconds
            observer.checkpointWritten(path: path, cursor: cursor)
            return path
        }

        while cursor.epoch <= config.epochs {
            let epoch = cursor.epoch
            let order = EpochOrder.permutation(count: train.count, seed: config.seed, epoch: epoch)
            let segmentStart = DispatchTime.now().uptimeNanoseconds
            let secondsBefore = cursor.trainSeconds
            while cursor.samplesDone < order.count {
                let batch = order[cursor.samplesDone..<min(cursor.samplesDone + config.batch, order.count)]
                let correct: Int
                do {
                    correct = try trainer.trainBatch(samples: batch, dataset: train, epoch: epoch)
                } catch {
                    throw .diverged(epoch: epoch, batch: cursor.batchesDone + 1, detail: error.description)
                }
                if config.averageEvery == .batch, var running = average, running.includes(epoch: epoch) {
                    running.add(network.canonicalParameters())
                    average = running
                }
                cursor.batchesDone += 1
                cursor.samplesDone += batch.count
                cursor.correct += correct
                cursor.trainSeconds = secondsBefore + seconds(since: segmentStart)
                observer.batchFinished(
                    epoch: epoch, samplesDone: cursor.samplesDone, samplesTotal: order.count, correct: cursor.correct,
                    elapsedSeconds: cursor.trainSeconds)
                let due =
                    cursor.samplesDone < order.count
                    && checkpoints.isDue(
                        batchesDone: cursor.batchesDone, secondsSinceLast: seconds(since: lastCheckpoint))
                let (stop, save) = agreed(stop: stopRequested(), checkpointDue: due)
                if stop {
                    let path = try saveLatest()
                    return .interrupted(records: records, cursor: cursor, checkpoint: path)
                }
                if save { _ = try saveLatest() }
            }

            observer.evaluationStarted(epoch: epoch)
            if let distribution { distribution.shareWeights(of: network) }
            func evaluate(_ set: Dataset) -> Evaluation {
                if let distribution { return evaluator.evaluate(set, distribution: distribution) }
                return evaluator.evaluate(set)
            }
            let evaluation = evaluate(test)
            var record = EpochRecord(
                epoch: epoch, trainAccuracy: Double(cursor.correct) / Double(order.count),
                testSpikeAccuracy: evaluation.spikeAccuracy, testRelaxedAccuracy: evaluation.relaxedAccuracy,
                seconds: cursor.trainSeconds, samplesPerSecond: Double(order.count) / max(cursor.trainSeconds, 1e-9))
            if let validation {
                let held = evaluate(validation)
                record.validation = ReadoutAccuracy(spike: held.spikeAccuracy, relaxed: held.relaxedAccuracy)
            }
            var averagedNetwork: Network?
            if var running = average, running.includes(epoch: epoch) {
                // Every rank holds the whole network after `shareWeights`, so every rank keeps the same sums.
                if config.averageEvery == .epoch { running.add(network.canonicalParameters()) }
                average = running
                let averaged = Network(
                    inputs: network.inputs, hidden: network.hidden, outputs: network.outputs,
                    shards: network.shards.count)
                averaged.load(canonicalParameters: running.mean!)
                let averagedEvaluator = Evaluator(config: config, network: averaged, pool: pool)
                func evaluateAveraged(_ set: Dataset) -> ReadoutAccuracy {
                    let result =
                        distribution.map { averagedEvaluator.evaluate(set, distribution: $0) }
                        ?? averagedEvaluator.evaluate(set)
                    return ReadoutAccuracy(spike: result.spikeAccuracy, relaxed: result.relaxedAccuracy)
                }
                record.averagedTest = evaluateAveraged(test)
                record.averagedValidation = validation.map(evaluateAveraged)
                averagedNetwork = averaged
            }
            records.append(record)
            cursor = .start(epoch: epoch + 1, epochSamples: train.count)
            try flushStartWrites()
            try finishEpoch(
                epoch, network: network, cursor: cursor, records: records, data: fingerprint, average: average,
                averagedNetwork: averagedNetwork, directory: directory,
                improved: EpochSelection.best(of: records)?.record.epoch == epoch, observer: observer)
            lastCheckpoint = DispatchTime.now().uptimeNanoseconds
            observer.epochFinished(record)
            if cursor.epoch <= config.epochs && agreed(stop: stopRequested(), checkpointDue: false).stop {
                return .interrupted(records: records, cursor: cursor, checkpoint: directory.file(RunDirectory.latest))
            }
        }
        return .completed(records)
    }

    /// The network, cursor, records and weight average the run starts from: a fresh network at epoch 1, or the
    /// checkpoint's.
    private func startingState(train: Dataset) throws(SessionError) -> (
        Network, TrainingCursor, [EpochRecord], WeightAveraging?
    ) {
        guard let checkpoint = resumingFrom else {
            let network = Network(
                inputs: train.inputsPerSample, hidden: config.hidden, outputs: train.classCount, shards: config.shards,
                seed: config.seed)
            let average = config.averageFrom > 0 ? WeightAveraging(firstEpoch: config.averageFrom) : nil
            return (network, .start(epoch: 1, epochSamples: train.count), [], average)
        }
        guard checkpoint.inputs == train.inputsPerSample, checkpoint.hidden == config.hidden else {
            throw .invalidData(
                "the checkpoint's network is \(checkpoint.inputs)×\(checkpoint.hidden), the run needs "
                    + "\(train.inputsPerSample)×\(config.hidden)")
        }
        guard checkpoint.outputs == train.classCount else {
            throw .invalidData(
                "the checkpoint's network has \(checkpoint.outputs) outputs, the data \(train.classCount) classes")
        }
        guard let network = checkpoint.makeNetwork(shards: config.shards) else {
            throw .invalidData("the checkpoint was read without its weights")
        }
        let cursor = try ResumeState.cursor(of: checkpoint, trainCount: train.count)
        let (average, records) = try ResumeState.average(of: checkpoint, config: config)
        return (network, cursor, records, average)
    }

    /// The files a run writes when it starts, by how it starts: for a new run or a fork `run.json`,
    /// `config.json` and (a fork) `metrics.csv` with the parent's epochs; for a continued run the updated
    /// `run.json`, `config.json`, `metrics.csv` from the checkpoint (repairing one that a kill left behind it) and,
    /// at an epoch boundary, `weights.bin` from the checkpoint's weights. Checks a continued run against the
    /// directory first (`RunDirectory.checkContinuation`).
    private func startWrites(
        network: Network, cursor: TrainingCursor, records: [EpochRecord], data fingerprint: DataFingerprint,
        in directory: RunDirectory
    ) throws(SessionError) -> [(path: String, bytes: [UInt8])] {
        var identity: RunIdentity
        let everyText = setup.checkpointEvery
        switch setup.mode {
        case .fresh:
            identity = RunIdentity(
                config: config, data: fingerprint.description, parent: nil, keep: checkpoints.keep,
                checkpointEvery: everyText, command: setup.command)
        case .fork(let parent):
            identity = RunIdentity(
                config: config, data: fingerprint.description, parent: parent, keep: checkpoints.keep,
                checkpointEvery: everyText, command: setup.command)
        case .continuing:
            guard let checkpoint = resumingFrom else { throw .invalidData("a continued run needs its checkpoint") }
            let recorded: RunIdentity?
            do {
                recorded = try directory.checkContinuation(of: checkpoint, config: config)
            } catch {
                throw .directory(error)
            }
            identity =
                recorded
                ?? RunIdentity(
                    config: config, data: fingerprint.description, parent: nil, keep: checkpoints.keep,
                    checkpointEvery: everyText, command: [])
            identity.keep = checkpoints.keep
            identity.checkpointEvery = everyText
            identity.data = fingerprint.description
            identity.invocations.append(.now(setup.command))
        }
        var files: [(path: String, bytes: [UInt8])] = [
            (directory.file(RunIdentity.fileName), Array(identity.jsonText().utf8)),
            (directory.file(RunDirectory.configuration), Array(config.jsonText().utf8)),
        ]
        if case .fresh = setup.mode { return files }
        files.append((directory.file(RunDirectory.metrics), Array(MetricsTable.csv(records).utf8)))
        if case .continuing = setup.mode, !cursor.isMidEpoch, !records.isEmpty {
            files.append((directory.file(RunDirectory.weights), WeightsFile.encode(network: network, config: config)))
        }
        return files
    }

    /// The files written after an epoch: `latest.ckpt` first (the one a resume reads), then the epoch's own
    /// checkpoint, `best.ckpt` when the epoch improved on the best, `weights.bin`, `averaged.bin` (when the
    /// epoch was averaged: `averagedNetwork`), `metrics.csv`. In a group
    /// every rank writes its shards of `latest.ckpt`; rank 0, which holds the whole network after the
    /// evaluation, writes the rest (the same bytes a single process writes).
    private func finishEpoch(
        _ epoch: Int, network: Network, cursor: TrainingCursor, records: [EpochRecord], data: DataFingerprint,
        average: WeightAveraging?, averagedNetwork: Network?, directory: RunDirectory, improved: Bool,
        observer: any TrainingObserver
    ) throws(SessionError) {
        let latest = directory.file(RunDirectory.latest)
        var copies: [String] = []
        if checkpoints.keep > 0 { copies.append(directory.file(RunDirectory.epochCheckpoint(epoch))) }
        if improved { copies.append(directory.file(RunDirectory.best)) }
        if let distribution {
            try write { () throws(FileWriteError) in
                try Checkpoint.writeTogether(
                    network: network, config: config, cursor: cursor, records: records, distribution: distribution,
                    path: latest, data: data, average: average)
            }
        }
        try leaderWrite { () throws(SessionError) in
            try write { () throws(FileWriteError) in
                let bytes = Checkpoint(
                    network: network, config: config, cursor: cursor, records: records, data: data, average: average
                )
                .encoded()
                for path in (distribution == nil ? [latest] : []) + copies { try AtomicFile.write(bytes, to: path) }
                try WeightsFile.write(network: network, config: config, to: directory.file(RunDirectory.weights))
                if let averagedNetwork {
                    try WeightsFile.write(
                        network: averagedNetwork, config: config, to: directory.file(RunDirectory.averagedWeights))
                }
                try AtomicFile.write(text: MetricsTable.csv(records), to: directory.file(RunDirectory.metrics))
            }
            directory.pruneEpochCheckpoints(after: epoch, keep: checkpoints.keep)
        }
        for path in [latest] + copies { observer.checkpointWritten(path: path, cursor: cursor) }
    }

    private func write(_ body: () throws(FileWriteError) -> Void) throws(SessionError) {
        do { try body() } catch { throw .output(error.description) }
    }

    private func agreed<T>(_ body: () throws(SessionError) -> T) throws(SessionError) -> T {
        try RankAgreement(distribution: distribution).everyRank(body)
    }

    private func leaderWrite(_ body: () throws(SessionError) -> Void) throws(SessionError) {
        try RankAgreement(distribution: distribution).leaderOnly(body)
    }

    private func agreed(stop: Bool, checkpointDue: Bool) -> (stop: Bool, checkpointDue: Bool) {
        RankAgreement(distribution: distribution).votes(stop: stop, checkpointDue: checkpointDue)
    }

    private func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

/// Why a training session stopped.
public enum SessionError: Error, Equatable, CustomStringConvertible {
    case invalidData(String)
    /// The configuration's `layers` do not fit the data (or the machine's memory): the `LayerError`'s line.
    case invalidLayers(String)
    case diverged(epoch: Int, batch: Int, detail: String)
    case output(String)
    /// The run directory may not be used (another run, another writer); nothing in it was changed.
    case directory(RunDirectoryError)

    public var description: String {
        switch self {
        case .directory(let error): return error.description
        case .invalidData(let reason): return "invalid data: \(reason)"
        case .invalidLayers(let reason): return "layers: \(reason)"
        case .diverged(let epoch, let batch, let detail): return "epoch \(epoch), batch \(batch): \(detail)"
        case .output(let reason): return reason
        }
    }
}

/// Evaluates the weights file `path` (written by `ptrain train`) on `dataset`.
public func evaluateWeightsFile(path: String, dataset: Dataset, threads: Int) throws(WeightsFileError) -> Evaluation {
    let (config, network) = try WeightsFile.read(path: path)
    guard dataset.inputsPerSample == network.inputs else {
        throw .shapeMismatch(
            path: path, reason: "network has \(network.inputs) inputs, images have \(dataset.inputsPerSample) pixels")
    }
    return evaluate(network: network, config: config, dataset: dataset, threads: threads)
}

/// Evaluates `network` (trained with `config`) on `dataset`.
/// - Precondition: the dataset's images have `network.inputs` pixels.
public func evaluate(network: Network, config: RunConfig, dataset: Dataset, threads: Int) -> Evaluation {
    precondition(dataset.inputsPerSample == network.inputs, "dataset and network disagree on the input size")
    let pool = WorkerPool(threadCount: threads)
    return Evaluator(config: config, network: network, pool: pool).evaluate(dataset)
}
