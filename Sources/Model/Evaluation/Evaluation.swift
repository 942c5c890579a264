import Parallel

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
    /// The spike readout's class for every image, in the dataset's order (what `ptrain compare` pairs).
    public var spikePredictions: [Int]
}

extension Evaluation {
    /// The evaluation of `spike` and `relaxed`, one predicted class per sample of `dataset` in its order, by a
    /// network of `outputs` classes (a label at or beyond `outputs` counts as wrong and is left out of the
    /// confusion matrix).
    public init(dataset: Dataset, outputs: Int, spike: [Int], relaxed: [Int]) {
        precondition(spike.count == dataset.count && relaxed.count == dataset.count, "one prediction per sample")
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: outputs), count: outputs)
        var spikeCorrect = 0
        var relaxedCorrect = 0
        for index in 0..<dataset.count {
            let label = Int(dataset.labels[index])
            if spike[index] == label { spikeCorrect += 1 }
            if relaxed[index] == label { relaxedCorrect += 1 }
            if label < outputs { confusion[label][spike[index]] += 1 }
        }
        let total = Double(max(dataset.count, 1))
        self.init(
            count: dataset.count, spikeAccuracy: Double(spikeCorrect) / total,
            relaxedAccuracy: Double(relaxedCorrect) / total, confusion: confusion, spikePredictions: spike)
    }
}

extension Distribution {
    /// The evaluation of `dataset` from predictions that each rank computed for its share of the samples
    /// (`shares(of: dataset.count)`), at those indices of `spike` and `relaxed` (at least `dataset.count`
    /// entries, and at least one): the ranks all-gather both buffers, and every rank returns the same evaluation.
    func gatheredEvaluation(
        of dataset: Dataset, outputs: Int, spike: AlignedBuffer<Int32>, relaxed: AlignedBuffer<Int32>
    ) -> Evaluation {
        precondition(spike.count >= max(dataset.count, 1) && relaxed.count >= max(dataset.count, 1), "short buffers")
        let bytes = shares(of: dataset.count).map { ($0.lowerBound * 4)..<($0.upperBound * 4) }
        for buffer in [spike, relaxed] {
            buffer.withUnsafeMutableBytes { raw in communicator.allGather(raw.baseAddress!, ranges: bytes) }
        }
        return Evaluation(
            dataset: dataset, outputs: outputs, spike: spike.array.prefix(dataset.count).map(Int.init),
            relaxed: relaxed.array.prefix(dataset.count).map(Int.init))
    }
}
