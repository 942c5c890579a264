import Parallel

extension Benchmarks {
    /// The convolution kernels (issue #15) on a first layer for MNIST: 28 × 28 × 1 inputs, 5 × 5 kernels,
    /// stride 1, padding 2, 32 output channels (a 28 × 28 × 32 output), shared and locally connected. Dense
    /// inputs (no zero skipped) so that the flop count is the shape's; the `hidden` field of each row is the
    /// output channel count. Single thread; GFLOP/s against `peak`.
    public static func convolutionKernels(peak: Double) -> [KernelResult] {
        var results: [KernelResult] = []
        for sharing in [ConvolutionGeometry.Sharing.shared, .local] {
            let g = ConvolutionGeometry(
                inputRows: 28, inputColumns: 28, inputChannels: 1, kernelRows: 5, kernelColumns: 5, stride: 1,
                padding: 2, outputChannels: 32, sharing: sharing)
            let batch = 10
            let input = AlignedBuffer<Float>(count: batch * g.inputCount)
            let weights = AlignedBuffer<Float>(count: g.weightCount)
            let bias = AlignedBuffer<Float>(count: g.outputChannels)
            let output = AlignedBuffer<Float>(count: batch * g.outputCount)
            let feedback = AlignedBuffer<Float>(count: g.inputCount)
            for i in 0..<input.count { input[i] = 0.25 + Float(i % 7) * 0.1 }
            for i in 0..<weights.count { weights[i] = Float(i % 11) * 0.01 - 0.05 }
            for i in 0..<output.count { output[i] = Float(i % 5) * 0.01 }
            // Every output channel of every position over its receptive field, padding excluded.
            var taps = 0
            for oy in 0..<g.outputRows {
                for ox in 0..<g.outputColumns {
                    for ky in 0..<g.kernelRows {
                        for kx in 0..<g.kernelColumns {
                            let y = oy + ky - g.padding
                            let x = ox + kx - g.padding
                            if y >= 0 && y < g.inputRows && x >= 0 && x < g.inputColumns { taps += 1 }
                        }
                    }
                }
            }
            let flops = 2 * Double(taps * g.inputChannels * g.outputChannels)
            let name = sharing == .shared ? "conv" : "local"
            let shape = "28×28×1 → 28×28×32, 5×5, pad 2"
            func record(_ kernel: String, _ perCall: Double, seconds: Double, _ note: String) {
                let gflops = perCall / seconds / 1e9
                results.append(
                    KernelResult(
                        kernel: kernel, hidden: g.outputChannels, gflops: gflops, fractionOfPeak: gflops / peak,
                        note: note))
            }
            input.withUnsafeBufferPointer { input in
                weights.withUnsafeMutableBufferPointer { weights in
                    bias.withUnsafeBufferPointer { bias in
                        output.withUnsafeMutableBufferPointer { output in
                            feedback.withUnsafeMutableBufferPointer { feedback in
                                let forward = time {
                                    Kernels.convolutionForward(
                                        input: input.start, weights: UnsafePointer(weights.start), bias: bias.start,
                                        biasPerPosition: false, geometry: g, out: output.start)
                                }
                                record("\(name) forward (dense input)", flops, seconds: forward, shape)
                                let transpose = time {
                                    Kernels.convolutionTranspose(
                                        signal: UnsafePointer(output.start), weights: UnsafePointer(weights.start),
                                        geometry: g, out: feedback.start)
                                }
                                record("\(name) transpose (feedback)", flops, seconds: transpose, shape)
                                let update = time {
                                    Kernels.convolutionWeightCorrelation(
                                        pre: input.start, post: UnsafePointer(output.start), batch: batch, scale: 1e-6,
                                        geometry: g, weights: weights.start)
                                }
                                record(
                                    "\(name) weight update, batch 10", flops * Double(batch), seconds: update,
                                    shape + ", Σ over positions" + (sharing == .shared ? "" : " (own only)"))
                            }
                        }
                    }
                }
            }
            blackHole(feedback.array)
        }
        return results
    }
}
