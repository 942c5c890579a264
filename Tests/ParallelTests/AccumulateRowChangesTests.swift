import Parallel
import TestSupport
import Testing

/// The documented order, scalar, per column: each list summed in two chains from +0 (rows at even positions in
/// position order, rows at odd positions likewise), then `base + ((addedEven + addedOdd) − (removedEven +
/// removedOdd))`. The 64-column blocks and the 16-column tail keep this order for every column, so the
/// reference needs no blocks.
private func referenceAccumulateRowChanges(
    matrix: [Float], rowStride: Int, width: Int, added: [Kernels.RowIndex], removed: [Kernels.RowIndex], base: [Float]
) -> [Float] {
    func chains(_ rows: [Kernels.RowIndex], _ column: Int) -> Float {
        var even: Float = 0
        var odd: Float = 0
        for position in rows.indices {
            let value = matrix[Int(rows[position]) * rowStride + column]
            if position % 2 == 0 { even += value } else { odd += value }
        }
        return even + odd
    }
    return (0..<width).map { column in base[column] + (chains(added, column) - chains(removed, column)) }
}

/// Runs the kernel with `out` a separate buffer; the result holds `width` outputs followed by `guardCount`
/// sentinels. `matrix` and `base` are used as given (callers append sentinels to catch reads past them).
private func kernelAccumulateRowChanges(
    matrix: [Float], rowStride: Int, width: Int, added: [Kernels.RowIndex], removed: [Kernels.RowIndex], base: [Float]
) -> [Float] {
    var out = [Float](repeating: sentinel, count: width + guardCount)
    withPointer(matrix) { matrix in
        withPointer(added) { addedPointer in
            withPointer(removed) { removedPointer in
                withPointer(base) { base in
                    withMutablePointer(&out) { out in
                        Kernels.accumulateRowChanges(
                            matrix: matrix, rowStride: rowStride, width: width, added: addedPointer,
                            addedCount: added.count, removed: removedPointer, removedCount: removed.count, base: base,
                            out: out)
                    }
                }
            }
        }
    }
    return out
}

/// Runs the kernel in place (`out` = `base`): `state` holds `width` values followed by any guard the caller
/// appended, and is updated in place.
private func kernelAccumulateRowChangesInPlace(
    matrix: [Float], rowStride: Int, width: Int, added: [Kernels.RowIndex], removed: [Kernels.RowIndex],
    state: inout [Float]
) {
    withPointer(matrix) { matrix in
        withPointer(added) { addedPointer in
            withPointer(removed) { removedPointer in
                withMutablePointer(&state) { state in
                    Kernels.accumulateRowChanges(
                        matrix: matrix, rowStride: rowStride, width: width, added: addedPointer,
                        addedCount: added.count, removed: removedPointer, removedCount: removed.count,
                        base: UnsafePointer(state), out: state)
                }
            }
        }
    }
}

/// A random matrix of `rows` rows: data in the first `width` columns of each row, NaN sentinels in the columns
/// past `width` and in every row not in `listed` (a read of either would poison an output). The buffer ends
/// right after the last row's `width` data columns (the precondition's exact bound), followed by `guardCount`
/// sentinels.
private func sparseMatrix(
    rows: Int, rowStride: Int, width: Int, listed: Set<Kernels.RowIndex>, rng: inout SplitMix64
) -> [Float] {
    var matrix = [Float](repeating: sentinel, count: (rows - 1) * rowStride + width + guardCount)
    for row in 0..<rows where listed.contains(Kernels.RowIndex(row)) {
        for column in 0..<width { matrix[row * rowStride + column] = rng.float(in: -2..<2) }
    }
    return matrix
}

