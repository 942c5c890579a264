import Foundation
import Parallel

/// Every setting of a training run (spec: "Defaults in one table").
///
/// One `RunConfig` plus the dataset determines a run bit for bit: the thread count is deliberately not part
/// of it. JSON files in `configs/` are decoded with `Codable` (`RunConfig+Decoding.swift`), every key can be
/// overridden from the command line (`RunConfig+Keys.swift`), and `validate()` rejects out-of-range values
/// naming the key.
public struct RunConfig: Equatable, Sendable {
    /// How the teaching signal enters the output layer (spec step 4, Eqs. 12–14).
    public enum Nudge: String, Codable, Sendable, CaseIterable {
        /// Nudged relaxation with the extra term β(V_T − V_y) in dV_y.
        case beta
        /// V_y¹ = clamp(V_y + η_c(V_T − V_y)), then only V_h relaxes with V_y¹ held (closer to Eq. 13).
        case direct
        /// Centered nudging (Scellier et al. 2023, a lever of the spec): the reference phase is nudged with −β
        /// instead of 0, and s = 1/(2β·B); the difference then has no first-order bias in β.
        case centered
    }

    /// Which training images the `validation` split holds out (`ValidationSplit`).
    public enum ValidationImages: String, Codable, Sendable, CaseIterable {
        /// The last N training images as used: a function of the data alone, the same for every seed.
        case last
        /// N images drawn by the run's `seed` (a `CounterRNG` stream of their own), kept in their original order.
        case random
    }

    /// When the running weight average (`averageFrom`) takes the weights in.
    public enum AverageEvery: String, Codable, Sendable, CaseIterable {
        /// At the end of every epoch (stochastic weight averaging; what `ptrain average` computes after the fact).
        case epoch
        /// After every batch (Polyak–Ruppert averaging of the iterates).
        case batch
    }

    /// The synaptic rule (spec step 5).
    public enum Rule: String, Codable, Sendable, CaseIterable {
        /// Eq. 15: presynaptic activity × change of postsynaptic potential.
        case stdp
        /// Symmetric Equilibrium-Propagation update, for comparison.
        case eqprop
    }

