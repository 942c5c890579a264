/// A trained network as the canonical matrices of the spec ("Notation": W1 [inputs×H], b1 [H], W2 [H×K],
/// b2 [K]) and the configuration that gives them their meaning: what both export formats write.
public struct ExportedNetwork: Sendable {
    public let inputs: Int
    public let hidden: Int
    /// K, the number of classes (output neurons).
    public let outputs: Int
    /// W1, row-major inputs × H: `w1[i * hidden + j]` is the synapse from input i to hidden neuron j.
    public let w1: [Float]
    public let b1: [Float]
    /// W2, row-major H × K: `w2[j * outputs + k]` is the synapse from hidden neuron j to output k.
    public let w2: [Float]
    public let b2: [Float]
    public let config: RunConfig

    /// The weights of `network` (`Network.canonicalParameters()`, independent of the shard count).
    public init(network: Network, config: RunConfig) {
        inputs = network.inputs
        hidden = network.hidden
        outputs = network.outputs
        let parameters = network.canonicalParameters()
        var start = 0
        func take(_ count: Int) -> [Float] {
            defer { start += count }
            return Array(parameters[start..<(start + count)])
        }
        w1 = take(inputs * hidden)
        b1 = take(hidden)
        w2 = take(hidden * outputs)
        b2 = take(outputs)
        self.config = config
    }

    /// W1ᵀ, row-major H × inputs: the weight of NIR's first `Affine` (which maps x to W·x, so W = W1ᵀ).
    public var w1Transposed: [Float] { Self.transpose(w1, rows: inputs, columns: hidden) }

    /// W2ᵀ, row-major K × H: the weight of NIR's second `Affine`.
    public var w2Transposed: [Float] { Self.transpose(w2, rows: hidden, columns: outputs) }

    /// The `columns × rows` row-major transpose of a `rows × columns` row-major matrix.
    static func transpose(_ matrix: [Float], rows: Int, columns: Int) -> [Float] {
        precondition(matrix.count == rows * columns, "a \(rows)×\(columns) matrix holds \(rows * columns) values")
        var out = [Float](repeating: 0, count: matrix.count)
        for r in 0..<rows {
            for c in 0..<columns { out[c * rows + r] = matrix[r * columns + c] }
        }
        return out
    }
}
