import Parallel
import TestSupport
import Testing

/// `transposedLaneSums` as the source writes it: `pairSum(a, b)` packs the adjacent-pair sums of `a` into the low
/// half and those of `b` into the high half, and four rounds pair up vectors (0, 1), (2, 3), … of the previous
/// round. Lane k of the result is then vector k reduced by a balanced tree of adjacent pairs (checked against a
/// scalar tree in `referenceTreeIsAdjacentPairs`).
private func referenceLaneSums(_ vectors: [SIMD16<Float>]) -> SIMD16<Float> {
    precondition(vectors.count == 16)
    func pairSum(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        SIMD16(lowHalf: a.evenHalf + a.oddHalf, highHalf: b.evenHalf + b.oddHalf)
    }
    var level = vectors
    while level.count > 1 {
        level = stride(from: 0, to: level.count, by: 2).map { pairSum(level[$0], level[$0 + 1]) }
    }
    return level[0]
}

/// ρ = clamp(v, 0, 1) as the kernel's compare-and-blend: −0 stays −0.
private func rho(_ v: Float) -> Float { v < 0 ? 0 : v > 1 ? 1 : v }

/// The documented order, scalar: for row k < rows, 16 lane partials (lane = column % 16), each an FMA chain
/// `p = fma(f(x[j]), weights[k][j], p)` from +0 over its columns in ascending order; rows ≥ `rows` are zero
/// vectors; then all 16 vectors reduced together by the source's tree. Returns all 16 outputs.
private func referenceRowDots(x: [Float], weights: [Float], rows: Int, width: Int, clampInput: Bool) -> [Float] {
    let vectors = (0..<16).map { k -> SIMD16<Float> in
        var partials = SIMD16<Float>()
        guard k < rows else { return partials }
        for lane in 0..<16 {
            var partial: Float = 0
            for column in stride(from: lane, to: width, by: 16) {
                let value = clampInput ? rho(x[column]) : x[column]
                partial = partial.addingProduct(value, weights[k * width + column])
            }
            partials[lane] = partial
        }
        return partials
    }
    let sums = referenceLaneSums(vectors)
    return (0..<16).map { sums[$0] }
}

/// Runs the kernel on copies of `x` and `weights` followed by NaN sentinels (a read past either would poison an
/// output: `width` sentinels after the weights, a whole extra row). The result holds the 16 outputs followed by
/// `guardCount` sentinels.
private func kernelRowDots(x: [Float], weights: [Float], rows: Int, width: Int, clampInput: Bool) -> [Float] {
    let guardedX = x + [Float](repeating: sentinel, count: guardCount)
    let guardedWeights = weights + [Float](repeating: sentinel, count: max(width, guardCount))
    var out = [Float](repeating: sentinel, count: 16 + guardCount)
    guardedX.withUnsafeBufferPointer { x in
        guardedWeights.withUnsafeBufferPointer { weights in
            out.withUnsafeMutableBufferPointer { out in
                Kernels.rowDots(
                    x.baseAddress!, weights: weights.baseAddress!, rows: rows, width: width, clampInput: clampInput,
                    out: out.baseAddress!)
            }
        }
    }
    return out
}

/// Inputs well outside [0, 1] on both sides, with the edges and signed zeros planted at varying columns.
private func randomInput(width: Int, trial: Int, rng: inout SplitMix64) -> [Float] {
    var x = rng.floats(width, in: -1..<2)
    for (index, value) in [Float(-0.0), 0, 1, Float(1).nextUp, -Float.leastNonzeroMagnitude, 5, -5].enumerated() {
        x[(index * 5 + trial) % width] = value
    }
    return x
}

@Suite("Kernels.rowDots")
struct RowDotsTests {
    @Test(
        "bit-identical to lane-wise FMA chains reduced by the pairwise tree; zeros beyond rows; no stray access",
        arguments: kernelWidths, [false, true])
    func matchesReference(width: Int, clampInput: Bool) {
        var rng = SplitMix64(seed: 0x20_D075 &+ UInt64(width) &+ (clampInput ? 1 << 32 : 0))
        for rows in [0, 1, 2, 3, 9, 10, 11, 15, 16] {
            for trial in 0..<2 {
                let x = randomInput(width: width, trial: trial, rng: &rng)
                let weights = rng.floats(rows * width, in: -1..<1)
                let context = "width \(width), \(rows) rows, clampInput \(clampInput), trial \(trial)"
                let out = kernelRowDots(x: x, weights: weights, rows: rows, width: width, clampInput: clampInput)
                let expected = referenceRowDots(
                    x: x, weights: weights, rows: rows, width: width, clampInput: clampInput)
                expectBitIdentical(Array(out[..<16]), expected, context)
                // Outputs past `rows` are +0 exactly (the tree over zero vectors), whatever the buffer held.
                expectBitIdentical(
                    Array(out[rows..<16]), [Float](repeating: 0, count: 16 - rows), "\(context): outputs past rows")
                expectSentinels(out[16...], context)
            }
        }
    }

