import Parallel
import TestSupport
import Testing

/// The element kernels of the output layer's update and teaching step, and the encoder's change lists, each
/// against the scalar loop it replaced, bit for bit.
@Suite struct TrainingStepKernelTests {
    /// A [rows][stride] matrix whose columns from `columns` on are padding the kernels must not read.
    static func padded(_ rng: inout SplitMix64, rows: Int, stride: Int, columns: Int) -> [Float] {
        var values = rng.floats(rows * stride, in: -0.5..<1.5)
        for r in 0..<rows { for c in columns..<stride { values[r * stride + c] = sentinel } }
        return values
    }

    @Test(arguments: [(1, 1), (3, 10), (10, 16), (7, 4)])
    func transposedCoefficientsMatchReference(rows: Int, columns: Int) {
        var rng = SplitMix64(seed: 0x7A05 &+ UInt64(rows * 31 + columns))
        let stride = 16
        let x = Self.padded(&rng, rows: rows, stride: stride, columns: columns)
        let y = Self.padded(&rng, rows: rows, stride: stride, columns: columns)
        let outStride = 2 * rows
        let scale: Float = 0.37
        var difference = [Float](repeating: sentinel, count: columns * outStride + guardCount)
        var clamped = difference
        withPointer(x) { x in
            withPointer(y) { y in
                withMutablePointer(&difference) { out in
                    Kernels.scaledDifferenceTransposed(
                        x, y, rows: rows, rowStride: stride, columns: columns, scale: scale, into: out,
                        outStride: outStride)
                }
                withMutablePointer(&clamped) { out in
                    Kernels.scaledUnitClampTransposed(
                        x, rows: rows, rowStride: stride, columns: columns, scale: scale, into: out,
                        outStride: outStride)
                    Kernels.scaledUnitClampTransposed(
                        y, rows: rows, rowStride: stride, columns: columns, scale: -scale, into: out + rows,
                        outStride: outStride)
                }
            }
        }
        var expectedDifference = [Float](repeating: sentinel, count: columns * outStride)
        var expectedClamped = expectedDifference
        for k in 0..<columns {
            for b in 0..<rows {
                expectedDifference[k * outStride + b] = scale * (x[b * stride + k] - y[b * stride + k])
                expectedClamped[k * outStride + b] = scale * Kernels.unitClamp(x[b * stride + k])
                expectedClamped[k * outStride + rows + b] = -scale * Kernels.unitClamp(y[b * stride + k])
            }
        }
        expectBitIdentical(Array(difference[..<(columns * outStride)]), expectedDifference, "difference")
        expectBitIdentical(Array(clamped[..<(columns * outStride)]), expectedClamped, "clamped, both halves")
        expectSentinels(difference[(columns * outStride)...], "difference guard")
        expectSentinels(clamped[(columns * outStride)...], "clamped guard")
    }

    @Test(arguments: [-1, 0, 3, 9, 10])
    func stepTowardOneHotMatchesReference(target: Int) {
        var rng = SplitMix64(seed: 0x0E4 &+ UInt64(target + 1))
        let count = 10
        var values = rng.floats(count, in: -0.4..<1.4)
        values[1] = -0.0
        let expected = (0..<count).map { k in
            Kernels.unitClamp(values[k] + 0.5 * ((k == target ? 1 : 0) - values[k]))
        }
        values += [Float](repeating: sentinel, count: guardCount)
        withMutablePointer(&values) { v in Kernels.stepTowardOneHot(v, rate: 0.5, target: target, into: v, count: count)
        }
        expectBitIdentical(Array(values[..<count]), expected, "in place, target \(target)")
        expectSentinels(values[count...], "guard")
    }

    @Test func columnSumsOfStridedRowsLeavePaddingAlone() {
        var rng = SplitMix64(seed: 0xC0_15)
        let (rows, width, stride) = (10, 10, 16)
        let matrix = Self.padded(&rng, rows: rows, stride: stride, columns: width)
        var sums = rng.floats(stride, in: -1..<1)
        let expected = referenceColumnSums(matrix, rows: rows, width: width, rowStride: stride, addedTo: sums)
        withPointer(matrix) { matrix in
            withMutablePointer(&sums) {
                Kernels.addColumnSums(matrix, rows: rows, width: width, rowStride: stride, into: $0)
            }
        }
        expectBitIdentical(sums, expected, "strided column sums, padding sums unchanged")
    }

    /// The encoder's compaction as it was written before it became a kernel: branch-free stores at the ends of
    /// both lists.
    @Test(arguments: [0, 1, 5, 200])
    func listChangesMatchesReference(count: Int) {
        var rng = SplitMix64(seed: 0x11_57 &+ UInt64(count))
        let labels = (0..<count).map { _ in UInt32(rng.int(in: 0..<784)) }.sorted()
        let bits = (0..<count).map { _ in UInt8(rng.int(in: 0..<4)) }
        for bit: UInt8 in [0, 1] {
            let before = (0..<count).map { _ in UInt8(rng.int(in: 0..<2)) }
            var expectedAdded: [Kernels.RowIndex] = []
            var expectedRemoved: [Kernels.RowIndex] = []
            var expectedTotals = [Int32](repeating: 3, count: 784)
            var expectedPrevious = before
            for c in 0..<count {
                let now = (bits[c] >> bit) & 1
                if now == 1 && before[c] == 0 { expectedAdded.append(Kernels.RowIndex(labels[c])) }
                if now == 0 && before[c] == 1 { expectedRemoved.append(Kernels.RowIndex(labels[c])) }
                expectedTotals[Int(labels[c])] += Int32(now)
                expectedPrevious[c] = now
            }
            var previous = before
            var added = [Kernels.RowIndex](repeating: 0xFFFF, count: max(count, 1))
            var removed = added
            var totals = [Int32](repeating: 3, count: 784)
            let lengths = withPointer(bits) { bits in
                withPointer(labels) { labels in
                    withMutablePointer(&previous) { previous in
                        withMutablePointer(&added) { added in
                            withMutablePointer(&removed) { removed in
                                withMutablePointer(&totals) { totals in
                                    Kernels.listChanges(
                                        bits: bits, bit: bit, previous: previous, labels: labels, count: count,
                                        added: added, removed: removed, totals: totals)
                                }
                            }
                        }
                    }
                }
            }
            #expect(Array(added[..<lengths.added]) == expectedAdded, "switched on, bit \(bit)")
            #expect(Array(removed[..<lengths.removed]) == expectedRemoved, "switched off, bit \(bit)")
            #expect(totals == expectedTotals && previous == expectedPrevious, "totals and state, bit \(bit)")
        }
    }
}
