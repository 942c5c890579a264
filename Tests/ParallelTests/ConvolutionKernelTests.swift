import Parallel
import TestSupport
import Testing

/// The documented loops of the three convolution kernels, scalar, in the kernels' order (so bit for bit), and in
/// Double over every term (so the arithmetic is the convolution's, whatever the order).
private enum Reference {
    static func inputIndex(_ g: ConvolutionGeometry, _ y: Int, _ x: Int, _ i: Int) -> Int {
        (y * g.inputColumns + x) * g.inputChannels + i
    }

    static func outputIndex(_ g: ConvolutionGeometry, _ y: Int, _ x: Int, _ c: Int) -> Int {
        (y * g.outputColumns + x) * g.outputChannels + c
    }

    static func weightIndex(_ g: ConvolutionGeometry, _ oy: Int, _ ox: Int, _ ky: Int, _ kx: Int, _ i: Int, _ c: Int)
        -> Int
    {
        let kernel = g.sharing == .shared ? 0 : (oy * g.outputColumns + ox) * g.kernelCount
        return kernel + ((ky * g.kernelColumns + kx) * g.inputChannels + i) * g.outputChannels + c
    }

    /// The input (y, x) output position (oy, ox) sees through kernel tap (ky, kx), or nil for padding.
    static func tap(_ g: ConvolutionGeometry, _ oy: Int, _ ox: Int, _ ky: Int, _ kx: Int) -> (Int, Int)? {
        let y = oy * g.stride + ky - g.padding
        let x = ox * g.stride + kx - g.padding
        return y >= 0 && y < g.inputRows && x >= 0 && x < g.inputColumns ? (y, x) : nil
    }

    static func forward(_ g: ConvolutionGeometry, input: [Float], weights: [Float], bias: [Float], perPosition: Bool)
        -> [Float]
    {
        var out = [Float](repeating: 0, count: g.outputCount)
        if g.isFullyConnected && g.outputChannels == 16 {
            // One vector of outputs: the non-zero inputs' k-th goes to chain k mod 4, then (c0 + c1) + (c2 + c3).
            let listed = (0..<g.inputChannels).filter { input[$0] != 0 }
            for c in 0..<16 {
                var chains: [Float] = [bias[c], 0, 0, 0]
                for (k, i) in listed.enumerated() {
                    chains[k % 4] = chains[k % 4].addingProduct(input[i], weights[i * 16 + c])
                }
                out[c] = (chains[0] + chains[1]) + (chains[2] + chains[3])
            }
            return out
        }
        for oy in 0..<g.outputRows {
            for ox in 0..<g.outputColumns {
                for c in 0..<g.outputChannels {
                    var sum = bias[(perPosition ? (oy * g.outputColumns + ox) * g.outputChannels : 0) + c]
                    for ky in 0..<g.kernelRows {
                        for kx in 0..<g.kernelColumns {
                            guard let (y, x) = tap(g, oy, ox, ky, kx) else { continue }
                            for i in 0..<g.inputChannels {
                                let value = input[inputIndex(g, y, x, i)]
                                if value == 0 { continue }
                                sum = sum.addingProduct(value, weights[weightIndex(g, oy, ox, ky, kx, i, c)])
                            }
                        }
                    }
                    out[outputIndex(g, oy, ox, c)] = sum
                }
            }
        }
        return out
    }

