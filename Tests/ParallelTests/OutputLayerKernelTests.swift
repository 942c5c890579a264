import Parallel
import TestSupport
import Testing

/// Eq. 5 for one layer of `width` neurons from summed partials ([s][t][width]), scalar and in the documented
/// order.
private func referenceIntegrateAndFireSummed(
    partials: [Float], partialCount: Int, partialStride: Int, bias: [Float], width: Int = Kernels.lanes,
    timeSteps: Int, leak: Float, threshold: Float, reset: SpikeReset = .subtract
) -> (average: [Float], counts: [Int32]) {
    var potential = [Float](repeating: 0, count: width)
    var sums = [Float](repeating: 0, count: width)
    var counts = [Int32](repeating: 0, count: width)
    for t in 0..<timeSteps {
        for k in 0..<width {
            var total: Float = 0
            for s in 0..<partialCount { total += partials[s * partialStride + t * width + k] }
            let drive = total + bias[k]
            sums[k] += drive
            let leaked = leak * potential[k]
            var v = leaked + drive
            if v >= threshold {
                v = reset == .subtract ? v - threshold : 0
                counts[k] += 1
            }
            potential[k] = v
        }
    }
    return (sums.map { $0 / Float(timeSteps) }, counts)
}

/// One Euler step of `count` neurons from summed partials, scalar as documented.
private func referenceRelaxSummed(
    potential: [Float], partials: [Float], partialCount: Int, partialStride: Int, bias: [Float], count: Int,
    eps: Float, beta: Float, target: Int
) -> [Float] {
    var out = potential
    for k in 0..<count {
        var total: Float = 0
        for s in 0..<partialCount { total += partials[s * partialStride + k] }
        let drive = total + bias[k]
        let v = potential[k]
        let gate: Float = v >= 0 && v <= 1 ? 1 : 0
        var derivative = -v + gate * drive
        if beta != 0 { derivative += beta * ((k == target ? 1 : 0) - v) }
        let moved = v + eps * derivative
        out[k] = moved < 0 || moved == 0 ? 0 : (moved > 1 ? 1 : moved)
    }
    return out
}

@Suite struct OutputLayerKernelTests {
    @Test(arguments: [1, 2, 3, 7], SpikeReset.allCases)
    func integrateAndFireSummedMatchesReference(partialCount: Int, reset: SpikeReset) {
        var rng = SplitMix64(seed: 0x0A7F_5000 &+ UInt64(partialCount))
        let lanes = Kernels.lanes
        for timeSteps in [1, 2, 9, 30] {
            let stride = timeSteps * lanes + 16 * partialCount  // padded: the stride is not the block size
            let partials = rng.floats(max(1, partialCount) * stride, in: -0.6..<0.9)
            let bias = rng.floats(lanes, in: -0.3..<0.3)
            let leak = rng.float(in: 0.5..<1)
            let expected = referenceIntegrateAndFireSummed(
                partials: partials, partialCount: partialCount, partialStride: stride, bias: bias,
                timeSteps: timeSteps, leak: leak, threshold: 1, reset: reset)
            var average = [Float](repeating: sentinel, count: lanes + guardCount)
            var counts = [Int32](repeating: -7, count: lanes + guardCount)
            withPointer(partials) { partials in
                withPointer(bias) { bias in
                    withMutablePointer(&average) { average in
                        withMutablePointer(&counts) { counts in
                            Kernels.integrateAndFireSummed(
                                partials: partials, partialCount: partialCount, partialStride: stride, bias: bias,
                                width: lanes, timeSteps: timeSteps, leak: leak, threshold: 1, reset: reset,
                                averageDrive: average,
                                spikeCounts: counts)
                        }
                    }
                }
            }
            expectBitIdentical(Array(average[..<lanes]), expected.average, "T = \(timeSteps) average drive")
            expectSentinels(average[lanes...], "average guard")
            #expect(Array(counts[..<lanes]) == expected.counts, "T = \(timeSteps) spike counts")
            #expect(counts[lanes...].allSatisfy { $0 == -7 }, "spike count guard")
            if timeSteps >= 9 {  // the data must make some neurons fire and others stay silent at some steps
                #expect(expected.counts.contains { $0 > 0 } && expected.counts.contains { $0 < timeSteps })
            }
        }
    }

