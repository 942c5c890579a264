extension Kernels {
    /// One LIF time step over `width` neurons (spec, Eq. 5): `v ← leak·v + input`; where `v ≥ threshold`
    /// the neuron spikes and is reset (`reset`: `v ← v − threshold` or `v ← 0`); `inputSum += input` accumulates
    /// the drive for V^FF. Writes the spikes as 1 or 0 to `spikes` (consumed by `rowDots`, which is cheaper
    /// than compacting spike indices: half the neurons fire in a step, and mask-to-index compaction took 19%
    /// of training time in a `perf` profile of the earlier build that had it; `ptrain bench` row "LIF step")
    /// and returns the number of spikes.
    ///
    /// - Precondition: `width % 16 == 0`; every buffer holds `width` elements.
    public static func integrateAndFire(
        potential: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, inputSum: UnsafeMutablePointer<Float>,
        width: Int, leak: Float, threshold: Float, reset: SpikeReset, spikes: UnsafeMutablePointer<Float>
    ) -> Int {
        precondition(
            width >= 0 && width % lanes == 0, "integrateAndFire: width \(width) must be a multiple of \(lanes)")
        var count = SIMD16<Float>()
        var column = 0
        let zero = SIMD16<Float>(repeating: 0)
        // This is safe because column + 16 <= width and every buffer holds width elements.
        while column < width {
            let drive = load16(input + column)
            var v = load16(potential + column)
            let fired = leakIntegrateFire(&v, drive: drive, leak: leak, threshold: threshold, reset: reset)
            store16(v, potential + column)
            store16(load16(inputSum + column) + drive, inputSum + column)
            let spike = zero.replacing(with: 1, where: fired)
            store16(spike, spikes + column)
            count += spike
            column += lanes
        }
        return Int(count.sum())
    }
}

extension Kernels {
    /// The LIF step of the spec (Eq. 5) on one vector of neurons — the one definition of the leak and of the
    /// reset, shared by the hidden layer (`integrateAndFire`) and the output layer (`integrateAndFireSummed`):
    /// `v ← leak·v + drive`; where `v ≥ threshold`, `v ← v − threshold` (`.subtract`) or `v ← 0` (`.zero`).
    /// Returns the lanes that fired.
    @inline(__always)
    static func leakIntegrateFire(
        _ v: inout Vector, drive: Vector, leak: Float, threshold: Float, reset: SpikeReset
    ) -> SIMDMask<SIMD16<Int32>> {
        v = leak * v + drive
        let fired = v .>= threshold
        switch reset {
        case .subtract: v.replace(with: v - threshold, where: fired)
        case .zero: v.replace(with: 0, where: fired)
        }
        return fired
    }
}
