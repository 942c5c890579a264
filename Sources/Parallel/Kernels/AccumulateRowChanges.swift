extension Kernels {
    /// Event-driven drive from binary spikes, updated by the inputs that changed state:
    ///
    ///     out[c] = base[c] + (Σ_{r ∈ added} matrix[r · rowStride + c] − Σ_{r ∈ removed} matrix[r · rowStride + c])
    ///
    /// for `c` in `0..<width`. With `base` = the bias and `added` = the active inputs this is
    /// I_h(t) = s_x(t)·W1 + b1 (spec, Eq. 5) as a sum of selected rows; with `base` = I_h(t − 1), `added` =
    /// inputs that started spiking and `removed` = inputs that stopped, it is the same drive computed from the
    /// ~29 inputs that change per MNIST step instead of the ~102 that are active (an identity in real
    /// arithmetic; the rounding differs from a fresh sum at the 1e-7 relative level). `out` may equal `base`.
    ///
    /// Summation order: each list is summed in two chains (rows at even and at odd positions), then
    /// `base + ((addedEven + addedOdd) − (removedEven + removedOdd))`.
    ///
    /// - Precondition: `width % 16 == 0`, `width <= rowStride`, every listed row `r` satisfies
    ///   `r · rowStride + width <= ` the matrix's size (the caller's buffer holds the rows it lists).
    public static func accumulateRowChanges(
        matrix: UnsafePointer<Float>, rowStride: Int, width: Int,
        added: UnsafePointer<Kernels.RowIndex>, addedCount: Int, removed: UnsafePointer<Kernels.RowIndex>,
        removedCount: Int,
        base: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>
    ) {
        precondition(
            width % lanes == 0 && width <= rowStride,
            "accumulateRowChanges: width \(width) must be a multiple of 16 and <= stride")
        precondition(addedCount >= 0 && removedCount >= 0, "accumulateRowChanges: negative row count")
        var column = 0
        // Blocks of 64 columns: 4 vectors × 2 row chains = 8 accumulators per list, enough to cover the add
        // latency while both load ports stream rows. This is safe because every listed row was produced by
        // the spike encoder from 0..<inputs, the matrix holds `inputs` rows, and column + 64 <= width.
        while column + blockWidth <= width {
            let plus = sumRows64(matrix + column, rowStride: rowStride, rows: added, count: addedCount)
            let minus = sumRows64(matrix + column, rowStride: rowStride, rows: removed, count: removedCount)
            store16(load16(base + column) + (plus.0 - minus.0), out + column)
            store16(load16(base + column + 16) + (plus.1 - minus.1), out + column + 16)
            store16(load16(base + column + 32) + (plus.2 - minus.2), out + column + 32)
            store16(load16(base + column + 48) + (plus.3 - minus.3), out + column + 48)
            column += blockWidth
        }
        while column < width {
            let plus = sumRows16(matrix + column, rowStride: rowStride, rows: added, count: addedCount)
            let minus = sumRows16(matrix + column, rowStride: rowStride, rows: removed, count: removedCount)
            store16(load16(base + column) + (plus - minus), out + column)
            column += 16
        }
    }

    /// Σ of 64 columns of the listed rows: (even positions) + (odd positions), per vector.
    @inline(__always)
    static func sumRows64(
        _ matrix: UnsafePointer<Float>, rowStride: Int, rows: UnsafePointer<Kernels.RowIndex>, count: Int
    ) -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) {
        var even0 = SIMD16<Float>()
        var even1 = SIMD16<Float>()
        var even2 = SIMD16<Float>()
        var even3 = SIMD16<Float>()
        var odd0 = SIMD16<Float>()
        var odd1 = SIMD16<Float>()
        var odd2 = SIMD16<Float>()
        var odd3 = SIMD16<Float>()
        var r = 0
        while r + 1 < count {
            let a = matrix + Int(rows[r]) &* rowStride
            let b = matrix + Int(rows[r + 1]) &* rowStride
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
        if r < count {
            let a = matrix + Int(rows[r]) &* rowStride
            even0 += load16(a)
            even1 += load16(a + 16)
            even2 += load16(a + 32)
            even3 += load16(a + 48)
        }
        return (even0 + odd0, even1 + odd1, even2 + odd2, even3 + odd3)
    }

    /// Σ of 16 columns of the listed rows: (even positions) + (odd positions).
    @inline(__always)
    static func sumRows16(
        _ matrix: UnsafePointer<Float>, rowStride: Int, rows: UnsafePointer<Kernels.RowIndex>, count: Int
    ) -> SIMD16<Float> {
        var even = SIMD16<Float>()
        var odd = SIMD16<Float>()
        var r = 0
        while r + 1 < count {
            even += load16(matrix + Int(rows[r]) &* rowStride)
            odd += load16(matrix + Int(rows[r + 1]) &* rowStride)
            r += 2
        }
        if r < count { even += load16(matrix + Int(rows[r]) &* rowStride) }
        return even + odd
    }
}
