import Parallel
import Testing

/// The documented order, scalar: rows at even positions summed in position order from 0, rows at odd positions
/// likewise, then `bias + (even + odd)`.
private func referenceGatherRowSum(
    matrix: [Float], rowStride: Int, width: Int, rows: [UInt16], bias: [Float]
) -> [Float] {
    (0..<width).map { column in
        var even: Float = 0
        var odd: Float = 0
        for position in rows.indices {
            let value = matrix[Int(rows[position]) * rowStride + column]
            if position % 2 == 0 { even += value } else { odd += value }
        }
        return bias[column] + (even + odd)
    }
}

/// Runs the kernel; the result holds `width` outputs followed by `guardCount` sentinels.
private func kernelGatherRowSum(
    matrix: [Float], rowStride: Int, width: Int, rows: [UInt16], bias: [Float]
) -> [Float] {
    var out = [Float](repeating: sentinel, count: width + guardCount)
    withPointer(matrix) { matrix in
        withPointer(rows) { rowPointer in
            withPointer(bias) { bias in
                withMutablePointer(&out) { out in
                    Kernels.gatherRowSum(
                        matrix: matrix, rowStride: rowStride, width: width, rows: rowPointer, rowCount: rows.count,
                        bias: bias, out: out)
                }
            }
        }
    }
    return out
}

@Suite("Kernels.gatherRowSum")
struct GatherRowSumTests {
    @Test("bit-identical to the even/odd reference: strides > width, ragged row lists", arguments: kernelWidths)
    func matchesReference(width: Int) {
        var rng = SplitMix64(seed: 0x6761_7468_6572 &+ UInt64(width))
        let rowCounts = [0, 1, 2, 3, 4, 5, 7, 10, 33, 64]
        for (caseIndex, rowCount) in rowCounts.enumerated() {
            let rowStride = width + [0, 3, 16, 37][caseIndex % 4]
            // The last case has more than 256 matrix rows, so row indices need all 16 bits.
            let matrixRows = caseIndex == rowCounts.count - 1 ? 300 : 1 + rng.int(in: 0..<40)
            // Columns past `width` hold NaN: any read of them would poison an output.
            var matrix = [Float](repeating: sentinel, count: matrixRows * rowStride)
            for row in 0..<matrixRows {
                for column in 0..<width { matrix[row * rowStride + column] = rng.float(in: -2..<2) }
            }
            // Row lists may repeat rows (the kernel does not require distinct rows).
            var rows = (0..<rowCount).map { _ in UInt16(rng.int(in: 0..<matrixRows)) }
            if caseIndex == rowCounts.count - 1 { rows[0] = UInt16(matrixRows - 1) }
            var bias = rng.floats(width, in: -1..<1)
            bias[0] = -0.0
            let context = "width \(width), rowStride \(rowStride), \(rowCount) rows of \(matrixRows)"
            let out = kernelGatherRowSum(matrix: matrix, rowStride: rowStride, width: width, rows: rows, bias: bias)
            let expected = referenceGatherRowSum(
                matrix: matrix, rowStride: rowStride, width: width, rows: rows, bias: bias)
            expectBitIdentical(Array(out[..<width]), expected, context)
            expectSentinels(out[width...], context)
        }
    }

    @Test("sums the selected rows plus bias (hand-computed)")
    func handComputed() {
        // Row r holds r + 1 in every column (and column c of row r adds c / 16 so columns differ).
        let width = 80
        let rowStride = 96
        var matrix = [Float](repeating: sentinel, count: 5 * rowStride)
        for row in 0..<5 {
            for column in 0..<width { matrix[row * rowStride + column] = Float(row + 1) + Float(column) / 16 }
        }
        let bias = (0..<width).map { Float($0) * -0.25 }
        let out = kernelGatherRowSum(matrix: matrix, rowStride: rowStride, width: width, rows: [0, 2, 3], bias: bias)
        // 1 + 3 + 4 + 3·c/16 − c/4 = 8 − c/16.
        expectBitIdentical(Array(out[..<width]), (0..<width).map { 8 - Float($0) / 16 }, "rows 0, 2, 3")
        // No rows: the bias (bias + (0 + 0)).
        let none = kernelGatherRowSum(matrix: matrix, rowStride: rowStride, width: width, rows: [], bias: bias)
        expectBitIdentical(Array(none[..<width]), bias.map { $0 + 0 }, "no rows")
    }

    @Test("summation order is two chains, even then odd positions, then bias + (even + odd)", arguments: [16, 80])
    func orderIsEvenAndOddChains(width: Int) {
        // In float, 1e8 + 1 == 1e8. Sequential order: ((1e8 + 1) − 1e8) + 1 = 1.
        // Documented order: even = 1e8 − 1e8 = 0, odd = 1 + 1 = 2, bias 0 + (0 + 2) = 2.
        let values: [Float] = [1e8, 1, -1e8, 1]
        let matrix = values.flatMap { [Float](repeating: $0, count: width) }
        let out = kernelGatherRowSum(
            matrix: matrix, rowStride: width, width: width, rows: [0, 1, 2, 3],
            bias: [Float](repeating: 0, count: width))
        expectBitIdentical(Array(out[..<width]), [Float](repeating: 2, count: width), "width \(width)")
    }

    @Test("zero padding columns stay zero; data columns do not depend on the padded width")
    func paddingInvariance() {
        var rng = SplitMix64(seed: 0x9AD_D1)
        let dataWidth = 40
        let rowStride = 128
        var matrix = [Float](repeating: 0, count: 20 * rowStride)
        for row in 0..<20 {
            for column in 0..<dataWidth { matrix[row * rowStride + column] = rng.float(in: -1..<1) }
        }
        var bias = [Float](repeating: 0, count: rowStride)
        for column in 0..<dataWidth { bias[column] = rng.float(in: -1..<1) }
        let rows: [UInt16] = [3, 17, 0, 5, 5, 11, 19]
        let narrow = kernelGatherRowSum(matrix: matrix, rowStride: rowStride, width: 48, rows: rows, bias: bias)
        let wide = kernelGatherRowSum(matrix: matrix, rowStride: rowStride, width: 128, rows: rows, bias: bias)
        expectBitIdentical(Array(narrow[dataWidth..<48]), [Float](repeating: 0, count: 8), "padding, width 48")
        expectBitIdentical(Array(wide[dataWidth..<128]), [Float](repeating: 0, count: 88), "padding, width 128")
        expectBitIdentical(Array(narrow[..<dataWidth]), Array(wide[..<dataWidth]), "data columns, width 48 vs 128")
    }

    @Test("rejects a width that is not a multiple of 16 or exceeds the stride")
    func preconditions() async {
        await #expect(processExitsWith: .failure) {
            let matrix = [Float](repeating: 0, count: 64)
            let bias = [Float](repeating: 0, count: 64)
            var out = [Float](repeating: 0, count: 64)
            let rows: [UInt16] = [0]
            Kernels.gatherRowSum(
                matrix: matrix, rowStride: 40, width: 40, rows: rows, rowCount: 1, bias: bias, out: &out)
        }
        await #expect(processExitsWith: .failure) {
            let matrix = [Float](repeating: 0, count: 64)
            let bias = [Float](repeating: 0, count: 64)
            var out = [Float](repeating: 0, count: 64)
            let rows: [UInt16] = [0]
            Kernels.gatherRowSum(
                matrix: matrix, rowStride: 16, width: 32, rows: rows, rowCount: 1, bias: bias, out: &out)
        }
    }
}
