import Foundation
import Model
import Parallel
import TestSupport
import Testing

/// Layered networks (issue #15) trained by the local rule: the update checked against a plain implementation of
/// the equations, bit-identical weights at any thread count, and learning on real MNIST.
@Suite("Layered networks trained by the local rule", .serialized)
struct LayeredTrainingTests {
    /// Trains `epochs` epochs of `train` in the order of `EpochOrder` and returns the network and the test
    /// evaluation after each epoch.
    static func train(
        _ layers: [LayerSpecification], config: RunConfig, train: Dataset, test: Dataset, threads: Int, epochs: Int
    ) throws -> (LayeredNetwork, [Evaluation]) {
        let stack = try LayerStack(
            input: ActivationShape(rows: train.rows, columns: train.columns, channels: 1), layers: layers,
            outputs: train.classCount)
        let network = LayeredNetwork(stack: stack, outputs: train.classCount, seed: config.seed)
        let pool = WorkerPool(threadCount: threads)
        let trainer = LayeredTrainer(config: config, network: network, pool: pool)
        let evaluator = LayeredEvaluator(config: config, network: network, pool: pool)
        var evaluations: [Evaluation] = []
        for epoch in 1...epochs {
            let order = EpochOrder.permutation(count: train.count, seed: config.seed, epoch: epoch)
            var start = 0
            while start < order.count {
                _ = try trainer.trainBatch(
                    samples: order[start..<min(start + config.batch, order.count)], dataset: train, epoch: epoch)
                start += config.batch
            }
            evaluations.append(evaluator.evaluate(test))
        }
        return (network, evaluations)
    }

    /// Random binary 6 × 6 images (pixels 0 or 255: their spikes are the image at every step) and labels 0…2.
    static func binaryImages(count: Int, seed: UInt64) -> (Dataset, images: [[Double]]) {
        var random = SplitMix64(seed: seed)
        let pixels = (0..<(count * 36)).map { _ in random.next() % 3 == 0 ? UInt8(255) : 0 }
        let labels = (0..<count).map { _ in UInt8(random.next() % 3) }
        let images = (0..<count).map { b in pixels[(b * 36)..<((b + 1) * 36)].map { $0 == 255 ? 1.0 : 0.0 } }
        return (Dataset(name: "binary", rows: 6, columns: 6, pixels: pixels, labels: labels, classCount: 3), images)
    }

    static func referenceCase(
        _ layers: [LayerSpecification], lrLayers: [Float] = []
    ) throws -> (maximumError: Double, largestChange: Double) {
        var config = RunConfig()
        config.lrLayers = lrLayers
        config.batch = 2
        config.timeSteps = 3
        config.kFree = 2
        config.kPos = 2
        config.lr1 = 0.1
        config.lr2 = 0.1
        config.seed = 7
        let (data, images) = binaryImages(count: 2, seed: 11)
        let stack = try LayerStack(
            input: ActivationShape(rows: 6, columns: 6, channels: 1), layers: layers, outputs: 3)
        let network = LayeredNetwork(stack: stack, outputs: 3, seed: config.seed)
        var reference = LayeredReference(network: network, config: config)
        let before = network.layers.map { $0.weights.array + $0.bias.array }
        let trainer = LayeredTrainer(config: config, network: network, pool: WorkerPool(threadCount: 1))
        _ = try trainer.trainBatch(samples: [0, 1], dataset: data, epoch: 1)
        reference.trainBatch(images: images, labels: data.labels.map(Int.init))
        var maximumError = 0.0
        var largestChange = 0.0
        for (l, layer) in network.layers.enumerated() {
            let actual = layer.weights.array + layer.bias.array
            let expected = reference.layers[l].weights + reference.layers[l].bias
            for j in actual.indices {
                maximumError = max(maximumError, abs(Double(actual[j]) - expected[j]))
                largestChange = max(largestChange, abs(Double(actual[j]) - Double(before[l][j])))
            }
        }
        return (maximumError, largestChange)
    }

    @Test("conv: one batch's update is the local rule of the equations (a plain Double implementation)")
    func convolutionMatchesReference() throws {
        let (error, change) = try Self.referenceCase([.convolution(channels: 2, kernel: 3, stride: 1, padding: 1)])
        #expect(change > 1e-3, "the batch changed no weight: \(change)")
        #expect(error < 1e-5, "largest difference from the reference \(error)")
    }

