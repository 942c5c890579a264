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
    public let labels: [UInt8]

    /// Runs the first `images` images of `dataset` through `network` with `config`'s seed, time steps, leak and
    /// threshold, on the calling thread.
    /// - Throws: `.dataMismatch` when the images do not have `network.inputs` pixels.
    public init(network: Network, config: RunConfig, dataset: Dataset, images: Int) throws(ExportError) {
        guard dataset.pixelsPerImage == network.inputs else {
            throw .dataMismatch(
                reason: "the network has \(network.inputs) inputs, the test images \(dataset.pixelsPerImage) pixels")
        }
        let count = min(images, dataset.count)
        let steps = config.timeSteps
        let lanes = Network.outputLanes
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
        let trains = scratch.trains.output(0)
        dataset.pixels.withUnsafeBufferPointer { pixels in
            for sample in 0..<count {
                // This is safe because the dataset holds `count` ≤ `dataset.count` images of `inputs` pixels.
                encoder.encode(
                    pixels: pixels.baseAddress! + sample * network.inputs, stream: .testSpikes, epoch: 0,
                    sample: UInt64(sample), into: trains)
                Self.unpack(trains, steps: steps, inputs: network.inputs, into: &inputSpikes, at: sample)
                for (s, shard) in network.shards.enumerated() {
                    Dynamics.hiddenFeedForward(
                        shard: shard, spikes: trains, timeSteps: steps, leak: config.leak, threshold: config.theta,
                        scratch: scratch.neurons, drive: scratch.drive.pointer + scratch.offsets[s],
                        partial: scratch.feedForwardPartials.pointer + s * steps * lanes)
                    // This is safe because the scratch holds `steps` rows of `shard.width` ≥ neurons.count spikes.
                    for (local, j) in shard.neurons.enumerated() {
                        var fired: Float = 0
                        for t in 0..<steps { fired += scratch.neurons.spikes.pointer[t * shard.width + local] }
                        hiddenCounts[sample * network.hidden + j] = Int32(fired)
                    }
                }
                _ = Dynamics.outputFeedForward(
                    partials: scratch.feedForwardPartials.pointer, shardCount: network.shards.count,
                    shardStride: steps * lanes, bias: network.outputBias.pointer, outputs: network.outputs,
                    timeSteps: steps, leak: config.leak, threshold: config.theta,
                    feedForward: scratch.output.pointer, spikeCounts: scratch.spikeCounts.pointer)
                Evaluator.averagedOutputDrive(
                    partials: scratch.feedForwardPartials.pointer, shardCount: network.shards.count,
                    shardStride: steps * lanes, bias: network.outputBias.pointer, timeSteps: steps,
                    into: scratch.outputDrive.pointer)
                predictions[sample] = Int32(
                    Evaluator.spikePrediction(
                        spikeCounts: scratch.spikeCounts.pointer, drive: scratch.outputDrive.pointer,
                        outputs: network.outputs))
                for k in 0..<network.outputs {
                    outputCounts[sample * network.outputs + k] = scratch.spikeCounts.pointer[k]
                }
            }
        }
        self.inputSpikes = inputSpikes
        self.hiddenCounts = hiddenCounts
        self.outputCounts = outputCounts
        self.predictions = predictions
    }

    /// The encoder's per-step changes (`added`, `removed`) replayed into one 0/1 byte per input and step.
    private static func unpack(
        _ trains: SpikeEncoder.Output, steps: Int, inputs: Int, into raster: inout [UInt8], at sample: Int
    ) {
        var active = [UInt8](repeating: 0, count: inputs)
        for t in 0..<steps {
            // This is safe because list t holds `addedCounts[t]` (`removedCounts[t]`) ≤ `inputs` indices < inputs.
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
    /// | `labels` | uint8 | (N,) |
    public func archive() -> ZipArchive {
        ZipArchive(entries: [
            NPZExport.entry("input_spikes", NPYArray(shape: [images, timeSteps, inputs], .uint8(inputSpikes))),
            NPZExport.entry("hidden_counts", NPYArray(shape: [images, hidden], .int32(hiddenCounts))),
            NPZExport.entry("output_counts", NPYArray(shape: [images, outputs], .int32(outputCounts))),
            NPZExport.entry("predictions", NPYArray(shape: [images], .int32(predictions))),
            NPZExport.entry("labels", NPYArray(shape: [images], .uint8(labels))),
        ])
    }
}
