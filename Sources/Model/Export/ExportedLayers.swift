import Parallel

/// A trained layered network (issue #15) in the layouts other programs use — PyTorch's and NIR's: activations
/// channels first (C, H, W), a `conv` layer's weight (C_out, C_in, k, k), an `fc` layer's (units, inputs) with its
/// inputs in the C-major order of the layer below flattened — without ptrain's 16-lane channel padding. What both
/// export formats write for a layered network.
///
/// ptrain stores activations channels last (`[row][column][channel]`, channels padded) and weights in HWIO
/// (`ConvolutionGeometry`); this type only reorders, so every exported number is a stored weight bit for bit.
public struct ExportedLayers: Sendable {
    /// One layer's synapses: a hidden layer's, or the K-class output layer's (the last).
    public struct Layer: Sendable {
        public enum Kind: Sendable, Equatable {
            /// `conv`: a shared kernel; weight (C_out, C_in, k, k), bias (C_out).
            case convolution(kernel: Int, stride: Int, padding: Int)
            /// `local`: a kernel per output position; weight (C_out, H_out, W_out, C_in, k, k), bias
            /// (C_out, H_out, W_out).
            case locallyConnected(kernel: Int, stride: Int, padding: Int)
            /// `fc` (and the output layer): weight (units, inputs), bias (units).
            case fullyConnected
        }

        public let kind: Kind
        /// The layer's input: (C, H, W) of an image, (n) of a vector.
        public let inputShape: [Int]
        /// Its neurons: (C, H, W) for `conv` and `local`, (units) for `fc`.
        public let outputShape: [Int]
        public let weight: [Float]
        public let weightShape: [Int]
        public let bias: [Float]
        public let biasShape: [Int]

        /// Inputs of the layer flattened (C·H·W, or n).
        public var inputCount: Int { inputShape.reduce(1, *) }
        /// Neurons of the layer (C·H·W, or units).
        public var outputCount: Int { outputShape.reduce(1, *) }

        /// The layer as the dense matrix (outputs × inputs, both flattened C-major) of an affine map: a `local`
        /// layer's kernels placed at their receptive fields, zero elsewhere (NIR has no locally connected node).
        /// - Precondition: the layer is `local`.
        public func denseLocalWeight() -> [Float] {
            guard case .locallyConnected(let kernel, let stride, let padding) = kind else {
                preconditionFailure("only a local layer is made dense")
            }
            let (cIn, hIn, wIn) = (inputShape[0], inputShape[1], inputShape[2])
            let (cOut, hOut, wOut) = (outputShape[0], outputShape[1], outputShape[2])
            var dense = [Float](repeating: 0, count: outputCount * inputCount)
            for co in 0..<cOut {
                for oy in 0..<hOut {
                    for ox in 0..<wOut {
                        let row = (co * hOut + oy) * wOut + ox
                        for ci in 0..<cIn {
                            for ky in 0..<kernel {
                                for kx in 0..<kernel {
                                    let (y, x) = (oy * stride + ky - padding, ox * stride + kx - padding)
                                    guard y >= 0, y < hIn, x >= 0, x < wIn else { continue }
                                    let index =
                                        ((((co * hOut + oy) * wOut + ox) * cIn + ci) * kernel + ky) * kernel + kx
                                    dense[row * inputCount + (ci * hIn + y) * wIn + x] = weight[index]
                                }
                            }
                        }
                    }
                }
            }
            return dense
        }
    }

    /// The network's input: (C, H, W) of image samples, (n) of vectors.
    public let inputShape: [Int]
    /// The hidden layers in order, then the output layer.
    public let layers: [Layer]
    /// K, the number of classes.
    public let outputs: Int
    public let config: RunConfig

