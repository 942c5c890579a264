extension Kernels {
    /// One synchronous Euler step of equilibrium relaxation over `width` neurons of one sample
    /// (spec, Eqs. 6–10, hidden layer):
    ///
    ///     A[j] = drive[j] + Σ_k feedbackScale[k] · feedback[k · width + j]
    ///     v[j] ← clamp(v[j] + eps · (−v[j] + ρ'(v[j]) · A[j]), 0, 1)
    ///
    /// with ρ'(v) = 1 on [0, 1] and 0 elsewhere. `feedback` holds `feedbackRows` rows of `width` floats
    /// (W2ᵀ of the shard); `feedbackScale` holds ρ(V_y) of the sample. The sum over k runs in ascending k.
    ///
    /// - Precondition: `width % 16 == 0`; `potential`, `drive` hold `width` floats, `feedback`
    ///   `feedbackRows · width`, `feedbackScale` `feedbackRows`.
    public static func relaxStep(
        potential: UnsafeMutablePointer<Float>, drive: UnsafePointer<Float>,
        feedback: UnsafePointer<Float>, feedbackRows: Int, feedbackScale: UnsafePointer<Float>,
        eps: Float, width: Int
    ) {
        precondition(width % lanes == 0, "relaxStep: width \(width) must be a multiple of 16")
        precondition(feedbackRows >= 0, "relaxStep: negative feedback rows")
        let zero = SIMD16<Float>(repeating: 0)
        let one = SIMD16<Float>(repeating: 1)
        var column = 0
        // This is safe because column + 16 <= width and k < feedbackRows index inside the stated shapes.
        while column < width {
            var total = load16(drive + column)
            for k in 0..<feedbackRows {
                total = total.addingProduct(feedbackScale[k], load16(feedback + k &* width + column))
            }
            var v = load16(potential + column)
            let inside = (v .>= zero) .& (v .<= one)
            let gated = zero.replacing(with: total, where: inside)
            v = v + eps * (gated - v)
            v = unitClamp(v)
            store16(v, potential + column)
            column += lanes
        }
    }
}
