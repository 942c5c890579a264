import Parallel
import TestSupport
import Testing

/// The documented update, scalar: for each listed row in list order and each column, one FMA chain over ascending
/// b starting from the old weight, `w = fma(coefficients[r][b], deltas[b][c], w)`, skipping exact-zero
/// coefficients (+0 and −0).
private func referenceRankUpdate(
    matrix: inout [Float], rowStride: Int, width: Int, rows: [Kernels.RowIndex], coefficients: [Float], deltas: [Float],
    batch: Int
) {
    for r in rows.indices {
        for column in 0..<width {
            let index = Int(rows[r]) * rowStride + column
            var w = matrix[index]
            for b in 0..<batch {
                let a = coefficients[r * batch + b]
                if a == 0 { continue }
                w = w.addingProduct(a, deltas[b * width + column])
            }
            matrix[index] = w
        }
    }
}

private func kernelRankUpdate(
    matrix: inout [Float], rowStride: Int, width: Int, rows: [Kernels.RowIndex], coefficients: [Float], deltas: [Float],
    batch: Int
) {
    withMutablePointer(&matrix) { matrix in
        withPointer(rows) { rowPointer in
            withPointer(coefficients) { coefficients in
                withPointer(deltas) { deltas in
                    Kernels.rankUpdate(
                        matrix: matrix, rowStride: rowStride, width: width, rows: rowPointer, rowCount: rows.count,
                        coefficients: coefficients, deltas: deltas, batch: batch)
                }
            }
        }
    }
}

/// A matrix of `rowCount` rows of `rowStride` floats: random weights (some −0 and +0) in the first `width`
/// columns, sentinels in the rest of each row, which the kernel must not touch.
private func randomMatrix(rows: Int, rowStride: Int, width: Int, rng: inout SplitMix64) -> [Float] {
    var matrix = [Float](repeating: sentinel, count: rows * rowStride)
    for row in 0..<rows {
        for column in 0..<width {
            matrix[row * rowStride + column] =
                rng.chance(0.05) ? (rng.chance(0.5) ? -0.0 : 0) : rng.float(in: -1..<1)
        }
    }
    return matrix
}

/// Coefficients with about 30% exact zeros, half of them −0.
private func randomCoefficients(_ count: Int, rng: inout SplitMix64) -> [Float] {
    (0..<count).map { _ in rng.chance(0.3) ? (rng.chance(0.5) ? -0.0 : 0) : rng.float(in: -1..<1) }
}

@Suite("Kernels.rankUpdate")
struct RankUpdateTests {
    @Test(
        "bit-identical to one FMA chain per weight in ascending b, zeros skipped; other memory untouched",
        arguments: kernelWidths)
    func matchesReference(width: Int) {
        var rng = SplitMix64(seed: 0x4A4B_0000 &+ UInt64(width))
        for (caseIndex, batch) in [1, 2, 10, 20].enumerated() {
            for rowCount in [0, 1, 2, 3, 5, 8] {
                let rowStride = width + [0, 5, 16, 48][(caseIndex + rowCount) % 4]
                let matrixRows = 1 + rng.int(in: 0..<24)
                var matrix = randomMatrix(rows: matrixRows, rowStride: rowStride, width: width, rng: &rng)
                // Ragged row lists that may repeat a row: repeats are applied one after the other.
                let rows = (0..<rowCount).map { _ in Kernels.RowIndex(rng.int(in: 0..<matrixRows)) }
                let coefficients = randomCoefficients(rowCount * batch, rng: &rng)
                let deltas = rng.floats(batch * width, in: -1..<1)
                var expected = matrix
                kernelRankUpdate(
                    matrix: &matrix, rowStride: rowStride, width: width, rows: rows, coefficients: coefficients,
                    deltas: deltas, batch: batch)
                referenceRankUpdate(
                    matrix: &expected, rowStride: rowStride, width: width, rows: rows, coefficients: coefficients,
                    deltas: deltas, batch: batch)
                // The whole matrix: listed rows updated, other rows and the columns past `width` untouched.
                expectBitIdentical(
                    matrix, expected, "width \(width), stride \(rowStride), batch \(batch), rows \(rows)")
            }
        }
    }

    @Test("terms with a zero coefficient leave the weight bit-identical to not adding them", arguments: kernelWidths)
    func zeroTermsAreSkipped(width: Int) {
        var rng = SplitMix64(seed: 0x5C1B &+ UInt64(width))
        let batch = 20
        let rowCount = 6
        let rowStride = width + 16
        let original = randomMatrix(rows: rowCount, rowStride: rowStride, width: width, rng: &rng)
        let rows = (0..<rowCount).map { Kernels.RowIndex($0) }
        let coefficients = randomCoefficients(rowCount * batch, rng: &rng)
        var deltas = rng.floats(batch * width, in: -1..<1)
        // Where every row's coefficient for b is zero, make delta b infinite or NaN: adding 0·inf would be NaN.
        for b in [4, 11] {
            for column in 0..<width { deltas[b * width + column] = column % 2 == 0 ? .infinity : .nan }
        }
        var zeroed = coefficients
        for r in 0..<rowCount {
            zeroed[r * batch + 4] = 0
            zeroed[r * batch + 11] = -0.0
        }
        var full = original
        kernelRankUpdate(
            matrix: &full, rowStride: rowStride, width: width, rows: rows, coefficients: zeroed, deltas: deltas,
            batch: batch)
        // The same update with the zero terms left out: one call per row over its non-zero b only.
        var compacted = original
        for r in 0..<rowCount {
            let kept = (0..<batch).filter { zeroed[r * batch + $0] != 0 }
            kernelRankUpdate(
                matrix: &compacted, rowStride: rowStride, width: width, rows: [Kernels.RowIndex(r)],
                coefficients: kept.map { zeroed[r * batch + $0] },
                deltas: kept.flatMap { deltas[($0 * width)..<(($0 + 1) * width)] }, batch: kept.count)
        }
        expectBitIdentical(full, compacted, "width \(width): zero terms vs no terms")
        #expect(full.indices.allSatisfy { $0 % rowStride >= width || !full[$0].isNaN }, "a zero term added 0·inf")
    }

