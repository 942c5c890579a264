/// Where a run stands: with the weights, the complete state of training.
///
/// Nothing else carries over from one batch to the next: epoch `e` visits the training set in the order
/// `EpochOrder.permutation(count:seed:epoch: e)`, and the spike trains of sample `i` in epoch `e` come from
/// `CounterRNG` keyed by (seed, epoch, sample, time step), so no generator state needs saving. Resuming at a
/// cursor therefore trains exactly the batches an uninterrupted run would have trained next.
public struct TrainingCursor: Sendable, Equatable {
    /// The epoch in progress, 1-based. After the last batch of epoch `e` has been evaluated the cursor moves
    /// to `epoch = e + 1, batchesDone = 0`; a cursor past `config.epochs` belongs to a finished run.
    public var epoch: Int
    /// Batches of this epoch already trained; the next batch is `order[batchesDone·B ..< …]`.
    public var batchesDone: Int
    /// Samples of this epoch already trained (`min(batchesDone·B, epochSamples)`).
    public var samplesDone: Int
    /// Training images per epoch (the length of the epoch's permutation).
    public var epochSamples: Int
    /// Samples of this epoch the spike readout classified correctly before their update.
    public var correct: Int
    /// Wall seconds of this epoch's training so far (kept in the TIME section, not in CURS; see
    /// docs/checkpoint-format.md).
    public var trainSeconds: Double

    public init(epoch: Int, batchesDone: Int, samplesDone: Int, epochSamples: Int, correct: Int, trainSeconds: Double) {
        self.epoch = epoch
        self.batchesDone = batchesDone
        self.samplesDone = samplesDone
        self.epochSamples = epochSamples
        self.correct = correct
        self.trainSeconds = trainSeconds
    }

    /// The start of `epoch`.
    public static func start(epoch: Int, epochSamples: Int) -> TrainingCursor {
        TrainingCursor(
            epoch: epoch, batchesDone: 0, samplesDone: 0, epochSamples: epochSamples, correct: 0, trainSeconds: 0)
    }

    /// Epochs finished (trained and evaluated) before this cursor.
    public var completedEpochs: Int { epoch - 1 }

    /// Whether the cursor is inside an epoch (some of its batches trained) rather than at its start.
    public var isMidEpoch: Bool { samplesDone > 0 }

    /// Batches in an epoch of `epochSamples` images with batch size `batch` (the last one may be short).
    public static func batchesPerEpoch(samples: Int, batch: Int) -> Int { (samples + batch - 1) / max(batch, 1) }
}

/// The best test spike accuracy of a run so far (the paper's readout), and the epoch that reached it first.
public struct BestAccuracy: Sendable, Equatable {
    public var epoch: Int
    public var testSpikeAccuracy: Double
    public var testRelaxedAccuracy: Double

    public init(epoch: Int, testSpikeAccuracy: Double, testRelaxedAccuracy: Double) {
        self.epoch = epoch
        self.testSpikeAccuracy = testSpikeAccuracy
        self.testRelaxedAccuracy = testRelaxedAccuracy
    }

    /// The test accuracies of the epoch `EpochSelection.best(of:)` chooses (by validation when the records
    /// have it, otherwise by test spike accuracy; the first on a tie); nil when there are none.
    public static func of(_ records: [EpochRecord]) -> BestAccuracy? {
        EpochSelection.best(of: records).map {
            BestAccuracy(
                epoch: $0.record.epoch, testSpikeAccuracy: $0.record.testSpikeAccuracy,
                testRelaxedAccuracy: $0.record.testRelaxedAccuracy)
        }
    }
}
