extension Kernels {
    /// `timeSteps` LIF steps of a layer of `width` neurons (the output layer of Eq. 5) driven by a sum of
    /// partial drives: at step t, `drive = Σ_s partials[s · partialStride + t · width + k] + bias[k]`, added in
    /// ascending s, then `leakIntegrateFire` (reset by `reset`) from a zero potential. Writes the time-averaged
    /// drive Σ_t drive / T to `averageDrive` and the spike count of each neuron to `spikeCounts` (`width` each).
    ///
    /// The neurons are independent, so the layer is walked one 16-lane vector at a time, all T steps per
    /// vector: every lane sees the operations of the one-vector kernel in the same order, whatever `width`.
    ///
    /// - Precondition: `width` a positive multiple of `lanes`, `partialCount >= 0`, `timeSteps >= 1`,
    ///   `partialStride >= timeSteps · width` when there is more than one partial; `partials` holds
    ///   `partialCount` blocks of `timeSteps · width` floats `partialStride` apart; `bias`, `averageDrive` and
    ///   `spikeCounts` hold `width` elements.
    public static func integrateAndFireSummed(
        partials: UnsafePointer<Float>, partialCount: Int, partialStride: Int, bias: UnsafePointer<Float>,
        width: Int, timeSteps: Int, leak: Float, threshold: Float, reset: SpikeReset,
        averageDrive: UnsafeMutablePointer<Float>, spikeCounts: UnsafeMutablePointer<Int32>
    ) {
        precondition(
            width >= lanes && width % lanes == 0,
            "integrateAndFireSummed: width \(width) must be a positive multiple of \(lanes)")
        precondition(partialCount >= 0, "integrateAndFireSummed: negative partial count \(partialCount)")
        precondition(timeSteps >= 1, "integrateAndFireSummed: timeSteps \(timeSteps) must be at least 1")
        precondition(
            partialCount <= 1 || partialStride >= timeSteps * width,
            "integrateAndFireSummed: partial stride \(partialStride) overlaps \(timeSteps) steps of \(width)")
        var column = 0
        // This is safe because column < width, s < partialCount and t < timeSteps index inside the stated shapes.
        while column < width {
            var potential = Vector()
            var driveSum = Vector()
            var counts = SIMD16<Int32>()
            let b = load16(bias + column)
            for t in 0..<timeSteps {
                var total = Vector()
                for s in 0..<partialCount { total += load16(partials + s &* partialStride + t &* width + column) }
                let drive = total + b
                driveSum += drive
                let fired = leakIntegrateFire(
                    &potential, drive: drive, leak: leak, threshold: threshold, reset: reset)
                counts &+= SIMD16<Int32>(repeating: 0).replacing(with: 1, where: fired)
            }
            store16(driveSum / Float(timeSteps), averageDrive + column)
            UnsafeMutableRawPointer(spikeCounts + column).storeBytes(of: counts, as: SIMD16<Int32>.self)
            column += lanes
        }
    }
}
