import Parallel
import Testing

/// The documented order, scalar: for each row k, 16 lane partial sums (lane = column % 16), each an FMA chain
/// `p = fma(ρ(v[j]), weights[k][j], p)` from 0 over its columns in ascending order, with ρ(v) = clamp(v, 0, 1);
/// then the partials as one `SIMD16<Float>` reduced by its `sum()`, the same reduction the kernel uses.
private func referenceClampedRowDots(potential: [Float], weights: [Float], rows: Int, width: Int) -> [Float] {
    (0..<rows).map { k in
        var partials = SIMD16<Float>()
        for lane in 0..<16 {
            var partial: Float = 0
            for column in stride(from: lane, to: width, by: 16) {
                let v = potential[column]
                let rho: Float = v < 0 ? 0 : v > 1 ? 1 : v
                partial = partial.addingProduct(rho, weights[k * width + column])
            }
            partials[lane] = partial
        }
        return partials.sum()
    }
}

/// Runs the kernel; the result holds `rows` outputs followed by `guardCount` sentinels.
private func kernelClampedRowDots(potential: [Float], weights: [Float], rows: Int, width: Int) -> [Float] {
    var out = [Float](repeating: sentinel, count: rows + guardCount)
    withPointer(potential) { potential in
        withPointer(weights) { weights in
            withMutablePointer(&out) { out in
                Kernels.clampedRowDots(potential: potential, weights: weights, rows: rows, width: width, out: out)
            }
        }
    }
    return out
}

@Suite("Kernels.clampedRowDots")
struct ClampedRowDotsTests {
    @Test("bit-identical to 16 lane-wise FMA chains reduced by SIMD16.sum()", arguments: kernelWidths)
    func matchesReference(width: Int) {
        var rng = SplitMix64(seed: 0xC1A_D07 &+ UInt64(width))
        for rows in [0, 1, 2, 3, 10] {
            for trial in 0..<3 {
                // Potentials well outside [0, 1] on both sides, and the edges themselves.
                var potential = rng.floats(width, in: -1..<2)
                for (index, value) in [Float(-0.0), 0, 1, Float(1).nextUp, -Float.leastNonzeroMagnitude, 5, -5]
                    .enumerated()
                {
                    potential[(index * 5 + trial) % width] = value
                }
                let weights = rng.floats(rows * width, in: -1..<1)
                let context = "width \(width), \(rows) rows, trial \(trial)"
                let out = kernelClampedRowDots(potential: potential, weights: weights, rows: rows, width: width)
                expectBitIdentical(
                    Array(out[..<rows]),
                    referenceClampedRowDots(potential: potential, weights: weights, rows: rows, width: width), context)
                expectSentinels(out[rows...], context)
            }
        }
    }

    @Test("potentials are clamped to [0, 1] before the dot product (hand-computed)")
    func clamping() {
        // ρ = 0, 0.5, 1, 1, 0, 0, 0.25, 1 in lanes 0..<8, zero in lanes 8..<16.
        let potential: [Float] = [-1, 0.5, 2, 1, 0, -0.0, 0.25, 100] + [Float](repeating: 0, count: 8)
        let weights =
            [Float](repeating: 1, count: 16) + [Float](repeating: -2, count: 16)
            + (0..<16).map { Float($0) }
        let out = kernelClampedRowDots(potential: potential, weights: weights, rows: 3, width: 16)
        // Row 2: 0.5·1 + 1·2 + 1·3 + 0.25·6 + 1·7 = 14.
        #expect(Array(out[..<3]) == [3.75, -7.5, 14])
    }

    @Test("zero padding columns do not change the result, whatever weights they meet")
    func paddingInvariance() {
        var rng = SplitMix64(seed: 0x9AD_D07)
        let dataWidth = 40
        let rows = 10
        let data = rng.floats(dataWidth, in: -0.5..<1.5)
        let dataWeights = rng.floats(rows * dataWidth, in: -1..<1)
        func padded(width: Int) -> [Float] {
            let potential = data + [Float](repeating: 0, count: width - dataWidth)
            var weights = [Float]()
            for k in 0..<rows {
                weights += dataWeights[(k * dataWidth)..<((k + 1) * dataWidth)]
                weights += rng.floats(width - dataWidth, in: -1..<1)
            }
            return Array(
                kernelClampedRowDots(potential: potential, weights: weights, rows: rows, width: width)[..<rows])
        }
        expectBitIdentical(padded(width: 48), padded(width: 144), "width 48 vs 144")
    }
}
