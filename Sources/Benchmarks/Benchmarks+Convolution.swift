import Parallel

extension Benchmarks {
    /// The convolution kernels (issue #15) on the layers of a layered MNIST network: a first layer of 28 × 28 × 1
    /// inputs, 5 × 5 kernels, stride 1, padding 2, 32 output channels (a 28 × 28 × 32 output), and a second layer
    /// of 14 × 14 × 32 inputs, 5 × 5 kernels, stride 2, 32 channels (the transpose training runs: feedback goes
    /// only into hidden layers, whose inputs have many channels), shared and locally connected; and two fully connected layers on the kernels' `fc` path: `configs/conv-32.json`'s output layer
    /// (14 × 14 × 32 = 6,272 inputs → 16, the 10 classes padded) and 784 → 1,000 (1,008 padded). Dense inputs (no
    /// zero skipped) so that the flop count is the shape's; the `hidden` field of each row is the output channel
    /// count. Single thread; GFLOP/s against `peak`.
    public static func convolutionKernels(peak: Double) -> [KernelResult] {
        var results: [KernelResult] = []
        let cases: [(ConvolutionGeometry, name: String, shape: String)] =
            [ConvolutionGeometry.Sharing.shared, .local].flatMap { sharing in
                [
                    (
                        ConvolutionGeometry(
                            inputRows: 28, inputColumns: 28, inputChannels: 1, kernelRows: 5, kernelColumns: 5,
                            stride: 1, padding: 2, outputChannels: 32, sharing: sharing),
                        sharing == .shared ? "conv" : "local", "28×28×1 → 28×28×32, 5×5, pad 2"
                    ),
                    (
                        ConvolutionGeometry(
                            inputRows: 14, inputColumns: 14, inputChannels: 32, kernelRows: 5, kernelColumns: 5,
                            stride: 2, padding: 2, outputChannels: 32, sharing: sharing),
                        sharing == .shared ? "conv" : "local", "14×14×32 → 7×7×32, 5×5, stride 2, pad 2 (layer 2)"
                    ),
                ]
            }
            + [(6272, 16, "6272 → 16 (conv-32's output layer)"), (784, 1008, "784 → 1000")].map {
                inputs, units, shape in
                (
                    ConvolutionGeometry(
                        inputRows: 1, inputColumns: 1, inputChannels: inputs, kernelRows: 1, kernelColumns: 1,
                        stride: 1, padding: 0, outputChannels: units, sharing: .shared),
                    "fc", shape
                )
            }
        for (g, name, shape) in cases {
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
                            let y = oy * g.stride + ky - g.padding
                            let x = ox * g.stride + kx - g.padding
                            if y >= 0 && y < g.inputRows && x >= 0 && x < g.inputColumns { taps += 1 }
                        }
                    }
                }
            }
            let flops = 2 * Double(taps * g.inputChannels * g.outputChannels)
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
                                if g.isFullyConnected {
                                    // What relaxation runs for the output layer: the same bits from a column copy
                                    // of the weights, made once per batch (not timed here).
                                    let columns = AlignedBuffer<Float>(
                                        count: Kernels.feedbackColumnsCount(
                                            inputs: g.inputChannels, channels: g.outputChannels))
                                    columns.withUnsafeMutableBufferPointer { columns in
                                        Kernels.copyToFeedbackColumns(
                                            weights: UnsafePointer(weights.start), inputs: g.inputChannels,
                                            channels: g.outputChannels, columns: columns.start)
                                        let fromColumns = time {
                                            Kernels.fullyConnectedFeedback(
                                                signal: UnsafePointer(output.start),
                                                columns: UnsafePointer(columns.start), inputs: g.inputChannels,
                                                channels: g.outputChannels, out: feedback.start)
                                        }
                                        record(
                                            "\(name) feedback from columns", flops, seconds: fromColumns,
                                            shape + ", relaxation's path")
                                    }
                                }
                                let update = time {
                                    Kernels.convolutionWeightCorrelation(
                                        pre: input.start, post: UnsafePointer(output.start), batch: batch, scale: 1e-6,
                                        geometry: g, weights: weights.start)
                                }
                                record(
                                    "\(name) weight update, batch 10", flops * Double(batch), seconds: update,
                                    shape
                                        + (g.isFullyConnected
                                            ? "" : ", Σ over positions" + (g.sharing == .shared ? "" : " (own only)")))
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