    @Test("local then fc: two hidden layers' updates are the local rule (bottom-up drive relaxes too)")
    func locallyConnectedMatchesReference() throws {
        let (error, change) = try Self.referenceCase([
            .locallyConnected(channels: 2, kernel: 3, stride: 2, padding: 0), .fullyConnected(units: 4),
        ])
        #expect(change > 1e-3, "the batch changed no weight: \(change)")
        #expect(error < 1e-5, "largest difference from the reference \(error)")
    }

    @Test("lrLayers: each hidden layer learns at its own rate (the reference takes the same rates)")
    func perLayerRatesMatchReference() throws {
        let (error, change) = try Self.referenceCase(
            [.locallyConnected(channels: 2, kernel: 3, stride: 2, padding: 0), .fullyConnected(units: 4)],
            lrLayers: [0.3, 0.02])
        #expect(change > 1e-3, "the batch changed no weight: \(change)")
        #expect(error < 1e-5, "largest difference from the reference \(error)")
    }

    @Test("lrLayers: [lr1, lr1] trains bit for bit as lr1 alone; a rate of 0 leaves that layer as it was")
    func perLayerRatesReplaceLr1() throws {
        let (data, _) = Self.binaryImages(count: 40, seed: 5)
        let layers: [LayerSpecification] = [
            .convolution(channels: 2, kernel: 3, stride: 1, padding: 1), .fullyConnected(units: 8),
        ]
        func trained(_ rates: [Float]) throws -> [[Float]] {
            var config = RunConfig()
            config.batch = 4
            config.timeSteps = 4
            config.lr1 = 0.1
            config.lrLayers = rates
            let (network, _) = try Self.train(layers, config: config, train: data, test: data, threads: 2, epochs: 1)
            return network.layers.map { $0.weights.array + $0.bias.array }
        }
        let plain = try trained([])
        #expect(try trained([0.1, 0.1]) == plain)
        let frozen = try trained([0, 0.1])
        let stack = try LayerStack(input: ActivationShape(rows: 6, columns: 6, channels: 1), layers: layers, outputs: 3)
        let initial = LayeredNetwork(stack: stack, outputs: 3, seed: RunConfig().seed)
        #expect(frozen[0] == initial.layers[0].weights.array + initial.layers[0].bias.array)
        #expect(frozen[1] != initial.layers[1].weights.array + initial.layers[1].bias.array)
        #expect(frozen[0] != plain[0])
    }

    @Test("a conv network's weights and predictions are bit-identical at 1, 2 and 3 threads")
    func bitIdenticalAcrossThreads() throws {
        let mnist = try MNIST.load(directory: try TestData.mnist())
        var config = RunConfig()
        config.batch = 7
        let layers: [LayerSpecification] = [
            .convolution(channels: 16, kernel: 5, stride: 2, padding: 1),
            .locallyConnected(
                channels: 4, kernel: 3, stride: 2, padding: 0),
        ]
        var results: [([[Float]], [Int])] = []
        for threads in 1...3 {
            let (network, evaluations) = try Self.train(
                layers, config: config, train: mnist.train.prefix(200), test: mnist.test.prefix(100),
                threads: threads, epochs: 1)
            results.append((network.layers.map { $0.weights.array + $0.bias.array }, evaluations[0].spikePredictions))
        }
        #expect(results[1].0 == results[0].0)
        #expect(results[2].0 == results[0].0)
        #expect(results[1].1 == results[0].1 && results[2].1 == results[0].1)
    }

    @Test("conv 16 channels (5 × 5, stride 2) on 3,000 MNIST images: ≥ 82% test accuracy after 2 epochs")
    func convolutionLearnsMNIST() throws {
        let mnist = try MNIST.load(directory: try TestData.mnist())
        let config = RunConfig()
        let (_, evaluations) = try Self.train(
            [.convolution(channels: 16, kernel: 5, stride: 2, padding: 0)], config: config,
            train: mnist.train.prefix(3000), test: mnist.test.prefix(1000), threads: 2, epochs: 2)
        print("conv 16, 3,000 images, 2 epochs:", evaluations[1].spikeAccuracy, evaluations[1].relaxedAccuracy)
        #expect(evaluations[1].spikeAccuracy >= 0.82)
        #expect(evaluations[1].relaxedAccuracy >= 0.82)
    }
}