@Suite("Kernels.accumulateRowChanges")
struct AccumulateRowChangesTests {
    @Test(
        "bit-identical to the even/odd reference: ragged and empty lists, strides > width, unread rows and columns",
        arguments: kernelWidths)
    func matchesReference(width: Int) {
        var rng = SplitMix64(seed: 0x6163_6375 &+ UInt64(width))
        let addedCounts = [0, 1, 2, 3, 4, 5, 7, 10, 33, 64, 0, 1, 29]
        let removedCounts = [0, 0, 1, 2, 3, 5, 8, 9, 31, 64, 7, 1, 0]
        for caseIndex in addedCounts.indices {
            let rowStride = width + [0, 3, 16, 37][caseIndex % 4]
            // The 64-row case lists rows above 255, so row indices need all 16 bits.
            let matrixRows = addedCounts[caseIndex] == 64 ? 300 : 1 + rng.int(in: 0..<60)
            // Lists may repeat rows and share rows (the kernel requires neither distinct nor disjoint lists).
            var added = (0..<addedCounts[caseIndex]).map { _ in Kernels.RowIndex(rng.int(in: 0..<matrixRows)) }
            let removed = (0..<removedCounts[caseIndex]).map { _ in Kernels.RowIndex(rng.int(in: 0..<matrixRows)) }
            if addedCounts[caseIndex] == 64 { added[0] = Kernels.RowIndex(matrixRows - 1) }
            let matrix = sparseMatrix(
                rows: matrixRows, rowStride: rowStride, width: width, listed: Set(added + removed), rng: &rng)
            var base = rng.floats(width, in: -1..<1) + [Float](repeating: sentinel, count: guardCount)
            base[0] = -0.0
            let context =
                "width \(width), rowStride \(rowStride), +\(added.count) −\(removed.count) rows of \(matrixRows)"
            let out = kernelAccumulateRowChanges(
                matrix: matrix, rowStride: rowStride, width: width, added: added, removed: removed, base: base)
            let expected = referenceAccumulateRowChanges(
                matrix: matrix, rowStride: rowStride, width: width, added: added, removed: removed, base: base)
            expectBitIdentical(Array(out[..<width]), expected, context)
            expectSentinels(out[width...], context)
            #expect(!expected.contains { $0.isNaN }, "\(context): the reference read a sentinel")
        }
    }

    @Test("out may alias base: in place equals out of place, bit for bit", arguments: kernelWidths)
    func inPlace(width: Int) {
        var rng = SplitMix64(seed: 0x1_9_1ACE &+ UInt64(width))
        for (addedCount, removedCount) in [(0, 0), (3, 0), (0, 4), (17, 12), (64, 65)] {
            let rowStride = width + 16
            let matrixRows = 80
            let added = (0..<addedCount).map { _ in Kernels.RowIndex(rng.int(in: 0..<matrixRows)) }
            let removed = (0..<removedCount).map { _ in Kernels.RowIndex(rng.int(in: 0..<matrixRows)) }
            let matrix = sparseMatrix(
                rows: matrixRows, rowStride: rowStride, width: width, listed: Set(added + removed), rng: &rng)
            let base = rng.floats(width, in: -3..<3)
            var state = base + [Float](repeating: sentinel, count: guardCount)
            kernelAccumulateRowChangesInPlace(
                matrix: matrix, rowStride: rowStride, width: width, added: added, removed: removed, state: &state)
            let context = "width \(width), +\(addedCount) −\(removedCount)"
            expectBitIdentical(
                Array(state[..<width]),
                referenceAccumulateRowChanges(
                    matrix: matrix, rowStride: rowStride, width: width, added: added, removed: removed, base: base),
                context)
            expectSentinels(state[width...], context)
        }
    }

    @Test("adds the added rows and subtracts the removed ones (hand-computed)", arguments: [16, 80, 128])
    func handComputed(width: Int) {
        // Row r holds r + 1 + c/16 in column c.
        let rowStride = width + 16
        var matrix = [Float](repeating: sentinel, count: 6 * rowStride)
        for row in 0..<6 {
            for column in 0..<width { matrix[row * rowStride + column] = Float(row + 1) + Float(column) / 16 }
        }
        let base = (0..<width).map { Float($0) * -0.25 }
        func run(_ added: [Kernels.RowIndex], _ removed: [Kernels.RowIndex]) -> [Float] {
            Array(
                kernelAccumulateRowChanges(
                    matrix: matrix, rowStride: rowStride, width: width, added: added, removed: removed, base: base)[
                        ..<width])
        }
        // +rows 0, 2, 3: 1 + 3 + 4 + 3·c/16 − c/4 = 8 − c/16.
        expectBitIdentical(run([0, 2, 3], []), (0..<width).map { 8 - Float($0) / 16 }, "+0, 2, 3")
        // −rows 1, 5: −(2 + 6 + 2·c/16) − c/4 = −8 − 3c/8.
        expectBitIdentical(run([], [1, 5]), (0..<width).map { -8 - 3 * Float($0) / 8 }, "−1, 5")
        // +4, 4 −1, 2, 0: (5 + 5) − (2 + 3 + 1) + (2 − 3)·c/16 − c/4 = 4 − 5c/16.
        expectBitIdentical(run([4, 4], [1, 2, 0]), (0..<width).map { 4 - 5 * Float($0) / 16 }, "+4, 4 −1, 2, 0")
        // The same row added and removed cancels exactly.
        expectBitIdentical(run([3], [3]), base.map { $0 + 0 }, "+3 −3")
    }

