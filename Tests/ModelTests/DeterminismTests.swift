import Model
import Parallel
import TestSupport
import Testing

/// The product's promise: one seed, the same bits, whatever `--threads` is.
@Suite("Bit-identical training at any thread count")
struct DeterminismTests {
    /// Random 8×8 "images" with MNIST-like sparsity, generated from a fixed seed.
    static let dataset: Dataset = {
        var random = SplitMix64(seed: 42)
        func next() -> UInt64 { random.next() }
        let count = 300
        var pixels: [UInt8] = []
        var labels: [UInt8] = []
        for _ in 0..<count {
            for _ in 0..<64 { pixels.append(next() % 4 == 0 ? UInt8(truncatingIfNeeded: next()) : 0) }
            labels.append(UInt8(next() % 10))
        }
        return Dataset(name: "synthetic", rows: 8, columns: 8, pixels: pixels, labels: labels)
    }()

    func train(threads: Int, shards: Int, hidden: Int = 150, shift: Int = 0) throws -> [Float] {
        var config = RunConfig()
        config.hidden = hidden
        config.shards = shards
        config.shift = shift
        let network = Network(inputs: 64, hidden: hidden, shards: config.resolvedShards, seed: config.seed)
        let trainer = Trainer(config: config, network: network, pool: WorkerPool(threadCount: threads))
        let order = EpochOrder.permutation(count: Self.dataset.count, seed: config.seed, epoch: 1)
        var start = 0
        while start < order.count {
            _ = try trainer.trainBatch(
                samples: order[start..<min(start + 10, order.count)], dataset: Self.dataset, epoch: 1)
            start += 10
        }
        return network.canonicalParameters()
    }

    @Test("weights are byte-identical at 1, 2, 3 and 8 threads (3 shards over 150 neurons: 64, 64, 22)")
    func threadCountDoesNotMatter() throws {
        let reference = try train(threads: 1, shards: 3)
        for threads in [2, 3, 8] {
            let weights = try train(threads: threads, shards: 3)
            #expect(weights.map(\.bitPattern) == reference.map(\.bitPattern), "threads \(threads)")
        }
    }

    @Test("training changes the weights (the comparison above is not vacuous)")
    func trainingMovesWeights() throws {
        let initial = Network(inputs: 64, hidden: 150, shards: 3, seed: 1).canonicalParameters()
        #expect(try train(threads: 2, shards: 3) != initial)
    }

    @Test("the initial network does not depend on the shard count")
    func initialisationIndependentOfShards() {
        let one = Network(inputs: 64, hidden: 150, shards: 1, seed: 7).canonicalParameters()
        let three = Network(inputs: 64, hidden: 150, shards: 3, seed: 7).canonicalParameters()
        #expect(one == three)
    }

    @Test("evaluation predictions are identical at 1 and 3 threads")
    func evaluationThreadCountDoesNotMatter() throws {
        var config = RunConfig()
        config.hidden = 150
        config.shards = 3
        let network = Network(inputs: 64, hidden: 150, shards: 3, seed: 3)
        let one = Evaluator(config: config, network: network, pool: WorkerPool(threadCount: 1)).predictions(
            on: Self.dataset)
        let three = Evaluator(config: config, network: network, pool: WorkerPool(threadCount: 3)).predictions(
            on: Self.dataset)
        #expect(one.spike == three.spike)
        #expect(one.relaxed == three.relaxed)
    }
}
