import Parallel

/// Conversion between the sharded storage and the canonical row-major matrices of the spec (W1 [inputs×H],
/// b1 [H], W2 [H×outputs], b2 [outputs]) — the layout of weight files, independent of the shard count.
extension Network {
    /// The canonical parameter vector: W1 row-major, then b1, then W2 row-major, then b2.
    public func canonicalParameters() -> [Float] {
        var out = [Float](repeating: 0, count: parameterCount)
        out.withUnsafeMutableBufferPointer { buffer in
            let w1 = buffer.baseAddress!
            let b1 = w1 + inputs * hidden
            let w2 = b1 + hidden
            let b2 = w2 + hidden * outputs
            for shard in shards {
                for (local, j) in shard.neurons.enumerated() {
                    for i in 0..<inputs { w1[i * hidden + j] = shard.inputWeights.pointer[i * shard.width + local] }
                    b1[j] = shard.hiddenBias.pointer[local]
                    for k in 0..<outputs {
                        w2[j * outputs + k] = shard.outputWeightsTransposed.pointer[k * shard.width + local]
                    }
                }
            }
            for k in 0..<outputs { b2[k] = outputBias.pointer[k] }
        }
        return out
    }

    /// Loads a canonical parameter vector (see `canonicalParameters()`).
    /// - Precondition: `parameters.count == parameterCount`.
    public func load(canonicalParameters parameters: [Float]) {
        precondition(
            parameters.count == parameterCount, "expected \(parameterCount) parameters, got \(parameters.count)")
        parameters.withUnsafeBufferPointer { buffer in
            let w1 = buffer.baseAddress!
            let b1 = w1 + inputs * hidden
            let w2 = b1 + hidden
            let b2 = w2 + hidden * outputs
            for shard in shards {
                for (local, j) in shard.neurons.enumerated() {
                    for i in 0..<inputs { shard.inputWeights.pointer[i * shard.width + local] = w1[i * hidden + j] }
                    shard.hiddenBias.pointer[local] = b1[j]
                    for k in 0..<outputs {
                        shard.outputWeightsTransposed.pointer[k * shard.width + local] = w2[j * outputs + k]
                    }
                }
            }
            for k in 0..<outputs { outputBias.pointer[k] = b2[k] }
        }
    }
}
