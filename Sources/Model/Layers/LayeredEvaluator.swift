import Parallel

/// Classifies a data set with a `LayeredNetwork` by both readouts (issue #15): the paper's spike readout (the
/// feed-forward pass alone, Eq. 5: argmax of output spike counts, ties broken by the unclamped averaged output
/// drive, then by the lower class) and the relaxed readout (K_free free relaxation steps after it, argmax V_y).
///
/// One task per chunk of samples; each worker has its own one-sample state, and each sample's spikes are keyed
/// by its index (stream `testSpikes`), so predictions do not depend on the thread count.
public struct LayeredEvaluator {
    public let config: RunConfig
    public let network: LayeredNetwork
    let pool: WorkerPool

    public init(config: RunConfig, network: LayeredNetwork, pool: WorkerPool) {
        self.config = config
        self.network = network
        self.pool = pool
    }

    /// `network` (trained with `config`) evaluated on `dataset` with `threads` threads.
    public static func evaluate(
        network: LayeredNetwork, config: RunConfig, dataset: Dataset, threads: Int
    ) -> Evaluation {
        LayeredEvaluator(config: config, network: network, pool: WorkerPool(threadCount: threads)).evaluate(dataset)
    }

    /// Accuracy of both readouts and the spike readout's confusion matrix.
    public func evaluate(_ dataset: Dataset) -> Evaluation {
        precondition(dataset.inputsPerSample == network.inputs, "dataset and network disagree on the inputs")
        let count = dataset.count
        let spike = AlignedBuffer<Int32>(count: max(count, 1))
        let relaxed = AlignedBuffer<Int32>(count: max(count, 1))
        let workers = (0..<pool.threadCount).map { _ in
            (
                state: LayeredState(network: network, capacity: 1),
                trains: SpikeTrainBuffers(capacity: 1, timeSteps: config.timeSteps, inputs: network.inputs)
            )
        }
        let chunk = max(16, (count + 4095) / 4096)
        let tasks = (count + chunk - 1) / chunk
        let encoder = SpikeEncoder(seed: config.seed, timeSteps: config.timeSteps, inputs: network.inputs)
        let outputs = network.outputs
        let last = network.layers.count - 1
        network.withUnsafeLayers { layers in
            dataset.withUnsafeSamples { values in
                spike.withUnsafeMutableBufferPointer { spike in
                    relaxed.withUnsafeMutableBufferPointer { relaxed in
                        pool.run(tasks: tasks) { task, worker in
                            workers[worker].state.withView { view in
                                workers[worker].trains.withUnsafeSamples { trains in
                                    for sample in (task * chunk)..<min(count, (task + 1) * chunk) {
                                        // This is safe because each sample belongs to one task and each worker's
                                        // state and spike trains to one thread.
                                        encoder.encode(
                                            sample: sample, of: values, stream: .testSpikes, epoch: 0, into: trains[0])
                                        _ = LayeredDynamics.feedForward(
                                            layers: layers, state: view, sample: 0, trains: trains[0], config: config)
                                        spike[sample] = Int32(
                                            Dynamics.spikePrediction(
                                                spikeCounts: UnsafeBufferPointer(view.counts(sample: 0)),
                                                tieBreak: UnsafeBufferPointer(
                                                    start: view.pointer(.drive, layer: last, sample: 0),
                                                    count: outputs),
                                                outputs: outputs))
                                        for _ in 0..<config.kFree {
                                            LayeredDynamics.relax(
                                                layers: layers, state: view, sample: 0, field: .free, eps: config.eps,
                                                beta: 0, target: -1, holdOutput: false)
                                        }
                                        relaxed[sample] = Int32(
                                            Dynamics.argmax(
                                                UnsafeBufferPointer(
                                                    start: view.pointer(.free, layer: last, sample: 0), count: outputs),
                                                count: outputs))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let spikePredictions = (0..<count).map { Int(spike[$0]) }
        let relaxedPredictions = (0..<count).map { Int(relaxed[$0]) }
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: outputs), count: outputs)
        var spikeCorrect = 0
        var relaxedCorrect = 0
        for index in 0..<count {
            let label = Int(dataset.labels[index])
            if spikePredictions[index] == label { spikeCorrect += 1 }
            if relaxedPredictions[index] == label { relaxedCorrect += 1 }
            if label < outputs { confusion[label][spikePredictions[index]] += 1 }
        }
        let total = Double(max(count, 1))
        return Evaluation(
            count: count, spikeAccuracy: Double(spikeCorrect) / total, relaxedAccuracy: Double(relaxedCorrect) / total,
            confusion: confusion, spikePredictions: spikePredictions)
    }
}
