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
        let rowsPerKernel = g.kernelRows * g.kernelColumns * g.inputChannels
        // Four neighbouring rows of one kernel at a time (four taps: eight independent chains with two channel
        // vectors; one chain waits on the FMA latency at every term; `ptrain bench`, row "conv weight update").
        var flat = selected.lowerBound
        while flat < selected.upperBound {
            let four = flat &+ 4 <= selected.upperBound && (flat &+ 3) / rowsPerKernel == flat / rowsPerKernel
            correlateRows(
                pre: pre, post: post, batch: batch, scale: scale, geometry: g, weights: weights, first: flat,
                rowsPerKernel: rowsPerKernel, four: four)
            flat &+= four ? 4 : 1
        }
    }

    /// Rows `first` (and, with `four`, the three after it, of the same kernel) of the update: every row's chain
    /// is the documented one, ascending (b, oy, ox) from the old weight over the positions whose tap is inside
    /// the input. A term is skipped when all the rows' presynaptic values are zero (or outside the input); a row
    /// whose value is zero adds (scale · 0) · post = ±0 to its chain, which leaves it unchanged — a weight that
    /// is not −0 never becomes −0 (round to nearest gives −0 only for (−0) + (−0)), so w + (±0) = w bit for
    /// bit, as if the term were skipped.
    @inline(__always)
    private static func correlateRows(
        pre: UnsafePointer<Float>, post: UnsafePointer<Float>, batch: Int, scale: Float,
        geometry g: ConvolutionGeometry, weights: UnsafeMutablePointer<Float>, first: Int, rowsPerKernel: Int,
        four: Bool
    ) {
        let channels = g.outputChannels
        let vectors = channels / lanes
        let t0 = CorrelationTap(row: first, geometry: g, rowsPerKernel: rowsPerKernel)
        let t1 = four ? CorrelationTap(row: first &+ 1, geometry: g, rowsPerKernel: rowsPerKernel) : t0
        let t2 = four ? CorrelationTap(row: first &+ 2, geometry: g, rowsPerKernel: rowsPerKernel) : t0
        let t3 = four ? CorrelationTap(row: first &+ 3, geometry: g, rowsPerKernel: rowsPerKernel) : t0
        let rows =
            min(
                t0.rows.lowerBound, t1.rows.lowerBound, t2.rows.lowerBound, t3.rows.lowerBound)..<max(
                t0.rows.upperBound, t1.rows.upperBound, t2.rows.upperBound, t3.rows.upperBound)
        let columns =
            min(
                t0.columns.lowerBound, t1.columns.lowerBound, t2.columns.lowerBound, t3.columns.lowerBound)..<max(
                t0.columns.upperBound, t1.columns.upperBound, t2.columns.upperBound, t3.columns.upperBound)
        let rowStep = g.stride &* g.inputColumns &* g.inputChannels
        let columnStep = g.stride &* g.inputChannels
        let zero = Vector(repeating: 0)
        // This is safe because a row's input is read only at positions inside its tap's ranges (so inside the
        // input), rows first…first + 3 are inside the selected weight rows when `four`, and `post` is read at
        // output positions below outputRows × outputColumns.
        var v = 0
        while v < vectors {
            let pair = v &+ 1 < vectors
            let w = weights + first &* channels + v &* lanes
            var a0 = load16(w)
            var a1 = four ? load16(w + channels) : zero
            var a2 = four ? load16(w + 2 &* channels) : zero
            var a3 = four ? load16(w + 3 &* channels) : zero
            var b0 = pair ? load16(w + lanes) : zero
            var b1 = pair && four ? load16(w + channels + lanes) : zero
            var b2 = pair && four ? load16(w + 2 &* channels + lanes) : zero
            var b3 = pair && four ? load16(w + 3 &* channels + lanes) : zero
            for b in 0..<batch {
                let sampleIn = pre + b &* g.inputCount
                let sampleOut = post + b &* g.outputCount + v &* lanes
                for oy in rows {
                    let (y0, y1, y2, y3) =
                        (t0.rows.contains(oy), t1.rows.contains(oy), t2.rows.contains(oy), t3.rows.contains(oy))
                    for ox in columns {
                        let at = oy &* rowStep &+ ox &* columnStep
                        let x0: Float = y0 && t0.columns.contains(ox) ? sampleIn[t0.base &+ at] : 0
                        let x1: Float = four && y1 && t1.columns.contains(ox) ? sampleIn[t1.base &+ at] : 0
                        let x2: Float = four && y2 && t2.columns.contains(ox) ? sampleIn[t2.base &+ at] : 0
                        let x3: Float = four && y3 && t3.columns.contains(ox) ? sampleIn[t3.base &+ at] : 0
                        let bits = x0.bitPattern | x1.bitPattern | x2.bitPattern | x3.bitPattern
                        if bits & 0x7FFF_FFFF == 0 { continue }
                        let delta = sampleOut + (oy &* g.outputColumns &+ ox) &* channels
                        let d = load16(delta)
                        let (s0, s1, s2, s3) = (
                            Vector(repeating: scale * x0), Vector(repeating: scale * x1),
                            Vector(repeating: scale * x2), Vector(repeating: scale * x3)
                        )
                        a0 = a0.addingProduct(s0, d)
                        if four {
                            a1 = a1.addingProduct(s1, d)
                            a2 = a2.addingProduct(s2, d)
                            a3 = a3.addingProduct(s3, d)
                        }
                        if pair {
                            let e = load16(delta + lanes)
                            b0 = b0.addingProduct(s0, e)
                            if four {
                                b1 = b1.addingProduct(s1, e)
                                b2 = b2.addingProduct(s2, e)
                                b3 = b3.addingProduct(s3, e)
                            }
                        }
                    }
                }
            }
            store16(a0, w)
            if four {
                store16(a1, w + channels)
                store16(a2, w + 2 &* channels)
                store16(a3, w + 3 &* channels)
            }
            if pair {
                store16(b0, w + lanes)
                if four {
                    store16(b1, w + channels + lanes)
                    store16(b2, w + 2 &* channels + lanes)
                    store16(b3, w + 3 &* channels + lanes)
                }
            }
            v &+= pair ? 2 : 1
        }
    }
}

