import Parallel

/// Classifies a dataset with a trained network by both readouts, spreading samples over the pool.
///
/// Spike readout (the paper's test rule): step 1 only, argmax of output spike counts, ties by the unclamped
/// averaged output drive Σ_t I_y(t)/T (V^FF_y before ρ, so that saturated outputs do not tie at 1).
/// Relaxed readout: steps 1–2 (K_free relaxation steps from V^FF), argmax V_y. Each sample is computed
/// by one thread, shard after shard, with the same per-shard functions as training, so results do not
/// depend on the thread count.
public struct Evaluator {
    public let config: RunConfig
    public let network: Network
    public let pool: WorkerPool

    public init(config: RunConfig, network: Network, pool: WorkerPool) {
        self.config = config
        self.network = network
        self.pool = pool
    }

    /// Predictions of both readouts for every sample of `dataset`.
    public func predictions(on dataset: Dataset) -> (spike: [Int], relaxed: [Int]) {
        let (spike, relaxed) = predictionBuffers(on: dataset, samples: 0..<dataset.count)
        return (spike.array.prefix(dataset.count).map(Int.init), relaxed.array.prefix(dataset.count).map(Int.init))
    }

    /// Both readouts' predictions and the output spike counts of every sample of `dataset` (`ptrain predict`).
    public func outputs(on dataset: Dataset) -> Outputs {
        let counts = AlignedBuffer<Int32>(count: dataset.count * network.outputs)
        let (spike, relaxed) = predictionBuffers(on: dataset, samples: 0..<dataset.count, counts: counts)
        return Outputs(
            spike: spike.array.prefix(dataset.count).map(Int.init),
            relaxed: relaxed.array.prefix(dataset.count).map(Int.init), classes: network.outputs,
            spikeCounts: counts.array)
    }

    /// What `outputs(on:)` returns: per sample the spike and relaxed readouts' classes and the `classes` output
    /// spike counts (sample after sample).
    public struct Outputs: Sendable {
        public let spike: [Int]
        public let relaxed: [Int]
        public let classes: Int
        public let spikeCounts: [Int32]

        /// Sample `index`'s output spike counts.
        public func counts(of index: Int) -> ArraySlice<Int32> {
            spikeCounts[(index * classes)..<((index + 1) * classes)]
        }
    }

