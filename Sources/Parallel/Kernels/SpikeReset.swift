/// What a LIF neuron's potential becomes when it spikes (spec, Eq. 5; `Kernels.leakIntegrateFire`).
///
/// The paper does not say; ptrain has always reset by subtraction, which keeps the charge above threshold (a
/// neuron driven by d > θ then spikes at the rate d/θ exactly, up to one spike per step). Reset to zero is what
/// NIR's `IF`/`LIF` nodes, Norse and SpikingJelly do, so a network trained with it exports exactly
/// (docs/export.md).
public enum SpikeReset: String, Codable, Sendable, CaseIterable {
    /// `v ← v − θ` (the default: every run before this option, bit for bit).
    case subtract
    /// `v ← 0`.
    case zero
}
