import Parallel
import TestSupport
import Testing

/// The documented dense update, scalar: for each listed row in list order and each column, one FMA chain over
/// every b in ascending order starting from the old weight, zero coefficients included.
private func referenceDenseRankUpdate(
    matrix: inout [Float], rowStride: Int, width: Int, rows: [Kernels.RowIndex], coefficients: [Float], deltas: [Float],
    batch: Int
) {
    for r in rows.indices {
        for column in 0..<width {
            let index = Int(rows[r]) * rowStride + column
            var w = matrix[index]
            for b in 0..<batch { w = w.addingProduct(coefficients[r * batch + b], deltas[b * width + column]) }
            matrix[index] = w
        }
    }
}

/// Which rank-update kernel a test calls.
private enum Variant { case dense, compacted }

private func kernel(
    _ variant: Variant, matrix: inout [Float], rowStride: Int, width: Int, rows: [Kernels.RowIndex],
    coefficients: [Float],
    deltas: [Float], batch: Int
) {
    withMutablePointer(&matrix) { matrix in
        withPointer(rows) { rowPointer in
            withPointer(coefficients) { coefficients in
                withPointer(deltas) { deltas in
                    switch variant {
                    case .dense:
                        Kernels.denseRankUpdate(
                            matrix: matrix, rowStride: rowStride, width: width, rows: rowPointer,
                            rowCount: rows.count, coefficients: coefficients, deltas: deltas, batch: batch)
                    case .compacted:
                        Kernels.rankUpdate(
                            matrix: matrix, rowStride: rowStride, width: width, rows: rowPointer,
                            rowCount: rows.count, coefficients: coefficients, deltas: deltas, batch: batch)
                    }
                }
            }
        }
    }
}

@Suite("Kernels.denseRankUpdate")
struct DenseRankUpdateTests {
    @Test(
        "bit-identical to one FMA chain per weight over every b; other memory untouched", arguments: kernelWidths)
    func matchesReference(width: Int) {
        var rng = SplitMix64(seed: 0xD3_0000 &+ UInt64(width))
        for (caseIndex, batch) in [1, 3, 10, 13, 20, 30].enumerated() {
            for rowCount in [0, 1, 3, 4, 5, 8, 11] {
                let rowStride = width + [0, 5, 16, 48][(caseIndex + rowCount) % 4]
                let matrixRows = 1 + rng.int(in: 0..<24)
                var matrix = [Float](repeating: sentinel, count: matrixRows * rowStride)
                for row in 0..<matrixRows {
                    for column in 0..<width { matrix[row * rowStride + column] = rng.float(in: -1..<1) }
                }
                // Ragged row lists; up to 10 terms a row may be listed twice (applied twice, in list order),
                // larger batches need distinct rows.
                var rows = (0..<rowCount).map { _ in Kernels.RowIndex(rng.int(in: 0..<matrixRows)) }
                if batch > 10 { rows = Array(Set(rows)).sorted() }
                let coefficients = (0..<(rows.count * batch)).map { _ in
                    rng.chance(0.3) ? 0 : rng.float(in: -1..<1)
                }
                let deltas = rng.floats(batch * width, in: -1..<1)
                var expected = matrix
                kernel(
                    .dense, matrix: &matrix, rowStride: rowStride, width: width, rows: rows,
                    coefficients: coefficients, deltas: deltas, batch: batch)
                referenceDenseRankUpdate(
                    matrix: &expected, rowStride: rowStride, width: width, rows: rows, coefficients: coefficients,
                    deltas: deltas, batch: batch)
                expectBitIdentical(
                    matrix, expected, "width \(width), stride \(rowStride), batch \(batch), rows \(rows)")
            }
        }
    }

    @Test("same bits as rankUpdate on finite deltas and weights that are not −0", arguments: kernelWidths)
    func agreesWithCompactedKernel(width: Int) {
        var rng = SplitMix64(seed: 0xC0_4A11 &+ UInt64(width))
        let batch = 10
        let rows: [Kernels.RowIndex] = [9, 2, 0, 5, 7, 1, 3]
        var matrix = (0..<(10 * width)).map { _ in rng.chance(0.05) ? 0 : rng.float(in: -1..<1) }
        // MNIST-like rates: most coefficients of a row are exact zeros.
        let coefficients = (0..<(rows.count * batch)).map { _ in rng.chance(0.7) ? 0 : rng.float(in: 0..<1) }
        let deltas = rng.floats(batch * width, in: -1..<1)
        var other = matrix
        kernel(
            .dense, matrix: &matrix, rowStride: width, width: width, rows: rows, coefficients: coefficients,
            deltas: deltas, batch: batch)
        kernel(
            .compacted, matrix: &other, rowStride: width, width: width, rows: rows, coefficients: coefficients,
            deltas: deltas, batch: batch)
        expectBitIdentical(matrix, other, "width \(width): dense vs compacted")
    }

    @Test("each term is fused and terms are added in ascending b (hand-computed)", arguments: [16, 32, 48, 64])
    func fusedAndOrdered(width: Int) {
        // Ten terms: b = 0 is the fused term 2^-24 (a separate multiply and add would give 0); then
        // (2^-24 + 1) rounds to 1, + 1e8 = 1e8, − 1e8 = 0, and six zero terms. Descending order would end at 1.
        var matrix = [Float](repeating: -onePlusTwoToMinus11, count: 4 * width)
        let values: [Float] = [onePlusTwoToMinus12, 1, 1e8, -1e8, 0, 0, 0, 0, 0, 0]
        let deltas = values.flatMap { [Float](repeating: $0, count: width) }
        let coefficients = (0..<4).flatMap { _ in [onePlusTwoToMinus12] + [Float](repeating: 1, count: 9) }
        kernel(
            .dense, matrix: &matrix, rowStride: width, width: width, rows: [0, 1, 2, 3], coefficients: coefficients,
            deltas: deltas, batch: 10)
        expectBitIdentical(matrix, [Float](repeating: 0, count: 4 * width), "width \(width)")
    }

    @Test("rejects a width that is not a multiple of 16 or exceeds the stride")
    func preconditions() async {
        await #expect(processExitsWith: .failure) {
            var matrix = [Float](repeating: 0, count: 64)
            let deltas = [Float](repeating: 0, count: 64)
            let coefficients: [Float] = [1]
            let rows: [Kernels.RowIndex] = [0]
            Kernels.denseRankUpdate(
                matrix: &matrix, rowStride: 16, width: 32, rows: rows, rowCount: 1, coefficients: coefficients,
                deltas: deltas, batch: 1)
        }
    }
}