    @Test(
        "the 10-row register path gives the same bits as the general path at 9, 11 and 16 rows", arguments: kernelWidths
    )
    func tenRowPathMatchesGeneralPath(width: Int) {
        // Lane k of the tree depends on row k's vector alone, so the first outputs do not depend on how many
        // rows follow: rows = 10 (register path) must agree with rows = 11 and 16 (general path) on outputs
        // 0..<10, and with rows = 9 on 0..<9.
        var rng = SplitMix64(seed: 0x7E_2000 &+ UInt64(width))
        for clampInput in [false, true] {
            for trial in 0..<3 {
                let x = randomInput(width: width, trial: trial, rng: &rng)
                let weights = rng.floats(16 * width, in: -1..<1)
                func outputs(_ rows: Int) -> [Float] {
                    Array(
                        kernelRowDots(
                            x: x, weights: Array(weights[..<(rows * width)]), rows: rows, width: width,
                            clampInput: clampInput)[..<16])
                }
                let ten = outputs(10)
                let context = "width \(width), clampInput \(clampInput), trial \(trial)"
                expectBitIdentical(Array(ten[..<10]), Array(outputs(11)[..<10]), "\(context): 10 vs 11 rows")
                expectBitIdentical(Array(ten[..<10]), Array(outputs(16)[..<10]), "\(context): 10 vs 16 rows")
                expectBitIdentical(Array(ten[..<9]), Array(outputs(9)[..<9]), "\(context): 10 vs 9 rows")
                expectBitIdentical(Array(ten[10...]), [Float](repeating: 0, count: 6), "\(context): outputs 10..<16")
            }
        }
    }

    @Test("the reference tree reduces each vector by adjacent pairs, ((0 + 1) + (2 + 3)) + …")
    func referenceTreeIsAdjacentPairs() {
        func tree(_ values: ArraySlice<Float>) -> Float {
            if values.count == 1 { return values.first! }
            let middle = values.startIndex + values.count / 2
            return tree(values[..<middle]) + tree(values[middle...])
        }
        var rng = SplitMix64(seed: 0x7_4EE)
        for _ in 0..<20 {
            let vectors = (0..<16).map { _ in SIMD16<Float>(rng.floats(16, in: -1e4..<1e4)) }
            let sums = referenceLaneSums(vectors)
            let expected = vectors.map { vector in tree((0..<16).map { vector[$0] }[...]) }
            expectBitIdentical((0..<16).map { sums[$0] }, expected, "lane k = tree of vector k")
        }
    }

    @Test("the lane partials are summed by the pairwise tree, not in sequence or by halves", arguments: [1, 3, 10, 16])
    func reductionOrder(rows: Int) {
        // Row k's partials are [1e8, 1, −1e8, 1, 0, …] times (k + 1) (x = 1 in the 16 columns, weights =
        // partials). Tree: (1e8 + 1) + (−1e8 + 1) = 1e8 − 1e8 = 0, since 1e8 + 1 rounds to 1e8. A sequential
        // sum gives 1; halving (lane i + lane i + 8) gives 2. Scaled by m = k + 1 ≤ 16 (so rows differ) the
        // values stay exact and m is still below half the spacing of floats at 1e8·m, so the tree still gives 0.
        let partials: [Float] = [1e8, 1, -1e8, 1] + [Float](repeating: 0, count: 12)
        let weights = (0..<rows).flatMap { k in partials.map { $0 * Float(k + 1) } }
        for clampInput in [false, true] {
            let out = kernelRowDots(
                x: [Float](repeating: 1, count: 16), weights: weights, rows: rows, width: 16, clampInput: clampInput)
            expectBitIdentical(
                Array(out[..<16]), [Float](repeating: 0, count: 16), "\(rows) rows, clampInput \(clampInput)")
        }
    }

    @Test("each lane partial is one fused multiply-add chain over its columns")
    func fusedChains() {
        // Lane 0: column 0 gives −(1 + 2^-11)/2 exactly; column 16 adds (0.5 + 2^-13)·(1 + 2^-12), whose exact
        // product is (1 + 2^-11 + 2^-24)/2: fused, the chain ends at 2^-25; rounded first, it ends at 0.
        var x = [Float](repeating: 0, count: 32)
        var weights = [Float](repeating: 0, count: 32)
        x[0] = 1
        weights[0] = -onePlusTwoToMinus11 / 2
        x[16] = onePlusTwoToMinus12 / 2
        weights[16] = onePlusTwoToMinus12
        for clampInput in [false, true] {
            for rows in [1, 10] {
                let matrix = (0..<rows).flatMap { _ in weights }
                let out = kernelRowDots(x: x, weights: matrix, rows: rows, width: 32, clampInput: clampInput)
                expectBitIdentical(
                    Array(out[..<rows]), [Float](repeating: 0x1p-25, count: rows),
                    "\(rows) rows, clampInput \(clampInput)")
            }
        }
    }

