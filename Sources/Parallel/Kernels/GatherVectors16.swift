extension Kernels {
    /// `accumulator[0..<16] += Σ_i rows[indices[i] · 16 ..< +16]`: the output-layer drive of a set of spiking
    /// neurons whose outgoing weights are stored one 16-float row per neuron (spec, Eq. 5:
    /// I_y(t) = s_h(t)·W2 + b2, partial over one shard).
    ///
    /// Order: even and odd positions in two chains, then `accumulator + (even + odd)`.
    /// - Precondition: every `indices[i]` addresses a row inside `rows`.
    public static func gatherVectors16(
        rows: UnsafePointer<Float>, indices: UnsafePointer<Int32>, count: Int,
        accumulator: UnsafeMutablePointer<Float>
    ) {
        precondition(count >= 0, "gatherVectors16: negative count")
        var even = SIMD16<Float>(), odd = SIMD16<Float>()
        var i = 0
        // This is safe because the caller's indices come from integrateAndFire over this shard's width.
        while i + 1 < count {
            even += load16(rows + Int(indices[i]) &* 16)
            odd += load16(rows + Int(indices[i + 1]) &* 16)
            i += 2
        }
        if i < count { even += load16(rows + Int(indices[i]) &* 16) }
        store16(load16(accumulator) + (even + odd), accumulator)
    }
}
