import Parallel

/// The weights owned by one shard of the hidden layer: columns `neurons` of W1 and b1, rows `neurons` of W2.
///
/// Layout (all padded with zeros to `width`, a multiple of `Kernels.lanes`, so kernels need no scalar tail; padding
/// neurons have zero weights, receive zero drive, never spike and never learn):
/// - `inputWeights`: W1 block, `inputs × width`, row i = the shard's columns of W1 row i (what the
///   event-driven drive gathers per active input).
/// - `hiddenBias`: b1 block, `width`.
/// - `outputWeightsTransposed`: W2ᵀ block, `outputs × width` (output drive from spikes, relaxation feedback,
///   the W2 update).
///
/// The buffers are written only by the task that runs the shard (the update step), or by one thread while
/// loading.
public final class HiddenShard: Sendable {
    public let neurons: Range<Int>
    public let width: Int
    public let inputs: Int
    public let outputs: Int
    public let inputWeights: AlignedBuffer<Float>
    public let hiddenBias: AlignedBuffer<Float>
    public let outputWeightsTransposed: AlignedBuffer<Float>

    init(neurons: Range<Int>, inputs: Int, outputs: Int) {
        precondition(outputs <= Network.maximumOutputs, "at most \(Network.maximumOutputs) output neurons")
        self.neurons = neurons
        self.width = (neurons.count + Kernels.lanes - 1) / Kernels.lanes * Kernels.lanes
        self.inputs = inputs
        self.outputs = outputs
        inputWeights = AlignedBuffer(count: inputs * width)
        hiddenBias = AlignedBuffer(count: width)
        outputWeightsTransposed = AlignedBuffer(count: outputs * width)
    }
}

extension HiddenShard {
    /// The shard's three weight blocks as buffer pointers, inside `withUnsafeWeights` only (swift-collections'
    /// `_UnsafeHandle`): their subscripts and `pointer(at:count:)` are checked in debug builds.
    package struct Weights {
        /// W1 block, `inputs × width`.
        package let inputWeights: UnsafeMutableBufferPointer<Float>
        /// b1 block, `width`.
        package let hiddenBias: UnsafeMutableBufferPointer<Float>
        /// W2ᵀ block, `outputs × width`.
        package let outputWeightsTransposed: UnsafeMutableBufferPointer<Float>
    }

    /// Calls `body` with the shard's weights; they are valid only inside `body` (the buffers are kept alive
    /// for the call) and must not escape it.
    package func withUnsafeWeights<Result>(_ body: (Weights) -> Result) -> Result {
        inputWeights.withUnsafeMutableBufferPointer { w1 in
            hiddenBias.withUnsafeMutableBufferPointer { b1 in
                outputWeightsTransposed.withUnsafeMutableBufferPointer { w2t in
                    body(Weights(inputWeights: w1, hiddenBias: b1, outputWeightsTransposed: w2t))
                }
            }
        }
    }
}
