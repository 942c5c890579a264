import Parallel

/// The synapses into one layer of a `LayeredNetwork` (a hidden layer, or the K-class output layer): a weight array
/// in `ConvolutionGeometry`'s HWIO layout and the biases (issue #15).
///
/// Every layer runs on the convolution kernels: a `conv` layer is a shared kernel, a `local` layer one kernel per
/// output position, and an `fc` layer (or the output layer) a 1 × 1 "image" whose one input pixel has every
/// neuron of the layer below as a channel, so its weights are the matrix `[input][unit]`. Output channels are
/// padded to whole 16-lane vectors with zero weights and biases; padding neurons receive zero drive, stay at zero
/// potential and never learn (their change of potential is zero), so they never change a real neuron.
///
/// The buffers are written only by the update step (each task a fixed range of weight rows, `updateShards`) or
/// by one thread while loading.
public final class LayerWeights: Sendable {
    /// The layer's specification; nil for the output layer.
    public let specification: LayerSpecification?
    public let geometry: ConvolutionGeometry
    /// Real (unpadded) output channels: units of an `fc` layer, channels of `local`/`conv`, K for the output.
    public let units: Int
    /// Whether each output position has its own bias (`local`) or one bias per channel serves all (`conv`, `fc`).
    public let biasPerPosition: Bool
    /// `geometry.weightCount` floats.
    public let weights: AlignedBuffer<Float>
    /// `outputChannels` floats, or `outputCount` with `biasPerPosition`.
    public let bias: AlignedBuffer<Float>
    /// The fixed split of the weight rows over update tasks (never derived from the thread count): at most
    /// `maximumUpdateShards` shards.
    public let updateShards: ShardPlan

    /// The most update tasks one layer is split into.
    public static let maximumUpdateShards = 32

    init(specification: LayerSpecification?, geometry: ConvolutionGeometry, units: Int) {
        self.specification = specification
        self.geometry = geometry
        self.units = units
        if case .locallyConnected = specification { biasPerPosition = true } else { biasPerPosition = false }
        weights = AlignedBuffer(count: geometry.weightCount)
        bias = AlignedBuffer(count: biasPerPosition ? geometry.outputCount : geometry.outputChannels)
        updateShards = ShardPlan(
            total: geometry.weightRows, count: min(geometry.weightRows, LayerWeights.maximumUpdateShards),
            granularity: 1)
    }

    /// Whether the layer is an `fc` layer or the output layer (a matrix over every neuron below).
    public var isFullyConnected: Bool {
        switch specification {
        case nil, .fullyConnected?: return true
        case .locallyConnected?, .convolution?: return false
        }
    }

    /// Neurons of the layer as stored (positions × padded channels).
    public var width: Int { geometry.outputCount }

    /// Calls `body` with the weights and biases, valid only inside it.
    package func withUnsafeBuffers<Result>(
        _ body: (_ weights: UnsafeMutableBufferPointer<Float>, _ bias: UnsafeMutableBufferPointer<Float>) -> Result
    ) -> Result {
        weights.withUnsafeMutableBufferPointer { weights in
            bias.withUnsafeMutableBufferPointer { bias in body(weights, bias) }
        }
    }
}
