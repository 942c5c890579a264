import Foundation
import Model
import Parallel
import Testing

/// The divergence criterion for finite parameters: |w| > 10^6 (or NaN) anywhere in what an update changed.
@Suite("parameter bound")
struct ParameterBoundTests {
    func firstViolation(_ values: [Float]) -> Int? {
        values.withUnsafeBufferPointer { ParameterBound.firstViolation($0.baseAddress!, count: $0.count) }
    }

    @Test("the bound itself passes; the next Float above it, NaN and ±∞ fail, in SIMD blocks and in the tail")
    func firstViolationFindsTheFirst() {
        #expect(ParameterBound.limit == 1e6)
        let inside = [Float](repeating: 0.25, count: 37)
        #expect(firstViolation(inside) == nil)
        #expect(firstViolation(inside.map { _ in 1e6 }) == nil)
        #expect(firstViolation(inside.map { _ in -1e6 }) == nil)
        #expect(firstViolation([]) == nil)
        for index in [0, 7, 8, 13, 31, 32, 36] {
            for bad: Float in [Float(1e6).nextUp, -Float(1e6).nextUp, .nan, .infinity, -.infinity, 3.2e19] {
                var values = inside
                values[index] = bad
                if index + 1 < values.count { values[index + 1] = .nan }
                #expect(firstViolation(values) == index, "\(bad) at \(index)")
            }
        }
    }

    @Test("the message names quantity, value, bound and place, in short scientific notation")
    func messages() {
        let error = TrainingError.exceeded(quantity: "W2 weight", value: 3.2e19, location: "hidden neuron 17, output 3")
        #expect(
            error.description
                == "training diverged: W2 weight 3.2e19 exceeds 1e6 in magnitude at hidden neuron 17, output 3 "
                + "(try smaller learning rates)")
        let negative = TrainingError.exceeded(quantity: "b2 bias", value: -1_000_001, location: "output 0")
        #expect(negative.description.hasPrefix("training diverged: b2 bias -1e6 exceeds 1e6 in magnitude at output 0"))
        let rounded = TrainingError.exceeded(quantity: "b1 bias", value: 9.96e6, location: "hidden neuron 0")
        #expect(rounded.description.hasPrefix("training diverged: b1 bias 1e7 exceeds"))
    }

    @Test("a normal run's parameters stay many orders of magnitude inside the bound")
    func normalRunIsFarInside() throws {
        let mnist = try MNIST.load(directory: try TestData.mnist())
        var config = RunConfig()
        config.hidden = 32
        config.epochs = 1
        config.trainLimit = 1000
        config.testLimit = 100
        try TestData.withTemporaryDirectory { directory in
            _ = try TrainingSession(config: config, data: mnist, threads: 2, runDirectory: directory)
                .run(observer: MNISTTrainingTests.SilentObserver())
            let parameters = try WeightsFile.read(path: directory + "/weights.bin").network.canonicalParameters()
            let largest = parameters.map(\.magnitude).max() ?? 0
            #expect(largest < 10, "largest |parameter| \(largest)")
        }
    }

    /// One batch of two real test images through a network whose W1 is all `weight`.
    func trainOneBatch(w1 weight: Float) throws -> TrainingError? {
        let mnist = try MNIST.loadTest(directory: try TestData.mnist()).prefix(2)
        var config = RunConfig()
        config.hidden = 8
        config.batch = 2
        let network = Network(inputs: 784, hidden: 8, outputs: 10, shards: config.resolvedShards, seed: 1)
        var parameters = network.canonicalParameters()
        for index in 0..<(784 * 8) { parameters[index] = weight }
        network.load(canonicalParameters: parameters)
        let trainer = Trainer(config: config, network: network, pool: WorkerPool(threadCount: 1))
        return #expect(throws: TrainingError.self) {
            _ = try trainer.trainBatch(samples: [0, 1], dataset: mnist, epoch: 1)
        }
    }

    @Test("W1 is checked through the hidden drive it produces: finite and too large, or not finite")
    func hiddenDriveIsChecked() throws {
        let large = try trainOneBatch(w1: 1e7)
        guard case .exceeded(let quantity, let value, let location) = large else {
            Issue.record("expected .exceeded, got \(String(describing: large))")
            return
        }
        #expect(quantity == "hidden feed-forward drive" && value > 1e6 && location == "hidden neuron 0, sample 0")
        let nan = try trainOneBatch(w1: .nan)
        #expect(nan == .diverged(quantity: "hidden feed-forward drive (hidden neurons 0..<8, samples 0…)"))
    }
}
