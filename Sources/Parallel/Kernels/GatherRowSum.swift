extension Kernels {
    /// Event-driven drive from binary spikes: `out[c] = bias[c] + Σ_r matrix[rows[r] · rowStride + c]` for
    /// `c` in `0..<width` — the sum of the rows selected by the active inputs, which equals the product of a
    /// binary spike vector with the matrix (spec, Eq. 5: I_h(t) = s_x(t)·W1 + b1) at a fraction of the cost.
    ///
    /// Summation order: rows at even positions and at odd positions are summed separately (two independent
    /// chains hide the add latency), then `bias + (even + odd)`.
    ///
    /// - Precondition: `width % 16 == 0`, `width <= rowStride`, every `rows[r] · rowStride + width` lies
    ///   inside `matrix` (the caller's buffer holds `rowCount` rows of `rowStride` floats).
    public static func gatherRowSum(
        matrix: UnsafePointer<Float>, rowStride: Int, width: Int,
        rows: UnsafePointer<UInt16>, rowCount: Int,
        bias: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>
    ) {
        precondition(width % lanes == 0 && width <= rowStride, "gatherRowSum: width \(width) must be a multiple of 16 and <= stride")
        precondition(rowCount >= 0, "gatherRowSum: negative row count")
        var column = 0
        // Blocks of 64 columns: 4 vectors × 2 row chains = 8 accumulators, enough to cover the FMA/add
        // latency while both load ports stream rows. This is safe because every row index was validated by
        // the caller against the matrix's row count and column + 64 <= width <= rowStride.
        while column + 64 <= width {
            var even0 = SIMD16<Float>(), even1 = SIMD16<Float>(), even2 = SIMD16<Float>(), even3 = SIMD16<Float>()
            var odd0 = SIMD16<Float>(), odd1 = SIMD16<Float>(), odd2 = SIMD16<Float>(), odd3 = SIMD16<Float>()
            var r = 0
            while r + 1 < rowCount {
                let a = matrix + Int(rows[r]) * rowStride + column
                let b = matrix + Int(rows[r + 1]) * rowStride + column
                even0 += load16(a)
                even1 += load16(a + 16)
                even2 += load16(a + 32)
                even3 += load16(a + 48)
                odd0 += load16(b)
                odd1 += load16(b + 16)
                odd2 += load16(b + 32)
                odd3 += load16(b + 48)
                r += 2
            }
            if r < rowCount {
                let a = matrix + Int(rows[r]) * rowStride + column
                even0 += load16(a)
                even1 += load16(a + 16)
                even2 += load16(a + 32)
                even3 += load16(a + 48)
            }
            store16(load16(bias + column) + (even0 + odd0), out + column)
            store16(load16(bias + column + 16) + (even1 + odd1), out + column + 16)
            store16(load16(bias + column + 32) + (even2 + odd2), out + column + 32)
            store16(load16(bias + column + 48) + (even3 + odd3), out + column + 48)
            column += 64
        }
        // Remaining 16-column blocks, same order of summation (even chain, odd chain, then bias + both).
        while column < width {
            var even = SIMD16<Float>(), odd = SIMD16<Float>()
            var r = 0
            while r + 1 < rowCount {
                even += load16(matrix + Int(rows[r]) * rowStride + column)
                odd += load16(matrix + Int(rows[r + 1]) * rowStride + column)
                r += 2
            }
            if r < rowCount { even += load16(matrix + Int(rows[r]) * rowStride + column) }
            store16(load16(bias + column) + (even + odd), out + column)
            column += 16
        }
    }
}