    @Test("empty lists: out = base + (0 − 0), so −0 becomes +0 and nothing else changes", arguments: kernelWidths)
    func emptyLists(width: Int) {
        var rng = SplitMix64(seed: 0xE_4D7 &+ UInt64(width))
        var base = rng.floats(width, in: -1..<1)
        base[0] = -0.0
        base[width - 1] = 0
        // Every matrix element is a sentinel: with both lists empty the kernel reads no row.
        let matrix = [Float](repeating: sentinel, count: width + guardCount)
        let out = kernelAccumulateRowChanges(
            matrix: matrix, rowStride: width, width: width, added: [], removed: [], base: base)
        var expected = base
        expected[0] = 0
        expectBitIdentical(Array(out[..<width]), expected, "width \(width)")
        expectSentinels(out[width...], "width \(width)")
    }

    @Test(
        "order: two chains per list (even and odd positions), then base + ((added) − (removed))",
        arguments: [16, 64, 80, 1008])
    func summationOrder(width: Int) {
        // In float, 1e8 + 1 == 1e8 (the spacing of floats at 1e8 is 8).
        func run(_ values: [Float], _ added: [Kernels.RowIndex], _ removed: [Kernels.RowIndex], base: Float) -> [Float]
        {
            let matrix = values.flatMap { [Float](repeating: $0, count: width) }
            let out = kernelAccumulateRowChanges(
                matrix: matrix, rowStride: width, width: width, added: added, removed: removed,
                base: [Float](repeating: base, count: width))
            return Array(out[..<width])
        }
        let values: [Float] = [1e8, 1, -1e8, 1, 0]
        func constant(_ value: Float) -> [Float] { [Float](repeating: value, count: width) }
        // Added list: even = 1e8 − 1e8 = 0, odd = 1 + 1 = 2 (one chain in list order would give 1).
        expectBitIdentical(run(values, [0, 1, 2, 3], [], base: 0), constant(2), "added chains")
        // Removed list likewise: 0 − 2.
        expectBitIdentical(run(values, [], [0, 1, 2, 3], base: 0), constant(-2), "removed chains")
        // (added) − (removed) before base: 1 + (1e8 − 1e8) = 1; (1 + 1e8) − 1e8 or (1 − 1e8) + 1e8 would be 0.
        expectBitIdentical(run(values, [0], [0], base: 1), constant(1), "base + (added − removed)")
        // Each list is summed on its own before the difference: (1e8 + 1) − (1e8 + 0) = 0, whereas pairing the
        // chains, (1e8 − 1e8) + (1 − 0), would give 1.
        expectBitIdentical(run(values, [0, 1], [0, 4], base: 0), constant(0), "lists summed before subtracting")
    }

    @Test("zero padding columns stay zero; data columns do not depend on the padded width")
    func paddingInvariance() {
        var rng = SplitMix64(seed: 0x9AD_D1)
        let dataWidth = 40
        let rowStride = 128
        var matrix = [Float](repeating: 0, count: 30 * rowStride)
        for row in 0..<30 {
            for column in 0..<dataWidth { matrix[row * rowStride + column] = rng.float(in: -1..<1) }
        }
        var base = [Float](repeating: 0, count: rowStride)
        for column in 0..<dataWidth { base[column] = rng.float(in: -1..<1) }
        let added: [Kernels.RowIndex] = [3, 17, 0, 5, 5, 11, 19, 29]
        let removed: [Kernels.RowIndex] = [2, 7, 7, 23, 1]
        // Width 48 runs the 16-column path only; 128 the 64-column path only.
        let narrow = kernelAccumulateRowChanges(
            matrix: matrix, rowStride: rowStride, width: 48, added: added, removed: removed, base: base)
        let wide = kernelAccumulateRowChanges(
            matrix: matrix, rowStride: rowStride, width: 128, added: added, removed: removed, base: base)
        expectBitIdentical(Array(narrow[dataWidth..<48]), [Float](repeating: 0, count: 8), "padding, width 48")
        expectBitIdentical(Array(wide[dataWidth..<128]), [Float](repeating: 0, count: 88), "padding, width 128")
        expectBitIdentical(Array(narrow[..<dataWidth]), Array(wide[..<dataWidth]), "data columns, width 48 vs 128")
    }

