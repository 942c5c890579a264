extension Kernels {
    /// The drive of a convolutional or locally connected layer for one sample (spec, Eq. 5 with the sum over a
    /// receptive field instead of all inputs; issue #15):
    ///
    ///     out[oy, ox, c] = bias[c] + Σ_{ky, kx, i} input[oy·s + ky − p, ox·s + kx − p, i] · W[ky, kx, i, c]
    ///
    /// with W position (oy, ox)'s kernel (`geometry.sharing`) and padding positions left out. One FMA chain per
    /// output in ascending (ky, kx, i), starting from the bias, one 16-channel vector at a time. Inputs that are
    /// exactly zero are skipped (they add an exact zero): on binary spikes the kernel is event-driven, as the
    /// fully connected drive is. `bias` may be shared by all positions (`biasPerPosition` false: a convolution's
    /// one bias per channel) or one per position (a locally connected layer's).
    ///
    /// - Precondition: `input` holds `geometry.inputCount` floats, `weights` `geometry.weightCount`, `bias`
    ///   `outputChannels` (or `outputCount` with `biasPerPosition`), `out` `geometry.outputCount`.
    public static func convolutionForward(
        input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        biasPerPosition: Bool, geometry g: ConvolutionGeometry, out: UnsafeMutablePointer<Float>
    ) {
        let channels = g.outputChannels
        let vectors = channels / lanes
        // This is safe because every input index is checked against the input's rows and columns before it is
        // read, every weight index is below the position's kernel offset + kernelCount ≤ weightCount, and every
        // output index is below outputCount (the geometry's arithmetic, checked in its initializer).
        for oy in 0..<g.outputRows {
            for ox in 0..<g.outputColumns {
                let position = oy &* g.outputColumns &+ ox
                let kernel = weights + g.kernelOffset(row: oy, column: ox)
                let target = out + position &* channels
                let start = bias + (biasPerPosition ? position &* channels : 0)
                for v in 0..<vectors {
                    var sum = load16(start + v &* lanes)
                    for ky in 0..<g.kernelRows {
                        let iy = oy &* g.stride &+ ky &- g.padding
                        guard iy >= 0 && iy < g.inputRows else { continue }
                        for kx in 0..<g.kernelColumns {
                            let ix = ox &* g.stride &+ kx &- g.padding
                            guard ix >= 0 && ix < g.inputColumns else { continue }
                            let pixel = input + (iy &* g.inputColumns &+ ix) &* g.inputChannels
                            let row = kernel + ((ky &* g.kernelColumns &+ kx) &* g.inputChannels) &* channels
                            for i in 0..<g.inputChannels {
                                let x = pixel[i]
                                if x == 0 { continue }
                                sum = sum.addingProduct(Vector(repeating: x), load16(row + i &* channels + v &* lanes))
                            }
                        }
                    }
                    store16(sum, target + v &* lanes)
                }
            }
        }
    }
}
