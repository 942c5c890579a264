import Parallel

/// A layered network (issue #15): the spiking input, the hidden layers of a `LayerStack` (`fc`, `local`, `conv`)
/// and a fully connected K-class output layer, each layer's synapses a `LayerWeights`.
///
/// Activations are stored channels-last, `[row][column][channel]`, with channels padded to 16-lane vectors;
/// the input is the data set's sample as it is stored (rows × columns × channels, or a vector).
public final class LayeredNetwork: Sendable {
    public let stack: LayerStack
    /// Classes K.
    public let outputs: Int
    /// The hidden layers in order, then the output layer.
    public let layers: [LayerWeights]

    /// Floats of one input sample.
    public var inputs: Int { stack.input.count }
    /// The output layer's stored width (`Network.outputWidth(outputs:)`).
    public var outputWidth: Int { layers[layers.count - 1].width }
    /// Weights and biases of every layer, without padding.
    public var parameterCount: Int { stack.parameterCounts.reduce(stack.outputParameters, +) }

    /// A network with zero weights.
    public init(stack: LayerStack, outputs: Int) {
        precondition(
            outputs >= 1 && outputs <= Network.maximumOutputs, "outputs must be in 1...\(Network.maximumOutputs)")
        self.stack = stack
        self.outputs = outputs
        layers = LayeredNetwork.layout(stack: stack, outputs: outputs).map {
            LayerWeights(specification: $0.specification, geometry: $0.geometry, units: $0.units)
        }
    }

    /// Every layer's specification (nil for the output layer), geometry and real units, computed without
    /// allocating a weight: what `init(stack:outputs:)` allocates, and what a file reader checks a stored
    /// length against before it allocates anything.
    public static func layout(stack: LayerStack, outputs: Int) -> [LayerLayout] {
        var layers: [LayerLayout] = []
        var below = stack.input
        var belowChannels = stack.input.channels  // as stored: the input's own, padded ones above it
        for (index, specification) in stack.layers.enumerated() {
            let shape = stack.shapes[index]
            let geometry: ConvolutionGeometry
            switch specification {
            case .fullyConnected(let units):
                geometry = LayeredNetwork.fullyConnected(
                    inputs: below.rows * below.columns * belowChannels, units: units)
            case .locallyConnected(let channels, let kernel, let stride, let padding),
                .convolution(let channels, let kernel, let stride, let padding):
                var sharing = ConvolutionGeometry.Sharing.shared
                if case .locallyConnected = specification { sharing = .local }
                geometry = ConvolutionGeometry(
                    inputRows: below.rows, inputColumns: below.columns, inputChannels: belowChannels,
                    kernelRows: kernel, kernelColumns: kernel, stride: stride, padding: padding,
                    outputChannels: Kernels.paddedWidth(channels), sharing: sharing)
            }
            layers.append(LayerLayout(specification: specification, geometry: geometry, units: shape.channels))
            below = shape
            belowChannels = Kernels.paddedWidth(shape.channels)
        }
        layers.append(
            LayerLayout(
                specification: nil,
                geometry: LayeredNetwork.fullyConnected(
                    inputs: below.rows * below.columns * belowChannels, units: outputs),
                units: outputs))
        return layers
    }

    /// Floats of `parameters()` for a network of this stack and output count (padding included).
    public static func storedParameterCount(stack: LayerStack, outputs: Int) -> Int {
        layout(stack: stack, outputs: outputs).reduce(0) { $0 + $1.geometry.weightCount + $1.biasCount }
    }

    /// An `fc` layer as a 1 × 1 image with `inputs` channels.
    private static func fullyConnected(inputs: Int, units: Int) -> ConvolutionGeometry {
        ConvolutionGeometry(
            inputRows: 1, inputColumns: 1, inputChannels: inputs, kernelRows: 1, kernelColumns: 1, stride: 1,
            padding: 0, outputChannels: Kernels.paddedWidth(units), sharing: .shared)
    }

    /// Glorot-uniform initialisation (spec, "Initialisation"): W ~ U(±√(6/(fan_in + fan_out))) with fan_in = k²·C_in
    /// and fan_out = k²·C_out for `local` and `conv` (n_in and n_out for `fc` and the output), biases 0. Each real
    /// weight is drawn from `CounterRNG` (stream `layerWeights`, index = layer) by its index in the unpadded
    /// array, so padding and storage order never change a value.
    public convenience init(stack: LayerStack, outputs: Int, seed: UInt64) {
        self.init(stack: stack, outputs: outputs)
        var belowChannels = stack.input.channels
        var belowRealChannels = stack.input.channels
        for (index, layer) in layers.enumerated() {
            let g = layer.geometry
            let key = CounterRNG.key(seed: seed, stream: .layerWeights, index: UInt64(index))
            // An fc layer's input channel c of the stored activations is (position, channel) of the layer below.
            let isFullyConnected = layer.isFullyConnected
            let realInputs =
                isFullyConnected ? g.inputChannels / belowChannels * belowRealChannels : belowRealChannels
            let taps = g.kernelRows * g.kernelColumns
            let fanIn = isFullyConnected ? realInputs : taps * realInputs
            let fanOut = isFullyConnected ? layer.units : taps * layer.units
            let limit = Float((6.0 / Double(fanIn + fanOut)).squareRoot())
            let rowsPerBlock = taps * g.inputChannels
            layer.withUnsafeBuffers { weights, _ in
                for row in 0..<g.weightRows {
                    let block = row / rowsPerBlock
                    let tap = row % rowsPerBlock / g.inputChannels
                    let channel = row % g.inputChannels
                    // The stored input channel's place among the real ones (nil for padding).
                    let real: Int?
                    if isFullyConnected {
                        let position = channel / belowChannels
                        let within = channel % belowChannels
                        real = within < belowRealChannels ? position * belowRealChannels + within : nil
                    } else {
                        real = channel < belowRealChannels ? channel : nil
                    }
                    guard let real else { continue }
                    let realRow = (block * taps + tap) * realInputs + real
                    for unit in 0..<layer.units {
                        let u = CounterRNG.unitFloat(key: key, counter: UInt64(realRow * layer.units + unit))
                        weights[row * g.outputChannels + unit] = limit * (2 * u - 1)
                    }
                }
            }
            belowChannels = g.outputChannels
            belowRealChannels = layer.units
        }
    }
}