    @Test(
        "incremental drive from switched inputs stays within 1e-5 of a fresh sum over 20 steps of 0/1 spike trains",
        arguments: [(UInt64(1), 0.13), (2, 0.5), (3, 0.9)])
    func incrementalMatchesFreshSum(seed: UInt64, meanRate: Double) {
        // MNIST-like shapes: 784 inputs, 160 hidden columns (two 64-column blocks and a 32-column tail), weights
        // and bias of the initialisation's scale; each input fires with its own rate, many inputs never.
        var rng = SplitMix64(seed: 0x1C4E_0000 &+ seed)
        let inputs = 784
        let width = 160
        let rowStride = 176
        var matrix = [Float](repeating: 0, count: inputs * rowStride)
        for row in 0..<inputs {
            for column in 0..<width { matrix[row * rowStride + column] = rng.float(in: -0.1..<0.1) }
        }
        let bias = rng.floats(width, in: -0.1..<0.1)
        let rates = (0..<inputs).map { _ in rng.chance(0.4) ? 0 : min(1, 2 * meanRate * Double(rng.float(in: 0..<1))) }
        var active = [Bool](repeating: false, count: inputs)
        var drive = [Float]()
        var worst: Float = 0
        for step in 0..<20 {
            let next = rates.map { rng.chance($0) }
            let on = (0..<inputs).filter { next[$0] && !active[$0] }.map(Kernels.RowIndex.init)
            let off = (0..<inputs).filter { !next[$0] && active[$0] }.map(Kernels.RowIndex.init)
            let all = (0..<inputs).filter { next[$0] }.map(Kernels.RowIndex.init)
            if step == 0 {
                drive = Array(
                    kernelAccumulateRowChanges(
                        matrix: matrix, rowStride: rowStride, width: width, added: all, removed: [], base: bias)[
                            ..<width])
            } else {
                kernelAccumulateRowChangesInPlace(
                    matrix: matrix, rowStride: rowStride, width: width, added: on, removed: off, state: &drive)
            }
            active = next
            let fresh = Array(
                kernelAccumulateRowChanges(
                    matrix: matrix, rowStride: rowStride, width: width, added: all, removed: [], base: bias)[..<width])
            // Relative to the drive's magnitude (the largest |fresh| of the step): single columns can sum to
            // nearly zero, where an elementwise relative error means nothing.
            let scale = fresh.map(abs).max()!
            let error = zip(drive, fresh).map { abs($0 - $1) }.max()!
            worst = max(worst, error / scale)
            #expect(
                error <= 1e-5 * scale,
                "step \(step): incremental differs from fresh by \(error), \(error / scale) of max |drive| \(scale)")
        }
        // The two are not identical (a different rounding), or the test would prove nothing about drift.
        #expect(worst > 0, "incremental and fresh sums never differed")
    }

    @Test("rejects a width that is not a multiple of 16 or exceeds the stride, and negative counts")
    func preconditions() async {
        await #expect(processExitsWith: .failure) {
            let matrix = [Float](repeating: 0, count: 64)
            let base = [Float](repeating: 0, count: 64)
            var out = [Float](repeating: 0, count: 64)
            let rows: [Kernels.RowIndex] = [0]
            Kernels.accumulateRowChanges(
                matrix: matrix, rowStride: 40, width: 40, added: rows, addedCount: 1, removed: rows, removedCount: 0,
                base: base, out: &out)
        }
        await #expect(processExitsWith: .failure) {
            let matrix = [Float](repeating: 0, count: 64)
            let base = [Float](repeating: 0, count: 64)
            var out = [Float](repeating: 0, count: 64)
            let rows: [Kernels.RowIndex] = [0]
            Kernels.accumulateRowChanges(
                matrix: matrix, rowStride: 16, width: 32, added: rows, addedCount: 1, removed: rows, removedCount: 0,
                base: base, out: &out)
        }
        await #expect(processExitsWith: .failure) {
            let matrix = [Float](repeating: 0, count: 64)
            let base = [Float](repeating: 0, count: 64)
            var out = [Float](repeating: 0, count: 64)
            let rows: [Kernels.RowIndex] = [0]
            Kernels.accumulateRowChanges(
                matrix: matrix, rowStride: 16, width: 16, added: rows, addedCount: 1, removed: rows, removedCount: -1,
                base: base, out: &out)
        }
    }
}
