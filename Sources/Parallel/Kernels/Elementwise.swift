extension Kernels {
    /// `out[i] = scale · (ρ(x[i]) − ρ(y[i]))` for `i < count`, ρ = `unitClamp` (the W1 update's deltas, Eq. 15).
    /// - Precondition: `count >= 0`; every buffer holds `count` floats.
    public static func scaledUnitClampDifference(
        _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, scale: Float, into out: UnsafeMutablePointer<Float>,
        count: Int
    ) {
        precondition(count >= 0, "scaledUnitClampDifference: negative count \(count)")
        // This is safe because i < count and every buffer holds count floats.
        for i in 0..<count { out[i] = scale * (unitClamp(x[i]) - unitClamp(y[i])) }
    }

    /// `first[i] = second[i] = alpha · ρ(x[i]) + (1 − alpha) · y[i]` for `i < count` (Eq. 11); `y` may be
    /// `first` or `second`.
    /// - Precondition: `count >= 0`; every buffer holds `count` floats.
    public static func mixUnitClamped(
        _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, alpha: Float, into first: UnsafeMutablePointer<Float>,
        and second: UnsafeMutablePointer<Float>, count: Int
    ) {
        precondition(count >= 0, "mixUnitClamped: negative count \(count)")
        // This is safe because i < count and every buffer holds count floats; y[i] is read before either store.
        for i in 0..<count {
            let mixed = alpha * unitClamp(x[i]) + (1 - alpha) * y[i]
            first[i] = mixed
            second[i] = mixed
        }
    }

    /// `out[j] += Σ_r matrix[r · rowStride + j]` for `j < width`, the sum over r ascending from 0 before it is
    /// added (the bias updates of Eq. 15: Σ_b of the per-sample deltas). `rowStride` defaults to `width`.
    /// - Precondition: `rows >= 0`, `0 <= width <= rowStride`; `matrix` holds `rows` rows of `rowStride`
    ///   floats, `out` `width`.
    public static func addColumnSums(
        _ matrix: UnsafePointer<Float>, rows: Int, width: Int, rowStride: Int? = nil,
        into out: UnsafeMutablePointer<Float>
    ) {
        let stride = rowStride ?? width
        precondition(rows >= 0 && width >= 0, "addColumnSums: negative shape \(rows) × \(width)")
        precondition(stride >= width, "addColumnSums: row stride \(stride) below width \(width)")
        // This is safe because r < rows and j < width <= stride index inside the stated shapes.
        for j in 0..<width {
            var sum: Float = 0
            for r in 0..<rows { sum += matrix[r &* stride &+ j] }
            out[j] += sum
        }
    }
}
