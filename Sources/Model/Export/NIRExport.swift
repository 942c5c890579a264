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

    /// `count` neurons of the spec's LIF (Eq. 5): IF without leak (λ = 1), LIF with τ = 1/(1 − λ), R = τ (float64).
    static func neurons(count: Int, config: RunConfig) -> HDF5Object {
        let threshold = [Float](repeating: config.theta, count: count)
        let leak = config.leak
        guard leak < 1 else {
            return node(
                "IF",
                [("r", .float32([Float](repeating: 1, count: count))), ("v_threshold", .float32(threshold))])
        }
        // τ and R in float64, so that a simulator's 1 − 1/τ rounds to exactly ptrain's float32 λ (tested in
        // ExportFormatTests); a float32 τ can miss it by an ulp.
        let tau = 1 / (1 - Double(leak))
        return node(
            "LIF",
            [
                ("tau", .float64([Double](repeating: tau, count: count))),
                ("r", .float64([Double](repeating: tau, count: count))),
                ("v_leak", .float32([Float](repeating: 0, count: count))),
                ("v_threshold", .float32(threshold)),
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
