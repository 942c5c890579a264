import Model
import Parallel
import Testing

/// The spike readout breaks a spike-count tie by the unclamped averaged output drive (issue #13): outputs that
/// fire at every time step tie in count and at V^FF_y = ρ(drive) = 1, and the clamped value would give the lower
/// class.
@Suite("Spike readout tie-break")
struct ReadoutTieBreakTests {
    /// Zero weights, so the output drive is b2 at every step: b2 ≥ θ fires once per step, T spikes.
    static func classify(bias: [Float], shards: Int = 1) -> (spike: [Int], relaxed: [Int]) {
        let network = Network(inputs: 4, hidden: 64, outputs: bias.count, shards: shards)
        for (k, value) in bias.enumerated() { network.outputBias[k] = value }
        var config = RunConfig()
        config.hidden = 64
        config.timeSteps = 20
        let data = Dataset(name: "blank", rows: 2, columns: 2, pixels: [UInt8](repeating: 0, count: 8), labels: [0, 1])
        let pool = WorkerPool(threadCount: 1)
        return Evaluator(config: config, network: network, pool: pool).predictions(on: data)
    }

    @Test("two saturated outputs with equal spike counts: the larger unclamped drive wins, not the lower class")
    func saturatedTieGoesToTheLargerDrive() {
        // Outputs 3 and 7 both fire at all 20 steps (drive 2 and 3, θ = 1); ρ clamps both V^FF_y to 1.
        var bias = [Float](repeating: 0, count: 10)
        bias[3] = 2
        bias[7] = 3
        #expect(Self.classify(bias: bias).spike == [7, 7])
        bias[3] = 3.5
        #expect(Self.classify(bias: bias).spike == [3, 3])
    }

    @Test("spike counts decide when they differ")
    func countsDecide() {
        // Output 2 (drive 0.5) fires 10 times, output 5 (drive 0.4) 8 times, output 8 (drive 0.45) 9 or 10.
        var bias = [Float](repeating: 0, count: 10)
        bias[2] = 0.5
        bias[5] = 0.4
        bias[8] = 0.45
        #expect(Self.classify(bias: bias).spike == [2, 2])
    }

    @Test("an exact tie in count and drive goes to the lower class")
    func exactTieGoesToTheLowerClass() {
        var bias = [Float](repeating: 0, count: 10)
        bias[4] = 2
        bias[6] = 2
        #expect(Self.classify(bias: bias).spike == [4, 4])
        // Silent outputs everywhere: every count is 0, every drive 0.
        #expect(Self.classify(bias: [Float](repeating: 0, count: 10)).spike == [0, 0])
    }

    @Test("outputs saturated at the bottom (all silent, V^FF_y = 0): the least negative drive wins")
    func silentTieGoesToTheLeastNegativeDrive() {
        var bias = [Float](repeating: -1, count: 10)
        bias[5] = -0.5
        #expect(Self.classify(bias: bias).spike == [5, 5])
    }
}
