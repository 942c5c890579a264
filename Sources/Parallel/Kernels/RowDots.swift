extension Kernels {
    /// Dot products of one vector with the rows of a matrix, any number of rows:
    /// `out[k] = Σ_j f(x[j]) · weights[k · width + j]` for `k < rows`, `out[k] = 0` for
    /// `rows ≤ k < paddedWidth(rows)`, with f = ρ = clamp(·, 0, 1) when `clampInput`, else the identity.
    ///
    /// Used for the shard's share of the output drive: from binary hidden spikes (Eq. 5, I_y = s_h·W2) and
    /// from relaxed potentials (Eqs. 6–10, A_y = ρ(V_h)·W2), with `weights` = the shard's W2ᵀ.
    ///
    /// Rows are taken in blocks of 16 (one output vector each, the last one zero-padded). Order, per block: per
    /// k, 16 lane-wise FMA chains over the column blocks (lane = column mod 16), then the block's lane sums are
    /// reduced together by `transposedLaneSums` (a fixed pairwise tree). A block's result does not depend on
    /// the other blocks, so `rows` ≤ 16 gives the bits of the one-vector kernel it replaces.
    /// - Precondition: `width % 16 == 0`, `rows >= 0`; `x` holds `width` floats, `weights` `rows · width`,
    ///   `out` `paddedWidth(rows)` (at least 16).
    public static func rowDots(
        _ x: UnsafePointer<Float>, weights: UnsafePointer<Float>, rows: Int, width: Int, clampInput: Bool,
        out: UnsafeMutablePointer<Float>
    ) {
        precondition(width % lanes == 0, "rowDots: width \(width) must be a multiple of 16")
        precondition(rows >= 0, "rowDots: negative rows \(rows)")
        if rows == 10 {
            tenRowDots(x, weights: weights, width: width, clampInput: clampInput, out: out)
            return
        }
        withUnsafeTemporaryAllocation(of: SIMD16<Float>.self, capacity: lanes) { sums in
            // This is safe because the allocation holds 16 vectors, k < blockRows <= 16, every row block lies
            // inside `rows · width` and every output block inside `paddedWidth(rows)`.
            let sums = sums.baseAddress!
            var first = 0
            repeat {
                let blockRows = min(lanes, rows - first)
                let blockWeights = weights + first &* width
                for k in 0..<lanes { sums[k] = SIMD16<Float>() }
                var column = 0
                while column < width {
                    var value = load16(x + column)
                    if clampInput { value = unitClamp(value) }
                    for k in 0..<blockRows {
                        sums[k] = sums[k].addingProduct(value, load16(blockWeights + k &* width + column))
                    }
                    column += lanes
                }
                store16(transposedLaneSums(UnsafePointer(sums)), out + first)
                first += lanes
            } while first < rows
        }
    }

    /// Floats in an output-layer vector of `count` neurons: `count` rounded up to a multiple of `lanes`, at
    /// least one vector. What `rowDots` writes for `count` rows, and the width of every output-layer buffer.
    @inlinable public static func paddedWidth(_ count: Int) -> Int { max(1, (count + lanes - 1) / lanes) * lanes }

    /// `rowDots` for the 10 outputs of MNIST with the ten accumulators in registers: ten independent FMA
    /// chains per column block (a loop over k kept them in memory and ran at a third of the speed).
    /// Same order of operations as the general path.
    @inline(__always)
    private static func tenRowDots(
        _ x: UnsafePointer<Float>, weights: UnsafePointer<Float>, width: Int, clampInput: Bool,
        out: UnsafeMutablePointer<Float>
    ) {
        var s0 = SIMD16<Float>()
        var s1 = SIMD16<Float>()
        var s2 = SIMD16<Float>()
        var s3 = SIMD16<Float>()
        var s4 = SIMD16<Float>()
        var s5 = SIMD16<Float>()
        var s6 = SIMD16<Float>()
        var s7 = SIMD16<Float>()
        var s8 = SIMD16<Float>()
        var s9 = SIMD16<Float>()
        var column = 0
        // This is safe because the caller checked width % 16 == 0 and that weights holds 10 rows of width.
        while column < width {
            var value = load16(x + column)
            if clampInput { value = unitClamp(value) }
            let w = weights + column
            s0 = s0.addingProduct(value, load16(w))
            s1 = s1.addingProduct(value, load16(w + width))
            s2 = s2.addingProduct(value, load16(w + 2 &* width))
            s3 = s3.addingProduct(value, load16(w + 3 &* width))
            s4 = s4.addingProduct(value, load16(w + 4 &* width))
            s5 = s5.addingProduct(value, load16(w + 5 &* width))
            s6 = s6.addingProduct(value, load16(w + 6 &* width))
            s7 = s7.addingProduct(value, load16(w + 7 &* width))
            s8 = s8.addingProduct(value, load16(w + 8 &* width))
            s9 = s9.addingProduct(value, load16(w + 9 &* width))
            column &+= lanes
        }
        let zero = SIMD16<Float>()
        let sums = (s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, zero, zero, zero, zero, zero, zero)
        withUnsafePointer(to: sums) { pointer in
            pointer.withMemoryRebound(to: SIMD16<Float>.self, capacity: 16) { store16(transposedLaneSums($0), out) }
        }
    }
}

/// Lane k of the result is the sum of the 16 lanes of `vectors[k]`, for 16 vectors at once: four rounds of
/// pairwise even/odd lane additions (15 vector adds instead of 16 sequential horizontal sums).
@inline(__always)
func transposedLaneSums(_ vectors: UnsafePointer<SIMD16<Float>>) -> SIMD16<Float> {
    @inline(__always)
    func pairSum(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        SIMD16(lowHalf: a.evenHalf + a.oddHalf, highHalf: b.evenHalf + b.oddHalf)
    }
    let r1 = (
        pairSum(vectors[0], vectors[1]), pairSum(vectors[2], vectors[3]), pairSum(vectors[4], vectors[5]),
        pairSum(vectors[6], vectors[7]), pairSum(vectors[8], vectors[9]), pairSum(vectors[10], vectors[11]),
        pairSum(vectors[12], vectors[13]), pairSum(vectors[14], vectors[15])
    )
    let r2 = (pairSum(r1.0, r1.1), pairSum(r1.2, r1.3), pairSum(r1.4, r1.5), pairSum(r1.6, r1.7))
    let r3 = (pairSum(r2.0, r2.1), pairSum(r2.2, r2.3))
    return pairSum(r3.0, r3.1)
}
