import Foundation
import Parallel

/// The shape of one layer's neurons (or of the input): rows × columns × channels; a vector is 1 × 1 × units and
/// cannot feed a `local` or `conv` layer.
public struct ActivationShape: Sendable, Equatable, CustomStringConvertible {
    public let rows: Int
    public let columns: Int
    public let channels: Int
    /// Whether the neurons have a spatial layout (the input image, a `local` or `conv` layer's output).
    public let isImage: Bool

    public init(rows: Int, columns: Int, channels: Int, isImage: Bool = true) {
        self.rows = rows
        self.columns = columns
        self.channels = channels
        self.isImage = isImage
    }

    /// A vector of `units` neurons.
    public static func vector(_ units: Int) -> ActivationShape {
        ActivationShape(rows: 1, columns: 1, channels: units, isImage: false)
    }

    /// Neurons: rows × columns × channels (saturating at `Int.max`, as every size here: a list whose product
    /// overflows is refused as too large, not trapped on).
    public var count: Int { saturating(rows, columns, channels) }

    /// `28×28×1`, `1000`.
    public var description: String { isImage ? "\(rows)×\(columns)×\(channels)" : "\(channels)" }
}

/// A checked layer list: every layer's output shape and parameter count, and what the network would need in
/// memory, computed before anything is allocated (issue #15). Shapes chain: a `local` or `conv` layer needs an
/// image input and a kernel that fits its padded input; an `fc` layer takes anything, flattened.
public struct LayerStack: Sendable, Equatable {
    public let input: ActivationShape
    public let layers: [LayerSpecification]
    /// Layer i's neurons.
    public let shapes: [ActivationShape]
    /// Layer i's weights and biases (a `local` layer has a kernel per output position; a `conv` layer one).
    public let parameterCounts: [Int]
    /// The K-class output layer's parameters (fully connected from the last layer).
    public let outputParameters: Int

    /// Checks `layers` after `input`, for a network with `outputs` classes.
    public init(input: ActivationShape, layers: [LayerSpecification], outputs: Int) throws(LayerError) {
        guard !layers.isEmpty else { throw .empty }
        var shapes: [ActivationShape] = []
        var counts: [Int] = []
        var previous = input
        for (index, layer) in layers.enumerated() {
            let shape: ActivationShape
            let parameters: Int
            switch layer {
            case .fullyConnected(let units):
                shape = .vector(units)
                parameters = saturatingSum(saturating(previous.count, units), units)
            case .locallyConnected(let channels, let kernel, let stride, let padding),
                .convolution(let channels, let kernel, let stride, let padding):
                guard previous.isImage else {
                    throw .needsImageInput(layer: index, type: layer.typeName, previous: index - 1)
                }
                guard padding < kernel else {
                    throw .badValue(layer: index, key: "padding", value: String(padding), allowed: "0...\(kernel - 1)")
                }
                guard previous.rows + 2 * padding >= kernel && previous.columns + 2 * padding >= kernel else {
                    throw .kernelLargerThanInput(
                        layer: index, kernel: kernel, rows: previous.rows, columns: previous.columns, padding: padding)
                }
                shape = ActivationShape(
                    rows: (previous.rows + 2 * padding - kernel) / stride + 1,
                    columns: (previous.columns + 2 * padding - kernel) / stride + 1, channels: channels)
                let kernelWeights = saturating(kernel, kernel, previous.channels, channels)
                if case .convolution = layer {
                    parameters = saturatingSum(kernelWeights, channels)
                } else {
                    parameters = saturating(saturatingSum(kernelWeights, channels), shape.rows, shape.columns)
                }
            }
            shapes.append(shape)
            counts.append(parameters)
            previous = shape
        }
        self.input = input
        self.layers = layers
        self.shapes = shapes
        self.parameterCounts = counts
        outputParameters = saturatingSum(saturating(previous.count, outputs), outputs)
    }

    /// Weights and biases of every layer and the output layer, without padding (saturating at `Int.max`): a lower
    /// bound of what a stored network holds, which a file reader compares with the bytes it has before it
    /// computes a padded layout or allocates.
    public var totalParameters: Int { parameterCounts.reduce(outputParameters, saturatingSum) }

    /// Parses the JSON list of a configuration's `layers` key and checks it as `init` does.
    public static func parse(_ json: Data, input: ActivationShape, outputs: Int) throws(LayerError) -> LayerStack {
        let items: [LayerJSON]
        do {
            items = try JSONDecoder().decode([LayerJSON].self, from: json)
        } catch {
            throw .notAnObject(layer: 0)
        }
        var layers: [LayerSpecification] = []
        for (index, item) in items.enumerated() { layers.append(try LayerSpecification.parse(item, layer: index)) }
        return try LayerStack(input: input, layers: layers, outputs: outputs)
    }

    /// Bytes of layer i in training: its parameters (float32, twice: the weights and a running average), and per
    /// batch sample its neurons' state (drive, free and nudged potentials, two update operands: 5 floats each,
    /// channels padded to 16) plus their spikes at every time step.
    public func bytes(layer index: Int, batch: Int, timeSteps: Int) -> Int {
        let shape = shapes[index]
        let padded = saturating(shape.rows, shape.columns, Kernels.paddedWidth(shape.channels))
        return saturating(
            4, saturatingSum(saturating(2, parameterCounts[index]), saturating(batch, padded, 5 + timeSteps)))
    }

    /// Bytes of the whole network in training (every layer, the output layer's parameters three times: the
    /// weights, their running average and the column copy that relaxation's feedback reads — made only for
    /// outputs of at most 16 classes, counted for every output, so above 16 classes this is an upper bound).
    public func bytes(batch: Int, timeSteps: Int) -> Int {
        shapes.indices.reduce(saturating(12, outputParameters)) {
            saturatingSum($0, bytes(layer: $1, batch: batch, timeSteps: timeSteps))
        }
    }

    /// Throws unless the network fits in `available` bytes (the machine's memory, by default).
    public func requireFits(
        batch: Int, timeSteps: Int, available: Int = Int(ProcessInfo.processInfo.physicalMemory)
    ) throws(LayerError) {
        let total = bytes(batch: batch, timeSteps: timeSteps)
        guard total > available else { return }
        let sizes = shapes.indices.map { bytes(layer: $0, batch: batch, timeSteps: timeSteps) }
        let largest = sizes.indices.max { sizes[$0] < sizes[$1] }!
        throw .tooLarge(bytes: total, available: available, largestLayer: largest, largestBytes: sizes[largest])
    }
}

/// The product of `factors` (all ≥ 0), or `Int.max` when it would overflow.
private func saturating(_ factors: Int...) -> Int {
    var product = 1
    for factor in factors {
        let (next, overflow) = product.multipliedReportingOverflow(by: factor)
        if overflow { return Int.max }
        product = next
    }
    return product
}

/// `a + b` (both ≥ 0), or `Int.max` when it would overflow.
private func saturatingSum(_ a: Int, _ b: Int) -> Int {
    let (total, overflow) = a.addingReportingOverflow(b)
    return overflow ? Int.max : total
}