    /// Lane l of the kernel's accumulator collects channels c ≡ l (mod 16), then the pairwise tree.
    static func transpose(_ g: ConvolutionGeometry, signal: [Float], weights: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: g.inputCount)
        for y in 0..<g.inputRows {
            for x in 0..<g.inputColumns {
                for i in 0..<g.inputChannels {
                    var lanes = [Float](repeating: 0, count: 16)
                    for ky in 0..<g.kernelRows {
                        for kx in 0..<g.kernelColumns {
                            let ty = y + g.padding - ky
                            let tx = x + g.padding - kx
                            guard ty >= 0, tx >= 0, ty % g.stride == 0, tx % g.stride == 0 else { continue }
                            let (oy, ox) = (ty / g.stride, tx / g.stride)
                            guard oy < g.outputRows, ox < g.outputColumns else { continue }
                            for c in 0..<g.outputChannels {
                                lanes[c % 16] = lanes[c % 16].addingProduct(
                                    weights[weightIndex(g, oy, ox, ky, kx, i, c)], signal[outputIndex(g, oy, ox, c)])
                            }
                        }
                    }
                    var width = 16
                    while width > 1 {
                        width /= 2
                        for l in 0..<width { lanes[l] = lanes[l] + lanes[l + width] }
                    }
                    out[inputIndex(g, y, x, i)] = lanes[0]
                }
            }
        }
        return out
    }

    static func correlation(
        _ g: ConvolutionGeometry, pre: [Float], post: [Float], batch: Int, scale: Float, weights: [Float]
    ) -> [Float] {
        var out = weights
        let kernels =
            g.sharing == .shared
            ? [(0, 0)]
            : (0..<g.outputRows).flatMap { oy in
                (0..<g.outputColumns).map { (oy, $0) }
            }
        for (ky0, kx0) in kernels {
            for ky in 0..<g.kernelRows {
                for kx in 0..<g.kernelColumns {
                    for i in 0..<g.inputChannels {
                        for c in 0..<g.outputChannels {
                            let index = weightIndex(g, ky0, kx0, ky, kx, i, c)
                            var w = out[index]
                            for b in 0..<batch {
                                let positions =
                                    g.sharing == .shared
                                    ? (0..<g.outputRows).flatMap { oy in (0..<g.outputColumns).map { (oy, $0) } }
                                    : [(ky0, kx0)]
                                for (oy, ox) in positions {
                                    guard let (y, x) = tap(g, oy, ox, ky, kx) else { continue }
                                    let value = pre[b * g.inputCount + inputIndex(g, y, x, i)]
                                    if value == 0 { continue }
                                    w = w.addingProduct(
                                        scale * value, post[b * g.outputCount + outputIndex(g, oy, ox, c)])
                                }
                            }
                            out[index] = w
                        }
                    }
                }
            }
        }
        return out
    }
}

private func forward(_ g: ConvolutionGeometry, input: [Float], weights: [Float], bias: [Float], perPosition: Bool)
    -> [Float]
{
    var out = [Float](repeating: sentinel, count: g.outputCount + guardCount)
    withPointer(input) { input in
        withPointer(weights) { weights in
            withPointer(bias) { bias in
                withMutablePointer(&out) { out in
                    Kernels.convolutionForward(
                        input: input, weights: weights, bias: bias, biasPerPosition: perPosition, geometry: g, out: out)
                }
            }
        }
    }
    expectSentinels(out[g.outputCount...], "convolutionForward")
    return Array(out.prefix(g.outputCount))
}

private func transpose(_ g: ConvolutionGeometry, signal: [Float], weights: [Float]) -> [Float] {
    var out = [Float](repeating: sentinel, count: g.inputCount + guardCount)
    withPointer(signal) { signal in
        withPointer(weights) { weights in
            withMutablePointer(&out) { out in
                Kernels.convolutionTranspose(signal: signal, weights: weights, geometry: g, out: out)
            }
        }
    }
    expectSentinels(out[g.inputCount...], "convolutionTranspose")
    return Array(out.prefix(g.inputCount))
}

private func correlation(
    _ g: ConvolutionGeometry, pre: [Float], post: [Float], batch: Int, scale: Float, weights: [Float]
) -> [Float] {
    var out = weights + [Float](repeating: sentinel, count: guardCount)
    withPointer(pre) { pre in
        withPointer(post) { post in
            withMutablePointer(&out) { out in
                Kernels.convolutionWeightCorrelation(
                    pre: pre, post: post, batch: batch, scale: scale, geometry: g, weights: out)
            }
        }
    }
    expectSentinels(out[weights.count...], "convolutionWeightCorrelation")
    return Array(out.prefix(weights.count))
}

