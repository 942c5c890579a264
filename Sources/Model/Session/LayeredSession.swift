import Foundation
import Parallel

/// A whole training run of a layered network (issue #15; `config.layers` non-empty): the epochs of
/// `LayeredTrainer` with the protocol of the three-layer `TrainingSession` — the same validation split, epoch
/// order, selection by validation, weight averaging inside the run and metrics — in a run directory claimed the
/// same way (a busy or foreign directory is refused, an old run moved aside, never mixed).
///
/// Writes `run.json` and `config.json` at the start; after every epoch `model.bin` (`LayeredModelFile`),
/// `best-model.bin` when the epoch is the best so far (by validation when there is a split), `averaged-model.bin`
/// when it was averaged, and `metrics.csv`. Layered runs write no checkpoints yet: a stopped run starts again.
public struct LayeredSession {
    public let config: RunConfig
    public let data: TrainTestSets
    public let threads: Int
    public let runDirectory: String
    public let setup: RunSetup

    /// The model files of a layered run directory.
    public static let model = "model.bin"
    public static let bestModel = "best-model.bin"
    public static let averagedModel = "averaged-model.bin"

    public init(config: RunConfig, data: TrainTestSets, threads: Int, runDirectory: String, setup: RunSetup) {
        self.config = config
        self.data = data
        self.threads = threads
        self.runDirectory = runDirectory
        self.setup = setup
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

    /// Runs every epoch; returns the metrics of each.
    /// - Throws: `SessionError` (a layer list that does not fit the data, bad data, divergence, files that
    ///   cannot be written, a directory that may not be used).
    public func run(observer: any TrainingObserver) throws(SessionError) -> [EpochRecord] {
        let used = data.train.prefix(config.trainLimit)
        let test = data.test.prefix(config.testLimit)
        let (train, validation) = ValidationSplit.split(used, for: config)
        guard config.validation == 0 || config.validation < used.count else {
            throw .invalidData("validation \(config.validation) leaves no training images of \(used.count)")
        }
        guard train.inputsPerSample == test.inputsPerSample else {
            throw .invalidData(
                "training samples have \(train.inputsPerSample) inputs, test samples \(test.inputsPerSample)")
        }
        guard train.classCount == test.classCount, train.classCount <= Network.maximumOutputs else {
            throw .invalidData("the training set has \(train.classCount) classes, the test set \(test.classCount)")
        }
        guard config.batch <= train.count else {
            throw .invalidData("batch \(config.batch) is larger than the training set (\(train.count) images)")
        }
        let stack: LayerStack
        do {
            stack = try LayerStack(input: Self.inputShape(of: train), layers: config.layers, outputs: train.classCount)
            try stack.requireFits(batch: config.batch, timeSteps: config.timeSteps)
        } catch {
            throw .invalidLayers("\(error.description) (the data's samples are \(Self.inputShape(of: train)))")
        }
        let directory = RunDirectory(path: runDirectory)
        let lock: DirectoryLock
        do {
            let claimed = try directory.claimForNewRun(overwrite: setup.overwrite)
            lock = claimed.lock
            if let movedTo = claimed.movedTo { observer.directoryMovedAside(from: runDirectory, to: movedTo) }
        } catch {
            throw .directory(error)
        }
        defer { withExtendedLifetime(lock) {} }
        let fingerprint = DataFingerprint(train: used, test: test)
        let identity = RunIdentity(
            config: config, data: fingerprint.description, parent: nil, keep: 0, checkpointEvery: "never",
            command: setup.command)
        try write { () throws(FileWriteError) in
            try AtomicFile.write(text: identity.jsonText(), to: directory.file(RunIdentity.fileName))
            try AtomicFile.write(text: config.jsonText(), to: directory.file(RunDirectory.configuration))
        }

        let network = LayeredNetwork(stack: stack, outputs: train.classCount, seed: config.seed)
        let pool = WorkerPool(threadCount: threads)
        let trainer = LayeredTrainer(config: config, network: network, pool: pool)
        let evaluator = LayeredEvaluator(config: config, network: network, pool: pool)
        var average = config.averageFrom > 0 ? WeightAveraging(firstEpoch: config.averageFrom) : nil
        var records: [EpochRecord] = []
        observer.runStarted(
            config: config, threads: threads, runDirectory: runDirectory, trainSamples: train.count,
            testSamples: test.count)
        for epoch in 1...config.epochs {
            let order = EpochOrder.permutation(count: train.count, seed: config.seed, epoch: epoch)
            let start = DispatchTime.now().uptimeNanoseconds
            var done = 0
            var correct = 0
            var batches = 0
            while done < order.count {
                let batch = order[done..<min(done + config.batch, order.count)]
                do {
                    correct += try trainer.trainBatch(samples: batch, dataset: train, epoch: epoch)
                } catch {
                    throw .diverged(epoch: epoch, batch: batches + 1, detail: error.description)
                }
                batches += 1
                done += batch.count
                if config.averageEvery == .batch, var running = average, running.includes(epoch: epoch) {
                    running.add(network.parameters())
                    average = running
                }
                observer.batchFinished(
                    epoch: epoch, samplesDone: done, samplesTotal: order.count, correct: correct,
                    elapsedSeconds: seconds(since: start))
            }
            let trainSeconds = seconds(since: start)
            observer.evaluationStarted(epoch: epoch)
            let evaluation = evaluator.evaluate(test)
            var record = EpochRecord(
                epoch: epoch, trainAccuracy: Double(correct) / Double(order.count),
                testSpikeAccuracy: evaluation.spikeAccuracy, testRelaxedAccuracy: evaluation.relaxedAccuracy,
                seconds: trainSeconds, samplesPerSecond: Double(order.count) / max(trainSeconds, 1e-9))
            if let validation {
                let held = evaluator.evaluate(validation)
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
                    let result = meanEvaluator.evaluate(set)
                    return ReadoutAccuracy(spike: result.spikeAccuracy, relaxed: result.relaxedAccuracy)
                }
                record.averagedTest = accuracy(test)
                record.averagedValidation = validation.map(accuracy)
                averaged = mean
            }
            records.append(record)
            let improved = EpochSelection.best(of: records)?.record.epoch == epoch
            try write { () throws(FileWriteError) in
                let bytes = LayeredModelFile.encode(network: network, config: config)
                try AtomicFile.write(bytes, to: directory.file(Self.model))
                if improved { try AtomicFile.write(bytes, to: directory.file(Self.bestModel)) }
                if let averaged {
                    try LayeredModelFile.write(
                        network: averaged, config: config, to: directory.file(Self.averagedModel))
                }
                try AtomicFile.write(text: MetricsTable.csv(records), to: directory.file(RunDirectory.metrics))
            }
            observer.epochFinished(record)
        }
        return records
    }

    private func write(_ body: () throws(FileWriteError) -> Void) throws(SessionError) {
        do { try body() } catch { throw .output(error.description) }
    }

    private func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
