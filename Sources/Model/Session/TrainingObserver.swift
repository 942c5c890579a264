/// One epoch's line of `metrics.csv`.
public struct EpochRecord: Sendable, Equatable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Fraction of training samples classified correctly by the spike readout before their update.
    public var trainAccuracy: Double
    /// Test accuracy, argmax of output spike counts (the paper's readout).
    public var testSpikeAccuracy: Double
    /// Test accuracy, argmax of relaxed output potentials.
    public var testRelaxedAccuracy: Double
    /// Wall seconds of the epoch's training (evaluation excluded).
    public var seconds: Double
    /// Training samples per second.
    public var samplesPerSecond: Double
    /// Accuracy on the held-out validation images (`validation` key); nil without a validation split.
    public var validation: ReadoutAccuracy?
    /// The averaged weights' accuracy (`averageFrom`, `WeightAveraging`) on the test images and on the
    /// validation images; nil in epochs before `averageFrom` and in runs without averaging.
    public var averagedTest: ReadoutAccuracy?
    public var averagedValidation: ReadoutAccuracy?

    public init(
        epoch: Int, trainAccuracy: Double, testSpikeAccuracy: Double, testRelaxedAccuracy: Double,
        seconds: Double, samplesPerSecond: Double, validation: ReadoutAccuracy? = nil
    ) {
        self.epoch = epoch
        self.trainAccuracy = trainAccuracy
        self.testSpikeAccuracy = testSpikeAccuracy
        self.testRelaxedAccuracy = testRelaxedAccuracy
        self.seconds = seconds
        self.samplesPerSecond = samplesPerSecond
        self.validation = validation
    }
}

/// One model's accuracy on one image set by both readouts.
public struct ReadoutAccuracy: Sendable, Equatable {
    /// Argmax of output spike counts.
    public var spike: Double
    /// Argmax of relaxed output potentials.
    public var relaxed: Double

    public init(spike: Double, relaxed: Double) {
        self.spike = spike
        self.relaxed = relaxed
    }
}

/// Receives progress from a training session, on the thread that runs it (the command line draws the
/// progress line from these calls; `Model` knows nothing about terminals).
public protocol TrainingObserver: AnyObject {
    /// Called once before the first epoch.
    func runStarted(config: RunConfig, threads: Int, runDirectory: String, trainSamples: Int, testSamples: Int)
    /// Called after every batch (cheap: the observer decides how often to draw).
    func batchFinished(epoch: Int, samplesDone: Int, samplesTotal: Int, correct: Int, elapsedSeconds: Double)
    /// Called when the epoch's training is done and the test set is being evaluated.
    func evaluationStarted(epoch: Int)
    /// Called with the epoch's metrics after they were written to `metrics.csv`.
    func epochFinished(_ record: EpochRecord)
    /// Called after `runStarted` when the run continues from a checkpoint, with the position it continues at.
    func runResumed(at cursor: TrainingCursor)
    /// Called after each checkpoint file is written (`latest.ckpt` mid-epoch or at an epoch's end).
    func checkpointWritten(path: String, cursor: TrainingCursor)
    /// Called before anything is written when `--overwrite` moved the directory's old contents to `movedTo`.
    func directoryMovedAside(from directory: String, to movedTo: String)
}

extension TrainingObserver {
    public func runResumed(at cursor: TrainingCursor) {}
    public func checkpointWritten(path: String, cursor: TrainingCursor) {}
    public func directoryMovedAside(from directory: String, to movedTo: String) {}
}
