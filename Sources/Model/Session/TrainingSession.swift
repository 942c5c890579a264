/// A whole training run: trains `config.epochs` epochs, evaluates the test set after each, and writes the run
/// directory (`config.json`, `metrics.csv`, `weights.bin`).
public struct TrainingSession {
    public let config: RunConfig
    public let data: MNIST
    public let threads: Int
    public let runDirectory: String

    public init(config: RunConfig, data: MNIST, threads: Int, runDirectory: String) {
        self.config = config
        self.data = data
        self.threads = threads
        self.runDirectory = runDirectory
    }

    /// Runs every epoch; returns the metrics of each. Throws `TrainingError` (divergence, I/O).
    public func run(observer: any TrainingObserver) throws -> [EpochRecord] {
        fatalError("TODO: implemented by the training engine")
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
public func evaluateWeightsFile(path: String, dataset: Dataset, threads: Int) throws -> Evaluation {
    fatalError("TODO: implemented by the training engine")
}