    /// The output layer of K classes, `paddedWidth(K)` neurons walked vector by vector: bit for bit the scalar
    /// reference, nothing written past the width.
    @Test(arguments: [3, 16, 17, 26, 100])
    func integrateAndFireSummedAnyWidth(classes: Int) {
        var rng = SplitMix64(seed: 0x0A7F_5100 &+ UInt64(classes))
        let width = Kernels.paddedWidth(classes)
        for (partialCount, timeSteps) in [(1, 1), (3, 9), (2, 30)] {
            let stride = timeSteps * width + 16
            let partials = rng.floats(partialCount * stride, in: -0.6..<0.9)
            let bias = rng.floats(width, in: -0.3..<0.3)
            let leak = rng.float(in: 0.5..<1)
            let expected = referenceIntegrateAndFireSummed(
                partials: partials, partialCount: partialCount, partialStride: stride, bias: bias, width: width,
                timeSteps: timeSteps, leak: leak, threshold: 1)
            var average = [Float](repeating: sentinel, count: width + guardCount)
            var counts = [Int32](repeating: -7, count: width + guardCount)
            withPointer(partials) { partials in
                withPointer(bias) { bias in
                    withMutablePointer(&average) { average in
                        withMutablePointer(&counts) { counts in
                            Kernels.integrateAndFireSummed(
                                partials: partials, partialCount: partialCount, partialStride: stride, bias: bias,
                                width: width, timeSteps: timeSteps, leak: leak, threshold: 1, reset: .subtract,
                                averageDrive: average, spikeCounts: counts)
                        }
                    }
                }
            }
            expectBitIdentical(Array(average[..<width]), expected.average, "K = \(classes), T = \(timeSteps)")
            expectSentinels(average[width...], "average guard")
            #expect(Array(counts[..<width]) == expected.counts, "K = \(classes), T = \(timeSteps) spike counts")
            #expect(counts[width...].allSatisfy { $0 == -7 }, "spike count guard")
        }
    }

    /// `relaxSummed` at K classes (any count, scalar), against the reference.
    @Test(arguments: [3, 17, 26, 100])
    func relaxSummedAnyCount(count: Int) {
        var rng = SplitMix64(seed: 0x7E1A_5100 &+ UInt64(count))
        let stride = Kernels.paddedWidth(count) * 2
        for (partialCount, beta, target) in [(1, Float(0), -1), (3, 0.5, count - 1), (2, 0.25, count / 2)] {
            let partials = rng.floats(partialCount * stride, in: -0.8..<0.8)
            let bias = rng.floats(count, in: -0.2..<0.2)
            let potential = rng.floats(count, in: -0.4..<1.4)
            let expected = referenceRelaxSummed(
                potential: potential, partials: partials, partialCount: partialCount, partialStride: stride,
                bias: bias, count: count, eps: 0.7, beta: beta, target: target)
            var actual = potential + [Float](repeating: sentinel, count: guardCount)
            withPointer(partials) { partials in
                withPointer(bias) { bias in
                    withMutablePointer(&actual) { potential in
                        Kernels.relaxSummed(
                            potential: potential, partials: partials, partialCount: partialCount,
                            partialStride: stride, bias: bias, count: count, eps: 0.7, beta: beta, target: target)
                    }
                }
            }
            expectBitIdentical(Array(actual[..<count]), expected, "count \(count), \(partialCount) partials")
            expectSentinels(actual[count...], "potential guard")
        }
    }

