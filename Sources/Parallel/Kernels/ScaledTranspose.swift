extension Kernels {
    /// `out[c · outStride + r] = scale · (x[r · rowStride + c] − y[r · rowStride + c])` for `r < rows`,
    /// `c < columns`: a scaled difference of two row-major matrices, written transposed. (The W2 update's
    /// coefficients under the stdp rule, Eq. 15: η2·s·ΔV_y per output k and sample b, output-major for
    /// `denseRankUpdate`.)
    /// - Precondition: `rows, columns >= 0`, `rowStride >= columns`, `outStride >= rows`; `x` and `y` hold
    ///   `rows` rows of `rowStride` floats, `out` `columns` rows of `outStride`.
    public static func scaledDifferenceTransposed(
        _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, rows: Int, rowStride: Int, columns: Int,
        scale: Float, into out: UnsafeMutablePointer<Float>, outStride: Int
    ) {
        precondition(rows >= 0 && columns >= 0, "scaledDifferenceTransposed: negative shape \(rows) × \(columns)")
        precondition(
            rowStride >= columns && outStride >= rows,
            "scaledDifferenceTransposed: strides \(rowStride), \(outStride) below \(columns), \(rows)")
        // This is safe because r < rows and c < columns index inside the stated shapes.
        for c in 0..<columns {
            for r in 0..<rows {
                let index = r &* rowStride &+ c
                out[c &* outStride &+ r] = scale * (x[index] - y[index])
            }
        }
    }

    /// `out[c · outStride + r] = scale · ρ(x[r · rowStride + c])` for `r < rows`, `c < columns`, ρ =
    /// `unitClamp`: a scaled ρ of a row-major matrix, written transposed. (The W2 update's coefficients under
    /// the eqprop rule, Eq. 15: ±η2·s·ρ(V_y) per output k and sample b.)
    /// - Precondition: as `scaledDifferenceTransposed`.
    public static func scaledUnitClampTransposed(
        _ x: UnsafePointer<Float>, rows: Int, rowStride: Int, columns: Int, scale: Float,
        into out: UnsafeMutablePointer<Float>, outStride: Int
    ) {
        precondition(rows >= 0 && columns >= 0, "scaledUnitClampTransposed: negative shape \(rows) × \(columns)")
        precondition(
            rowStride >= columns && outStride >= rows,
            "scaledUnitClampTransposed: strides \(rowStride), \(outStride) below \(columns), \(rows)")
        // This is safe because r < rows and c < columns index inside the stated shapes.
        for c in 0..<columns {
            for r in 0..<rows { out[c &* outStride &+ r] = scale * unitClamp(x[r &* rowStride &+ c]) }
        }
    }
}
