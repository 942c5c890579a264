extension Kernels {
    /// Rank-B update of selected rows with every term included, register-blocked (spec, Eq. 15,
    /// W += s·preᵀ·Δpost):
    ///
    ///     matrix[rows[r] · rowStride + c] += Σ_b coefficients[r · batch + b] · deltas[b · width + c]
    ///
    /// for every listed row `r` and `c` in `0..<width`: one FMA chain per element in ascending b starting from
    /// the old weight, like `rankUpdate`, but zero coefficients are not skipped. Adding the exact zero
    /// `0 · d` leaves every weight unchanged except a −0 weight (which becomes +0) and a non-finite `d` (0 · ∞
    /// is NaN), so on finite deltas and weights that are not −0 both kernels give the same bits.
    ///
    /// The deltas of 10 samples × 32 columns stay in 20 vector registers while the listed rows stream past, four
    /// rows at a time (8 independent FMA chains cover the FMA latency): per row and strip 2 loads, 10 broadcasts,
    /// 20 FMAs and 2 stores, against 1 load per FMA in `rankUpdate`. It wins when most coefficients are non-zero
    /// (the W2 update; W1 on dense inputs); `rankUpdate` wins on MNIST's sparse rates (measured in
    /// `ptrain bench`).
    ///
    /// A row listed twice is updated once per listing, in list order, when `batch <= 10`. Larger batches are
    /// applied in groups of 10 terms over all rows, so their rows must be distinct (checked in debug builds).
    ///
    /// - Precondition: `width % 16 == 0`, `width <= rowStride`; rows index inside `matrix`;
    ///   `coefficients` holds `rowCount · batch` floats and `deltas` `batch · width`.
    public static func denseRankUpdate(
        matrix: UnsafeMutablePointer<Float>, rowStride: Int, width: Int,
        rows: UnsafePointer<Kernels.RowIndex>, rowCount: Int,
        coefficients: UnsafePointer<Float>, deltas: UnsafePointer<Float>, batch: Int
    ) {
        precondition(
            width % lanes == 0 && width <= rowStride,
            "denseRankUpdate: width \(width) must be a multiple of 16 and <= stride")
        precondition(batch >= 0 && rowCount >= 0, "denseRankUpdate: negative shape")
        assert(batch <= 10 || Set((0..<rowCount).map { rows[$0] }).count == rowCount, "denseRankUpdate: repeated rows")
        // This is safe because rows were validated by the caller, every strip ends at or before `width`, and
        // term + 10 <= batch in the blocked groups.
        var term = 0
        while term + 10 <= batch {
            var column = 0
            while column + 32 <= width {
                denseStrip32(
                    matrix: matrix + column, rowStride: rowStride, rows: rows, rowCount: rowCount,
                    coefficients: coefficients + term, coefficientStride: batch,
                    deltas: deltas + term &* width + column, deltaStride: width)
                column += 32
            }
            if column < width {
                denseStrip16(
                    matrix: matrix + column, rowStride: rowStride, rows: rows, rowCount: rowCount,
                    coefficients: coefficients + term, coefficientStride: batch,
                    deltas: deltas + term &* width + column, deltaStride: width)
            }
            term += 10
        }
        // The last batch % 10 terms, one vector at a time, still in ascending b after the blocked groups.
        guard term < batch else { return }
        for r in 0..<rowCount {
            let row = matrix + Int(rows[r]) &* rowStride
            let coefficient = coefficients + r &* batch
            var column = 0
            while column < width {
                var w = load16(row + column)
                for b in term..<batch { w = w.addingProduct(coefficient[b], load16(deltas + b &* width + column)) }
                store16(w, row + column)
                column += lanes
            }
        }
    }

    /// Ten terms on one 32-column strip of every listed row (20 delta vectors held in registers).
    @inline(__always)
    private static func denseStrip32(
        matrix: UnsafeMutablePointer<Float>, rowStride: Int, rows: UnsafePointer<Kernels.RowIndex>, rowCount: Int,
        coefficients: UnsafePointer<Float>, coefficientStride: Int, deltas: UnsafePointer<Float>, deltaStride: Int
    ) {
        let s = deltaStride
        let (d0a, d0b) = (load16(deltas), load16(deltas + 16))
        let (d1a, d1b) = (load16(deltas + s), load16(deltas + s + 16))
        let (d2a, d2b) = (load16(deltas + 2 &* s), load16(deltas + 2 &* s + 16))
        let (d3a, d3b) = (load16(deltas + 3 &* s), load16(deltas + 3 &* s + 16))
        let (d4a, d4b) = (load16(deltas + 4 &* s), load16(deltas + 4 &* s + 16))
        let (d5a, d5b) = (load16(deltas + 5 &* s), load16(deltas + 5 &* s + 16))
        let (d6a, d6b) = (load16(deltas + 6 &* s), load16(deltas + 6 &* s + 16))
        let (d7a, d7b) = (load16(deltas + 7 &* s), load16(deltas + 7 &* s + 16))
        let (d8a, d8b) = (load16(deltas + 8 &* s), load16(deltas + 8 &* s + 16))
        let (d9a, d9b) = (load16(deltas + 9 &* s), load16(deltas + 9 &* s + 16))
        @inline(__always)
        func update(_ w: inout SIMD16<Float>, _ x: inout SIMD16<Float>, _ c: UnsafePointer<Float>) {
            w = w.addingProduct(c[0], d0a)
            x = x.addingProduct(c[0], d0b)
            w = w.addingProduct(c[1], d1a)
            x = x.addingProduct(c[1], d1b)
            w = w.addingProduct(c[2], d2a)
            x = x.addingProduct(c[2], d2b)
            w = w.addingProduct(c[3], d3a)
            x = x.addingProduct(c[3], d3b)
            w = w.addingProduct(c[4], d4a)
            x = x.addingProduct(c[4], d4b)
            w = w.addingProduct(c[5], d5a)
            x = x.addingProduct(c[5], d5b)
            w = w.addingProduct(c[6], d6a)
            x = x.addingProduct(c[6], d6b)
            w = w.addingProduct(c[7], d7a)
            x = x.addingProduct(c[7], d7b)
            w = w.addingProduct(c[8], d8a)
            x = x.addingProduct(c[8], d8b)
            w = w.addingProduct(c[9], d9a)
            x = x.addingProduct(c[9], d9b)
        }
        var r = 0
        // Four rows per iteration: 8 independent FMA chains. Rows may repeat in the list; the four rows of one
        // iteration are then updated in list order only if distinct, so repeats take the one-row loop.
        while r + 4 <= rowCount {
            let i0 = Int(rows[r])
            let i1 = Int(rows[r &+ 1])
            let i2 = Int(rows[r &+ 2])
            let i3 = Int(rows[r &+ 3])
            if i0 == i1 || i0 == i2 || i0 == i3 || i1 == i2 || i1 == i3 || i2 == i3 { break }
            let p0 = matrix + i0 &* rowStride
            let p1 = matrix + i1 &* rowStride
            let p2 = matrix + i2 &* rowStride
            let p3 = matrix + i3 &* rowStride
            var (w0, x0) = (load16(p0), load16(p0 + 16))
            var (w1, x1) = (load16(p1), load16(p1 + 16))
            var (w2, x2) = (load16(p2), load16(p2 + 16))
            var (w3, x3) = (load16(p3), load16(p3 + 16))
            update(&w0, &x0, coefficients + r &* coefficientStride)
            update(&w1, &x1, coefficients + (r &+ 1) &* coefficientStride)
            update(&w2, &x2, coefficients + (r &+ 2) &* coefficientStride)
            update(&w3, &x3, coefficients + (r &+ 3) &* coefficientStride)
            store16(w0, p0)
            store16(x0, p0 + 16)
            store16(w1, p1)
            store16(x1, p1 + 16)
            store16(w2, p2)
            store16(x2, p2 + 16)
            store16(w3, p3)
            store16(x3, p3 + 16)
            r &+= 4
        }
        while r < rowCount {
            let p = matrix + Int(rows[r]) &* rowStride
            var (w, x) = (load16(p), load16(p + 16))
            update(&w, &x, coefficients + r &* coefficientStride)
            store16(w, p)
            store16(x, p + 16)
            r &+= 1
        }
    }

    /// Ten terms on one 16-column strip of every listed row (the tail of a width that is an odd number of
    /// vectors).
    @inline(__always)
    private static func denseStrip16(
        matrix: UnsafeMutablePointer<Float>, rowStride: Int, rows: UnsafePointer<Kernels.RowIndex>, rowCount: Int,
        coefficients: UnsafePointer<Float>, coefficientStride: Int, deltas: UnsafePointer<Float>, deltaStride: Int
    ) {
        let s = deltaStride
        let d0 = load16(deltas)
        let d1 = load16(deltas + s)
        let d2 = load16(deltas + 2 &* s)
        let d3 = load16(deltas + 3 &* s)
        let d4 = load16(deltas + 4 &* s)
        let d5 = load16(deltas + 5 &* s)
        let d6 = load16(deltas + 6 &* s)
        let d7 = load16(deltas + 7 &* s)
        let d8 = load16(deltas + 8 &* s)
        let d9 = load16(deltas + 9 &* s)
        for r in 0..<rowCount {
            let p = matrix + Int(rows[r]) &* rowStride
            let c = coefficients + r &* coefficientStride
            var w = load16(p)
            w = w.addingProduct(c[0], d0)
            w = w.addingProduct(c[1], d1)
            w = w.addingProduct(c[2], d2)
            w = w.addingProduct(c[3], d3)
            w = w.addingProduct(c[4], d4)
            w = w.addingProduct(c[5], d5)
            w = w.addingProduct(c[6], d6)
            w = w.addingProduct(c[7], d7)
            w = w.addingProduct(c[8], d8)
            w = w.addingProduct(c[9], d9)
            store16(w, p)
        }
    }
}
