import Foundation
import Parallel

/// A whole training run of a layered network (issue #15; `config.layers` non-empty): the epochs of
/// `LayeredTrainer` with the protocol of the three-layer `TrainingSession` — the same validation split, epoch
/// order, selection by validation, weight averaging inside the run, metrics, checkpoints and resume — in a run
/// directory claimed the same way (a busy or foreign directory is refused, an old run moved aside, never mixed).
///
/// Writes `run.json` and `config.json` at the start; `latest.ckpt` inside an epoch as `checkpoints` says and when
/// a stop is requested; after every epoch `latest.ckpt`, `epoch-XXXX.ckpt` (the last `keep`), `best.ckpt` when the
/// epoch is the best so far (by validation when there is a split), `model.bin` (`LayeredModelFile`),
/// `best-model.bin` with `best.ckpt`, `averaged-model.bin` when the epoch was averaged, and `metrics.csv`. The
/// checkpoints are format 1.4 files with the LAYR section (`CheckpointFormat`): a run continued from one
/// trains exactly the batches an uninterrupted run would have, to the same bits.
///
/// In a group of ranks (`distribution`, made with `Distribution(dataParallel:)`) every rank trains its share of
/// each batch's samples and holds the whole network after each update (`LayeredTrainer`); rank 0 alone locks
/// the directory and writes every file, and the ranks agree on failures, stops and due checkpoints
/// (`RankAgreement`), so a group's files are byte for byte those of one process.
public struct LayeredSession {
    public let config: RunConfig
    public let data: TrainTestSets
    public let threads: Int
    public let runDirectory: String
    public let checkpoints: CheckpointPolicy
    /// The checkpoint the run continues from (a layered one, read with weights); nil for a fresh run.
    public let resumingFrom: Checkpoint?
    public let setup: RunSetup
    /// The group the run is split over; nil in a single process.
    public let distribution: Distribution?

    /// The model files of a layered run directory.
    public static let model = "model.bin"
    public static let bestModel = "best-model.bin"
    public static let averagedModel = "averaged-model.bin"

    public init(
        config: RunConfig, data: TrainTestSets, threads: Int, runDirectory: String,
        checkpoints: CheckpointPolicy = CheckpointPolicy(), resumingFrom checkpoint: Checkpoint? = nil,
        setup: RunSetup? = nil, distribution: Distribution? = nil
    ) {
        self.config = config
        self.data = data
        self.threads = threads
        self.runDirectory = runDirectory
        self.checkpoints = checkpoints
        self.resumingFrom = checkpoint
        self.setup = setup ?? RunSetup(mode: checkpoint == nil ? .fresh : .continuing)
        self.distribution = distribution
    }

    /// The input of a layered network fed with `dataset`: an image of `rows × columns × 1` for samples of shape
    /// (rows, columns), `rows × columns × channels` for (rows, columns, channels) (channels last, as Keras stores
    /// them), and a vector otherwise.
    public static func inputShape(of dataset: Dataset) -> ActivationShape {
        switch dataset.shape.count {
        case 2: return ActivationShape(rows: dataset.shape[0], columns: dataset.shape[1], channels: 1)
        case 3: return ActivationShape(rows: dataset.shape[0], columns: dataset.shape[1], channels: dataset.shape[2])
        default: return .vector(dataset.inputsPerSample)
        }
    }

    /// Runs every epoch without interruption; returns the metrics of each.
    public func run(observer: any TrainingObserver) throws(SessionError) -> [EpochRecord] {
        try run(observer: observer, stopRequested: { false }).records
    }

