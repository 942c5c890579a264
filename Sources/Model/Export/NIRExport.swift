/// `ptrain export --format nir`: the network as a Neuromorphic Intermediate Representation graph (NIR,
/// github.com/neuromorphs/NIR), in the HDF5 layout `nir.write` produces and `nir.read` reads:
///
/// ```
/// /version                      "1.0.4" (the layout followed: that of nir 1.0.4, which every later nir reads)
/// /node/type                    "NIRGraph"
/// /node/nodes/input             Input   shape = [inputs]
/// /node/nodes/fc1               Affine  weight = W1ᵀ (H × inputs), bias = b1 (H)
/// /node/nodes/hidden            IF      r = 1, v_threshold = θ (H each)     — LIF with a leak τ_m
/// /node/nodes/fc2               Affine  weight = W2ᵀ (K × H), bias = b2 (K)
/// /node/nodes/out               IF      r = 1, v_threshold = θ (K each)     — LIF with a leak τ_m
/// /node/nodes/output            Output  shape = [K]
/// /node/edges                   (5, 2) strings: input→fc1→hidden→fc2→out→output
/// /node/metadata/…              ptrain's facts (below)
/// ```
///
/// Each node group holds exactly the datasets its NIR class takes (`nir.read` passes every dataset of a node
/// to the class's constructor, so an unknown one fails the whole read); everything else is graph metadata.
/// `v_reset` is left out: nir ≥ 1.0.6 reads a missing `v_reset` as zero, and nir ≤ 1.0.4 (which Sinabs pins)
/// refuses a file that has it.
///
/// The spec's neurons (Eq. 5) run in discrete steps: `v ← λ·v + I(t)`, a spike where `v ≥ θ`, then `v ← v − θ` (reset
/// by subtraction, the default) or `v ← 0` (`reset: zero`, NIR's own reset). In NIR's continuous terms with the time
/// unit one step (dt = 1) and spikes as unit impulses, an IF neuron (`v̇ = R·I`) with R = 1 integrates exactly that
/// without leak. With a leak the LIF node `τ·v̇ = (v_leak − v) + R·I` gets τ = 1/(1 − λ), R = τ, v_leak = 0: its
/// forward-Euler step of one time unit (what `Tests/Export/check_export.py` simulates) is then `v ← (1 − 1/τ)·v + I =
/// λ·v + I`; an exact exponential integrator would decay by e^(−(1 − λ)) instead of λ. What NIR cannot say is in the
/// metadata: the reset when it is by subtraction (NIR's IF and LIF reset to `v_reset`, here 0: a `reset: zero` network
/// is the graph as NIR defines it), the comparison (NIR writes `v > v_thr`, ptrain fires at `v ≥ θ`), the step order,
/// the input encoding and the readout (docs/export.md).
public enum NIRExport {
    /// The version written to `/version`.
    public static let layoutVersion = "1.0.4"

    /// The graph's node names, in edge order.
    public static let nodeNames = ["input", "fc1", "hidden", "fc2", "out", "output"]

    /// The metadata keys and what they hold, for the documentation and the tests.
    public static let metadataKeys = [
        "producer", "ptrain_version", "config", "dt", "time_steps", "encoding", "readout", "reset_mode",
        "threshold_comparison", "update", "leak",
    ]

    /// The HDF5 file's bytes. `producerVersion` is ptrain's version (`ptrain --version`).
    public static func file(_ network: ExportedNetwork, producerVersion: String) -> [UInt8] {
        HDF5File.encode(root: [
            HDF5Link("version", .dataset(.string(layoutVersion))),
            HDF5Link("node", graph(network, producerVersion: producerVersion)),
        ])
    }

