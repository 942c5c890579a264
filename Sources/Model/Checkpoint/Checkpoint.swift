import Parallel

/// Everything needed to continue a run exactly, or to evaluate or inspect it: the network's shape and
/// weights, the resolved configuration, the training cursor, every epoch's metrics and the best accuracy, and
/// (when known) the fingerprint of the data the run used.
///
/// `Checkpoint+Writing.swift` turns it into the bytes of docs/checkpoint-format.md and
/// `Checkpoint+Reading.swift` back, validating every length, CRC and cross-reference on the way.
public struct Checkpoint: Sendable {
    /// Network shape (W1 is `inputs × hidden`, W2 `hidden × outputs`).
    public var inputs: Int
    public var hidden: Int
    public var outputs: Int
    /// Logical shards of the hidden layer (part of the arithmetic; recorded so a reader can check it).
    public var shards: Int
    /// The resolved configuration the run used.
    public var config: RunConfig
    public var cursor: TrainingCursor
    /// One record per finished epoch, `cursor.completedEpochs` of them.
    public var records: [EpochRecord]
    /// Canonical parameters (W1 row-major, b1, W2 row-major, b2); nil when read without weights.
    public var parameters: [Float]?
    /// Where the checkpoint came from, when read from a file: its format version and section table.
    public var layout: CheckpointLayout?
    /// The data the run used (the dATA section); nil when unknown: in every 1.0 file, and in files written
    /// without it.
    public var data: DataFingerprint?
    /// The running weight average (the AVRG section): present exactly when `config.averageFrom` is above 0.
    public var average: WeightAveraging?
    /// A layered network's input shape (issue #15; the LAYR section); nil for the three-layer network. With it,
    /// `hidden` and `shards` are 0, the network's layers are `config.layers`, and `parameters` (and the
    /// average's sums) are in the layout of `LayeredNetwork.parameters()`.
    public var layeredInput: ActivationShape?
    /// Floats of a layered network's parameters (0 for the three-layer network).
    let layeredParameterCount: Int

    /// A checkpoint of `network` trained with `config` up to `cursor` on the data of fingerprint `data`, with
    /// the run's weight average when it keeps one.
    /// - Precondition: `data`'s images have `network.inputs` pixels; `average` is given exactly when
    ///   `config.averageFrom` is above 0.
    public init(
        network: Network, config: RunConfig, cursor: TrainingCursor, records: [EpochRecord],
        data: DataFingerprint? = nil, average: WeightAveraging? = nil
    ) {
        Self.checkPixels(data, inputs: network.inputs)
        Self.checkAverage(average, config: config)
        inputs = network.inputs
        hidden = network.hidden
        outputs = network.outputs
        shards = network.shards.count
        self.config = config
        self.cursor = cursor
        self.records = records
        parameters = network.canonicalParameters()
        layout = nil
        self.data = data
        self.average = average
        layeredInput = nil
        layeredParameterCount = 0
    }

    /// A checkpoint of the layered `network` (issue #15) trained with `config` (whose `layers` it has) up to
    /// `cursor`, with the run's weight average when it keeps one.
    /// - Precondition: as the three-layer initializer's; `config.layers` is the network's.
    public init(
        network: LayeredNetwork, config: RunConfig, cursor: TrainingCursor, records: [EpochRecord],
        data: DataFingerprint? = nil, average: WeightAveraging? = nil
    ) {
        precondition(config.layers == network.stack.layers, "a layered checkpoint's configuration has its layers")
        Self.checkPixels(data, inputs: network.inputs)
        Self.checkAverage(average, config: config)
        inputs = network.inputs
        hidden = 0
        outputs = network.outputs
        shards = 0
        self.config = config
        self.cursor = cursor
        self.records = records
        let parameters = network.parameters()
        self.parameters = parameters
        layout = nil
        self.data = data
        self.average = average
        layeredInput = network.stack.input
        layeredParameterCount = parameters.count
    }

    init(
        inputs: Int, hidden: Int, outputs: Int, shards: Int, config: RunConfig, cursor: TrainingCursor,
        records: [EpochRecord], parameters: [Float]?, layout: CheckpointLayout?, data: DataFingerprint?,
        average: WeightAveraging?, layeredInput: ActivationShape? = nil, layeredParameterCount: Int = 0
    ) {
        Self.checkPixels(data, inputs: inputs)
        Self.checkAverage(average, config: config)
        self.inputs = inputs
        self.hidden = hidden
        self.outputs = outputs
        self.shards = shards
        self.config = config
        self.cursor = cursor
        self.records = records
        self.parameters = parameters
        self.layout = layout
        self.data = data
        self.average = average
        self.layeredInput = layeredInput
        self.layeredParameterCount = layeredParameterCount
    }

