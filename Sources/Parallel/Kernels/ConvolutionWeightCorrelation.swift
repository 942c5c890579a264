extension Kernels {
    /// The local plasticity update of a convolutional or locally connected layer over a batch (spec, Eq. 15:
    /// ΔW ∝ presynaptic activity × change of the postsynaptic potential; issue #15):
    ///
    ///     W[ky, kx, i, c] += Σ_b Σ_{oy, ox} (scale · pre[b, oy·s + ky − p, ox·s + kx − p, i]) · post[b, oy, ox, c]
    ///
    /// For a shared kernel the sum runs over every output position (the kernel's update is the sum of what
    /// each position's synapses would learn); for a locally connected layer each position's kernel takes only its
    /// own position's terms. No gradient is involved: `pre` is the presynaptic activity (a rate or ρ(V)) and
    /// `post` the postsynaptic change (ρ(V¹) − ρ(V⁰)) the caller computed. One FMA chain per weight, starting from
    /// the old weight, in ascending (b, oy, ox); terms whose presynaptic activity is exactly zero are skipped
    /// (they add an exact zero), as `rankUpdate` skips them.
    ///
    /// Each weight row (one (position block, ky, kx, i), `outputChannels` floats; `geometry.weightRows` of them)
    /// is computed on its own, so `weightRows` may restrict the call to a range of rows: a fixed split of the rows
    /// over tasks gives the same bits as one call over all of them.
    ///
    /// - Precondition: `batch ≥ 0`; `pre` holds `batch × geometry.inputCount` floats, `post` `batch ×
    ///   geometry.outputCount`, `weights` `geometry.weightCount`; `weightRows` inside `0..<geometry.weightRows`.
    public static func convolutionWeightCorrelation(
        pre: UnsafePointer<Float>, post: UnsafePointer<Float>, batch: Int, scale: Float,
        geometry g: ConvolutionGeometry, weights: UnsafeMutablePointer<Float>, weightRows: Range<Int>? = nil
    ) {
        precondition(batch >= 0, "convolutionWeightCorrelation: negative batch \(batch)")
        let selected = weightRows ?? 0..<g.weightRows
        precondition(
            selected.lowerBound >= 0 && selected.upperBound <= g.weightRows,
            "convolutionWeightCorrelation: rows \(selected) outside 0..<\(g.weightRows)")
        let channels = g.outputChannels
        let vectors = channels / lanes
        let rowsPerKernel = g.kernelRows * g.kernelColumns * g.inputChannels
        // This is safe because every input index is checked against the input's rows and columns before `pre` is
        // read, and weight and `post` indices stay below weightCount and batch × outputCount.
        for flat in selected {
            // One kernel: every position's terms; a kernel per position: its own (a one-position block).
            let k = flat / rowsPerKernel
            let ky = flat % rowsPerKernel / (g.kernelColumns * g.inputChannels)
            let kx = flat % (g.kernelColumns * g.inputChannels) / g.inputChannels
            let i = flat % g.inputChannels
            let rows = g.sharing == .shared ? 0..<g.outputRows : (k / g.outputColumns)..<(k / g.outputColumns + 1)
            let columns = g.sharing == .shared ? 0..<g.outputColumns : (k % g.outputColumns)..<(k % g.outputColumns + 1)
            let row = weights + flat &* channels
            for v in 0..<vectors {
                var w = load16(row + v &* lanes)
                for b in 0..<batch {
                    let sampleIn = pre + b &* g.inputCount
                    let sampleOut = post + b &* g.outputCount
                    for oy in rows {
                        let iy = oy &* g.stride &+ ky &- g.padding
                        guard iy >= 0 && iy < g.inputRows else { continue }
                        for ox in columns {
                            let ix = ox &* g.stride &+ kx &- g.padding
                            guard ix >= 0 && ix < g.inputColumns else { continue }
                            let x = sampleIn[(iy &* g.inputColumns &+ ix) &* g.inputChannels &+ i]
                            if x == 0 { continue }
                            let delta = sampleOut + (oy &* g.outputColumns &+ ox) &* channels + v &* lanes
                            w = w.addingProduct(Vector(repeating: scale * x), load16(delta))
                        }
                    }
                }
                store16(w, row + v &* lanes)
            }
        }
    }
}
