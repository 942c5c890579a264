extension Kernels {
    /// `out[k] = ρ(v[k] + rate · (t[k] − v[k]))` for `k < count`, with t the one-hot vector of `target` (no
    /// class when `target` is outside `0..<count`) and ρ = `unitClamp`: one explicit step of `count` values
    /// toward a one-hot target, clamped. (`nudge = direct`, the one-step teaching signal of Eq. 13:
    /// V_y¹ = clamp(V_y + η_c(V_T − V_y), 0, 1).) `out` may be `v`.
    /// - Precondition: `count >= 0`; `v` and `out` hold `count` floats.
    public static func stepTowardOneHot(
        _ v: UnsafePointer<Float>, rate: Float, target: Int, into out: UnsafeMutablePointer<Float>, count: Int
    ) {
        precondition(count >= 0, "stepTowardOneHot: negative count \(count)")
        // This is safe because k < count and both buffers hold count floats.
        for k in 0..<count {
            let goal: Float = k == target ? 1 : 0
            out[k] = unitClamp(v[k] + rate * (goal - v[k]))
        }
    }
}
