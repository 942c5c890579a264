import Parallel

/// The three-layer network of the spec: inputs → H hidden LIF neurons → `outputs` (MNIST: 10) outputs, with
/// weights W1 [inputs×H], b1 [H], W2 [H×outputs], b2 [outputs], stored shard by shard (`HiddenShard`).
///
/// The weights in the shards' buffers are written only by the update step, one task per shard (b2 by the
/// calling thread after the join), never while another task reads them.
public final class Network: Sendable {
    public let inputs: Int
    public let hidden: Int
    public let outputs: Int
    /// Shard boundaries fall on multiples of `Kernels.blockWidth` (64) neurons: the kernels walk blocks of that
    /// width (4 vectors, 8 accumulators) and fall back to single-vector passes on narrower tails, so only the
    /// last shard may have one. (With 16-neuron boundaries, H = 4500 in 32 shards gave 32- and 48-column shards
    /// that ran entirely on the tail path: one thread trained 2,050–2,390 samples/s, 2,770 with 64-neuron
    /// boundaries; `ptrain bench` training rows of that build, docs/performance.md, "Design".)
    public static let shardGranularity = Kernels.blockWidth

    /// The number of classes of MNIST, the default output count. Everything else takes the count from
    /// `outputs`, so another class count is this value (or the `outputs:` argument) alone.
    public static let mnistClasses = 10

    /// The most inputs a network may have: what a checkpoint's 32-bit header field holds (the spike trains list
    /// their changes as 32-bit `Kernels.RowIndex`); in practice memory bounds it first (W1 is inputs × H floats).
    public static let maximumInputs = Int(UInt32.max)

    /// The most output neurons (classes) a network may have, far above any data set's (the W2 update's row
    /// list and the checkpoint header would hold 2³² − 1).
    public static let maximumOutputs = 65_535

    /// Floats in every output-layer buffer of a network with `outputs` classes: `outputs` rounded up to whole
    /// kernel vectors (`Kernels.paddedWidth`: 16 for K ≤ 16, so MNIST's buffers are the one vector they always
    /// were); entries from `outputs` on are zero.
    @inlinable public static func outputWidth(outputs: Int) -> Int { Kernels.paddedWidth(outputs) }

    /// The largest shard count for `hidden` neurons.
    public static func maximumShards(hidden: Int) -> Int {
        ShardPlan.maximumCount(total: hidden, granularity: shardGranularity)
    }

    /// The fixed split of the hidden layer.
    public let plan: ShardPlan
    public let shards: [HiddenShard]
    /// b2, padded to `outputWidth` with zeros.
    public let outputBias: AlignedBuffer<Float>
    /// Floats in each of this network's output-layer buffers (`Network.outputWidth(outputs:)`).
    public let outputWidth: Int

    /// A network with zero weights.
    public init(inputs: Int, hidden: Int, outputs: Int = Network.mnistClasses, shards: Int) {
        precondition(
            inputs >= 1 && inputs <= Network.maximumInputs, "inputs must be in 1...\(Network.maximumInputs)")
        precondition(
            outputs >= 1 && outputs <= Network.maximumOutputs, "outputs must be in 1...\(Network.maximumOutputs)")
        self.inputs = inputs
        self.hidden = hidden
        self.outputs = outputs
        plan = ShardPlan(total: hidden, count: shards, granularity: Network.shardGranularity)
        self.shards = plan.ranges.map { HiddenShard(neurons: $0, inputs: inputs, outputs: outputs) }
        outputWidth = Network.outputWidth(outputs: outputs)
        outputBias = AlignedBuffer(count: outputWidth)
    }

    /// Glorot-uniform initialisation, W ~ U(±√(6/(n_in+n_out))), biases 0. Weight (i, j) of each layer is
    /// drawn from `CounterRNG` by its canonical index, so the initial network does not depend on the shards.
    public convenience init(inputs: Int, hidden: Int, outputs: Int = Network.mnistClasses, shards: Int, seed: UInt64) {
        self.init(inputs: inputs, hidden: hidden, outputs: outputs, shards: shards)
        let inputKey = CounterRNG.key(seed: seed, stream: .initialWeightsInput)
        let outputKey = CounterRNG.key(seed: seed, stream: .initialWeightsOutput)
        let inputLimit = Float((6.0 / Double(inputs + hidden)).squareRoot())
        let outputLimit = Float((6.0 / Double(hidden + outputs)).squareRoot())
        for shard in self.shards {
            shard.withUnsafeWeights { weights in
                for (local, j) in shard.neurons.enumerated() {
                    for i in 0..<inputs {
                        let u = CounterRNG.unitFloat(key: inputKey, counter: UInt64(i * hidden + j))
                        weights.inputWeights[i * shard.width + local] = inputLimit * (2 * u - 1)
                    }
                    for k in 0..<outputs {
                        let u = CounterRNG.unitFloat(key: outputKey, counter: UInt64(j * outputs + k))
                        weights.outputWeightsTransposed[k * shard.width + local] = outputLimit * (2 * u - 1)
                    }
                }
            }
        }
    }

    /// Number of trainable parameters.
    public var parameterCount: Int { inputs * hidden + hidden + hidden * outputs + outputs }
}