    /// The weights of `network`, reordered.
    public init(network: LayeredNetwork, config: RunConfig) {
        let input = network.stack.input
        inputShape = input.isImage ? [input.channels, input.rows, input.columns] : [input.count]
        outputs = network.outputs
        self.config = config
        var layers: [Layer] = []
        // The layer below as it is stored: its shape, its real channels and their padded width.
        var below = input
        var belowStored = input.channels
        for (index, stored) in network.layers.enumerated() {
            let g = stored.geometry
            let weights = stored.weights.array
            let biases = stored.bias.array
            let units = stored.units
            let inputShape = below.isImage ? [below.channels, below.rows, below.columns] : [below.count]
            switch stored.specification {
            case .convolution(_, let kernel, let stride, let padding)?:
                let cIn = below.channels
                var weight = [Float](repeating: 0, count: units * cIn * kernel * kernel)
                for co in 0..<units {
                    for ci in 0..<cIn {
                        for ky in 0..<kernel {
                            for kx in 0..<kernel {
                                weight[((co * cIn + ci) * kernel + ky) * kernel + kx] =
                                    weights[((ky * kernel + kx) * g.inputChannels + ci) * g.outputChannels + co]
                            }
                        }
                    }
                }
                let shape = network.stack.shapes[index]
                layers.append(
                    Layer(
                        kind: .convolution(kernel: kernel, stride: stride, padding: padding), inputShape: inputShape,
                        outputShape: [units, shape.rows, shape.columns], weight: weight,
                        weightShape: [units, cIn, kernel, kernel], bias: Array(biases.prefix(units)),
                        biasShape: [units]))
                below = shape
            case .locallyConnected(_, let kernel, let stride, let padding)?:
                let cIn = below.channels
                let shape = network.stack.shapes[index]
                let (hOut, wOut) = (shape.rows, shape.columns)
                var weight = [Float](repeating: 0, count: units * hOut * wOut * cIn * kernel * kernel)
                var bias = [Float](repeating: 0, count: units * hOut * wOut)
                for co in 0..<units {
                    for oy in 0..<hOut {
                        for ox in 0..<wOut {
                            let position = oy * wOut + ox
                            bias[(co * hOut + oy) * wOut + ox] = biases[position * g.outputChannels + co]
                            for ci in 0..<cIn {
                                for ky in 0..<kernel {
                                    for kx in 0..<kernel {
                                        let storedIndex =
                                            position * g.kernelCount
                                            + ((ky * kernel + kx) * g.inputChannels + ci) * g.outputChannels + co
                                        let index =
                                            ((((co * hOut + oy) * wOut + ox) * cIn + ci) * kernel + ky) * kernel + kx
                                        weight[index] = weights[storedIndex]
                                    }
                                }
                            }
                        }
                    }
                }
                layers.append(
                    Layer(
                        kind: .locallyConnected(kernel: kernel, stride: stride, padding: padding),
                        inputShape: inputShape, outputShape: [units, hOut, wOut], weight: weight,
                        weightShape: [units, hOut, wOut, cIn, kernel, kernel], bias: bias,
                        biasShape: [units, hOut, wOut]))
                below = shape
            case .fullyConnected?, nil:
                // Input c·H·W + y·W + x (C-major) is stored as channel (y·W + x)·C_stored + c of the 1 × 1 image.
                let positions = below.rows * below.columns
                let realInputs = positions * below.channels
                var weight = [Float](repeating: 0, count: units * realInputs)
                for unit in 0..<units {
                    for c in 0..<below.channels {
                        for position in 0..<positions {
                            weight[unit * realInputs + c * positions + position] =
                                weights[(position * belowStored + c) * g.outputChannels + unit]
                        }
                    }
                }
                layers.append(
                    Layer(
                        kind: .fullyConnected, inputShape: [realInputs], outputShape: [units], weight: weight,
                        weightShape: [units, realInputs], bias: Array(biases.prefix(units)), biasShape: [units]))
                below = .vector(units)
            }
            belowStored = Kernels.paddedWidth(below.channels)
        }
        self.layers = layers
    }
}
