extension Kernels {
    /// One LIF time step over `width` neurons (spec, Eq. 5): `v ← leak·v + input`; where `v ≥ threshold`
    /// the neuron spikes and is reset by subtraction, `v ← v − threshold`; `inputSum += input` accumulates
    /// the drive for V^FF. Writes the spikes as 1 or 0 to `spikes` (consumed by `rowDots`, which is cheaper
    /// than compacting spike indices: half the neurons fire in a step, and mask-to-index compaction
    /// measured 19% of training time) and returns the number of spikes.
    ///
    /// - Precondition: `width % 16 == 0`; every buffer holds `width` elements.
    public static func integrateAndFire(
        potential: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, inputSum: UnsafeMutablePointer<Float>,
        width: Int, leak: Float, threshold: Float, spikes: UnsafeMutablePointer<Float>
    ) -> Int {
        precondition(width % lanes == 0, "integrateAndFire: width \(width) must be a multiple of 16")
        var count = SIMD16<Float>()
        var column = 0
        let zero = SIMD16<Float>(repeating: 0)
        // This is safe because column + 16 <= width and every buffer holds width elements.
        while column < width {
            let drive = load16(input + column)
            var v = leak * load16(potential + column) + drive
            let fired = v .>= threshold
            v.replace(with: v - threshold, where: fired)
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
