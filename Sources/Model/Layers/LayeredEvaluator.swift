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
        let (spike, relaxed) = predictionBuffers(on: dataset, samples: 0..<dataset.count)
        return Evaluation(
            dataset: dataset, outputs: network.outputs, spike: spike.array.prefix(dataset.count).map(Int.init),
            relaxed: relaxed.array.prefix(dataset.count).map(Int.init))
    }

    /// Both readouts' classes and the output spike counts of every sample (what `ptrain predict` writes), as
    /// `Evaluator.outputs(on:)` gives them for the three-layer network.
    public func outputs(on dataset: Dataset) -> Evaluator.Outputs {
        let counts = AlignedBuffer<Int32>(count: dataset.count * network.outputs)
        let (spike, relaxed) = predictionBuffers(on: dataset, samples: 0..<dataset.count, counts: counts)
        return Evaluator.Outputs(
            spike: spike.array.prefix(dataset.count).map(Int.init),
            relaxed: relaxed.array.prefix(dataset.count).map(Int.init), classes: network.outputs,
            spikeCounts: counts.array)
    }

    /// `evaluate` on one rank of a group: each rank classifies its share of the samples (`Distribution.shares`),
    /// the ranks all-gather the predictions, and every rank returns the evaluation a single process computes
    /// (every sample is classified by the same arithmetic, its spikes keyed by its index).
    /// - Precondition: every rank holds the same network (a layered run updates the whole network on every rank).
    public func evaluate(_ dataset: Dataset, distribution: Distribution) -> Evaluation {
        let shares = distribution.shares(of: dataset.count)
        let (spike, relaxed) = predictionBuffers(on: dataset, samples: shares[distribution.rank])
        return distribution.gatheredEvaluation(of: dataset, outputs: network.outputs, spike: spike, relaxed: relaxed)
    }

    /// The spike and relaxed readouts' classes of `samples` (indices into `dataset`), at those indices of two
    /// buffers of `dataset.count` entries (at least one); the other entries are 0. With `counts` (`dataset.count
    /// × outputs` entries) also each sample's output spike counts.
    func predictionBuffers(
        on dataset: Dataset, samples: Range<Int>, counts: AlignedBuffer<Int32>? = nil
    ) -> (AlignedBuffer<Int32>, AlignedBuffer<Int32>) {
        precondition(dataset.inputsPerSample == network.inputs, "dataset and network disagree on the inputs")
        precondition(samples.lowerBound >= 0 && samples.upperBound <= dataset.count, "samples outside the data set")
        let countBuffer = counts ?? AlignedBuffer<Int32>(count: 0)
        let keepCounts = counts != nil
        precondition(
            !keepCounts || countBuffer.count == dataset.count * network.outputs, "counts buffer of the wrong size")
        let spike = AlignedBuffer<Int32>(count: max(dataset.count, 1))
        let relaxed = AlignedBuffer<Int32>(count: max(dataset.count, 1))
        let count = samples.count
        let first = samples.lowerBound
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
        network.withUnsafeLayers(feedback: true) { layers in
            dataset.withUnsafeSamples { values in
                spike.withUnsafeMutableBufferPointer { spike in
                    relaxed.withUnsafeMutableBufferPointer { relaxed in
                        countBuffer.withUnsafeMutableBufferPointer { countOut in
                            pool.run(tasks: tasks) { task, worker in
                                workers[worker].state.withView { view in
                                    workers[worker].trains.withUnsafeSamples { trains in
                                        for sample in (first + task * chunk)..<(first + min(count, (task + 1) * chunk))
                                        {
                                            // This is safe because each sample belongs to one task and each worker's
                                            // state and spike trains to one thread.
                                            encoder.encode(
                                                sample: sample, of: values, stream: .testSpikes, epoch: 0,
                                                into: trains[0])
                                            _ = LayeredDynamics.feedForward(
                                                layers: layers, state: view, sample: 0, trains: trains[0],
                                                config: config)
                                            spike[sample] = Int32(
                                                Dynamics.spikePrediction(
                                                    spikeCounts: UnsafeBufferPointer(view.counts(sample: 0)),
                                                    tieBreak: UnsafeBufferPointer(
                                                        start: view.pointer(.drive, layer: last, sample: 0),
                                                        count: outputs),
                                                    outputs: outputs))
                                            if keepCounts {
                                                _ = countOut.extracting((sample * outputs)..<((sample + 1) * outputs))
                                                    .update(
                                                        fromContentsOf: view.counts(sample: 0).extracting(0..<outputs))
                                            }
                                            for _ in 0..<config.kFree {
                                                LayeredDynamics.relax(
                                                    layers: layers, state: view, sample: 0, field: .free,
                                                    eps: config.eps,
                                                    beta: 0, target: -1, holdOutput: false)
                                            }
                                            relaxed[sample] = Int32(
                                                Dynamics.argmax(
                                                    UnsafeBufferPointer(
                                                        start: view.pointer(.free, layer: last, sample: 0),
                                                        count: outputs),
                                                    count: outputs))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (spike, relaxed)
    }
}