    /// Runs the remaining epochs. `stopRequested` is asked after every batch and after every epoch; when it says
    /// yes, the session writes `latest.ckpt` at the position reached and returns `.interrupted`.
    /// - Throws: `SessionError` (a layer list that does not fit the data, bad data, a checkpoint of another
    ///   network, divergence, files that cannot be written, a directory that may not be used).
    public func run(observer: any TrainingObserver, stopRequested: () -> Bool) throws(SessionError)
        -> TrainingSession.Outcome
    {
        let agreement = RankAgreement(distribution: distribution)
        // Every rank reads the data and the checkpoint itself; a failure on any rank stops all of them.
        let (data, stack, start) = try agreement.everyRank {
            () throws(SessionError) -> (SessionData, LayerStack, StartingState) in
            let data = try SessionData(self.data, config: config)
            let stack: LayerStack
            do throws(LayerError) {
                stack = try LayerStack(
                    input: Self.inputShape(of: data.train), layers: config.layers, outputs: data.train.classCount)
                try stack.requireFits(batch: config.batch, timeSteps: config.timeSteps)
            } catch {
                throw .invalidLayers("\(error.description) (the data's samples are \(Self.inputShape(of: data.train)))")
            }
            return (data, stack, try startingState(stack: stack, train: data.train))
        }
        let (train, validation, test) = (data.train, data.validation, data.test)
        var (network, cursor, records, average) = start
        let fingerprint = DataFingerprint(train: data.used, test: test)
        let directory = RunDirectory(path: runDirectory)
        // Locked for the whole run (by rank 0 in a group) and checked before anything is written; a continued
        // run's first writes wait for its first checkpoint, so a resume that fails before it leaves every file
        // as it was.
        var lock: DirectoryLock?
        defer { withExtendedLifetime(lock) {} }
        var pendingStartWrites: [(path: String, bytes: [UInt8])] = []
        try agreement.leaderOnly { () throws(SessionError) in
            lock = try directory.claim(for: setup, observer: observer)
            pendingStartWrites = try startWrites(
                network: network, cursor: cursor, records: records, data: fingerprint, in: directory)
            if setup.mode != .continuing {
                try writeFiles(pendingStartWrites)
                pendingStartWrites = []
            }
        }

        let pool = WorkerPool(threadCount: threads)
        let trainer = LayeredTrainer(config: config, network: network, pool: pool, distribution: distribution)
        let evaluator = LayeredEvaluator(config: config, network: network, pool: pool)
        func evaluate(_ set: Dataset, with evaluator: LayeredEvaluator) -> Evaluation {
            if let distribution { return evaluator.evaluate(set, distribution: distribution) }
            return evaluator.evaluate(set)
        }
        observer.runStarted(
            config: config, threads: threads, runDirectory: runDirectory, trainSamples: train.count,
            testSamples: test.count)
        if resumingFrom != nil { observer.runResumed(at: cursor) }

        var lastCheckpoint = DispatchTime.now().uptimeNanoseconds
        func saveLatest() throws(SessionError) -> String {
            let path = directory.file(RunDirectory.latest)
            try agreement.leaderOnly { () throws(SessionError) in
                try writeFiles(pendingStartWrites)
                pendingStartWrites = []
                try write { () throws(FileWriteError) in
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
                do throws(TrainingError) {
                    correct = try trainer.trainBatch(samples: batch, dataset: train, epoch: epoch)
                } catch {
                    throw .diverged(epoch: epoch, batch: cursor.batchesDone + 1, detail: error.description)
                }
                if config.averageEvery == .batch, var running = average, running.includes(epoch: epoch) {
                    running.add(network.parameters())
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
                let (stop, save) = agreement.votes(stop: stopRequested(), checkpointDue: due)
                if stop {
                    return .interrupted(records: records, cursor: cursor, checkpoint: try saveLatest())
                }
                if save { _ = try saveLatest() }
            }

            observer.evaluationStarted(epoch: epoch)
            let evaluation = evaluate(test, with: evaluator)
            var record = EpochRecord(
                epoch: epoch, trainAccuracy: Double(cursor.correct) / Double(order.count),
                testSpikeAccuracy: evaluation.spikeAccuracy, testRelaxedAccuracy: evaluation.relaxedAccuracy,
                seconds: cursor.trainSeconds, samplesPerSecond: Double(order.count) / max(cursor.trainSeconds, 1e-9))
            if let validation {
                let held = evaluate(validation, with: evaluator)
                record.validation = ReadoutAccuracy(spike: held.spikeAccuracy, relaxed: held.relaxedAccuracy)
            }
            var averaged: LayeredNetwork?
            if var running = average, running.includes(epoch: epoch) {
                if config.averageEvery == .epoch { running.add(network.parameters()) }
                average = running
                let mean = LayeredNetwork(stack: stack, outputs: network.outputs)
                mean.load(parameters: running.mean!)
                let meanEvaluator = LayeredEvaluator(config: config, network: mean, pool: pool)
                func accuracy(_ set: Dataset) -> ReadoutAccuracy {
                    let result = evaluate(set, with: meanEvaluator)
                    return ReadoutAccuracy(spike: result.spikeAccuracy, relaxed: result.relaxedAccuracy)
                }
                record.averagedTest = accuracy(test)
                record.averagedValidation = validation.map(accuracy)
                averaged = mean
            }
            records.append(record)
            cursor = .start(epoch: epoch + 1, epochSamples: train.count)
            try agreement.leaderOnly { () throws(SessionError) in
                try writeFiles(pendingStartWrites)
                pendingStartWrites = []
            }
            try finishEpoch(
                epoch, network: network, cursor: cursor, records: records, data: fingerprint, average: average,
                averaged: averaged, directory: directory,
                improved: EpochSelection.best(of: records)?.record.epoch == epoch, observer: observer)
            lastCheckpoint = DispatchTime.now().uptimeNanoseconds
            observer.epochFinished(record)
            if cursor.epoch <= config.epochs && agreement.votes(stop: stopRequested(), checkpointDue: false).stop {
                return .interrupted(records: records, cursor: cursor, checkpoint: directory.file(RunDirectory.latest))
            }
        }
        return .completed(records)
    }

    /// The network, cursor, records and weight average the run starts from: a fresh network at epoch 1, or the
    /// checkpoint's (which must hold this network: the same layers, input and classes).
    private typealias StartingState = (
        network: LayeredNetwork, cursor: TrainingCursor, records: [EpochRecord], average: WeightAveraging?
    )

    private func startingState(stack: LayerStack, train: Dataset) throws(SessionError) -> StartingState {
        guard let checkpoint = resumingFrom else {
            let network = LayeredNetwork(stack: stack, outputs: train.classCount, seed: config.seed)
            let average = config.averageFrom > 0 ? WeightAveraging(firstEpoch: config.averageFrom) : nil
            return (network, .start(epoch: 1, epochSamples: train.count), [], average)
        }
        guard let input = checkpoint.layeredInput else {
            throw .invalidData("the checkpoint holds a three-layer network (hidden \(checkpoint.hidden)), not layers")
        }
        guard input == stack.input, checkpoint.config.layers == config.layers else {
            throw .invalidData(
                "the checkpoint's network takes \(input) inputs through its layers, the run needs \(stack.input)")
        }
        guard checkpoint.outputs == train.classCount else {
            throw .invalidData(
                "the checkpoint's network has \(checkpoint.outputs) outputs, the data \(train.classCount) classes")
        }
        guard let network = checkpoint.makeLayeredNetwork() else {
            throw .invalidData("the checkpoint was read without its weights")
        }
        let cursor = try ResumeState.cursor(of: checkpoint, trainCount: train.count)
        let (average, records) = try ResumeState.average(of: checkpoint, config: config)
        return (network, cursor, records, average)
    }

    /// The files a run writes when it starts: `run.json` and `config.json`; for a fork or a continued run also
    /// `metrics.csv` of the checkpoint's epochs, and for a run continued at an epoch's end `model.bin`. A
    /// continued run is checked against its directory first (`RunDirectory.checkContinuation`).
    private func startWrites(
        network: LayeredNetwork, cursor: TrainingCursor, records: [EpochRecord], data fingerprint: DataFingerprint,
        in directory: RunDirectory
    ) throws(SessionError) -> [(path: String, bytes: [UInt8])] {
        var identity: RunIdentity
        switch setup.mode {
        case .fresh, .fork:
            var parent: RunIdentity.Parent?
            if case .fork(let forked) = setup.mode { parent = forked }
            identity = RunIdentity(
                config: config, data: fingerprint.description, parent: parent, keep: checkpoints.keep,
                checkpointEvery: setup.checkpointEvery, command: setup.command)
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
                    checkpointEvery: setup.checkpointEvery, command: [])
            identity.keep = checkpoints.keep
            identity.checkpointEvery = setup.checkpointEvery
            identity.data = fingerprint.description
            identity.invocations.append(.now(setup.command))
        }
        var files: [(path: String, bytes: [UInt8])] = [
            (directory.file(RunIdentity.fileName), Array(identity.jsonText().utf8)),
            (directory.file(RunDirectory.configuration), Array(config.jsonText().utf8)),
        ]
        if setup.mode == .fresh { return files }
        files.append((directory.file(RunDirectory.metrics), Array(MetricsTable.csv(records).utf8)))
        if setup.mode == .continuing, !cursor.isMidEpoch, !records.isEmpty {
            files.append((directory.file(Self.model), LayeredModelFile.encode(network: network, config: config)))
        }
        return files
    }

    /// The files written after an epoch: `latest.ckpt` first (the one a resume reads), the epoch's own checkpoint,
    /// `best.ckpt` and `best-model.bin` when the epoch improved on the best, `model.bin`, `averaged-model.bin`
    /// (when the epoch was averaged), `metrics.csv`; then old epoch checkpoints beyond `keep` are removed.
    private func finishEpoch(
        _ epoch: Int, network: LayeredNetwork, cursor: TrainingCursor, records: [EpochRecord], data: DataFingerprint,
        average: WeightAveraging?, averaged: LayeredNetwork?, directory: RunDirectory, improved: Bool,
        observer: any TrainingObserver
    ) throws(SessionError) {
        var checkpointPaths = [directory.file(RunDirectory.latest)]
        if checkpoints.keep > 0 { checkpointPaths.append(directory.file(RunDirectory.epochCheckpoint(epoch))) }
        if improved { checkpointPaths.append(directory.file(RunDirectory.best)) }
        try RankAgreement(distribution: distribution).leaderOnly { () throws(SessionError) in
            try writeEpochFiles(
                network: network, cursor: cursor, records: records, data: data, average: average, averaged: averaged,
                directory: directory, improved: improved, checkpointPaths: checkpointPaths)
            directory.pruneEpochCheckpoints(after: epoch, keep: checkpoints.keep)
        }
        for path in checkpointPaths { observer.checkpointWritten(path: path, cursor: cursor) }
    }

    private func writeEpochFiles(
        network: LayeredNetwork, cursor: TrainingCursor, records: [EpochRecord], data: DataFingerprint,
        average: WeightAveraging?, averaged: LayeredNetwork?, directory: RunDirectory, improved: Bool,
        checkpointPaths: [String]
    ) throws(SessionError) {
        try write { () throws(FileWriteError) in
            let bytes = Checkpoint(
                network: network, config: config, cursor: cursor, records: records, data: data, average: average
            )
            .encoded()
            for path in checkpointPaths { try AtomicFile.write(bytes, to: path) }
            let model = LayeredModelFile.encode(network: network, config: config)
            try AtomicFile.write(model, to: directory.file(Self.model))
            if improved { try AtomicFile.write(model, to: directory.file(Self.bestModel)) }
            if let averaged {
                try LayeredModelFile.write(network: averaged, config: config, to: directory.file(Self.averagedModel))
            }
            try AtomicFile.write(text: MetricsTable.csv(records), to: directory.file(RunDirectory.metrics))
        }
    }

    private func writeFiles(_ files: [(path: String, bytes: [UInt8])]) throws(SessionError) {
        try write { () throws(FileWriteError) in
            for file in files { try AtomicFile.write(file.bytes, to: file.path) }
        }
    }

    private func write(_ body: () throws(FileWriteError) -> Void) throws(SessionError) {
        do { try body() } catch { throw .output(error.description) }
    }

    private func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