    @Test("zero coefficients keep −0 weights at −0 and ignore non-finite deltas (hand-computed)")
    func zeroCoefficientsHandComputed() {
        var matrix: [Float] = [Float](repeating: -0.0, count: 16) + [Float](repeating: 1, count: 16)
        let deltas =
            [Float](repeating: 3, count: 16) + [Float](repeating: .nan, count: 16)
            + [Float](repeating: 4, count: 16)
        // Row 0: every coefficient zero (fma(0, 3, −0) would be +0). Row 1: 1 + 2·3 + 0·NaN + 0.5·4 = 9.
        kernelRankUpdate(
            matrix: &matrix, rowStride: 16, width: 16, rows: [0, 1], coefficients: [0, -0.0, 0, 2, 0, 0.5],
            deltas: deltas, batch: 3)
        expectBitIdentical(
            matrix, [Float](repeating: -0.0, count: 16) + [Float](repeating: 9, count: 16), "hand-computed")
    }

    @Test("each term is fused: one rounding per multiply-add (hand-computed)", arguments: [16, 64, 80])
    func fused(width: Int) {
        // fma(1 + 2^-12, 1 + 2^-12, −(1 + 2^-11)) = 2^-24 exactly; a separate multiply and add would give 0.
        var matrix = [Float](repeating: -onePlusTwoToMinus11, count: width)
        kernelRankUpdate(
            matrix: &matrix, rowStride: width, width: width, rows: [0], coefficients: [onePlusTwoToMinus12],
            deltas: [Float](repeating: onePlusTwoToMinus12, count: width), batch: 1)
        expectBitIdentical(matrix, [Float](repeating: 0x1p-24, count: width), "width \(width)")
    }

    @Test("terms are added in ascending b (hand-computed)", arguments: [16, 64, 80])
    func ascendingOrder(width: Int) {
        // Ascending: (0 + 1) + 1e8 = 1e8, then − 1e8 = 0. Descending would give (−1e8 + 1e8) + 1 = 1.
        var matrix = [Float](repeating: 0, count: width)
        let deltas = [Float(1), 1e8, -1e8].flatMap { [Float](repeating: $0, count: width) }
        kernelRankUpdate(
            matrix: &matrix, rowStride: width, width: width, rows: [0], coefficients: [1, 1, 1], deltas: deltas,
            batch: 3)
        expectBitIdentical(matrix, [Float](repeating: 0, count: width), "width \(width)")
    }

    @Test("batch 0 and an empty row list change nothing")
    func emptyUpdates() {
        var rng = SplitMix64(seed: 0xE)
        let original = randomMatrix(rows: 4, rowStride: 80, width: 64, rng: &rng)
        var matrix = original
        kernelRankUpdate(
            matrix: &matrix, rowStride: 80, width: 64, rows: [0, 1, 2, 3], coefficients: [], deltas: [], batch: 0)
        expectBitIdentical(matrix, original, "batch 0")
        kernelRankUpdate(
            matrix: &matrix, rowStride: 80, width: 64, rows: [], coefficients: [], deltas: rng.floats(64, in: 0..<1),
            batch: 1)
        expectBitIdentical(matrix, original, "no rows")
    }

    @Test("zero padding columns stay zero; data columns do not depend on the padded width")
    func paddingInvariance() {
        var rng = SplitMix64(seed: 0x9AD_4A4B)
        let dataWidth = 40
        let rowStride = 128
        let batch = 10
        var original = [Float](repeating: 0, count: 8 * rowStride)
        for row in 0..<8 {
            for column in 0..<dataWidth { original[row * rowStride + column] = rng.float(in: -1..<1) }
        }
        let rows: [Kernels.RowIndex] = [7, 0, 3, 3, 5]
        let coefficients = randomCoefficients(rows.count * batch, rng: &rng)
        let dataDeltas = (0..<batch).map { _ in rng.floats(dataWidth, in: -1..<1) }
        func update(width: Int) -> [Float] {
            var matrix = original
            let deltas = dataDeltas.flatMap { $0 + [Float](repeating: 0, count: width - dataWidth) }
            kernelRankUpdate(
                matrix: &matrix, rowStride: rowStride, width: width, rows: rows, coefficients: coefficients,
                deltas: deltas, batch: batch)
            return matrix
        }
        let narrow = update(width: 48)
        let wide = update(width: 128)
        // Padding stays +0 and the data columns agree, so the two whole matrices are bit-identical.
        expectBitIdentical(narrow, wide, "width 48 vs 128")
        #expect(narrow.indices.allSatisfy { $0 % rowStride < dataWidth || narrow[$0].bitPattern == 0 })
    }

    @Test("rejects a width that is not a multiple of 16 or exceeds the stride")
    func preconditions() async {
        await #expect(processExitsWith: .failure) {
            var matrix = [Float](repeating: 0, count: 64)
            let deltas = [Float](repeating: 0, count: 64)
            let coefficients: [Float] = [1]
            let rows: [Kernels.RowIndex] = [0]
            Kernels.rankUpdate(
                matrix: &matrix, rowStride: 16, width: 32, rows: rows, rowCount: 1, coefficients: coefficients,
                deltas: deltas, batch: 1)
        }
    }
}
