extension Kernels {
    /// Floats of the column copy of a fully connected layer's weights that `fullyConnectedFeedback` reads:
    /// `channels` columns of `inputs` rounded up to a multiple of 16.
    public static func feedbackColumnsCount(inputs: Int, channels: Int) -> Int {
        channels * paddedWidth(inputs)
    }

    /// Copies a fully connected layer's weights, row-major `weights[i · channels + c]` (input i, output c), into
    /// columns `columns[c · paddedWidth(inputs) + i]`, each column's padding zero: the layout in which
    /// `fullyConnectedFeedback` reads sixteen inputs' weights of one output with one load.
    ///
    /// - Precondition: `weights` holds `inputs · channels` floats, `columns` `feedbackColumnsCount(inputs:channels:)`;
    ///   `channels` is a multiple of 16.
    public static func copyToFeedbackColumns(
        weights: UnsafePointer<Float>, inputs: Int, channels: Int, columns: UnsafeMutablePointer<Float>
    ) {
        precondition(channels % lanes == 0, "channels \(channels) must be a multiple of \(lanes)")
        let stride = paddedWidth(inputs)
        // This is safe because i < inputs and c < channels index inside `weights`, and c · stride + i (i < stride)
        // inside `columns` (channels · stride floats).
        for c in 0..<channels {
            let column = columns + c &* stride
            for i in 0..<inputs { column[i] = weights[i &* channels &+ c] }
            for i in inputs..<stride { column[i] = 0 }
        }
    }

    /// `convolutionTranspose` of a fully connected layer, bit for bit, from the column copy of its weights
    /// (`copyToFeedbackColumns`): for every input i,
    ///
    ///     out[i] = Σ_c W[i, c] · signal[c]
    ///
    /// as `convolutionTranspose` sums it — lane j of one 16-lane FMA chain collects the channels c ≡ j (mod 16)
    /// in ascending order from zero, then the lanes are added by `laneSum`'s tree ((j, j + 8), then (j, j + 4),
    /// (j, j + 2), (0, 1)). Here sixteen inputs are computed together: lane j's chain of all sixteen is one
    /// vector (a column load times the broadcast signal), and the tree adds whole vectors, so no lanes are
    /// shuffled (the row-major form spends most of its time reducing within each input's vector: `ptrain bench`,
    /// rows "fc transpose (feedback)" and "fc feedback from columns", 6272 → 16).
    ///
    /// - Precondition: `signal` holds `channels` floats, `columns` `feedbackColumnsCount(inputs:channels:)`, `out`
    ///   `inputs`; `channels` is a multiple of 16.
    public static func fullyConnectedFeedback(
        signal: UnsafePointer<Float>, columns: UnsafePointer<Float>, inputs: Int, channels: Int,
        out: UnsafeMutablePointer<Float>
    ) {
        precondition(channels % lanes == 0, "channels \(channels) must be a multiple of \(lanes)")
        let stride = paddedWidth(inputs)
        let vectors = channels / lanes
        // This is safe because every column load reads 16 floats at c · stride + i with i + 16 ≤ stride and
        // c < channels (inside `columns`), `signal` is read below `channels`, and `out` is written below `inputs`
        // (the last block's lanes past it stay in a local vector).
        var i = 0
        while i < stride {
            // Lane j's chain for the sixteen inputs i…i + 15: Σ over v of W[·, 16v + j] · signal[16v + j].
            // One vector of outputs (a K ≤ 16-class output layer, the common case) without the loop over
            // vectors: each lane's chain is one FMA from zero.
            @inline(__always) func lane(_ j: Int) -> Vector {
                if vectors == 1 {
                    return Vector(repeating: 0).addingProduct(
                        load16(columns + (j &* stride &+ i)), Vector(repeating: signal[j]))
                }
                var sum = Vector(repeating: 0)
                for v in 0..<vectors {
                    let c = v &* lanes &+ j
                    sum = sum.addingProduct(load16(columns + (c &* stride &+ i)), Vector(repeating: signal[c]))
                }
                return sum
            }
            let e0 = lane(0) + lane(8)
            let e1 = lane(1) + lane(9)
            let e2 = lane(2) + lane(10)
            let e3 = lane(3) + lane(11)
            let e4 = lane(4) + lane(12)
            let e5 = lane(5) + lane(13)
            let e6 = lane(6) + lane(14)
            let e7 = lane(7) + lane(15)
            let (f0, f1, f2, f3) = (e0 + e4, e1 + e5, e2 + e6, e3 + e7)
            let (t0, t1) = (f0 + f2, f1 + f3)
            let sums = t0 + t1
            if i &+ lanes <= inputs {
                store16(sums, out + i)
            } else {
                for k in 0..<(inputs &- i) { out[i &+ k] = sums[k] }
            }
            i &+= lanes
        }
    }
}