    /// Run name, used for the default run directory `runs/<name>-h<H>-s<seed>` (`runs/<name>-s<seed>` with
    /// `layers`).
    public var name: String = "mnist-800"
    /// Hidden LIF neurons H.
    public var hidden: Int = 800
    /// The network between the spiking input and the output as a list of layers (issue #15). Empty (the
    /// default) means the classic three-layer network of `hidden` LIF neurons; a non-empty list replaces `hidden`.
    /// `config.json` writes it only when set, as a one-line JSON list (`LayerSpecification.jsonText(_:)`).
    public var layers: [LayerSpecification] = []
    /// Minibatch ("patch") size B.
    public var batch: Int = 10
    /// Passes over the training set ("iterations").
    public var epochs: Int = 100
    /// Spiking time steps T per sample (Eq. 5).
    public var timeSteps: Int = 20
    /// Firing threshold θ.
    public var theta: Float = 1
    /// Membrane time constant τ_m; `nil` means no leak (λ = 1).
    public var tauM: Float? = nil
    /// Simulation time step dt used in λ = exp(−dt/τ_m).
    public var dt: Float = 1
    /// What a spike does to the potential (Eq. 5): `v ← v − θ` (the default) or `v ← 0` (NIR's IF, exact export).
    public var reset: SpikeReset = .subtract
    /// Free relaxation steps K_free (Eqs. 6–10).
    public var kFree: Int = 5
    /// Teaching-phase relaxation steps K_pos (Eqs. 12–14).
    public var kPos: Int = 4
    /// Euler step ε of the relaxation (Eq. 10).
    public var eps: Float = 0.5
    /// Teaching-signal variant. `centered` is the default since it measured +0.19 points at H = 1000
    /// (3 seeds, 5 epochs) and +0.10 at H = 500 over `beta` (docs/results.md); `beta` is the spec's
    /// reconstruction of the paper.
    public var nudge: Nudge = .centered
    /// Nudge strength β (`nudge = beta`); negative values nudge away from the target.
    public var beta: Float = 0.5
    /// Direct teaching rate η_c (`nudge = direct`).
    public var etaC: Float = 0.5
    /// Synaptic update rule.
    public var rule: Rule = .stdp
    /// Learning rate η1 of W1 and b1.
    public var lr1: Float = 0.05
    /// Learning rate η2 of W2 and b2.
    public var lr2: Float = 0.05
    /// The learning rate of each layer of `layers`, in order (issue #15: what deeper networks need); empty (the
    /// default) gives every layer `lr1`. The output layer keeps `lr2`.
    public var lrLayers: [Float] = []
    /// Learning-rate decay per epoch (a lever of the spec): epoch e trains with lr · lrDecay^(e − 1).
    /// 1 keeps the rates constant (the paper's setting).
    public var lrDecay: Float = 1
    /// Eq. 11 mix: V = α·V^FF + (1 − α)·V^ES.
    public var alpha: Float = 0
    /// The one seed that determines initialisation, shuffling and spike trains.
    public var seed: UInt64 = 1
    /// Logical shards of the hidden layer; 0 picks `automaticShardCount(hidden:)`. Part of the mathematics
    /// (it fixes the order of partial sums), never derived from the thread count.
    public var shards: Int = 0
    /// Use only the first N training images (`nil`: all 60,000).
    public var trainLimit: Int? = nil
    /// Use only the first N test images (`nil`: all 10,000).
    public var testLimit: Int? = nil
    /// Hold out the last N training images (after `trainLimit`) as a validation set that selects the best
    /// epoch; 0: none, selection falls back to the test set (and says so).
    public var validation: Int = 0
    /// Which images `validation` holds out: the last N (the default) or a seeded random N.
    public var validationSplit: ValidationImages = .last
    /// Average the weights from the end of this epoch on (stochastic weight averaging inside the run,
    /// `WeightAveraging`): every later epoch is also evaluated with the mean of the weights of epochs
    /// `averageFrom…epoch`, stored in every checkpoint; 0: no averaging.
    public var averageFrom: Int = 0
    /// Whether the average takes the weights at the end of every epoch (the default) or after every batch, from
    /// the first batch of epoch `averageFrom` on.
    public var averageEvery: AverageEvery = .epoch
    /// Data augmentation: every training image is moved by up to `shift` pixels along each side, a fresh random
    /// move per sample and epoch (`ImageShift`); validation and test images are not moved. 0 (the default): off.
    /// Not in the paper.
    public var shift: Int = 0

    public init() {}

    /// The translation of this configuration's training images of layout `image`; nil when `shift` is 0.
    /// - Precondition: `image` is an image larger than `shift` along each side (`SessionData` checks it).
    public func imageShift(image: ActivationShape) -> ImageShift? {
        ImageShift(maximum: shift, seed: seed, image: image)
    }

    /// The leak factor λ = exp(−dt/τ_m), or 1 without leak.
    public var leak: Float {
        guard let tauM else { return 1 }
        return Float(exp(Double(-dt / tauM)))
    }

    /// The factor lrDecay^(epoch − 1) applied to both learning rates in `epoch` (1-based).
    public func learningRateFactor(epoch: Int) -> Float {
        lrDecay == 1 ? 1 : Float(pow(Double(lrDecay), Double(max(epoch - 1, 0))))
    }

    /// Shard count actually used: `shards`, or `automaticShardCount(hidden:)`. `validate` refuses a `shards`
    /// above `Network.maximumShards(hidden:)`, so the `min` only guards configurations never validated.
    public var resolvedShards: Int {
        shards > 0 ? min(shards, Network.maximumShards(hidden: hidden)) : RunConfig.automaticShardCount(hidden: hidden)
    }

    /// About one shard per 128 hidden neurons, rounded to a multiple of 8 from H = 512 on (8 at H = 800 and
    /// 1,000, 32 at 4,500), at most 64. Wide shards amortise the per-shard reductions; multiples of 8
    /// divide evenly over 2, 4 or 8 threads.
    public static func automaticShardCount(hidden: Int) -> Int {
        let count = hidden >= 512 ? 8 * ((hidden + 512) / 1024) : hidden / 128
        return max(1, min(64, count, Network.maximumShards(hidden: hidden)))
    }

    /// Default run directory name: `<name>-h<H>-s<seed>`, or `<name>-s<seed>` for a layered network (`layers` not
    /// empty), whose size `hidden` does not give.
    public var runDirectoryName: String { layers.isEmpty ? "\(name)-h\(hidden)-s\(seed)" : "\(name)-s\(seed)" }
}
