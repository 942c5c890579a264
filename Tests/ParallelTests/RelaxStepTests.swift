import Parallel
import TestSupport
import Testing

/// The documented step, scalar, per column: `total = drive`, then `total = fma(scale[k], feedback[k][j], total)`
/// for ascending k; `gated = total` where `0 <= v <= 1` (ρ' = 1), else 0; `v + eps·(gated − v)`, clamped to
/// [0, 1] (values below 0 become 0, then values above 1 become 1).
private func referenceRelaxStep(
    potential: inout [Float], drive: [Float], feedback: [Float], feedbackScale: [Float], eps: Float, width: Int
) {
    for column in 0..<width {
        var total = drive[column]
        for k in feedbackScale.indices {
            total = total.addingProduct(feedbackScale[k], feedback[k * width + column])
        }
        let v = potential[column]
        let gated: Float = v >= 0 && v <= 1 ? total : 0
        var next = v + eps * (gated - v)
        if next < 0 { next = 0 }
        if next > 1 { next = 1 }
        potential[column] = next
    }
}

/// One kernel call on `potential` (updated in place), with a sentinel guard after it.
private func kernelRelaxStep(
    potential: inout [Float], drive: [Float], feedback: [Float], feedbackScale: [Float], eps: Float, width: Int,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    var buffer = potential + [Float](repeating: sentinel, count: guardCount)
    withMutablePointer(&buffer) { potential in
        withPointer(drive) { drive in
            withPointer(feedback) { feedbackPointer in
                withPointer(feedbackScale) { scale in
                    Kernels.relaxStep(
                        potential: potential, drive: drive, feedback: feedbackPointer,
                        feedbackRows: feedbackScale.count, feedbackScale: scale, eps: eps, width: width)
                }
            }
        }
    }
    expectSentinels(buffer[width...], "potential guard", sourceLocation: sourceLocation)
    potential = Array(buffer[..<width])
}

/// Potentials on and just beyond the edges of [0, 1], where ρ' switches.
private let edgePotentials: [Float] = [
    -0.5, -0.0, 0, 1, Float(1).nextUp, Float(1).nextDown, 1.5, -Float.leastNonzeroMagnitude,
    Float.leastNonzeroMagnitude, 2, -2, 0.5,
]

@Suite("Kernels.relaxStep")
struct RelaxStepTests {
    @Test("bit-identical to the scalar step: ρ' gating, FMA feedback chain in ascending k", arguments: kernelWidths)
    func matchesReference(width: Int) {
        var rng = SplitMix64(seed: 0x5E1A_0000 &+ UInt64(width))
        for feedbackRows in [0, 1, 2, 3, 10] {
            for eps: Float in [1, 0.5, 0.1] {
                var potential = rng.floats(width, in: -0.5..<1.5)
                for (index, value) in edgePotentials.enumerated() where index < width {
                    potential[index * 7 % width] = value
                }
                var expected = potential
                let feedback = rng.floats(feedbackRows * width, in: -1..<1)
                // ρ(V_y) values: mostly in (0, 1), some exactly 0 and 1.
                let feedbackScale = (0..<feedbackRows).map { k -> Float in
                    k % 4 == 1 ? 0 : k % 4 == 3 ? 1 : rng.float(in: 0..<1)
                }
                for step in 0..<3 {
                    let drive = rng.floats(width, in: -1..<2)
                    kernelRelaxStep(
                        potential: &potential, drive: drive, feedback: feedback, feedbackScale: feedbackScale,
                        eps: eps, width: width)
                    referenceRelaxStep(
                        potential: &expected, drive: drive, feedback: feedback, feedbackScale: feedbackScale,
                        eps: eps, width: width)
                    expectBitIdentical(
                        potential, expected, "width \(width), \(feedbackRows) feedback rows, eps \(eps), step \(step)")
                    potential = expected
                }
            }
        }
    }

