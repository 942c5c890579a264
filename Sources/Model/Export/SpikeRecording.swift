/// What ptrain's test-time forward pass (spec step 1, Eq. 5; the spike readout of `Evaluator`) sees and does
/// for the first images of a test set: the input spike trains, the hidden and output spike counts, and the spike
/// readout's class. `ptrain export --spikes` writes it so that a simulation of an exported graph can be fed the
/// same inputs and compared with ptrain's own counts.
///
/// The trains are `SpikeEncoder`'s for the test stream (epoch 0, sample = the image's index), and the counts
/// come from the same `Dynamics` functions, shard after shard, that `Evaluator` calls: they are the numbers
/// `ptrain eval` computes for those images (tested: the classes equal `Evaluator.predictions`).
public struct SpikeRecording: Sendable {
    public let images: Int
    public let timeSteps: Int
    public let inputs: Int
    public let hidden: Int
    public let outputs: Int
    /// `images × timeSteps × inputs` bytes, 1 where input i spiked at step t: `[(n · T + t) · inputs + i]`.
    public let inputSpikes: [UInt8]
    /// `images × hidden` spike counts over the T steps.
    public let hiddenCounts: [Int32]
    /// `images × outputs` spike counts over the T steps.
    public let outputCounts: [Int32]
    /// The spike readout's class of each image.
    public let predictions: [Int32]
    /// The images' labels.
    public let labels: [Int32]

    /// Runs the first `images` images of `dataset` through `network` with `config`'s seed, time steps, leak and
    /// threshold, on the calling thread.
    /// - Throws: `.dataMismatch` when the images do not have `network.inputs` pixels.
    public init(network: Network, config: RunConfig, dataset: Dataset, images: Int) throws(ExportError) {
        guard dataset.inputsPerSample == network.inputs else {
            throw .dataMismatch(
                reason: "the network has \(network.inputs) inputs, the test images \(dataset.inputsPerSample) pixels")
        }
        let count = min(images, dataset.count)
        let steps = config.timeSteps
        let lanes = network.outputWidth
        self.images = count
        timeSteps = steps
        inputs = network.inputs
        hidden = network.hidden
        outputs = network.outputs
        labels = Array(dataset.labels.prefix(count))

        var inputSpikes = [UInt8](repeating: 0, count: count * steps * network.inputs)
        var hiddenCounts = [Int32](repeating: 0, count: count * network.hidden)
        var outputCounts = [Int32](repeating: 0, count: count * network.outputs)
        var predictions = [Int32](repeating: 0, count: count)
        let scratch = EvaluationScratch(network: network, timeSteps: steps)
        let encoder = SpikeEncoder(seed: config.seed, timeSteps: steps, inputs: network.inputs)
        let inputs = network.inputs
        let shards = network.shards
        dataset.withUnsafeSamples { values in
            scratch.withView(network: network) { view in
                for sample in 0..<count {
                    // The same calls, in the same order, as `Evaluator.classify`'s feed-forward part.
                    encoder.encode(sample: sample, of: values, stream: .testSpikes, epoch: 0, into: view.trains)
                    Self.unpack(view.trains, steps: steps, inputs: inputs, into: &inputSpikes, at: sample)
                    for (s, shard) in shards.enumerated() {
                        Dynamics.hiddenFeedForward(
                            shard: shard, spikes: view.trains, timeSteps: steps, leak: config.leak,
                            threshold: config.theta, reset: config.reset, scratch: view.neurons,
                            drive: view.hidden(view.drive, shard: s),
                            partial: view.feedForwardPartials.extracting(
                                (s * steps * lanes)..<((s + 1) * steps * lanes)))
                        // The shard's spikes of every step, `steps` rows of `shard.width` (≥ its neurons) floats.
                        view.neurons.spikes.withUnsafeBufferPointer { spikes in
                            for (local, j) in shard.neurons.enumerated() {
                                var fired: Float = 0
                                for t in 0..<steps { fired += spikes[t * shard.width + local] }
                                hiddenCounts[sample * network.hidden + j] = Int32(fired)
                            }
                        }
                    }
                    _ = Dynamics.outputFeedForward(
                        partials: view.feedForwardPartials.pointer(at: 0, count: shards.count * steps * lanes),
                        shardCount: shards.count, shardStride: steps * lanes, bias: view.bias,
                        outputs: network.outputs, timeSteps: steps, leak: config.leak, threshold: config.theta,
                        reset: config.reset,
                        feedForward: view.output, spikeCounts: view.spikeCounts, unclampedDrive: view.outputDrive)
                    predictions[sample] = Int32(
                        Dynamics.spikePrediction(
                            spikeCounts: UnsafeBufferPointer(view.spikeCounts),
                            tieBreak: UnsafeBufferPointer(view.outputDrive), outputs: network.outputs))
                    for k in 0..<network.outputs {
                        outputCounts[sample * network.outputs + k] = view.spikeCounts[k]
                    }
                }
            }
        }
        self.inputSpikes = inputSpikes
        self.hiddenCounts = hiddenCounts
        self.outputCounts = outputCounts
        self.predictions = predictions
    }

    /// The encoder's per-step changes (`added`, `removed`) replayed into one 0/1 byte per input and step.
    static func unpack(
        _ trains: SpikeEncoder.Output, steps: Int, inputs: Int, into raster: inout [UInt8], at sample: Int
    ) {
        var active = [UInt8](repeating: 0, count: inputs)
        for t in 0..<steps {
            // List t holds `addedCounts[t]` (`removedCounts[t]`) indices below `inputs`, from `t · inputs` on.
            for a in 0..<Int(trains.addedCounts[t]) { active[Int(trains.added[t * inputs + a])] = 1 }
            for r in 0..<Int(trains.removedCounts[t]) { active[Int(trains.removed[t * inputs + r])] = 0 }
            let start = (sample * steps + t) * inputs
            raster.replaceSubrange(start..<(start + inputs), with: active)
        }
    }

    /// The recording as an `.npz` archive (`numpy.load(path, allow_pickle=False)`):
    ///
    /// | key | type | shape |
    /// |---|---|---|
    /// | `input_spikes` | uint8 | (N, T, inputs): 1 where input i spiked at step t |
    /// | `hidden_counts` | int32 | (N, H) |
    /// | `output_counts` | int32 | (N, K) |
    /// | `predictions` | int32 | (N,): the spike readout's class |
    /// | `labels` | int32 | (N,) |
    public func archive() -> ZipArchive {
        ZipArchive(entries: [
            NPZExport.entry("input_spikes", NPYArray(shape: [images, timeSteps, inputs], .uint8(inputSpikes))),
            NPZExport.entry("hidden_counts", NPYArray(shape: [images, hidden], .int32(hiddenCounts))),
            NPZExport.entry("output_counts", NPYArray(shape: [images, outputs], .int32(outputCounts))),
            NPZExport.entry("predictions", NPYArray(shape: [images], .int32(predictions))),
            NPZExport.entry("labels", NPYArray(shape: [images], .int32(labels))),
        ])
    }
}
