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
    /// one bias per channel) or one per position (a locally connected layer's). Where four neighbouring positions
    /// of a row see no padding columns they are computed together (eight chains in flight instead of two, the
    /// same bits: `forwardFourPositions`).
    ///
    /// - Precondition: `input` holds `geometry.inputCount` floats, `weights` `geometry.weightCount`, `bias`
    ///   `outputChannels` (or `outputCount` with `biasPerPosition`), `out` `geometry.outputCount`.
    public static func convolutionForward(
        input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        biasPerPosition: Bool, geometry g: ConvolutionGeometry, out: UnsafeMutablePointer<Float>
    ) {
        let channels = g.outputChannels
        if g.isFullyConnected {
            return fullyConnectedForward(input: input, weights: weights, bias: bias, geometry: g, out: out)
        }
        // This is safe because every input index is checked against the input's rows and columns before it is
        // read (a block of four positions is taken only where all four receptive fields lie inside the input's
        // columns), every weight index is below the position's kernel offset + kernelCount ≤ weightCount, and
        // every output index is below outputCount (the geometry's arithmetic, checked in its initializer).
        let firstInterior = (g.padding + g.stride - 1) / g.stride
        let lastInterior = (g.inputColumns + g.padding - g.kernelColumns) / g.stride
        for oy in 0..<g.outputRows {
            var ox = 0
            while ox < g.outputColumns {
                if ox >= firstInterior && ox + 3 <= lastInterior {
                    if g.sharing == .shared {
                        forwardFourPositions(
                            input: input, weights: weights, kernelStride: 0, bias: bias,
                            biasStride: biasPerPosition ? channels : 0, geometry: g, row: oy, column: ox, out: out)
                    } else {
                        forwardFourPositions(
                            input: input, weights: weights, kernelStride: g.kernelCount, bias: bias,
                            biasStride: biasPerPosition ? channels : 0, geometry: g, row: oy, column: ox, out: out)
                    }
                    ox += 4
                } else {
                    forwardOnePosition(
                        input: input, weights: weights, bias: bias, biasPerPosition: biasPerPosition, geometry: g,
                        row: oy, column: ox, out: out)
                    ox += 1
                }
            }
        }
    }

    /// One output position (the edges, where part of the receptive field is padding): four channel vectors at a
    /// time share one walk over the receptive field (and one test of each input for zero); each output's chain
    /// is the same as one vector's alone.
    @inline(__always)
    private static func forwardOnePosition(
        input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        biasPerPosition: Bool, geometry g: ConvolutionGeometry, row oy: Int, column ox: Int,
        out: UnsafeMutablePointer<Float>
    ) {
        let channels = g.outputChannels
        let vectors = channels / lanes
        let position = oy &* g.outputColumns &+ ox
        let kernel = weights + g.kernelOffset(row: oy, column: ox)
        let target = out + position &* channels
        let start = bias + (biasPerPosition ? position &* channels : 0)
        var v = 0
        while v < vectors {
            let group = min(4, vectors - v)
            let offset = v &* lanes
            var s0 = load16(start + offset)
            var s1 = group > 1 ? load16(start + offset + lanes) : Vector(repeating: 0)
            var s2 = group > 2 ? load16(start + offset + 2 &* lanes) : Vector(repeating: 0)
            var s3 = group > 3 ? load16(start + offset + 3 &* lanes) : Vector(repeating: 0)
            for ky in 0..<g.kernelRows {
                let iy = oy &* g.stride &+ ky &- g.padding
                guard iy >= 0 && iy < g.inputRows else { continue }
                for kx in 0..<g.kernelColumns {
                    let ix = ox &* g.stride &+ kx &- g.padding
                    guard ix >= 0 && ix < g.inputColumns else { continue }
                    let pixel = input + (iy &* g.inputColumns &+ ix) &* g.inputChannels
                    let row = kernel + ((ky &* g.kernelColumns &+ kx) &* g.inputChannels) &* channels + offset
                    for i in 0..<g.inputChannels {
                        let x = pixel[i]
                        if x == 0 { continue }
                        let splat = Vector(repeating: x)
                        let w = row + i &* channels
                        s0 = s0.addingProduct(splat, load16(w))
                        if group > 1 { s1 = s1.addingProduct(splat, load16(w + lanes)) }
                        if group > 2 { s2 = s2.addingProduct(splat, load16(w + 2 &* lanes)) }
                        if group > 3 { s3 = s3.addingProduct(splat, load16(w + 3 &* lanes)) }
                    }
                }
            }
            store16(s0, target + offset)
            if group > 1 { store16(s1, target + offset + lanes) }
            if group > 2 { store16(s2, target + offset + 2 &* lanes) }
            if group > 3 { store16(s3, target + offset + 3 &* lanes) }
            v += group
        }
    }

    /// Four neighbouring output positions of one row, (oy, ox…ox + 3), whose receptive fields lie inside the
    /// input's columns: two channel vectors of all four at a time, eight independent FMA chains (one chain per
    /// output waits on the FMA latency at every tap; `ptrain bench`, row "conv forward (dense input)"). Each
    /// output's chain is still the documented one, ascending (ky, kx, i) from the bias: a tap is skipped when
    /// all four positions' inputs are zero, and a zero input of one position adds x·w = ±0 to its chain, which
    /// leaves it unchanged — a chain that starts from a bias other than −0 is never −0 (round to nearest gives
    /// −0 only for (−0) + (−0)), so s + (±0) = s bit for bit, as if the term were skipped. `kernelStride` is 0
    /// for a shared kernel (the compiler then loads each weight vector once for all four) and `kernelCount` for
    /// a kernel per position; `biasStride` 0 for one bias per channel, `outputChannels` for one per position.
    @inline(__always)
    private static func forwardFourPositions(
        input: UnsafePointer<Float>, weights: UnsafePointer<Float>, kernelStride: Int, bias: UnsafePointer<Float>,
        biasStride: Int, geometry g: ConvolutionGeometry, row oy: Int, column ox: Int,
        out: UnsafeMutablePointer<Float>
    ) {
        let channels = g.outputChannels
        let vectors = channels / lanes
        let position = oy &* g.outputColumns &+ ox
        let kernel = weights + g.kernelOffset(row: oy, column: ox)
        let target = out + position &* channels
        let start = bias + (biasStride == 0 ? 0 : position &* channels)
        // Input columns between neighbouring positions, in floats.
        let step = g.stride &* g.inputChannels
        var v = 0
        while v < vectors {
            let pair = v &+ 1 < vectors
            let offset = v &* lanes
            let zero = Vector(repeating: 0)
            var a0 = load16(start + offset)
            var a1 = load16(start + biasStride + offset)
            var a2 = load16(start + 2 &* biasStride + offset)
            var a3 = load16(start + 3 &* biasStride + offset)
            var b0 = pair ? load16(start + offset + lanes) : zero
            var b1 = pair ? load16(start + biasStride + offset + lanes) : zero
            var b2 = pair ? load16(start + 2 &* biasStride + offset + lanes) : zero
            var b3 = pair ? load16(start + 3 &* biasStride + offset + lanes) : zero
            for ky in 0..<g.kernelRows {
                let iy = oy &* g.stride &+ ky &- g.padding
                guard iy >= 0 && iy < g.inputRows else { continue }
                let left = input + (iy &* g.inputColumns &+ ox &* g.stride &- g.padding) &* g.inputChannels
                for kx in 0..<g.kernelColumns {
                    let pixel = left + kx &* g.inputChannels
                    let row = kernel + ((ky &* g.kernelColumns &+ kx) &* g.inputChannels) &* channels + offset
                    for i in 0..<g.inputChannels {
                        let x0 = pixel[i]
                        let x1 = pixel[step &+ i]
                        let x2 = pixel[2 &* step &+ i]
                        let x3 = pixel[3 &* step &+ i]
                        // All four ±0: one integer test, no term.
                        let bits = x0.bitPattern | x1.bitPattern | x2.bitPattern | x3.bitPattern
                        if bits & 0x7FFF_FFFF == 0 { continue }
                        let w = row + i &* channels
                        let (s0, s1, s2, s3) =
                            (Vector(repeating: x0), Vector(repeating: x1), Vector(repeating: x2), Vector(repeating: x3))
                        a0 = a0.addingProduct(s0, load16(w))
                        a1 = a1.addingProduct(s1, load16(w + kernelStride))
                        a2 = a2.addingProduct(s2, load16(w + 2 &* kernelStride))
                        a3 = a3.addingProduct(s3, load16(w + 3 &* kernelStride))
                        if pair {
                            b0 = b0.addingProduct(s0, load16(w + lanes))
                            b1 = b1.addingProduct(s1, load16(w + kernelStride + lanes))
                            b2 = b2.addingProduct(s2, load16(w + 2 &* kernelStride + lanes))
                            b3 = b3.addingProduct(s3, load16(w + 3 &* kernelStride + lanes))
                        }
                    }
                }
            }
            store16(a0, target + offset)
            store16(a1, target + channels + offset)
            store16(a2, target + 2 &* channels + offset)
            store16(a3, target + 3 &* channels + offset)
            if pair {
                store16(b0, target + offset + lanes)
                store16(b1, target + channels + offset + lanes)
                store16(b2, target + 2 &* channels + offset + lanes)
                store16(b3, target + 3 &* channels + offset + lanes)
            }
            v += pair ? 2 : 1
        }
    }

    /// `convolutionForward` of a fully connected layer (`geometry.isFullyConnected`): the non-zero inputs are
    /// listed first, without a branch, so the FMA loop over them has none either (on spikes, half the tests of
    /// `x == 0` are mispredicted). Each output's chain ascends over the non-zero inputs, as in the general path —
    /// except for a layer of one vector (at most 16 outputs: the K-class output layer of MNIST), whose one chain
    /// would wait on the FMA latency at every input: there the listed inputs k = 0, 1, 2, … go to four chains by
    /// k mod 4 (the first starting from the bias, the others from zero), summed as (c0 + c1) + (c2 + c3).
    private static func fullyConnectedForward(
        input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        geometry g: ConvolutionGeometry, out: UnsafeMutablePointer<Float>
    ) {
        let channels = g.outputChannels
        let vectors = channels / lanes
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: g.inputChannels) { list in
            // This is safe because n ≤ i < inputChannels when list[n] is written, every listed input is below
            // inputChannels, and weight rows (inputChannels × channels) and outputs (channels) are indexed inside.
            var n = 0
            let raw = UnsafeRawPointer(input).assumingMemoryBound(to: UInt32.self)
            for i in 0..<g.inputChannels {
                list[n] = Int32(truncatingIfNeeded: i)
                // ±0 have no bit set but the sign. For the rest x = bits << 1 ≠ 0, so x | −x has its top bit set:
                // one integer expression, no branch (the float comparison `!= 0` compiled to two).
                let x = raw[i] &<< 1
                n &+= Int(truncatingIfNeeded: (x | (0 &- x)) >> 31)
            }
            if vectors == 1 {
                var c0 = load16(bias)
                var c1 = Vector(repeating: 0)
                var c2 = Vector(repeating: 0)
                var c3 = Vector(repeating: 0)
                var k = 0
                while k &+ 4 <= n {
                    let i0 = Int(list[k])
                    let i1 = Int(list[k &+ 1])
                    let i2 = Int(list[k &+ 2])
                    let i3 = Int(list[k &+ 3])
                    c0 = c0.addingProduct(Vector(repeating: input[i0]), load16(weights + i0 &* channels))
                    c1 = c1.addingProduct(Vector(repeating: input[i1]), load16(weights + i1 &* channels))
                    c2 = c2.addingProduct(Vector(repeating: input[i2]), load16(weights + i2 &* channels))
                    c3 = c3.addingProduct(Vector(repeating: input[i3]), load16(weights + i3 &* channels))
                    k &+= 4
                }
                if k < n {
                    let i = Int(list[k])
                    c0 = c0.addingProduct(Vector(repeating: input[i]), load16(weights + i &* channels))
                }
                if k &+ 1 < n {
                    let i = Int(list[k &+ 1])
                    c1 = c1.addingProduct(Vector(repeating: input[i]), load16(weights + i &* channels))
                }
                if k &+ 2 < n {
                    let i = Int(list[k &+ 2])
                    c2 = c2.addingProduct(Vector(repeating: input[i]), load16(weights + i &* channels))
                }
                store16((c0 + c1) + (c2 + c3), out)
                return
            }
            var v = 0
            while v < vectors {
                let group = min(4, vectors - v)
                let offset = v &* lanes
                var s0 = load16(bias + offset)
                var s1 = group > 1 ? load16(bias + offset + lanes) : Vector(repeating: 0)
                var s2 = group > 2 ? load16(bias + offset + 2 &* lanes) : Vector(repeating: 0)
                var s3 = group > 3 ? load16(bias + offset + 3 &* lanes) : Vector(repeating: 0)
                for k in 0..<n {
                    let i = Int(list[k])
                    let splat = Vector(repeating: input[i])
                    let w = weights + i &* channels + offset
                    s0 = s0.addingProduct(splat, load16(w))
                    if group > 1 { s1 = s1.addingProduct(splat, load16(w + lanes)) }
                    if group > 2 { s2 = s2.addingProduct(splat, load16(w + 2 &* lanes)) }
                    if group > 3 { s3 = s3.addingProduct(splat, load16(w + 3 &* lanes)) }
                }
                store16(s0, out + offset)
                if group > 1 { store16(s1, out + offset + lanes) }
                if group > 2 { store16(s2, out + offset + 2 &* lanes) }
                if group > 3 { store16(s3, out + offset + 3 &* lanes) }
                v += group
            }
        }
    }
}
