import Parallel

/// Conversion between the sharded storage and the canonical row-major matrices of the spec (W1 [inputs×H],
/// b1 [H], W2 [H×outputs], b2 [outputs]) — the layout of weight files, independent of the shard count.
extension Network {
    /// The canonical parameter vector: W1 row-major, then b1, then W2 row-major, then b2. Not a hot path (once
    /// per file written): plain loops over the scoped buffers, whose subscripts are checked in debug builds.
    public func canonicalParameters() -> [Float] {
        var out = [Float](repeating: 0, count: parameterCount)
        let b1 = inputs * hidden
        let w2 = b1 + hidden
        let b2 = w2 + hidden * outputs
        for shard in shards {
            shard.withUnsafeWeights { weights in
                for (local, j) in shard.neurons.enumerated() {
                    for i in 0..<inputs { out[i * hidden + j] = weights.inputWeights[i * shard.width + local] }
                    out[b1 + j] = weights.hiddenBias[local]
                    for k in 0..<outputs {
                        out[w2 + j * outputs + k] = weights.outputWeightsTransposed[k * shard.width + local]
                    }
                }
            }
        }
        for k in 0..<outputs { out[b2 + k] = outputBias[k] }
        return out
    }

    /// Loads a canonical parameter vector (see `canonicalParameters()`).
    /// - Precondition: `parameters.count == parameterCount`.
    public func load(canonicalParameters parameters: [Float]) {
        precondition(
            parameters.count == parameterCount, "expected \(parameterCount) parameters, got \(parameters.count)")
        let b1 = inputs * hidden
        let w2 = b1 + hidden
        let b2 = w2 + hidden * outputs
        for shard in shards {
            shard.withUnsafeWeights { weights in
                for (local, j) in shard.neurons.enumerated() {
                    for i in 0..<inputs { weights.inputWeights[i * shard.width + local] = parameters[i * hidden + j] }
                    weights.hiddenBias[local] = parameters[b1 + j]
                    for k in 0..<outputs {
                        weights.outputWeightsTransposed[k * shard.width + local] = parameters[w2 + j * outputs + k]
                    }
                }
            }
        }
        for k in 0..<outputs { outputBias[k] = parameters[b2 + k] }
    }
}