/// One layer of a `LayeredNetwork` before it is allocated: its specification (nil for the output layer), the
/// geometry of its weights and its real (unpadded) output channels.
public struct LayerLayout: Sendable {
    public let specification: LayerSpecification?
    public let geometry: ConvolutionGeometry
    public let units: Int

    /// Whether each output position has its own bias (`local`) rather than one per channel.
    public var biasPerPosition: Bool {
        if case .locallyConnected? = specification { return true }
        return false
    }

    /// Stored biases: one per output neuron for `local`, one per (padded) channel otherwise.
    public var biasCount: Int { biasPerPosition ? geometry.outputCount : geometry.outputChannels }
}

extension LayeredNetwork {
    /// One layer's synapses as pointers, inside `withUnsafeLayers` only.
    package struct LayerView {
        package let layer: LayerWeights
        package let weights: UnsafeMutableBufferPointer<Float>
        package let bias: UnsafeMutableBufferPointer<Float>
        /// The output layer's weights copied into columns (`Kernels.copyToFeedbackColumns`) when
        /// `withUnsafeLayers(feedback: true)` asked for them and the layer has at most 16 outputs; nil otherwise.
        /// Relaxation sends the output's feedback through them (`Kernels.fullyConnectedFeedback`, the same bits
        /// as the row-major transpose).
        package let feedbackColumns: UnsafePointer<Float>?
    }

    /// Calls `body` with every layer's weights and biases (hidden layers, then the output layer); they are valid
    /// only inside `body` and must not escape it. With `feedback`, the output layer's view also carries a column
    /// copy of its weights, made once on entry: `body` must then not change those weights (relaxation reads
    /// them; the update, which writes them, asks for none).
    package func withUnsafeLayers<Result>(feedback: Bool = false, _ body: ([LayerView]) -> Result) -> Result {
        AlignedBuffer.withUnsafeMutableBufferPointers(layers.flatMap { [$0.weights, $0.bias] }) { buffers in
            func views(_ columns: UnsafePointer<Float>?) -> [LayerView] {
                layers.indices.map {
                    LayerView(
                        layer: layers[$0], weights: buffers[2 * $0], bias: buffers[2 * $0 + 1],
                        feedbackColumns: $0 == layers.count - 1 ? columns : nil)
                }
            }
            let geometry = layers[layers.count - 1].geometry
            // Only for one vector of outputs (K ≤ 16 classes): with more, the row-major transpose is the faster
            // (`ptrain bench`, rows "fc transpose (feedback)" and "fc feedback from columns", 784 → 1000).
            guard feedback && geometry.outputChannels <= 16 else { return body(views(nil)) }
            let count = Kernels.feedbackColumnsCount(inputs: geometry.inputChannels, channels: geometry.outputChannels)
            return withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { columns in
                // This is safe because the output layer's weights hold inputChannels × outputChannels floats
                // (a fully connected geometry) and `columns` the count the kernel needs.
                Kernels.copyToFeedbackColumns(
                    weights: buffers[2 * (layers.count - 1)].baseAddress!, inputs: geometry.inputChannels,
                    channels: geometry.outputChannels, columns: columns.baseAddress!)
                return body(views(UnsafePointer(columns.baseAddress!)))
            }
        }
    }
}

extension LayeredNetwork {
    /// Every layer's weights then biases, as stored (padding included: it is zero and stays zero), layer by layer:
    /// what the running weight average sums.
    public func parameters() -> [Float] { layers.flatMap { $0.weights.array + $0.bias.array } }

    /// Sets every weight and bias from `parameters` (the layout of `parameters()`).
    /// - Precondition: `parameters` has the network's length.
    public func load(parameters: [Float]) {
        var offset = 0
        for layer in layers {
            for buffer in [layer.weights, layer.bias] {
                precondition(offset + buffer.count <= parameters.count, "parameters of the wrong length")
                buffer.withUnsafeMutableBufferPointer { floats in
                    for j in 0..<floats.count { floats[j] = parameters[offset + j] }
                }
                offset += buffer.count
            }
        }
        precondition(offset == parameters.count, "parameters of the wrong length")
    }
}
