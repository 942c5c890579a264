import Parallel
import TestSupport
import Testing

/// The documented dense drive, scalar: out[b][c] = one FMA chain from bias[c] over ascending i.
private func referenceDenseDrive(
    inputs: [Float], inputCount: Int, batch: Int, matrix: [Float], rowStride: Int, width: Int, bias: [Float]
) -> [Float] {
    var out = [Float](repeating: 0, count: batch * width)
    for b in 0..<batch {
        for c in 0..<width {
            var acc = bias[c]
            for i in 0..<inputCount { acc = acc.addingProduct(inputs[b * inputCount + i], matrix[i * rowStride + c]) }
            out[b * width + c] = acc
        }
    }
    return out
}

private func kernelDenseDrive(
    inputs: [Float], inputCount: Int, batch: Int, matrix: [Float], rowStride: Int, width: Int, bias: [Float]
) -> [Float] {
    // Sentinels after the output catch stores past its end.
    var out = [Float](repeating: sentinel, count: batch * width + guardCount)
    withPointer(inputs) { inputs in
        withPointer(matrix) { matrix in
            withPointer(bias) { bias in
                withMutablePointer(&out) { out in
                    Kernels.denseDrive(
                        inputs: inputs, inputCount: inputCount, batch: batch, matrix: matrix, rowStride: rowStride,
                        width: width, bias: bias, out: out)
                }
            }
        }
    }
    expectSentinels(out[(batch * width)...], "batch \(batch), width \(width)")
    return Array(out[..<(batch * width)])
}

@Suite("Kernels.denseDrive")
struct DenseDriveTests {
    @Test("bit-identical to one FMA chain per output from the bias in ascending i", arguments: kernelWidths)
    func matchesReference(width: Int) {
        var rng = SplitMix64(seed: 0xD21E_0000 &+ UInt64(width))
        for (caseIndex, batch) in [1, 7, 10, 12, 20, 23].enumerated() {
            for inputCount in [0, 1, 5, 37] {
                let rowStride = width + [0, 3, 16][(caseIndex + inputCount) % 3]
                // Sentinels in the columns past `width` of every row: a read there would turn an output NaN.
                var matrix = [Float](repeating: sentinel, count: max(inputCount, 1) * rowStride)
                for i in 0..<inputCount {
                    for c in 0..<width { matrix[i * rowStride + c] = rng.float(in: -1..<1) }
                }
                // Binary spikes in some cases, rates in others.
                let inputs = (0..<(batch * inputCount)).map { _ in
                    caseIndex % 2 == 0 ? (rng.chance(0.2) ? 1 : 0) : rng.float(in: 0..<1)
                }
                let bias = rng.floats(width, in: -1..<1)
                let actual = kernelDenseDrive(
                    inputs: inputs, inputCount: inputCount, batch: batch, matrix: matrix, rowStride: rowStride,
                    width: width, bias: bias)
                let expected = referenceDenseDrive(
                    inputs: inputs, inputCount: inputCount, batch: batch, matrix: matrix, rowStride: rowStride,
                    width: width, bias: bias)
                expectBitIdentical(actual, expected, "width \(width), batch \(batch), inputs \(inputCount)")
            }
        }
    }

    @Test("each term is fused and added in ascending i (hand-computed)", arguments: [16, 32, 48])
    func fusedAndOrdered(width: Int) {
        // bias −(1 + 2^-11), then fma with (1 + 2^-12)² gives 2^-24; + 1 rounds to 1; + 1e8 − 1e8 gives 0.
        let rows: [Float] = [onePlusTwoToMinus12, 1, 1e8, -1e8]
        let matrix = rows.flatMap { [Float](repeating: $0, count: width) }
        let inputs = (0..<10).flatMap { _ in [onePlusTwoToMinus12, 1, 1, 1] as [Float] }
        let out = kernelDenseDrive(
            inputs: inputs, inputCount: 4, batch: 10, matrix: matrix, rowStride: width, width: width,
            bias: [Float](repeating: -onePlusTwoToMinus11, count: width))
        expectBitIdentical(out, [Float](repeating: 0, count: 10 * width), "width \(width)")
    }

    @Test("rejects a width that is not a multiple of 16 or exceeds the stride")
    func preconditions() async {
        await #expect(processExitsWith: .failure) {
            let matrix = [Float](repeating: 0, count: 64)
            var out = [Float](repeating: 0, count: 64)
            Kernels.denseDrive(
                inputs: [1], inputCount: 1, batch: 1, matrix: matrix, rowStride: 16, width: 20, bias: matrix,
                out: &out)
        }
    }
}
