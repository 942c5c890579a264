import Parallel
import TestSupport
import Testing

/// One LIF step as documented, scalar: `v = leak·v + input` (a rounded product, then a rounded sum: not fused),
/// spike where `v >= threshold` (before the reset) and subtract the threshold once (or set v to 0 for
/// `reset: .zero`), `inputSum += input`. Returns the spikes as floats: 1 where the neuron fired, +0 elsewhere.
private func referenceIntegrateAndFire(
    potential: inout [Float], input: [Float], inputSum: inout [Float], width: Int, leak: Float, threshold: Float,
    reset: SpikeReset = .subtract
) -> [Float] {
    var spikes = [Float](repeating: 0, count: width)
    for column in 0..<width {
        let leaked = leak * potential[column]
        var v = leaked + input[column]
        if v >= threshold {
            v = reset == .subtract ? v - threshold : 0
            spikes[column] = 1
        }
        potential[column] = v
        inputSum[column] = inputSum[column] + input[column]
    }
    return spikes
}

/// One call of the kernel. `potential` and `inputSum` hold `width` values (updated in place); the spike floats are
/// returned. Checked here: the guards after all three buffers, that every spike float is exactly +0 or 1 (the
/// spike buffer starts as sentinels, so a column left unwritten shows), and that the returned count is the
/// number of ones.
private func kernelIntegrateAndFire(
    potential: inout [Float], input: [Float], inputSum: inout [Float], width: Int, leak: Float, threshold: Float,
    reset: SpikeReset = .subtract, sourceLocation: SourceLocation = #_sourceLocation
) -> [Float] {
    var potentialBuffer = potential + [Float](repeating: sentinel, count: guardCount)
    var inputSumBuffer = inputSum + [Float](repeating: sentinel, count: guardCount)
    var spikeBuffer = [Float](repeating: sentinel, count: width + guardCount)
    let count = withMutablePointer(&potentialBuffer) { potential in
        withPointer(input) { input in
            withMutablePointer(&inputSumBuffer) { inputSum in
                withMutablePointer(&spikeBuffer) { spikes in
                    Kernels.integrateAndFire(
                        potential: potential, input: input, inputSum: inputSum, width: width, leak: leak,
                        threshold: threshold, reset: reset, spikes: spikes)
                }
            }
        }
    }
    expectSentinels(potentialBuffer[width...], "potential guard", sourceLocation: sourceLocation)
    expectSentinels(inputSumBuffer[width...], "inputSum guard", sourceLocation: sourceLocation)
    expectSentinels(spikeBuffer[width...], "spike buffer guard", sourceLocation: sourceLocation)
    potential = Array(potentialBuffer[..<width])
    inputSum = Array(inputSumBuffer[..<width])
    let spikes = Array(spikeBuffer[..<width])
    let odd = spikes.indices.filter { spikes[$0].bitPattern != Float(0).bitPattern && spikes[$0] != 1 }
    #expect(odd.isEmpty, "spike floats other than +0 and 1 at \(odd.prefix(10))", sourceLocation: sourceLocation)
    let ones = spikes.filter { $0 == 1 }.count
    #expect(count == ones, "returned spike count \(count), \(ones) ones written", sourceLocation: sourceLocation)
    return spikes
}

/// The columns that fired.
private func firing(_ spikes: [Float]) -> [Int] { spikes.indices.filter { spikes[$0] == 1 } }

@Suite("Kernels.integrateAndFire")
struct IntegrateAndFireTests {
    @Test(
        "bit-identical to the scalar step over several steps, for leak 1 and leak < 1, both resets",
        arguments: kernelWidths)
    func matchesReference(width: Int) {
        var rng = SplitMix64(seed: 0x1_F1E5 &+ UInt64(width))
        let modes: [(leak: Float, reset: SpikeReset)] = [
            (1, .subtract), (0.9, .subtract), (0.5, .subtract), (0, .subtract), (1, .zero), (0.9, .zero),
        ]
        for (leak, reset) in modes {
            for threshold: Float in [1, 0.25] {
                var potential = rng.floats(width, in: -1..<1.5)
                var inputSum = rng.floats(width, in: 0..<4)
                var expectedPotential = potential
                var expectedInputSum = inputSum
                for step in 0..<5 {
                    // Mostly sub-threshold drive; some columns exactly on threshold after a reset of zero.
                    var input = rng.floats(width, in: -0.5..<1)
                    if step == 0 { input[width - 1] = threshold - leak * potential[width - 1] }
                    let context = "width \(width), leak \(leak), \(reset), threshold \(threshold), step \(step)"
                    let spikes = kernelIntegrateAndFire(
                        potential: &potential, input: input, inputSum: &inputSum, width: width, leak: leak,
                        threshold: threshold, reset: reset)
                    let expectedSpikes = referenceIntegrateAndFire(
                        potential: &expectedPotential, input: input, inputSum: &expectedInputSum, width: width,
                        leak: leak, threshold: threshold, reset: reset)
                    expectBitIdentical(spikes, expectedSpikes, "\(context): spikes")
                    expectBitIdentical(potential, expectedPotential, "\(context): potential")
                    expectBitIdentical(inputSum, expectedInputSum, "\(context): inputSum")
                    // Keep the two in lock step even after a reported difference.
                    potential = expectedPotential
                    inputSum = expectedInputSum
                }
            }
        }
    }

