extension Kernels {
    /// The feedback a convolutional or locally connected layer sends to its inputs in relaxation (spec,
    /// Eqs. 6–10 through the transposed weights; issue #15): for every input (iy, ix, i),
    ///
    ///     out[iy, ix, i] = Σ_{ky, kx} Σ_c W[ky, kx, i, c] · signal[oy, ox, c]
    ///
    /// over the output positions (oy, ox) = ((iy + p − ky) / s, (ix + p − kx) / s) that are whole and inside the
    /// output, with W that position's kernel — the transpose of `convolutionForward`. Per input: one 16-lane FMA
    /// chain over ascending (ky, kx) and channel vectors, then the lanes summed by a fixed pairwise tree, so the
    /// bits depend on the shapes alone. Inputs no output position sees get 0.
    ///
    /// - Precondition: `signal` holds `geometry.outputCount` floats, `weights` `geometry.weightCount`, `out`
    ///   `geometry.inputCount`.
    public static func convolutionTranspose(
        signal: UnsafePointer<Float>, weights: UnsafePointer<Float>, geometry g: ConvolutionGeometry,
        out: UnsafeMutablePointer<Float>
    ) {
        let channels = g.outputChannels
        let vectors = channels / lanes
        if g.inputRows == 1 && g.inputColumns == 1 && g.kernelRows == 1 && g.kernelColumns == 1 && g.padding == 0 {
            // A fully connected layer (a 1 × 1 image): the one tap of the loops below, without their index
            // arithmetic; the same chain per input. This is safe because i < inputChannels and v < vectors index
            // inside the weights (inputChannels × channels) and the signal (channels).
            for i in 0..<g.inputChannels {
                let row = weights + i &* channels
                var sum = Vector(repeating: 0)
                for v in 0..<vectors { sum = sum.addingProduct(load16(row + v &* lanes), load16(signal + v &* lanes)) }
                out[i] = laneSum(sum)
            }
            return
        }
        // This is safe because (oy, ox) is checked to be inside the output before `signal` is read at it, and the
        // weight and output indices stay below weightCount and inputCount by the geometry's arithmetic (a block
        // of four input channels is taken only where i + 4 ≤ inputChannels).
        for iy in 0..<g.inputRows {
            for ix in 0..<g.inputColumns {
                var i = 0
                while i < g.inputChannels {
                    let four = i &+ 4 <= g.inputChannels
                    // Four input channels of one pixel see the same output positions through the same taps: four
                    // independent chains share each signal vector (one chain waits on the FMA latency; `ptrain
                    // bench`, row "conv transpose (feedback)"). Each input's chain is the documented one.
                    var s0 = Vector(repeating: 0)
                    var s1 = Vector(repeating: 0)
                    var s2 = Vector(repeating: 0)
                    var s3 = Vector(repeating: 0)
                    for ky in 0..<g.kernelRows {
                        let ty = iy &+ g.padding &- ky
                        guard ty >= 0 && ty % g.stride == 0 && ty / g.stride < g.outputRows else { continue }
                        let oy = ty / g.stride
                        for kx in 0..<g.kernelColumns {
                            let tx = ix &+ g.padding &- kx
                            guard tx >= 0 && tx % g.stride == 0 && tx / g.stride < g.outputColumns else { continue }
                            let ox = tx / g.stride
                            let row =
                                weights + g.kernelOffset(row: oy, column: ox)
                                + ((ky &* g.kernelColumns &+ kx) &* g.inputChannels &+ i) &* channels
                            let values = signal + (oy &* g.outputColumns &+ ox) &* channels
                            for v in 0..<vectors {
                                let value = load16(values + v &* lanes)
                                let w = row + v &* lanes
                                s0 = s0.addingProduct(load16(w), value)
                                if four {
                                    s1 = s1.addingProduct(load16(w + channels), value)
                                    s2 = s2.addingProduct(load16(w + 2 &* channels), value)
                                    s3 = s3.addingProduct(load16(w + 3 &* channels), value)
                                }
                            }
                        }
                    }
                    let target = out + ((iy &* g.inputColumns &+ ix) &* g.inputChannels &+ i)
                    target[0] = laneSum(s0)
                    if four {
                        target[1] = laneSum(s1)
                        target[2] = laneSum(s2)
                        target[3] = laneSum(s3)
                    }
                    i &+= four ? 4 : 1
                }
            }
        }
    }
}

/// The sum of a vector's 16 lanes by a fixed pairwise tree (halves added, four times): the same bits on every
/// machine and build, unlike a reduction whose order the compiler may choose.
@inline(__always)
func laneSum(_ v: SIMD16<Float>) -> Float {
    let eight = v.lowHalf + v.highHalf
    let four = eight.lowHalf + eight.highHalf
    let two = four.lowHalf + four.highHalf
    return two[0] + two[1]
}
