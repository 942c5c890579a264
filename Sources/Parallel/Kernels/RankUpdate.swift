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
        rows: UnsafePointer<Kernels.RowIndex>, rowCount: Int,
        coefficients: UnsafePointer<Float>, deltas: UnsafePointer<Float>, batch: Int
    ) {
        precondition(
            width % lanes == 0 && width <= rowStride,
            "rankUpdate: width \(width) must be a multiple of 16 and <= stride")
        precondition(batch >= 0 && rowCount >= 0, "rankUpdate: negative shape")
        withUnsafeTemporaryAllocation(of: Float.self, capacity: max(batch, 1)) { terms in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: max(batch, 1)) { offsets in
                // This is safe because rows were validated by the caller, column + 64 (or + 16) <= width, and
                // the compacted term count is at most `batch`, the capacity of both allocations.
                let terms = terms.baseAddress!
                let offsets = offsets.baseAddress!
                for r in 0..<rowCount {
                    let row = matrix + Int(rows[r]) &* rowStride
                    let coefficient = coefficients + r &* batch
                    // Compact the non-zero terms once per row (ascending b): the column loop then has no
                    // data-dependent branch (a per-block `if a == 0` mispredicted on MNIST's sparse rates).
                    var termCount = 0
                    for b in 0..<batch {
                        terms[termCount] = coefficient[b]
                        offsets[termCount] = b &* width
                        termCount &+= coefficient[b] == 0 ? 0 : 1
                    }
                    if termCount == 0 { continue }
                    var column = 0
                    while column + blockWidth <= width {
                        var w0 = load16(row + column)
                        var w1 = load16(row + column + 16)
                        var w2 = load16(row + column + 32)
                        var w3 = load16(row + column + 48)
                        for k in 0..<termCount {
                            let a = terms[k]
                            let d = deltas + (offsets[k] &+ column)
                            w0 = w0.addingProduct(a, load16(d))
                            w1 = w1.addingProduct(a, load16(d + 16))
                            w2 = w2.addingProduct(a, load16(d + 32))
                            w3 = w3.addingProduct(a, load16(d + 48))
                        }
                        store16(w0, row + column)
                        store16(w1, row + column + 16)
                        store16(w2, row + column + 32)
                        store16(w3, row + column + 48)
                        column += blockWidth
                    }
                    while column < width {
                        var w = load16(row + column)
                        for k in 0..<termCount {
                            w = w.addingProduct(terms[k], load16(deltas + (offsets[k] &+ column)))
                        }
                        store16(w, row + column)
                        column += lanes
                    }
                }
            }
        }
    }
}
