/// The running mean of a run's end-of-epoch weights from epoch `firstEpoch` on (stochastic weight averaging,
/// Izmailov et al. 2018; the `averageFrom` key). Late in a run the test accuracy wanders around a plateau from
/// epoch to epoch (±0.15 points at H = 4,500, docs/results.md); the mean of the plateau's weights sits nearer its
/// centre than any one epoch's. The averaged weights are evaluated as a second model after every epoch but never
/// trained: training continues from the epoch's own weights.
///
/// Every parameter is summed in Float64, epoch by epoch in order, and divided once when the mean is taken, then
/// rounded to Float32. `ptrain average` over the same epochs' checkpoints (`WeightAverage`) uses this type, so
/// the two give bit-identical weights. The sums travel in every checkpoint (section AVRG), so a resumed run
/// continues the same sums bit-exactly.
public struct WeightAveraging: Sendable, Equatable {
    /// The first epoch whose weights are summed.
    public let firstEpoch: Int
    /// How many snapshots of the weights are in `sums`: epochs, or batches with `averageEvery: batch`.
    public private(set) var count: Int
    /// The Float64 sums of the canonical parameters (W1, b1, W2, b2; `Network.canonicalParameters()`); empty
    /// until the first epoch is added.
    public private(set) var sums: [Double]

    /// An empty average that starts at `firstEpoch`.
    /// - Precondition: firstEpoch ≥ 1.
    public init(firstEpoch: Int) {
        precondition(firstEpoch >= 1, "averaging starts at epoch 1 or later, not \(firstEpoch)")
        self.firstEpoch = firstEpoch
        count = 0
        sums = []
    }

    /// An average as a checkpoint stores it.
    /// - Precondition: `sums` is empty exactly when `count` is 0.
    init(firstEpoch: Int, count: Int, sums: [Double]) {
        precondition(firstEpoch >= 1 && count >= 0 && (count == 0) == sums.isEmpty, "inconsistent average")
        self.firstEpoch = firstEpoch
        self.count = count
        self.sums = sums
    }

    /// Whether the weights at the end of `epoch` belong in the average.
    public func includes(epoch: Int) -> Bool { epoch >= firstEpoch }

    /// How many epochs an average starting at `firstEpoch` holds after `completedEpochs` finished epochs.
    public static func count(firstEpoch: Int, completedEpochs: Int) -> Int {
        max(0, completedEpochs - firstEpoch + 1)
    }

    /// Adds one epoch's canonical parameters.
    /// - Precondition: `parameters` has as many values as every earlier addition.
    public mutating func add(_ parameters: [Float]) {
        if sums.isEmpty {
            sums = parameters.map(Double.init)
        } else {
            precondition(
                parameters.count == sums.count, "\(parameters.count) parameters, the average holds \(sums.count)")
            for index in sums.indices { sums[index] += Double(parameters[index]) }
        }
        count += 1
    }

    /// The mean parameters, each sum divided by the count and rounded to Float32; nil before the first addition.
    public var mean: [Float]? {
        guard count > 0 else { return nil }
        let divisor = Double(count)
        return sums.map { Float($0 / divisor) }
    }
}