/// Random values in [-1, 1), a third of them exactly zero (the event-driven skip is taken and not taken).
private func sparse(_ count: Int, _ random: inout SplitMix64) -> [Float] {
    (0..<count).map { _ in random.int(in: 0..<3) == 0 ? 0 : random.float(in: -1..<1) }
}

/// Geometries that exercise stride, padding, several input and output channel vectors, and both sharings.
private let geometries: [ConvolutionGeometry] = [
    (5, 6, 3, 3, 2, 1, 0, 16), (7, 7, 2, 3, 3, 2, 1, 32), (4, 5, 1, 2, 2, 2, 1, 16), (6, 4, 4, 5, 3, 1, 2, 48),
    // Rows wide enough for the forward kernel's blocks of four interior positions, with edges on both sides:
    // stride 2 with a pair and a single channel vector (and 6 input channels: a block of four and two single ones
    // in the transpose), stride 1 with two blocks.
    (9, 14, 6, 3, 3, 2, 1, 48), (8, 12, 1, 5, 5, 1, 2, 32),
    // Fully connected (a 1 × 1 image): one output vector (four chains) and three (one chain each).
    (1, 1, 37, 1, 1, 1, 0, 16), (1, 1, 50, 1, 1, 1, 0, 48),
].flatMap { s in
    [ConvolutionGeometry.Sharing.shared, .local].map {
        ConvolutionGeometry(
            inputRows: s.0, inputColumns: s.1, inputChannels: s.2, kernelRows: s.3, kernelColumns: s.4, stride: s.5,
            padding: s.6, outputChannels: s.7, sharing: $0)
    }
}

@Suite("convolution kernels (issue #15)")
struct ConvolutionKernelTests {
    @Test("forward: bit for bit the documented FMA chain; in Double, the convolution", arguments: geometries.indices)
    func forwardMatchesReference(index: Int) {
        let g = geometries[index]
        var random = SplitMix64(seed: UInt64(100 + index))
        let input = sparse(g.inputCount, &random)
        let weights = random.floats(g.weightCount, in: -1..<1)
        for perPosition in [false, true] {
            let bias = random.floats(perPosition ? g.outputCount : g.outputChannels, in: -1..<1)
            let got = forward(g, input: input, weights: weights, bias: bias, perPosition: perPosition)
            expectBitIdentical(
                got, Reference.forward(g, input: input, weights: weights, bias: bias, perPosition: perPosition),
                "\(g), bias per position \(perPosition)")
        }
    }

    @Test(
        "transpose: bit for bit the documented order, and the adjoint of forward: ⟨Wx, y⟩ = ⟨x, Wᵀy⟩",
        arguments: geometries.indices)
    func transposeIsTheAdjoint(index: Int) {
        let g = geometries[index]
        var random = SplitMix64(seed: UInt64(200 + index))
        let weights = random.floats(g.weightCount, in: -1..<1)
        let signal = random.floats(g.outputCount, in: -1..<1)
        let back = transpose(g, signal: signal, weights: weights)
        expectBitIdentical(back, Reference.transpose(g, signal: signal, weights: weights), "\(g)")
        let x = random.floats(g.inputCount, in: -1..<1)
        let zero = [Float](repeating: 0, count: g.outputChannels)
        let wx = forward(g, input: x, weights: weights, bias: zero, perPosition: false)
        let left = zip(wx, signal).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let right = zip(x, back).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(abs(left - right) <= 1e-4 * max(1, abs(left)), "\(g): ⟨Wx, y⟩ \(left), ⟨x, Wᵀy⟩ \(right)")
    }

    @Test(
        "weight correlation: bit for bit the documented chain; a shared kernel sums every position",
        arguments: geometries.indices)
    func correlationMatchesReference(index: Int) {
        let g = geometries[index]
        var random = SplitMix64(seed: UInt64(300 + index))
        let batch = 3
        let pre = sparse(batch * g.inputCount, &random)
        let post = random.floats(batch * g.outputCount, in: -1..<1)
        let weights = random.floats(g.weightCount, in: -1..<1)
        let got = correlation(g, pre: pre, post: post, batch: batch, scale: 0.25, weights: weights)
        expectBitIdentical(
            got, Reference.correlation(g, pre: pre, post: post, batch: batch, scale: 0.25, weights: weights), "\(g)")
    }