    /// The `NIRGraph` group.
    static func graph(_ network: ExportedNetwork, producerVersion: String) -> HDF5Object {
        let names = nodeNames
        let edges = zip(names, names.dropFirst()).flatMap { [$0, $1] }
        return .group([
            HDF5Link("type", .dataset(.string("NIRGraph"))),
            HDF5Link(
                "nodes",
                .group([
                    HDF5Link(
                        "input",
                        node("Input", [("shape", .int64([Int64(network.inputs)]))])),
                    HDF5Link(
                        "fc1", affine(network.w1Transposed, shape: [network.hidden, network.inputs], bias: network.b1)),
                    HDF5Link("hidden", neurons(count: network.hidden, config: network.config)),
                    HDF5Link(
                        "fc2", affine(network.w2Transposed, shape: [network.outputs, network.hidden], bias: network.b2)),
                    HDF5Link("out", neurons(count: network.outputs, config: network.config)),
                    HDF5Link("output", node("Output", [("shape", .int64([Int64(network.outputs)]))])),
                ])),
            HDF5Link("edges", .dataset(.strings(edges, shape: [names.count - 1, 2]))),
            HDF5Link("metadata", .group(metadata(network.config, producerVersion: producerVersion))),
        ])
    }

    /// A node group: its `type` and its parameters.
    static func node(_ type: String, _ parameters: [(String, HDF5Dataset)]) -> HDF5Object {
        .group([HDF5Link("type", .dataset(.string(type)))] + parameters.map { HDF5Link($0.0, .dataset($0.1)) })
    }

    /// An `Affine` node: y = W·x + b with `weight` row-major of `shape` [outputs, inputs].
    static func affine(_ weight: [Float], shape: [Int], bias: [Float]) -> HDF5Object {
        node("Affine", [("weight", .float32(weight, shape: shape)), ("bias", .float32(bias))])
    }

    /// `count` neurons of the spec's LIF (Eq. 5): IF without leak (λ = 1), LIF with τ = 1/(1 − λ), R = τ (float64);
    /// every parameter an array of `shape` (a layered network's (C, H, W)), or of `count` when it is nil.
    static func neurons(count: Int, config: RunConfig, shape: [Int]? = nil) -> HDF5Object {
        let threshold = [Float](repeating: config.theta, count: count)
        let leak = config.leak
        guard leak < 1 else {
            return node(
                "IF",
                [
                    ("r", .float32([Float](repeating: 1, count: count), shape: shape)),
                    ("v_threshold", .float32(threshold, shape: shape)),
                ])
        }
        // τ and R in float64, so that a simulator's 1 − 1/τ rounds to exactly ptrain's float32 λ (tested in
        // ExportFormatTests); a float32 τ can miss it by an ulp.
        let tau = 1 / (1 - Double(leak))
        return node(
            "LIF",
            [
                ("tau", .float64([Double](repeating: tau, count: count), shape: shape)),
                ("r", .float64([Double](repeating: tau, count: count), shape: shape)),
                ("v_leak", .float32([Float](repeating: 0, count: count), shape: shape)),
                ("v_threshold", .float32(threshold, shape: shape)),
            ])
    }