    @Test("no neuron, every neuron, and every other neuron fires", arguments: kernelWidths)
    func firingRegimes(width: Int) {
        // None: negative drive.
        var potential = [Float](repeating: 0.5, count: width)
        var inputSum = [Float](repeating: 0, count: width)
        var spikes = kernelIntegrateAndFire(
            potential: &potential, input: [Float](repeating: -0.25, count: width), inputSum: &inputSum, width: width,
            leak: 1, threshold: 1)
        expectBitIdentical(spikes, [Float](repeating: 0, count: width), "none fires")
        expectBitIdentical(potential, [Float](repeating: 0.25, count: width), "potential, none fires")
        // All: every spike float is 1.
        spikes = kernelIntegrateAndFire(
            potential: &potential, input: [Float](repeating: 1.5, count: width), inputSum: &inputSum, width: width,
            leak: 1, threshold: 1)
        expectBitIdentical(spikes, [Float](repeating: 1, count: width), "all fire")
        expectBitIdentical(potential, [Float](repeating: 0.75, count: width), "potential, all fire")
        expectBitIdentical(inputSum, [Float](repeating: 1.25, count: width), "inputSum")
        // Every other: even columns get enough drive to cross the threshold, odd ones do not.
        potential = [Float](repeating: 0, count: width)
        let input = (0..<width).map { $0 % 2 == 0 ? Float(1) : 0.5 }
        spikes = kernelIntegrateAndFire(
            potential: &potential, input: input, inputSum: &inputSum, width: width, leak: 0.5, threshold: 1)
        expectBitIdentical(spikes, (0..<width).map { $0 % 2 == 0 ? 1 : 0 }, "every other fires")
        expectBitIdentical(potential, (0..<width).map { $0 % 2 == 0 ? 0 : 0.5 }, "potential, every other fires")
    }

    @Test("threshold crossing and reset by subtraction (hand-computed)")
    func resetBySubtraction() {
        let width = 16
        // v before, input, (v after, spiked) for leak 1, threshold 1.
        let cases: [(Float, Float, Float, Bool)] = [
            (0.75, 0.5, 0.25, true),  // 1.25 → 0.25
            (0.5, 0.5, 0, true),  // exactly on threshold fires (>=), leaving exactly 0
            (0.25, 0.5, 0.75, false),
            (2.5, 0, 1.5, true),  // only one spike and one subtraction per step
            (-1, 3, 1, true),
            (Float(1).nextDown, 0, Float(1).nextDown, false),  // just below threshold
            (0, 0, 0, false),
            (-0.5, -0.25, -0.75, false),  // negative potentials are not clamped
            (1, 0, 0, true),
            (0.125, 0.875, 0, true),
        ]
        var potential = cases.map(\.0) + [Float](repeating: 0, count: width - cases.count)
        let input = cases.map(\.1) + [Float](repeating: 0, count: width - cases.count)
        var inputSum = [Float](repeating: 0.5, count: width)
        let spikes = kernelIntegrateAndFire(
            potential: &potential, input: input, inputSum: &inputSum, width: width, leak: 1, threshold: 1)
        #expect(firing(spikes) == cases.indices.filter { cases[$0].3 })
        expectBitIdentical(
            potential, cases.map(\.2) + [Float](repeating: 0, count: width - cases.count), "potential after reset")
        expectBitIdentical(inputSum, input.map { 0.5 + $0 }, "inputSum")
    }