    /// A 3 × 3 single-channel input, a 2 × 2 kernel, stride 1, no padding: each output channel c has weight
    /// c + 1 on tap (0, 0) and 1 on tap (1, 1), so out(oy, ox, c) = bias + (c + 1)·x(oy, ox) + x(oy + 1, ox + 1).
    @Test("hand-computed: a 2 × 2 kernel on a 3 × 3 image, its transpose and its update")
    func handComputed() {
        let g = ConvolutionGeometry(
            inputRows: 3, inputColumns: 3, inputChannels: 1, kernelRows: 2, kernelColumns: 2, stride: 1, padding: 0,
            outputChannels: 16, sharing: .shared)
        #expect(g.outputRows == 2 && g.outputColumns == 2 && g.weightCount == 64 && g.multiplyAdds == 256)
        let image: [Float] = [1, 2, 0, 0, 3, 4, 5, 0, 6]
        var weights = [Float](repeating: 0, count: 64)
        for c in 0..<16 {
            weights[c] = Float(c + 1)  // tap (0, 0)
            weights[3 * 16 + c] = 1  // tap (1, 1)
        }
        let bias = [Float](repeating: 0.5, count: 16)
        let out = forward(g, input: image, weights: weights, bias: bias, perPosition: false)
        // Positions (0, 0): x = 1, diagonal 3; (0, 1): 2, 4; (1, 0): 0, 0; (1, 1): 3, 6.
        for c in 0..<16 {
            let k = Float(c + 1)
            #expect(out[c] == 0.5 + k * 1 + 3)
            #expect(out[16 + c] == 0.5 + k * 2 + 4)
            #expect(out[32 + c] == 0.5)
            #expect(out[48 + c] == 0.5 + k * 3 + 6)
        }
        // Transpose of a signal that is 1 on channel 0 of every position: input (y, x) collects w(0, 0, 0) = 1
        // from the position it is the top-left of, and w(1, 1, 0) = 1 from the one it is the bottom-right of.
        var signal = [Float](repeating: 0, count: 64)
        for p in 0..<4 { signal[p * 16] = 1 }
        #expect(transpose(g, signal: signal, weights: weights) == [1, 1, 0, 1, 2, 1, 0, 1, 1])
        // The update of a shared kernel: tap (0, 0), channel 0, scale 0.5, post 1 on channel 0 everywhere: the sum
        // of the four positions' top-left inputs (1 + 2 + 0 + 3) · 0.5 = 3 added to the old weight 1.
        let updated = correlation(g, pre: image, post: signal, batch: 1, scale: 0.5, weights: weights)
        #expect(updated[0] == 1 + 3)
        // Tap (1, 1): bottom-right inputs 3 + 4 + 0 + 6 = 13, times 0.5, on the old 1.
        #expect(updated[48] == 1 + 6.5)
        // Channels whose post is 0 keep their weights.
        #expect(updated[1] == 2 && updated[49] == 1)
        // A locally connected layer: position (1, 1)'s own kernel learns only from its own inputs (3 and 6).
        let local = ConvolutionGeometry(
            inputRows: 3, inputColumns: 3, inputChannels: 1, kernelRows: 2, kernelColumns: 2, stride: 1, padding: 0,
            outputChannels: 16, sharing: .local)
        let zeros = [Float](repeating: 0, count: local.weightCount)
        let learned = correlation(local, pre: image, post: signal, batch: 1, scale: 0.5, weights: zeros)
        #expect(learned[3 * 64] == 1.5 && learned[3 * 64 + 48] == 3)
        #expect(learned[0] == 0.5 && learned[48] == 1.5)
    }
}