    /// A layered network's graph (issue #15), in the same file layout: `input` (Input, shape (C, H, W) or (n)), then
    /// per layer i (the hidden layers, then the output layer, last) its synapses and `neurons<i>` (IF or LIF, every
    /// parameter of the layer's neuron shape), then `output`:
    ///
    /// - `conv`: `conv<i>` Conv2d — `input_shape` (H, W), `weight` (C_out, C_in, k, k), `stride` (s, s),
    ///   `padding` (p, p), `dilation` (1, 1), `groups` 1, `bias` (C_out); neurons (C_out, H_out, W_out);
    /// - `fc` and the output layer: after an image, `flatten<i>` Flatten (`start_dim` 0, `end_dim` −1,
    ///   `input_type` (C, H, W)); then `fc<i>` Affine — `weight` (units, inputs C-major), `bias` (units);
    /// - `local`: NIR has no locally connected node, so after a Flatten it is `fc<i>`, an Affine whose weight is the
    ///   dense (C_out·H_out·W_out × C_in·H·W) matrix of its kernels at their receptive fields (zeros elsewhere) and
    ///   whose bias is (C_out·H_out·W_out); its neurons are then a vector, so it must be followed by `fc` layers only.
    ///
    /// The metadata is the three-layer graph's (`metadataKeys`): the same neurons, reset, comparison, encoding
    /// (input spikes of image samples in (C, H, W) order) and readout.
    /// - Throws: `.notExportable` for a `local` layer followed by a `conv` layer (NIR cannot turn a vector back
    ///   into an image).
    public static func file(_ network: ExportedLayers, producerVersion: String) throws(ExportError) -> [UInt8] {
        var nodes: [HDF5Link] = [
            HDF5Link("input", node("Input", [("shape", .int64(network.inputShape.map(Int64.init)))]))
        ]
        var names = ["input"]
        var current = network.inputShape
        func add(_ name: String, _ object: HDF5Object) {
            nodes.append(HDF5Link(name, object))
            names.append(name)
        }
        for (i, layer) in network.layers.enumerated() {
            switch layer.kind {
            case .convolution(_, let stride, let padding):
                guard current.count == 3 else {
                    throw .notExportable(
                        reason: "layer \(i) is a conv layer after a vector (a local layer's affine map): NIR has no "
                            + "node that turns a vector back into an image")
                }
                add(
                    "conv\(i)",
                    node(
                        "Conv2d",
                        [
                            ("input_shape", .int64([Int64(current[1]), Int64(current[2])])),
                            ("weight", .float32(layer.weight, shape: layer.weightShape)),
                            ("stride", .int64([Int64(stride), Int64(stride)])),
                            ("padding", .int64([Int64(padding), Int64(padding)])),
                            ("dilation", .int64([1, 1])), ("groups", .int64(1)),
                            ("bias", .float32(layer.bias)),
                        ]))
            case .fullyConnected, .locallyConnected:
                if current.count == 3 {
                    add(
                        "flatten\(i)",
                        node(
                            "Flatten",
                            [
                                ("start_dim", .int64(0)), ("end_dim", .int64(-1)),
                                ("input_type", .int64(current.map(Int64.init))),
                            ]))
                }
                let isLocal = layer.kind != .fullyConnected
                let weight = isLocal ? layer.denseLocalWeight() : layer.weight
                add("fc\(i)", affine(weight, shape: [layer.outputCount, layer.inputCount], bias: layer.bias))
            }
            // A local layer's neurons are the affine map's vector; a conv layer's keep their image shape.
            if case .locallyConnected = layer.kind {
                current = [layer.outputCount]
            } else {
                current = layer.outputShape
            }
            add(
                "neurons\(i)",
                neurons(
                    count: layer.outputCount, config: network.config, shape: current.count == 3 ? current : nil))
        }
        add("output", node("Output", [("shape", .int64([Int64(network.outputs)]))]))
        let edges = zip(names, names.dropFirst()).flatMap { [$0, $1] }
        return HDF5File.encode(root: [
            HDF5Link("version", .dataset(.string(layoutVersion))),
            HDF5Link(
                "node",
                .group([
                    HDF5Link("type", .dataset(.string("NIRGraph"))),
                    HDF5Link("nodes", .group(nodes)),
                    HDF5Link("edges", .dataset(.strings(edges, shape: [names.count - 1, 2]))),
                    HDF5Link("metadata", .group(metadata(network.config, producerVersion: producerVersion))),
                ])),
        ])
    }

    /// The graph's metadata: what NIR's nodes cannot say, in `metadataKeys` order.
    static func metadata(_ config: RunConfig, producerVersion: String) -> [HDF5Link] {
        let values: [String: HDF5Dataset] = [
            "producer": .string("ptrain \(producerVersion)"),
            "ptrain_version": .string(producerVersion),
            "config": .string(config.jsonText()),
            "dt": .float64(1),
            "time_steps": .int64(Int64(config.timeSteps)),
            "encoding": .string(
                "bernoulli-rate: at each of time_steps steps input i spikes (1) with probability x_i = pixel_i/255, "
                    + "independently per step; test images use ptrain's counter-based generator keyed by seed, "
                    + "stream 5, sample index and step (ptrain export --spikes writes the trains)"),
            "readout": .string(
                "spike-count: the class is the output with the most spikes over time_steps steps; ties go to the "
                    + "larger summed output drive sum_t I_out(t), then to the lower class"),
            "reset_mode": .string(config.reset.rawValue),
            "threshold_comparison": .string(">="),
            "update": .string(
                "discrete steps t = 0..time_steps-1 from v = 0: I(t) = affine(spikes of the layer before at step t); "
                    + "v = leak*v + I(t); spike where v >= v_threshold, then "
                    + (config.reset == .subtract ? "v = v - v_threshold" : "v = 0")
                    + "; at most one spike per neuron and step"),
            "leak": .float64(Double(config.leak)),
        ]
        return metadataKeys.map { HDF5Link($0, .dataset(values[$0]!)) }
    }
}
