import Parallel

/// Conversion between the sharded storage and the canonical row-major matrices of the spec (W1 [inputs×H],
/// b1 [H], W2 [H×outputs], b2 [outputs]) — the layout of weight files, independent of the shard count.
extension Network {
    /// The canonical parameter vector: W1 row-major, then b1, then W2 row-major, then b2.
    public func canonicalParameters() -> [Float] {
        var out = [Float](repeating: 0, count: parameterCount)
        forEachCanonicalParameter { canonical, block, index in out[canonical] = block[index] }
        return out
    }

    /// Loads a canonical parameter vector (see `canonicalParameters()`).
    /// - Precondition: `parameters.count == parameterCount`.
    public func load(canonicalParameters parameters: [Float]) {
        precondition(
            parameters.count == parameterCount, "expected \(parameterCount) parameters, got \(parameters.count)")
        forEachCanonicalParameter { canonical, block, index in block[index] = parameters[canonical] }
    }

    /// Calls `body` once per parameter with its canonical index and where it is stored: element `index` of
    /// `block` (a shard's W1, b1 or W2ᵀ block, or b2), valid only inside the call. Not a hot path (once per
    /// file read or written): plain loops over the scoped buffers, whose subscripts are checked in debug builds.
    private func forEachCanonicalParameter(
        _ body: (_ canonical: Int, _ block: UnsafeMutableBufferPointer<Float>, _ index: Int) -> Void
    ) {
        let b1 = inputs * hidden
        let w2 = b1 + hidden
        let b2 = w2 + hidden * outputs
        for shard in shards {
            shard.withUnsafeWeights { weights in
                for (local, j) in shard.neurons.enumerated() {
                    for i in 0..<inputs { body(i * hidden + j, weights.inputWeights, i * shard.width + local) }
                    body(b1 + j, weights.hiddenBias, local)
                    for k in 0..<outputs {
                        body(w2 + j * outputs + k, weights.outputWeightsTransposed, k * shard.width + local)
                    }
                }
            }
        }
        outputBias.withUnsafeMutableBufferPointer { bias in
            for k in 0..<outputs { body(b2 + k, bias, k) }
        }
    }
}