    /// Predictions for `samples` of `dataset`, spike readout first, then relaxed, at the samples' indices of
    /// two buffers of `dataset.count` entries, at least one (entries outside `samples` stay 0); with `counts` (`dataset.count
    /// × outputs` entries) also each sample's output spike counts.
    private func predictionBuffers(
        on dataset: Dataset, samples: Range<Int>, counts: AlignedBuffer<Int32>? = nil
    ) -> (spike: AlignedBuffer<Int32>, relaxed: AlignedBuffer<Int32>) {
        precondition(dataset.inputsPerSample == network.inputs, "dataset and network disagree on the input size")
        precondition(
            dataset.labels.allSatisfy { Int($0) < network.outputs }, "a label is past the network's outputs")
        precondition(samples.lowerBound >= 0 && samples.upperBound <= dataset.count, "samples outside the dataset")
        let spike = AlignedBuffer<Int32>(count: max(dataset.count, 1))
        let relaxed = AlignedBuffer<Int32>(count: max(dataset.count, 1))
        let count = samples.count
        let first = samples.lowerBound
        let scratches = (0..<pool.threadCount).map { _ in
            EvaluationScratch(network: network, timeSteps: config.timeSteps)
        }
        // 64 samples per task, more when a dataset would need over 4,096 tasks (the pool's limit per call).
        let chunk = max(64, (count + 4095) / 4096)
        let tasks = (count + chunk - 1) / chunk
        let outputs = network.outputs
        let countBuffer = counts ?? AlignedBuffer<Int32>(count: 0)
        let keepCounts = counts != nil
        precondition(!keepCounts || countBuffer.count == dataset.count * outputs, "counts buffer of the wrong size")
        dataset.withUnsafeSamples { values in
            countBuffer.withUnsafeMutableBufferPointer { countOut in
                spike.withUnsafeMutableBufferPointer { spike in
                    relaxed.withUnsafeMutableBufferPointer { relaxed in
                        pool.run(tasks: tasks) { task, worker in
                            scratches[worker].withView(network: network) { scratch in
                                for sample in (first + task * chunk)..<(first + min(count, (task + 1) * chunk)) {
                                    // This is safe because each sample index belongs to exactly one task.
                                    let result = classify(sample: sample, of: values, scratch: scratch)
                                    spike[sample] = Int32(result.spike)
                                    relaxed[sample] = Int32(result.relaxed)
                                    if keepCounts {
                                        // The spike counts of the feed-forward pass, still in the scratch.
                                        _ = countOut.extracting((sample * outputs)..<((sample + 1) * outputs))
                                            .update(fromContentsOf: scratch.spikeCounts.extracting(0..<outputs))
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

    /// Accuracy of both readouts and the spike readout's confusion matrix.
    public func evaluate(_ dataset: Dataset) -> Evaluation {
        let (spike, relaxed) = predictions(on: dataset)
        return Evaluation(dataset: dataset, outputs: network.outputs, spike: spike, relaxed: relaxed)
    }

    /// `evaluate` on one rank of a group: each rank classifies its share of the samples (contiguous, in rank
    /// order), the ranks all-gather the predictions, and every rank returns the same evaluation — the one a
    /// single process computes, since every sample is classified by the same arithmetic.
    /// - Precondition: every rank holds the whole network (`Distribution.shareWeights(of:)`).
    public func evaluate(_ dataset: Dataset, distribution: Distribution) -> Evaluation {
        let shares = distribution.shares(of: dataset.count)
        let (spike, relaxed) = predictionBuffers(on: dataset, samples: shares[distribution.rank])
        return distribution.gatheredEvaluation(of: dataset, outputs: network.outputs, spike: spike, relaxed: relaxed)
    }

    private func classify(sample: Int, of values: SampleValues, scratch: EvaluationScratch.View) -> (
        spike: Int, relaxed: Int
    ) {
        let steps = config.timeSteps
        let shards = network.shards
        let outputs = network.outputs
        let trains = scratch.trains
        SpikeEncoder(seed: config.seed, timeSteps: steps, inputs: network.inputs).encode(
            sample: sample, of: values, stream: .testSpikes, epoch: 0, into: trains)
        for (s, shard) in shards.enumerated() {
            let drive = scratch.hidden(scratch.drive, shard: s)
            Dynamics.hiddenFeedForward(
                shard: shard, spikes: trains, timeSteps: steps, leak: config.leak, threshold: config.theta,
                reset: config.reset,
                scratch: scratch.neurons, drive: drive,
                partial: scratch.feedForwardPartials.extracting(
                    (s * steps * network.outputWidth)..<((s + 1) * steps * network.outputWidth)))
            Kernels.unitClamp(
                drive.pointer(at: 0, count: shard.width),
                into: scratch.hidden(scratch.potential, shard: s).pointer(at: 0, count: shard.width),
                count: shard.width)
        }
        _ = Dynamics.outputFeedForward(
            partials: scratch.feedForwardPartials.pointer(at: 0, count: shards.count * steps * network.outputWidth),
            shardCount: shards.count, shardStride: steps * network.outputWidth, bias: scratch.bias, outputs: outputs,
            timeSteps: steps, leak: config.leak, threshold: config.theta, reset: config.reset,
            feedForward: scratch.output,
            spikeCounts: scratch.spikeCounts, unclampedDrive: scratch.outputDrive)
        let spikePrediction = Dynamics.spikePrediction(
            spikeCounts: UnsafeBufferPointer(scratch.spikeCounts), tieBreak: UnsafeBufferPointer(scratch.outputDrive),
            outputs: outputs)
        for _ in 0..<config.kFree {
            Dynamics.rhoOutputs(
                scratch.output.pointer(at: 0, count: network.outputWidth), outputs: outputs, into: scratch.outputRho)
            for (s, shard) in shards.enumerated() {
                shard.withUnsafeWeights { weights in
                    Dynamics.relaxHiddenShard(
                        potential: scratch.hidden(scratch.potential, shard: s).pointer(at: 0, count: shard.width),
                        drive: scratch.hidden(scratch.drive, shard: s).pointer(at: 0, count: shard.width),
                        feedback: weights.outputWeightsTransposed.pointer(at: 0, count: outputs * shard.width),
                        outputs: outputs, width: shard.width,
                        outputRho: scratch.outputRho.pointer(at: 0, count: network.outputWidth), eps: config.eps,
                        partial: scratch.relaxPartials.pointer(at: s * network.outputWidth, count: network.outputWidth))
                }
            }
            Dynamics.relaxOutput(
                potential: scratch.output.pointer(at: 0, count: network.outputWidth),
                partials: scratch.relaxPartials.pointer(at: 0, count: shards.count * network.outputWidth),
                shardCount: shards.count, shardStride: network.outputWidth, bias: scratch.bias, outputs: outputs,
                eps: config.eps, beta: 0, target: -1)
        }
        return (spikePrediction, Dynamics.argmax(UnsafeBufferPointer(scratch.output), count: outputs))
    }
}

/// One thread's buffers for classifying one sample at a time. The pool hands each worker its own scratch
/// (`scratches[worker]`), so one thread writes its buffers at a time.
final class EvaluationScratch: Sendable {
    let trains: SpikeTrainBuffers
    /// Start of each shard's neurons in `drive` and `potential`.
    let offsets: [Int]
    let drive: AlignedBuffer<Float>
    let potential: AlignedBuffer<Float>
    let neurons: NeuronScratch
    let feedForwardPartials: AlignedBuffer<Float>
    let relaxPartials: AlignedBuffer<Float>
    let output: AlignedBuffer<Float>
    let outputRho: AlignedBuffer<Float>
    let spikeCounts: AlignedBuffer<Int32>
    /// The unclamped averaged output drive, for the spike readout's tie-break.
    let outputDrive: AlignedBuffer<Float>

    init(network: Network, timeSteps: Int) {
        trains = SpikeTrainBuffers(capacity: 1, timeSteps: timeSteps, inputs: network.inputs)
        var offsets: [Int] = []
        var total = 0
        for shard in network.shards {
            offsets.append(total)
            total += shard.width
        }
        self.offsets = offsets + [total]
        drive = AlignedBuffer(count: total)
        potential = AlignedBuffer(count: total)
        neurons = NeuronScratch(capacity: network.shards.map(\.width).max() ?? Kernels.lanes, timeSteps: timeSteps)
        feedForwardPartials = AlignedBuffer(count: network.shards.count * timeSteps * network.outputWidth)
        relaxPartials = AlignedBuffer(count: network.shards.count * network.outputWidth)
        output = AlignedBuffer(count: network.outputWidth)
        outputRho = AlignedBuffer(count: network.outputWidth)
        spikeCounts = AlignedBuffer(count: network.outputWidth)
        outputDrive = AlignedBuffer(count: network.outputWidth)
    }

    /// The scratch's buffers and the network's b2, inside `withView` only (swift-collections'
    /// `_UnsafeHandle`); slices are checked in debug builds.
    struct View {
        let trains: SpikeEncoder.Output
        let offsets: [Int]
        let neurons: NeuronScratch
        let drive: UnsafeMutableBufferPointer<Float>
        let potential: UnsafeMutableBufferPointer<Float>
        let feedForwardPartials: UnsafeMutableBufferPointer<Float>
        let relaxPartials: UnsafeMutableBufferPointer<Float>
        let output: UnsafeMutableBufferPointer<Float>
        let outputRho: UnsafeMutableBufferPointer<Float>
        let outputDrive: UnsafeMutableBufferPointer<Float>
        let spikeCounts: UnsafeMutableBufferPointer<Int32>
        /// b2, the network's `outputWidth` floats.
        let bias: UnsafePointer<Float>

        /// Shard `s`'s neurons of `buffer` (`drive` or `potential`).
        func hidden(_ buffer: UnsafeMutableBufferPointer<Float>, shard s: Int) -> UnsafeMutableBufferPointer<Float> {
            buffer.extracting(offsets[s]..<offsets[s + 1])
        }
    }

    /// Calls `body` with a view of the scratch and `network`'s b2, valid only inside `body`.
    func withView<Result>(network: Network, _ body: (View) -> Result) -> Result {
        let floats = [drive, potential, feedForwardPartials, relaxPartials, output, outputRho, outputDrive]
        return AlignedBuffer.withUnsafeMutableBufferPointers(floats) { f in
            spikeCounts.withUnsafeMutableBufferPointer { spikeCounts in
                network.outputBias.withUnsafeBufferPointer { bias in
                    trains.withUnsafeSamples { samples in
                        body(
                            View(
                                trains: samples[0], offsets: offsets, neurons: neurons, drive: f[0], potential: f[1],
                                feedForwardPartials: f[2], relaxPartials: f[3], output: f[4], outputRho: f[5],
                                outputDrive: f[6], spikeCounts: spikeCounts,
                                bias: bias.pointer(at: 0, count: network.outputWidth)))
                    }
                }
            }
        }
    }
}