    @Test(arguments: [0, 1, 10, 16])
    func relaxSummedMatchesReference(count: Int) {
        var rng = SplitMix64(seed: 0x7E1A_5000 &+ UInt64(count))
        let lanes = Kernels.lanes
        for (partialCount, beta, target) in [(1, Float(0), -1), (3, 0.5, 2), (5, -0.5, 0), (2, 0.25, 99)] {
            let stride = lanes * 2
            let partials = rng.floats(partialCount * stride, in: -0.8..<0.8)
            let bias = rng.floats(lanes, in: -0.2..<0.2)
            // Potentials inside and outside [0, 1], and both zeros, so every branch of ρ and ρ' is taken.
            var potential = rng.floats(lanes, in: -0.4..<1.4)
            potential[0] = -0.0
            potential[1] = 0
            potential[2] = 1
            let expected = referenceRelaxSummed(
                potential: potential, partials: partials, partialCount: partialCount, partialStride: stride,
                bias: bias, count: count, eps: 0.7, beta: beta, target: target)
            var actual = potential + [Float](repeating: sentinel, count: guardCount)
            withPointer(partials) { partials in
                withPointer(bias) { bias in
                    withMutablePointer(&actual) { potential in
                        Kernels.relaxSummed(
                            potential: potential, partials: partials, partialCount: partialCount,
                            partialStride: stride, bias: bias, count: count, eps: 0.7, beta: beta, target: target)
                    }
                }
            }
            expectBitIdentical(Array(actual[..<lanes]), expected, "count \(count), \(partialCount) partials")
            expectSentinels(actual[lanes...], "potential guard")
        }
    }

    /// The vector and scalar ρ agree bit for bit, ±0, ±∞ and NaN included, over every exponent.
    @Test func unitClampVectorMatchesScalar() {
        var values: [Float] = [-0.0, 0, 1, -1, .infinity, -.infinity, .nan, sentinel, .leastNonzeroMagnitude]
        var rng = SplitMix64(seed: 0xC1A_4D)
        for exponent in 0..<256 {
            for _ in 0..<4 {
                let bits = UInt32(exponent) << 23 | UInt32(truncatingIfNeeded: rng.next()) & 0x7F_FFFF
                values += [Float(bitPattern: bits), Float(bitPattern: bits | 0x8000_0000)]
            }
        }
        while values.count % Kernels.lanes != 0 { values.append(0.5) }
        var vector: [Float] = []
        for start in stride(from: 0, to: values.count, by: Kernels.lanes) {
            let v = Kernels.unitClamp(Kernels.Vector(values[start..<(start + Kernels.lanes)]))
            vector += (0..<Kernels.lanes).map { v[$0] }
        }
        expectBitIdentical(vector, values.map(Kernels.unitClamp), "vector ρ vs scalar ρ")
        var buffer = [Float](repeating: sentinel, count: values.count + guardCount)
        withPointer(values) { source in
            withMutablePointer(&buffer) { Kernels.unitClamp(source, into: $0, count: values.count) }
        }
        expectBitIdentical(Array(buffer[..<values.count]), values.map(Kernels.unitClamp), "unitClamp(into:)")
        expectSentinels(buffer[values.count...], "unitClamp guard")
        #expect(Kernels.unitClamp(-0.0).sign == .plus)
    }

    @Test func elementwiseKernelsMatchReferenceLoops() {
        var rng = SplitMix64(seed: 0xE1E)
        let count = 333
        let x = rng.floats(count, in: -0.5..<1.5)
        let y = rng.floats(count, in: -0.5..<1.5)
        var out = [Float](repeating: sentinel, count: count + guardCount)
        withPointer(x) { x in
            withPointer(y) { y in
                withMutablePointer(&out) { Kernels.scaledUnitClampDifference(x, y, scale: 0.3, into: $0, count: count) }
            }
        }
        expectBitIdentical(
            Array(out[..<count]), (0..<count).map { 0.3 * (Kernels.unitClamp(x[$0]) - Kernels.unitClamp(y[$0])) },
            "scaledUnitClampDifference")
        expectSentinels(out[count...], "difference guard")

        var first = y + [Float](repeating: sentinel, count: guardCount)
        var second = [Float](repeating: sentinel, count: count + guardCount)
        withPointer(x) { x in
            withMutablePointer(&first) { first in
                withMutablePointer(&second) { second in
                    Kernels.mixUnitClamped(x, first, alpha: 0.25, into: first, and: second, count: count)
                }
            }
        }
        let mixed = (0..<count).map { 0.25 * Kernels.unitClamp(x[$0]) + (1 - 0.25) * y[$0] }
        expectBitIdentical(Array(first[..<count]), mixed, "mixUnitClamped, in place")
        expectBitIdentical(Array(second[..<count]), mixed, "mixUnitClamped, copy")
        expectSentinels(first[count...], "mix guard")
        expectSentinels(second[count...], "mix copy guard")

        let rows = 7
        let width = 48
        let matrix = rng.floats(rows * width, in: -1..<1)
        var sums = rng.floats(width, in: -1..<1)
        let expected = referenceColumnSums(matrix, rows: rows, width: width, rowStride: width, addedTo: sums)
        sums += [Float](repeating: sentinel, count: guardCount)
        withPointer(matrix) { matrix in
            withMutablePointer(&sums) { Kernels.addColumnSums(matrix, rows: rows, width: width, into: $0) }
        }
        expectBitIdentical(Array(sums[..<width]), expected, "addColumnSums")
        expectSentinels(sums[width...], "column sum guard")
    }