    @Test("potentials outside [0, 1] get no drive (ρ' = 0) and the result is clamped (hand-computed)")
    func gatingAndClamping() {
        // v, drive, v after one step with eps 0.5 and no feedback.
        let cases: [(Float, Float, Float)] = [
            (1.5, 10, 0.75),  // outside: 1.5 + 0.5·(0 − 1.5); without the gate it would clamp to 1
            (-0.5, 10, 0),  // outside: −0.5 + 0.25 = −0.25, clamped to 0
            (0.5, 10, 1),  // inside: 0.5 + 0.5·9.5 = 5.25, clamped to 1
            (1, 10, 1),  // 1 is inside
            (0, 10, 1),  // 0 is inside
            (Float(1).nextUp, 10, Float(0.5).nextUp),  // just outside: halves to 0.5 + 2^-24
            (2, 10, 1),  // outside: 2 − 1 = 1
            (0.25, 0.75, 0.5),  // inside, no clamping
            (0.75, -1, 0),  // inside, negative drive: 0.75 − 0.875, clamped to 0
            (0.5, 0, 0.25),  // pure decay
        ]
        var potential = cases.map(\.0) + [Float](repeating: 0, count: 16 - cases.count)
        let drive = cases.map(\.1) + [Float](repeating: 0, count: 16 - cases.count)
        kernelRelaxStep(potential: &potential, drive: drive, feedback: [], feedbackScale: [], eps: 0.5, width: 16)
        expectBitIdentical(potential, cases.map(\.2) + [Float](repeating: 0, count: 16 - cases.count), "one step")
    }

    @Test("feedback rows are scaled and added to the drive (hand-computed)")
    func feedback() {
        // A = drive + 0.5·row0 + 0.25·row1 + 0·row2 (exact in float); with eps 1 the step sets v = A.
        let width = 32
        let drive = (0..<width).map { Float($0 % 4) * 0.0625 }
        let feedback =
            [Float](repeating: 0.5, count: width) + [Float](repeating: 1, count: width)
            + [Float](repeating: 0.75, count: width)
        var potential = [Float](repeating: 0.5, count: width)
        kernelRelaxStep(
            potential: &potential, drive: drive, feedback: feedback, feedbackScale: [0.5, 0.25, 0], eps: 1,
            width: width)
        expectBitIdentical(potential, drive.map { $0 + 0.5 }, "A = drive + 0.25 + 0.25")
    }

    @Test("eps 0 leaves in-range potentials unchanged and clamps out-of-range ones")
    func epsZero() {
        let before = edgePotentials + [Float](repeating: 0.3, count: 4)
        var potential = before
        var expected = before
        let drive = [Float](repeating: 5, count: 16)
        kernelRelaxStep(potential: &potential, drive: drive, feedback: [], feedbackScale: [], eps: 0, width: 16)
        referenceRelaxStep(potential: &expected, drive: drive, feedback: [], feedbackScale: [], eps: 0, width: 16)
        expectBitIdentical(potential, expected, "eps 0")
        #expect(potential == before.map { min(max($0, 0), 1) })
    }

    @Test("zero padding neurons stay at exactly zero")
    func paddingInvariance() {
        var rng = SplitMix64(seed: 0x9AD5)
        let dataWidth = 40
        let width = 48
        let feedbackRows = 10
        var feedback = [Float](repeating: 0, count: feedbackRows * width)
        for k in 0..<feedbackRows {
            for column in 0..<dataWidth { feedback[k * width + column] = rng.float(in: -1..<1) }
        }
        let feedbackScale = rng.floats(feedbackRows, in: 0..<1)
        var potential = rng.floats(dataWidth, in: 0..<1) + [Float](repeating: 0, count: width - dataWidth)
        for _ in 0..<5 {
            let drive = rng.floats(dataWidth, in: -1..<1) + [Float](repeating: 0, count: width - dataWidth)
            kernelRelaxStep(
                potential: &potential, drive: drive, feedback: feedback, feedbackScale: feedbackScale, eps: 0.5,
                width: width)
            expectBitIdentical(Array(potential[dataWidth...]), [Float](repeating: 0, count: 8), "padding")
        }
    }
}
