extension Kernels {
    /// `timeSteps` LIF steps of one vector of neurons (a layer of at most `lanes`, the output layer of Eq. 5),
    /// driven by a sum of partial drives: at step t, `drive = Σ_s partials[s · partialStride + t · lanes + k] +
    /// bias[k]`, added in ascending s, then `leakIntegrateFire` (reset by `reset`) from a zero potential. Writes
    /// the time-averaged drive Σ_t drive / T to `averageDrive` and the spike count of each neuron to `spikeCounts` (`lanes` each).
    ///
    /// - Precondition: `partialCount >= 0`, `timeSteps >= 1`, `partialStride >= timeSteps · lanes` when there is
    ///   more than one partial; `partials` holds `partialCount` blocks of `timeSteps · lanes` floats
    ///   `partialStride` apart; `bias`, `averageDrive` and `spikeCounts` hold `lanes` elements.
    public static func integrateAndFireSummed(
        partials: UnsafePointer<Float>, partialCount: Int, partialStride: Int, bias: UnsafePointer<Float>,
        timeSteps: Int, leak: Float, threshold: Float, reset: SpikeReset,
        averageDrive: UnsafeMutablePointer<Float>, spikeCounts: UnsafeMutablePointer<Int32>
    ) {
        precondition(partialCount >= 0, "integrateAndFireSummed: negative partial count \(partialCount)")
        precondition(timeSteps >= 1, "integrateAndFireSummed: timeSteps \(timeSteps) must be at least 1")
        precondition(
            partialCount <= 1 || partialStride >= timeSteps * lanes,
            "integrateAndFireSummed: partial stride \(partialStride) overlaps \(timeSteps) steps of \(lanes)")
        var potential = Vector()
        var driveSum = Vector()
        var counts = SIMD16<Int32>()
        let b = load16(bias)
        // This is safe because s < partialCount and t < timeSteps index inside the stated shapes.
        for t in 0..<timeSteps {
            var total = Vector()
            for s in 0..<partialCount { total += load16(partials + s &* partialStride + t &* lanes) }
            let drive = total + b
            driveSum += drive
            let fired = leakIntegrateFire(&potential, drive: drive, leak: leak, threshold: threshold, reset: reset)
            counts &+= SIMD16<Int32>(repeating: 0).replacing(with: 1, where: fired)
        }
        store16(driveSum / Float(timeSteps), averageDrive)
        UnsafeMutableRawPointer(spikeCounts).storeBytes(of: counts, as: SIMD16<Int32>.self)
    }
}
