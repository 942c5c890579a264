extension Kernels {
    /// Rank-B update of selected rows (spec, Eq. 15, W += s·preᵀ·Δpost):
    ///
    ///     matrix[rows[r] · rowStride + c] += Σ_b coefficients[r · batch + b] · deltas[b · width + c]
    ///
    /// for every listed row `r` and `c` in `0..<width`. The sum over `b` is one FMA chain per element in
    /// ascending b, starting from the old weight; terms whose coefficient is exactly zero are skipped (they
    /// add an exact zero). Listing only the rows whose presynaptic activity is non-zero makes the update of W1
    /// event-driven: MNIST rates are zero for most pixels.
    ///
    /// - Precondition: `width % 16 == 0`, `width <= rowStride`; rows index inside `matrix`;
    ///   `coefficients` holds `rowCount · batch` floats and `deltas` `batch · width`.
    public static func rankUpdate(
        matrix: UnsafeMutablePointer<Float>, rowStride: Int, width: Int,
        rows: UnsafePointer<UInt16>, rowCount: Int,
        coefficients: UnsafePointer<Float>, deltas: UnsafePointer<Float>, batch: Int
    ) {
        precondition(width % lanes == 0 && width <= rowStride, "rankUpdate: width \(width) must be a multiple of 16 and <= stride")
        precondition(batch >= 0 && rowCount >= 0, "rankUpdate: negative shape")
        // This is safe because rows were validated by the caller, column + 64 (or + 16) <= width, and
        // b < batch indexes inside coefficients and deltas.
        for r in 0..<rowCount {
            let row = matrix + Int(rows[r]) &* rowStride
            let coefficient = coefficients + r &* batch
            var column = 0
            while column + 64 <= width {
                var w0 = load16(row + column)
                var w1 = load16(row + column + 16)
                var w2 = load16(row + column + 32)
                var w3 = load16(row + column + 48)
                for b in 0..<batch {
                    let a = coefficient[b]
                    if a == 0 { continue }
                    let d = deltas + b &* width + column
                    w0 = w0.addingProduct(a, load16(d))
                    w1 = w1.addingProduct(a, load16(d + 16))
                    w2 = w2.addingProduct(a, load16(d + 32))
                    w3 = w3.addingProduct(a, load16(d + 48))
                }
                store16(w0, row + column)
                store16(w1, row + column + 16)
                store16(w2, row + column + 32)
                store16(w3, row + column + 48)
                column += 64
            }
            while column < width {
                var w = load16(row + column)
                for b in 0..<batch {
                    let a = coefficient[b]
                    if a == 0 { continue }
                    w = w.addingProduct(a, load16(deltas + b &* width + column))
                }
                store16(w, row + column)
                column += lanes
            }
        }
    }
}