    @Test func finiteAndBoundScans() {
        var values = [Float](repeating: 0.5, count: 37)
        #expect(values.withUnsafeBufferPointer { Kernels.allFinite($0.baseAddress!, count: 37) })
        #expect(values.withUnsafeBufferPointer { Kernels.firstOutside($0.baseAddress!, count: 37, bound: 1) } == nil)
        for (index, bad) in [(3, Float.nan), (20, .infinity), (36, -2)] {
            values[index] = bad
            #expect(
                values.withUnsafeBufferPointer { Kernels.firstOutside($0.baseAddress!, count: 37, bound: 1) }
                    == (index == 3 ? 3 : 3))
            #expect(!values.withUnsafeBufferPointer { Kernels.allFinite($0.baseAddress!, count: 37) } || bad == -2)
        }
        values = [Float](repeating: 0.5, count: 37)
        values[36] = -2
        #expect(values.withUnsafeBufferPointer { Kernels.firstOutside($0.baseAddress!, count: 37, bound: 1) } == 36)
    }

    @Test func namedNumbersAgree() {
        #expect(Kernels.lanes == Kernels.Vector.scalarCount)
        #expect(Kernels.blockWidth == 4 * Kernels.lanes)
        #expect(ShardPlan(total: 100, count: 2).granularity == Kernels.lanes)
    }

    @Test func nonZeroColumnsMatchesReference() {
        var rng = SplitMix64(seed: 0x20_C01)
        for (rows, width) in [(0, 5), (1, 17), (4, 100), (10, 784)] {
            let matrix = (0..<(rows * width)).map { _ in rng.chance(0.1) ? rng.float(in: 0.05..<1) : 0 }
            var expectedColumns: [Kernels.RowIndex] = []
            var expectedValues: [Float] = []
            for i in 0..<width where (0..<rows).contains(where: { matrix[$0 * width + i] != 0 }) {
                expectedColumns.append(Kernels.RowIndex(i))
                expectedValues += (0..<rows).map { matrix[$0 * width + i] }
            }
            var columns = [Kernels.RowIndex](repeating: 0xFFFF, count: width + guardCount)
            var values = [Float](repeating: sentinel, count: rows * width + guardCount)
            let count = withPointer(matrix) { matrix in
                withMutablePointer(&columns) { columns in
                    withMutablePointer(&values) { values in
                        Kernels.nonZeroColumns(matrix, rows: rows, width: width, columns: columns, values: values)
                    }
                }
            }
            #expect(count == expectedColumns.count, "\(rows) × \(width)")
            #expect(Array(columns[..<count]) == expectedColumns, "\(rows) × \(width) columns")
            #expect(columns[width...].allSatisfy { $0 == 0xFFFF }, "column guard")
            expectBitIdentical(Array(values[..<(count * rows)]), expectedValues, "\(rows) × \(width) values")
            expectSentinels(values[(rows * width)...], "value guard")
            if rows == 10 { #expect(count > 0 && count < width, "the data lists some columns, not all") }
        }
    }
}
