extension Kernels {
    /// One synchronous Euler step of equilibrium relaxation for a layer whose total input is already summed (spec,
    /// Eqs. 6–10 for any layer of a layered network, issue #15; with `beta ≠ 0` the teaching term of Eqs. 12–14):
    ///
    ///     v[j] ← clamp(v[j] + eps · (ρ'(v[j]) · total[j] − v[j] + β · (t[j] − v[j])), 0, 1)
    ///
    /// with ρ'(v) = 1 on [0, 1] and 0 elsewhere, and t the one-hot vector of `target` (no class when `target` is
    /// outside `0..<width`). With `beta = 0` the step is `relaxStep`'s, term for term.
    ///
    /// - Precondition: `width % 16 == 0`; `potential` and `total` hold `width` floats.
    public static func relaxTotal(
        potential: UnsafeMutablePointer<Float>, total: UnsafePointer<Float>, eps: Float, beta: Float = 0,
        target: Int = -1, width: Int
    ) {
        precondition(width >= 0 && width % lanes == 0, "relaxTotal: width \(width) must be a multiple of 16")
        let zero = SIMD16<Float>(repeating: 0)
        let one = SIMD16<Float>(repeating: 1)
        guard beta != 0 else {
            var column = 0
            // This is safe because column + 16 <= width and both buffers hold width floats.
            while column < width {
                var v = load16(potential + column)
                let inside = (v .>= zero) .& (v .<= one)
                let gated = zero.replacing(with: load16(total + column), where: inside)
                v = unitClamp(v + eps * (gated - v))
                store16(v, potential + column)
                column += lanes
            }
            return
        }
        // This is safe because j < width and both buffers hold width floats.
        for j in 0..<width {
            let v = potential[j]
            let gated = v >= 0 && v <= 1 ? total[j] : 0
            let goal: Float = j == target ? 1 : 0
            potential[j] = unitClamp(v + eps * (gated - v + beta * (goal - v)))
        }
    }
}
