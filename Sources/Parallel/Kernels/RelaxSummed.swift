extension Kernels {
    /// One Euler step of a layer of `count` neurons (the output layer, Eqs. 6–10, with the teaching term of
    /// Eqs. 12–14 when `beta ≠ 0`) whose drive is a sum of partial drives plus a bias:
    ///
    ///     A[k] = Σ_s partials[s · partialStride + k] + bias[k]       (ascending s)
    ///     v[k] ← ρ(v[k] + eps · (−v[k] + ρ'(v[k]) · A[k] + beta · (target[k] − v[k])))
    ///
    /// with ρ = `unitClamp`, ρ' = `unitClampDerivative` and target the one-hot vector of `target` (no class
    /// when `target` is outside `0..<count`). Scalar: a few neurons per class, one pass per relaxation step, and
    /// these are the bits the reference computes lane by lane.
    ///
    /// - Precondition: `count >= 0`, `partialCount >= 0`; `potential` and `bias` hold `count` floats,
    ///   `partials` `partialCount` blocks of `count` floats `partialStride` apart.
    public static func relaxSummed(
        potential: UnsafeMutablePointer<Float>, partials: UnsafePointer<Float>, partialCount: Int,
        partialStride: Int, bias: UnsafePointer<Float>, count: Int, eps: Float, beta: Float, target: Int
    ) {
        precondition(count >= 0, "relaxSummed: negative count \(count)")
        precondition(partialCount >= 0, "relaxSummed: negative partial count \(partialCount)")
        precondition(
            partialCount <= 1 || partialStride >= count, "relaxSummed: partial stride \(partialStride) < \(count)")
        // This is safe because k < count and s < partialCount index inside the stated shapes.
        for k in 0..<count {
            var total: Float = 0
            for s in 0..<partialCount { total += partials[s &* partialStride + k] }
            let drive = total + bias[k]
            let v = potential[k]
            var derivative = -v + unitClampDerivative(v) * drive
            if beta != 0 { derivative += beta * ((k == target ? 1 : 0) - v) }
            potential[k] = unitClamp(v + eps * derivative)
        }
    }
}
