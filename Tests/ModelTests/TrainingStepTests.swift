import Model
import Parallel
import Testing

/// One whole training step (Eqs. 5–15) on a network small enough to compute by hand, against values from
/// an independent float64 implementation of the spec (`docs/algorithm.md`, reference script in
/// `Tests/ModelTests/Reference/vpsnn_reference.py`). Pixels are 0 or 255, so the spike trains are
/// deterministic (x = 0 never spikes, x = 1 always does).
@Suite("One VPSNN training step on a 4-3-3 network")
struct TrainingStepTests {
    static let w1: [Float] = [0.5, -0.2, 0.3, 0.9, 0.9, 0.9, 0.25, 0.6, -0.1, 0.1, 0.2, 0.4]
    static let b1: [Float] = [0.1, 0.0, -0.05]
    static let w2: [Float] = [0.6, -0.3, 0.2, -0.4, 0.8, 0.1, 0.3, 0.3, -0.5]
    static let b2: [Float] = [0.0, 0.1, -0.1]

    func configuration(rule: RunConfig.Rule, nudge: RunConfig.Nudge = .beta) -> RunConfig {
        var config = RunConfig()
        config.hidden = 3
        config.batch = 1
        config.timeSteps = 3
        config.kFree = 2
        config.kPos = 2
        config.rule = rule
        config.nudge = nudge
        return config
    }

    func trainedParameters(rule: RunConfig.Rule, nudge: RunConfig.Nudge = .beta) throws -> (
        parameters: [Float], correct: Int
    ) {
        let config = configuration(rule: rule, nudge: nudge)
        let network = Network(inputs: 4, hidden: 3, outputs: 3, shards: 1)
        network.load(canonicalParameters: Self.w1 + Self.b1 + Self.w2 + Self.b2)
        let dataset = Dataset(name: "tiny", rows: 2, columns: 2, pixels: [255, 0, 255, 255], labels: [1])
        let trainer = Trainer(config: config, network: network, pool: WorkerPool(threadCount: 1))
        let correct = try trainer.trainBatch(samples: [0][...], dataset: dataset, epoch: 1)
        return (network.canonicalParameters(), correct)
    }

    @Test("stdp rule: W1, b1, W2, b2 after one step match the reference")
    func stdpStep() throws {
        let (parameters, correct) = try trainedParameters(rule: .stdp)
        let expected: [Double] = [
            0.49977459375, -0.19189, 0.3003103125, 0.9, 0.9, 0.9, 0.24977459375, 0.6081099999999999,
            -0.09968968750000001, 0.09977459375, 0.20811000000000002, 0.40031031250000004,
            0.09977459375, 0.008110000000000006, -0.0496896875,
            0.5840886979166666, -0.2837909895833333, 0.2, -0.4119529480184245, 0.8121765935889974, 0.1,
            0.2870837320306315, 0.31315793773277995, -0.5,
            -0.015911302083333335, 0.11620901041666666, -0.1,
        ]
        expectClose(parameters, expected)
        // Output spike counts are [1, 1, 0]; the tie goes to V^FF_y (0.367 for class 0 > 0.267): wrong.
        #expect(correct == 0)
    }

    @Test("eqprop rule: W2 follows ρ(h¹)ρ(y¹) − ρ(h⁰)ρ(y⁰)")
    func eqpropStep() throws {
        let (parameters, _) = try trainedParameters(rule: .eqprop)
        let expectedW2: [Double] = [
            0.5840049916856217, -0.2839510241466634, 0.2, -0.4089412412277995, 0.8179345541983725, 0.1,
            0.2871989688078776, 0.31337825427428384, -0.5,
        ]
        expectClose(Array(parameters[15..<24]), expectedW2)
    }

    @Test("centered nudging: the reference phase is nudged with −β and s = 1/(2βB)")
    func centeredStep() throws {
        let (parameters, _) = try trainedParameters(rule: .stdp, nudge: .centered)
        let expected: [Double] = [
            0.499887296875, -0.19189, 0.3003103125, 0.9, 0.9, 0.9, 0.249887296875, 0.6081099999999999,
            -0.09968968750000001, 0.099887296875, 0.20811000000000002, 0.40031031250000004,
            0.099887296875, 0.008110000000000006, -0.0496896875,
            0.5810543229166667, -0.2802394270833333, 0.2, -0.4126959481733724, 0.8132420292250652, 0.1,
            0.2846793177235026, 0.3159796589969401, -0.5,
            -0.01894567708333333, 0.11976057291666667, -0.1,
        ]
        expectClose(parameters, expected)
    }

    @Test("W1 rows of silent inputs do not change")
    func silentInputRowUnchanged() throws {
        let (parameters, _) = try trainedParameters(rule: .stdp)
        #expect(Array(parameters[3..<6]) == [0.9, 0.9, 0.9])
    }

    func expectClose(_ actual: [Float], _ expected: [Double], tolerance: Double = 2e-6) {
        #expect(actual.count == expected.count)
        for (index, (a, e)) in zip(actual, expected).enumerated() {
            #expect(abs(Double(a) - e) <= tolerance, "parameter \(index): \(a) vs \(e)")
        }
    }
}