    @Test("reset to zero: a spike leaves exactly 0, whatever the overshoot (hand-computed)")
    func resetToZero() {
        // v before, input → spiked; leak 1, threshold 1. A neuron that fires is at +0 afterwards.
        let cases: [(Float, Float, Bool)] = [(0.75, 0.5, true), (0.5, 0.5, true), (0.25, 0.5, false), (2.5, 0, true)]
        var potential = cases.map(\.0) + [Float](repeating: 0, count: 16 - cases.count)
        let input = cases.map(\.1) + [Float](repeating: 0, count: 16 - cases.count)
        var inputSum = [Float](repeating: 0, count: 16)
        let spikes = kernelIntegrateAndFire(
            potential: &potential, input: input, inputSum: &inputSum, width: 16, leak: 1, threshold: 1, reset: .zero)
        #expect(firing(spikes) == [0, 1, 3])
        expectBitIdentical(Array(potential[..<4]), [0, 0, 0.75, 0], "potential after reset to zero")
    }

    @Test("leak scales the old potential before the input is added (hand-computed)")
    func leak() {
        var potential: [Float] = [1, 0.5, 3, -2] + [Float](repeating: 0, count: 12)
        let input: [Float] = [0.5, 0.5, 0, 0.25] + [Float](repeating: 0, count: 12)
        var inputSum = [Float](repeating: 0, count: 16)
        let spikes = kernelIntegrateAndFire(
            potential: &potential, input: input, inputSum: &inputSum, width: 16, leak: 0.5, threshold: 1)
        // 0.5·1 + 0.5 = 1 → fires → 0; 0.5·0.5 + 0.5 = 0.75; 0.5·3 = 1.5 → 0.5; 0.5·(−2) + 0.25 = −0.75.
        #expect(firing(spikes) == [0, 2])
        #expect(Array(potential[..<4]) == [0, 0.75, 0.5, -0.75])
    }

    @Test("leak·v + input is a rounded product then a rounded sum, not a fused multiply-add")
    func notFused() {
        // (1 + 2^-12)·(1 + 2^-12) rounds to 1 + 2^-11, so the sum with −(1 + 2^-11) is exactly 0;
        // a fused multiply-add would leave 2^-24.
        var potential = [Float](repeating: onePlusTwoToMinus12, count: 16)
        var inputSum = [Float](repeating: 0, count: 16)
        let spikes = kernelIntegrateAndFire(
            potential: &potential, input: [Float](repeating: -onePlusTwoToMinus11, count: 16), inputSum: &inputSum,
            width: 16, leak: onePlusTwoToMinus12, threshold: 0x1p-25)
        #expect(firing(spikes).isEmpty)
        expectBitIdentical(potential, [Float](repeating: 0, count: 16), "leak·v + input")
    }

    @Test("inputSum accumulates the drive across steps, firing or not")
    func inputSumAccumulates() {
        var potential = [Float](repeating: 0, count: 32)
        var inputSum = [Float](repeating: 0.25, count: 32)
        for input: Float in [0.5, 0.25, 2, -1] {
            _ = kernelIntegrateAndFire(
                potential: &potential, input: [Float](repeating: input, count: 32), inputSum: &inputSum, width: 32,
                leak: 0.5, threshold: 1)
        }
        expectBitIdentical(inputSum, [Float](repeating: 2, count: 32), "inputSum after 4 steps")
    }

    @Test("zero padding neurons stay at zero and never spike")
    func paddingInvariance() {
        var rng = SplitMix64(seed: 0xDAD)
        let dataWidth = 40
        let width = 48
        var potential = rng.floats(dataWidth, in: 0..<1) + [Float](repeating: 0, count: width - dataWidth)
        var inputSum = [Float](repeating: 0, count: width)
        for step in 0..<10 {
            let input = rng.floats(dataWidth, in: 0..<0.8) + [Float](repeating: 0, count: width - dataWidth)
            let spikes = kernelIntegrateAndFire(
                potential: &potential, input: input, inputSum: &inputSum, width: width, leak: 0.9, threshold: 1)
            expectBitIdentical(Array(spikes[dataWidth...]), [Float](repeating: 0, count: 8), "step \(step): spikes")
            expectBitIdentical(Array(potential[dataWidth...]), [Float](repeating: 0, count: 8), "potential padding")
            expectBitIdentical(Array(inputSum[dataWidth...]), [Float](repeating: 0, count: 8), "inputSum padding")
        }
    }

    @Test("rejects a width that is not a multiple of 16")
    func preconditions() async {
        await #expect(processExitsWith: .failure) {
            var potential = [Float](repeating: 0, count: 64)
            let input = [Float](repeating: 0, count: 64)
            var inputSum = [Float](repeating: 0, count: 64)
            var spikes = [Float](repeating: 0, count: 64)
            _ = Kernels.integrateAndFire(
                potential: &potential, input: input, inputSum: &inputSum, width: 40, leak: 1, threshold: 1,
                reset: .subtract, spikes: &spikes)
        }
    }
}
