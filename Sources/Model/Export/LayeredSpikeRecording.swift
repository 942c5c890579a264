import Parallel

/// What ptrain's test-time forward pass of a layered network (issue #15; Eq. 5 through every layer, the spike
/// readout of `LayeredEvaluator`) sees and does for the first images of a test set, in the C-major order of
/// `ExportedLayers`: the input spike trains, every hidden layer's and the output layer's spike counts, and the
/// spike readout's class. `ptrain export --spikes` writes it for a layered network, so that a simulation of the
/// exported graph can be fed the same inputs and compared with ptrain's own counts.
///
/// The trains are `SpikeEncoder`'s for the test stream (epoch 0, sample = the image's index) and the counts come
/// from `LayeredDynamics.feedForward`, the function `LayeredEvaluator` calls: they are `ptrain eval`'s numbers.
public struct LayeredSpikeRecording: Sendable {
    public let images: Int
    public let timeSteps: Int
    /// (C, H, W) of image samples, (n) of vectors.
    public let inputShape: [Int]
    /// Neurons of all hidden layers together.
    public let hidden: Int
    public let outputs: Int
    /// `images × timeSteps × inputs` bytes, 1 where an input spiked, the inputs in C-major order.
    public let inputSpikes: [UInt8]
    /// `images × hidden` spike counts: layer after layer, each layer's neurons in C-major order.
    public let hiddenCounts: [Int32]
    /// `images × outputs` spike counts.
    public let outputCounts: [Int32]
    public let predictions: [Int32]
    public let labels: [Int32]

    /// Runs the first `images` images of `dataset` through `network` with `config`'s seed, time steps, leak and
    /// threshold, on the calling thread.
    /// - Throws: `.dataMismatch` when the samples do not have `network.inputs` values.
    public init(network: LayeredNetwork, config: RunConfig, dataset: Dataset, images: Int) throws(ExportError) {
        guard dataset.inputsPerSample == network.inputs else {
            throw .dataMismatch(
                reason: "the network has \(network.inputs) inputs, the test samples \(dataset.inputsPerSample) values")
        }
        let count = min(images, dataset.count)
        let steps = config.timeSteps
        let input = network.stack.input
        let inputs = network.inputs
        self.images = count
        timeSteps = steps
        inputShape = input.isImage ? [input.channels, input.rows, input.columns] : [inputs]
        // Each hidden layer's real neurons: positions × channels (stored with channels padded).
        let hiddenLayers = network.layers.dropLast()
        let layerSizes = hiddenLayers.map { $0.geometry.outputRows * $0.geometry.outputColumns * $0.units }
        let layerStarts = layerSizes.indices.map { layerSizes.prefix($0).reduce(0, +) }
        hidden = layerSizes.reduce(0, +)
        outputs = network.outputs
        labels = Array(dataset.labels.prefix(count))

        var inputRaster = [UInt8](repeating: 0, count: count * steps * inputs)
        var hiddenTally = [Int32](repeating: 0, count: count * hidden)
        var outputTally = [Int32](repeating: 0, count: count * network.outputs)
        var classes = [Int32](repeating: 0, count: count)
        let state = LayeredState(network: network, capacity: 1)
        let trains = SpikeTrainBuffers(capacity: 1, timeSteps: steps, inputs: inputs)
        let encoder = SpikeEncoder(seed: config.seed, timeSteps: steps, inputs: inputs)
        let last = network.layers.count - 1
        let classCount = network.outputs
        let hiddenCount = hidden
        // Stored input index (y·W + x)·C + c is C-major c·H·W + y·W + x.
        let positions = input.rows * input.columns
        var raster = [UInt8](repeating: 0, count: steps * inputs)
        network.withUnsafeLayers { layers in
            state.withView { view in
                dataset.withUnsafeSamples { values in
                    trains.withUnsafeSamples { trains in
                        for sample in 0..<count {
                            encoder.encode(sample: sample, of: values, stream: .testSpikes, epoch: 0, into: trains[0])
                            SpikeRecording.unpack(trains[0], steps: steps, inputs: inputs, into: &raster, at: 0)
                            for t in 0..<steps {
                                for position in 0..<positions {
                                    for c in 0..<input.channels {
                                        inputRaster[(sample * steps + t) * inputs + c * positions + position] =
                                            raster[t * inputs + position * input.channels + c]
                                    }
                                }
                            }
                            _ = LayeredDynamics.feedForward(
                                layers: layers, state: view, sample: 0, trains: trains[0], config: config
                            ) { l, spikes in
                                guard l < last else { return }
                                let layer = layers[l].layer
                                let (cells, padded) = (
                                    layer.geometry.outputRows * layer.geometry.outputColumns,
                                    layer.geometry.outputChannels
                                )
                                let base = sample * hiddenCount + layerStarts[l]
                                for position in 0..<cells {
                                    for c in 0..<layer.units where spikes[position * padded + c] != 0 {
                                        hiddenTally[base + c * cells + position] += 1
                                    }
                                }
                            }
                            let spikeCounts = view.counts(sample: 0)
                            classes[sample] = Int32(
                                Dynamics.spikePrediction(
                                    spikeCounts: UnsafeBufferPointer(spikeCounts),
                                    tieBreak: UnsafeBufferPointer(
                                        start: view.pointer(.drive, layer: last, sample: 0), count: classCount),
                                    outputs: classCount))
                            for k in 0..<classCount { outputTally[sample * classCount + k] = spikeCounts[k] }
                        }
                    }
                }
            }
        }
        inputSpikes = inputRaster
        hiddenCounts = hiddenTally
        outputCounts = outputTally
        predictions = classes
    }

    /// The recording as an `.npz` archive (`numpy.load(path, allow_pickle=False)`): `input_spikes` uint8
    /// (N, T, C, H, W) (or (N, T, n)), `hidden_counts` int32 (N, hidden), `output_counts` int32 (N, K),
    /// `predictions` and `labels` int32 (N,).
    public func archive() -> ZipArchive {
        ZipArchive(entries: [
            NPZExport.entry("input_spikes", NPYArray(shape: [images, timeSteps] + inputShape, .uint8(inputSpikes))),
            NPZExport.entry("hidden_counts", NPYArray(shape: [images, hidden], .int32(hiddenCounts))),
            NPZExport.entry("output_counts", NPYArray(shape: [images, outputs], .int32(outputCounts))),
            NPZExport.entry("predictions", NPYArray(shape: [images], .int32(predictions))),
            NPZExport.entry("labels", NPYArray(shape: [images], .int32(labels))),
        ])
    }
}