    @Test("clampInput clamps x to [0, 1] before the products; without it x is used as is (hand-computed)")
    func clamping() {
        // ρ(x) = 0, 0.5, 1, 1, 0, 0, 0.25, 1 in lanes 0..<8, zero in lanes 8..<16.
        let x: [Float] = [-1, 0.5, 2, 1, 0, -0.0, 0.25, 100] + [Float](repeating: 0, count: 8)
        let weights =
            [Float](repeating: 1, count: 16) + [Float](repeating: -2, count: 16) + (0..<16).map { Float($0) }
        let clamped = kernelRowDots(x: x, weights: weights, rows: 3, width: 16, clampInput: true)
        // Row 2: 0.5·1 + 1·2 + 1·3 + 0.25·6 + 1·7 = 14.
        #expect(Array(clamped[..<3]) == [3.75, -7.5, 14])
        let raw = kernelRowDots(x: x, weights: weights, rows: 3, width: 16, clampInput: false)
        // Row 0: −1 + 0.5 + 2 + 1 + 0.25 + 100 = 102.75; row 2: 0.5 + 4 + 3 + 1.5 + 700 = 709.
        #expect(Array(raw[..<3]) == [102.75, -205.5, 709])
        #expect(Array(raw[3..<16]) == [Float](repeating: 0, count: 13))
    }

    @Test("zero padding columns do not change the result, whatever weights they meet")
    func paddingInvariance() {
        var rng = SplitMix64(seed: 0x9AD_D07)
        let dataWidth = 40
        let data = rng.floats(dataWidth, in: -0.5..<1.5)
        let dataWeights = rng.floats(16 * dataWidth, in: -1..<1)
        for rows in [3, 10, 16] {
            for clampInput in [false, true] {
                func padded(width: Int) -> [Float] {
                    let x = data + [Float](repeating: 0, count: width - dataWidth)
                    var weights = [Float]()
                    for k in 0..<rows {
                        weights += dataWeights[(k * dataWidth)..<((k + 1) * dataWidth)]
                        weights += rng.floats(width - dataWidth, in: -1..<1)
                    }
                    return Array(
                        kernelRowDots(x: x, weights: weights, rows: rows, width: width, clampInput: clampInput)[..<16])
                }
                expectBitIdentical(
                    padded(width: 48), padded(width: 144), "\(rows) rows, clampInput \(clampInput): width 48 vs 144")
            }
        }
    }

    /// Any row count (the output layer of K classes): blocks of 16 rows, each with the documented order of the
    /// one-vector kernel, zeros up to the padded width, nothing written past it.
    @Test(arguments: [3, 16, 17, 26, 100])
    func anyRowCountMatchesBlockedReference(rows: Int) {
        var rng = SplitMix64(seed: 0x0B10_C400 &+ UInt64(rows))
        let padded = Kernels.paddedWidth(rows)
        #expect(padded % 16 == 0 && padded >= rows && padded < rows + 16)
        for (width, clampInput) in [(16, false), (48, true), (208, false)] {
            let x = randomInput(width: width, trial: rows, rng: &rng)
            let weights = rng.floats(rows * width, in: -1..<1)
            var expected: [Float] = []
            for first in stride(from: 0, to: padded, by: 16) {
                let blockRows = min(16, rows - first)
                expected += referenceRowDots(
                    x: x, weights: Array(weights[(first * width)..<((first + blockRows) * width)]), rows: blockRows,
                    width: width, clampInput: clampInput)
            }
            let guardedWeights = weights + [Float](repeating: sentinel, count: width)
            var out = [Float](repeating: sentinel, count: padded + guardCount)
            withPointer(x) { x in
                withPointer(guardedWeights) { weights in
                    withMutablePointer(&out) { out in
                        Kernels.rowDots(x, weights: weights, rows: rows, width: width, clampInput: clampInput, out: out)
                    }
                }
            }
            expectBitIdentical(Array(out[..<padded]), expected, "\(rows) rows, width \(width)")
            #expect(out[rows..<padded].allSatisfy { $0 == 0 }, "padding outputs are zero")
            expectSentinels(out[padded...], "output guard")
        }
    }

    @Test("rejects a width that is not a multiple of 16 and negative rows")
    func preconditions() async {
        await #expect(processExitsWith: .failure) {
            let x = [Float](repeating: 0, count: 64)
            let weights = [Float](repeating: 0, count: 64)
            var out = [Float](repeating: 0, count: 16)
            Kernels.rowDots(x, weights: weights, rows: 1, width: 40, clampInput: true, out: &out)
        }
        await #expect(processExitsWith: .failure) {
            let x = [Float](repeating: 0, count: 16)
            let weights = [Float](repeating: 0, count: 16)
            var out = [Float](repeating: 0, count: 16)
            Kernels.rowDots(x, weights: weights, rows: -1, width: 16, clampInput: false, out: &out)
        }
    }
}