    /// An average without `averageFrom`, or `averageFrom` without an average, is a caller's mistake.
    private static func checkAverage(_ average: WeightAveraging?, config: RunConfig) {
        precondition(
            (average == nil) == (config.averageFrom == 0)
                && (average.map { $0.firstEpoch == config.averageFrom } ?? true),
            "a weight average exactly when averageFrom is set (averageFrom \(config.averageFrom))")
    }

    /// A fingerprint of images of another size than the network's inputs is a caller's mistake: the reader
    /// would refuse the file.
    private static func checkPixels(_ data: DataFingerprint?, inputs: Int) {
        guard let data else { return }
        precondition(
            data.train.pixelsPerImage == inputs && data.test.pixelsPerImage == inputs,
            "data fingerprint \(data) for a network of \(inputs) inputs")
    }

    /// The best test spike accuracy so far (the BEST section).
    public var best: BestAccuracy? { BestAccuracy.of(records) }

    /// Whether the checkpoint holds a layered network (issue #15) rather than the three-layer one.
    public var isLayered: Bool { layeredInput != nil }

    /// Number of parameters of the shape (a layered network's as stored, padding included).
    public var parameterCount: Int {
        isLayered ? layeredParameterCount : inputs * hidden + hidden + hidden * outputs + outputs
    }

    /// The layered network holding the weights (with `averaged`, the running average's mean instead); nil for a
    /// three-layer checkpoint, one read without weights, or an average before its first epoch.
    public func makeLayeredNetwork(averaged: Bool = false) -> LayeredNetwork? {
        guard let layeredInput, let values = averaged ? average?.mean : parameters,
            let stack = try? LayerStack(input: layeredInput, layers: config.layers, outputs: outputs)
        else { return nil }
        let network = LayeredNetwork(stack: stack, outputs: outputs)
        network.load(parameters: values)
        return network
    }

    /// A network holding the weights, split into `shards` shards (clamped to what the hidden size allows; the
    /// weights are canonical, so any count works, but training continues bit-exactly only with the recorded
    /// one). Nil when read without weights, and for a layered checkpoint (`makeLayeredNetwork`).
    public func makeNetwork(shards: Int? = nil) -> Network? {
        guard !isLayered else { return nil }
        return parameters.map { network(holding: $0, shards: shards) }
    }

    /// A network holding the averaged weights (split like `makeNetwork`); nil without an average, before its
    /// first epoch, or when read without weights.
    public func makeAveragedNetwork(shards: Int? = nil) -> Network? {
        guard !isLayered, parameters != nil, let mean = average?.mean else { return nil }
        return network(holding: mean, shards: shards)
    }

    private func network(holding canonical: [Float], shards: Int?) -> Network {
        let count = min(max(1, shards ?? self.shards), Network.maximumShards(hidden: hidden))
        let network = Network(inputs: inputs, hidden: hidden, outputs: outputs, shards: count)
        network.load(canonicalParameters: canonical)
        return network
    }
}

/// The structure of a checkpoint file as read: version, header fields and where each section lies.
public struct CheckpointLayout: Sendable, Equatable {
    public var major: UInt16
    public var minor: UInt16
    public var headerLength: Int
    /// FNV-1a 64 of the CONF payload, as stored in the header.
    public var configurationHash: UInt64
    public var sections: [CheckpointSection]
    /// File size in bytes.
    public var size: Int
}

/// One section of a checkpoint file.
public struct CheckpointSection: Sendable, Equatable {
    /// The tag for display (`WGHT`; unusual bytes hex-escaped).
    public var tag: String
    /// Offset of the section's first byte (its tag) in the file.
    public var offset: Int
    /// Payload bytes.
    public var length: Int
    /// The stored (and verified) CRC32.
    public var crc: UInt32
    /// Whether this reader knows the tag (an unknown one comes from a newer minor version and was skipped).
    public var known: Bool

    /// The payload's bytes in the file.
    public var payload: Range<Int> { (offset + 12)..<(offset + 12 + length) }
    /// The whole section, tag to CRC, in the file.
    public var bytes: Range<Int> { offset..<(offset + CheckpointFormat.sectionOverhead + length) }
}
