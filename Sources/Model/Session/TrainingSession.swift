import Foundation
import Parallel

/// A whole training run: trains `config.epochs` epochs, evaluates the test set after each, and keeps the run
/// directory current (`config.json`, `metrics.csv`, `weights.bin`, each written atomically).
public struct TrainingSession {
    public let config: RunConfig
    public let data: MNIST
    public let threads: Int
    public let runDirectory: String

    /// `config` is resolved here: `shards = 0` becomes the actual shard count, so `config.json` alone
    /// reproduces the run.
    public init(config: RunConfig, data: MNIST, threads: Int, runDirectory: String) {
        var resolved = config
        resolved.shards = config.resolvedShards
        self.config = resolved
        self.data = data
        self.threads = threads
        self.runDirectory = runDirectory
    }

    /// Runs every epoch; returns the metrics of each.
    /// - Throws: `SessionError` (bad data shapes, divergence, files that cannot be written).
    public func run(observer: any TrainingObserver) throws(SessionError) -> [EpochRecord] {
        let train = data.train.prefix(config.trainLimit)
        let test = data.test.prefix(config.testLimit)
        guard train.count >= 1 else { throw .invalidData("the training set is empty") }
        guard train.pixelsPerImage == test.pixelsPerImage else {
            throw .invalidData("training images have \(train.pixelsPerImage) pixels, test images \(test.pixelsPerImage)")
        }
        guard config.batch <= train.count else {
            throw .invalidData("batch \(config.batch) is larger than the training set (\(train.count) images)")
        }
        try createDirectory()
        try write { () throws(FileWriteError) in try AtomicFile.write(text: config.jsonText(), to: path("config.json")) }

        let network = Network(inputs: train.pixelsPerImage, hidden: config.hidden, shards: config.shards, seed: config.seed)
        let pool = WorkerPool(threadCount: threads)
        let trainer = Trainer(config: config, network: network, pool: pool)
        let evaluator = Evaluator(config: config, network: network, pool: pool)
        observer.runStarted(
            config: config, threads: threads, runDirectory: runDirectory, trainSamples: train.count,
            testSamples: test.count)

        var records: [EpochRecord] = []
        for epoch in 1...config.epochs {
            let order = EpochOrder.permutation(count: train.count, seed: config.seed, epoch: epoch)
            let start = DispatchTime.now().uptimeNanoseconds
            var correct = 0
            var done = 0
            while done < order.count {
                let batch = order[done..<min(done + config.batch, order.count)]
                do {
                    correct += try trainer.trainBatch(samples: batch, dataset: train, epoch: epoch)
                } catch {
                    throw .diverged(epoch: epoch, batch: done / config.batch + 1, detail: error.description)
                }
                done += batch.count
                observer.batchFinished(
                    epoch: epoch, samplesDone: done, samplesTotal: order.count, correct: correct,
                    elapsedSeconds: seconds(since: start))
            }
            let trainSeconds = seconds(since: start)
            observer.evaluationStarted(epoch: epoch)
            let evaluation = evaluator.evaluate(test)
            let record = EpochRecord(
                epoch: epoch, trainAccuracy: Double(correct) / Double(train.count),
                testSpikeAccuracy: evaluation.spikeAccuracy, testRelaxedAccuracy: evaluation.relaxedAccuracy,
                seconds: trainSeconds, samplesPerSecond: Double(train.count) / max(trainSeconds, 1e-9))
            records.append(record)
            try write { () throws(FileWriteError) in
                try WeightsFile.write(network: network, config: config, to: path("weights.bin"))
                try AtomicFile.write(text: MetricsTable.csv(records), to: path("metrics.csv"))
            }
            observer.epochFinished(record)
        }
        return records
    }

    private func path(_ name: String) -> String { (runDirectory as NSString).appendingPathComponent(name) }

    private func createDirectory() throws(SessionError) {
        do {
            try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
        } catch {
            throw .output("\(runDirectory): cannot create run directory: \(error.localizedDescription)")
        }
    }

    private func write(_ body: () throws(FileWriteError) -> Void) throws(SessionError) {
        do { try body() } catch { throw .output(error.description) }
    }

    private func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

/// Why a training session stopped.
public enum SessionError: Error, Equatable, CustomStringConvertible {
    case invalidData(String)
    case diverged(epoch: Int, batch: Int, detail: String)
    case output(String)

    public var description: String {
        switch self {
        case .invalidData(let reason): return "invalid data: \(reason)"
        case .diverged(let epoch, let batch, let detail): return "epoch \(epoch), batch \(batch): \(detail)"
        case .output(let reason): return reason
        }
    }
}

/// Test-set accuracy of a network by both readouts.
public struct Evaluation: Sendable, Equatable {
    /// Images evaluated.
    public var count: Int
    /// Fraction correct by output spike counts (ties broken by V^FF_y).
    public var spikeAccuracy: Double
    /// Fraction correct by relaxed output potentials.
    public var relaxedAccuracy: Double
    /// confusion[true][predicted] counts for the spike readout.
    public var confusion: [[Int]]
}

/// Evaluates the weights file `path` (written by `ptrain train`) on `dataset`.
public func evaluateWeightsFile(path: String, dataset: Dataset, threads: Int) throws(WeightsFileError) -> Evaluation {
    let (config, network) = try WeightsFile.read(path: path)
    guard dataset.pixelsPerImage == network.inputs else {
        throw .shapeMismatch(path: path, reason: "network has \(network.inputs) inputs, images have \(dataset.pixelsPerImage) pixels")
    }
    let pool = WorkerPool(threadCount: threads)
    return Evaluator(config: config, network: network, pool: pool).evaluate(dataset)
}
