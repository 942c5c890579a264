import Model

/// What a network learned, as a grid of grey tiles (`report`'s weights.png): one tile per neuron of the first
/// layer, each the change of its input weights (trained minus initial), scaled symmetrically around zero (grey)
/// by the tile's own largest magnitude and magnified for viewing.
enum WeightTiles {
    /// `count` tiles of `rows × columns` values, `value(tile, row, column)` each, magnified `scale`×.
    static func image(
        count: Int, rows: Int, columns: Int, scale: Int, value: (_ tile: Int, _ row: Int, _ column: Int) -> Float
    ) -> PNGImage {
        let perRow = Int(Double(count).squareRoot().rounded(.up))
        let gridRows = (count + perRow - 1) / perRow
        let gap = 2
        let tileWidth = columns * scale
        let tileHeight = rows * scale
        let width = perRow * (tileWidth + gap) + gap
        let height = gridRows * (tileHeight + gap) + gap
        var image = PNGImage(width: width, height: height, pixels: [UInt8](repeating: 40, count: width * height))
        for tile in 0..<count {
            var largest: Float = 1e-12
            for row in 0..<rows {
                for column in 0..<columns { largest = max(largest, abs(value(tile, row, column))) }
            }
            let originX = gap + (tile % perRow) * (tileWidth + gap)
            let originY = gap + (tile / perRow) * (tileHeight + gap)
            for y in 0..<tileHeight {
                for x in 0..<tileWidth {
                    let normalised = value(tile, y / scale, x / scale) / largest
                    image.pixels[(originY + y) * width + originX + x] = UInt8(
                        max(0, min(255, 127.5 + 127.5 * normalised)))
                }
            }
        }
        return image
    }

    /// The three-layer network's first `count` hidden neurons: each one's W1 column as a `rows × columns` image,
    /// magnified 3×.
    static func hiddenNeurons(_ network: Network, initial: Network, count: Int, rows: Int, columns: Int) -> PNGImage {
        let change = zip(network.canonicalParameters(), initial.canonicalParameters()).map { $0 - $1 }
        let hidden = network.hidden
        return image(count: count, rows: rows, columns: columns, scale: 3) { neuron, row, column in
            change[(row * columns + column) * hidden + neuron]
        }
    }

    /// A layered network's first layer (issue #15), summed over the input's channels: a `conv` layer's kernels
    /// (one tile of k × k per output channel), a `local` layer's kernels at its central output position, an `fc`
    /// layer's units over the input image (`rows × columns`, the input's). At most `count` tiles; kernels are
    /// magnified to about the size of a 28-pixel image.
    static func firstLayer(_ network: LayeredNetwork, initial: LayeredNetwork, count: Int) -> PNGImage {
        let layer = network.layers[0]
        let g = layer.geometry
        let trained = layer.weights.array
        let start = initial.layers[0].weights.array
        let inputChannels = network.stack.input.channels
        let tiles = min(count, layer.units)
        if layer.isFullyConnected {
            let (rows, columns) = (network.stack.input.rows, network.stack.input.columns)
            return image(count: tiles, rows: rows, columns: columns, scale: 3) { unit, row, column in
                (0..<inputChannels).reduce(Float(0)) { sum, channel in
                    let index = ((row * columns + column) * inputChannels + channel) * g.outputChannels + unit
                    return sum + trained[index] - start[index]
                }
            }
        }
        // The kernel block of the central output position (the only one of a shared kernel).
        let block =
            g.sharing == .shared ? 0 : ((g.outputRows / 2) * g.outputColumns + g.outputColumns / 2) * g.kernelCount
        let scale = max(3, 28 / max(g.kernelRows, g.kernelColumns))
        return image(count: tiles, rows: g.kernelRows, columns: g.kernelColumns, scale: scale) { unit, row, column in
            (0..<inputChannels).reduce(Float(0)) { sum, channel in
                let index =
                    block + ((row * g.kernelColumns + column) * g.inputChannels + channel) * g.outputChannels + unit
                return sum + trained[index] - start[index]
            }
        }
    }
}
