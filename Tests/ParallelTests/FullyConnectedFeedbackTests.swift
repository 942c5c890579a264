import Parallel
import TestSupport
import Testing

/// A fully connected layer's transposed weights (the output's feedback in relaxation) from the column copy must
/// give `convolutionTranspose`'s bits: every layered network's relaxation depends on it.
@Suite("fully connected feedback from weight columns (issue #15)")
struct FullyConnectedFeedbackTests {
    /// (inputs, channels): one output vector with a partial last block of inputs, whole blocks, three vectors,
    /// fewer inputs than one block, and conv-32's output layer (14 × 14 × 32 → 10 classes padded to 16).
    static let shapes = [(37, 16), (64, 16), (50, 48), (5, 32), (6272, 16)]

    @Test("the same bits as convolutionTranspose, signals with zeros and signs", arguments: shapes.indices)
    func matchesTheRowMajorTranspose(index: Int) {
        let (inputs, channels) = Self.shapes[index]
        let g = ConvolutionGeometry(
            inputRows: 1, inputColumns: 1, inputChannels: inputs, kernelRows: 1, kernelColumns: 1, stride: 1,
            padding: 0, outputChannels: channels, sharing: .shared)
        var random = SplitMix64(seed: UInt64(400 + index))
        let weights = random.floats(inputs * channels, in: -1..<1)
        var signal = random.floats(channels, in: -1..<1)
        signal[1] = 0
        signal[channels - 1] = -0.0
        var expected = [Float](repeating: 0, count: inputs)
        withPointer(signal) { signal in
            withPointer(weights) { weights in
                withMutablePointer(&expected) { out in
                    Kernels.convolutionTranspose(signal: signal, weights: weights, geometry: g, out: out)
                }
            }
        }
        var columns = [Float](
            repeating: sentinel, count: Kernels.feedbackColumnsCount(inputs: inputs, channels: channels))
        withPointer(weights) { weights in
            withMutablePointer(&columns) { columns in
                Kernels.copyToFeedbackColumns(weights: weights, inputs: inputs, channels: channels, columns: columns)
            }
        }
        let stride = columns.count / channels
        #expect(stride % 16 == 0 && stride >= inputs && stride < inputs + 16)
        #expect(columns[3 * stride + inputs - 1] == weights[(inputs - 1) * channels + 3])
        #expect(columns.allSatisfy { $0.bitPattern != sentinel.bitPattern }, "every column float written")
        var out = [Float](repeating: sentinel, count: inputs + guardCount)
        withPointer(signal) { signal in
            withPointer(columns) { columns in
                withMutablePointer(&out) { out in
                    Kernels.fullyConnectedFeedback(
                        signal: signal, columns: columns, inputs: inputs, channels: channels, out: out)
                }
            }
        }
        expectSentinels(out[inputs...], "fullyConnectedFeedback")
        expectBitIdentical(Array(out.prefix(inputs)), expected, "\(inputs) → \(channels)")
    }
}