/// One weight row of `convolutionWeightCorrelation` (kernel block, ky, kx, i): the output positions whose tap
/// is inside the input (a range of rows and of columns, within the block's own position for a kernel per
/// position) and the input index of the tap at output (0, 0), which may lie outside the input (padding): the
/// tap of (oy, ox) is at `base + oy·stride·inputColumns·inputChannels + ox·stride·inputChannels`.
private struct CorrelationTap {
    let rows: Range<Int>
    let columns: Range<Int>
    let base: Int

    @inline(__always)
    init(row flat: Int, geometry g: ConvolutionGeometry, rowsPerKernel: Int) {
        let k = flat / rowsPerKernel
        let ky = flat % rowsPerKernel / (g.kernelColumns * g.inputChannels)
        let kx = flat % (g.kernelColumns * g.inputChannels) / g.inputChannels
        let i = flat % g.inputChannels
        let positionRows = g.sharing == .shared ? 0..<g.outputRows : (k / g.outputColumns)..<(k / g.outputColumns + 1)
        let positionColumns =
            g.sharing == .shared ? 0..<g.outputColumns : (k % g.outputColumns)..<(k % g.outputColumns + 1)
        rows = Self.inside(tap: ky, inputs: g.inputRows, stride: g.stride, padding: g.padding, of: positionRows)
        columns = Self.inside(
            tap: kx, inputs: g.inputColumns, stride: g.stride, padding: g.padding, of: positionColumns)
        base = ((ky &- g.padding) &* g.inputColumns &+ (kx &- g.padding)) &* g.inputChannels &+ i
    }

    /// The outputs o of `positions` whose input o·stride + tap − padding lies in 0..<inputs (empty if none).
    @inline(__always)
    static func inside(tap: Int, inputs: Int, stride: Int, padding: Int, of positions: Range<Int>) -> Range<Int> {
        let first = tap >= padding ? 0 : (padding - tap + stride - 1) / stride
        let top = inputs - 1 + padding - tap
        let end = top < 0 ? 0 : top / stride + 1
        let lower = max(positions.lowerBound, first)
        return lower..<max(lower, min(positions.upperBound, end))
    }
}
