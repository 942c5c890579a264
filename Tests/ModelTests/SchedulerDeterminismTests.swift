import Model
import Parallel
import Testing

/// `--scheduler dispatch` and `--scheduler pool` train and evaluate to the same bits at any thread count.
@Suite("Bit-identical training with either scheduler")
struct SchedulerDeterminismTests {
    func train(threads: Int, scheduler: Scheduler) throws -> [UInt32] {
        var config = RunConfig()
        config.hidden = 150
        config.shards = 3
        let network = Network(inputs: 64, hidden: 150, shards: 3, seed: config.seed)
        let pool = WorkerPool(threadCount: threads, scheduler: scheduler)
        #expect(pool.scheduler == scheduler)
        let trainer = Trainer(config: config, network: network, pool: pool)
        let dataset = DeterminismTests.dataset
        let order = EpochOrder.permutation(count: dataset.count, seed: config.seed, epoch: 1)
        var start = 0
        while start < order.count {
            _ = try trainer.trainBatch(samples: order[start..<min(start + 10, order.count)], dataset: dataset, epoch: 1)
            start += 10
        }
        return network.canonicalParameters().map(\.bitPattern)
    }

    @Test("weights are byte-identical with dispatch and pool at 1, 2 and 3 threads, and differ from the start")
    func weightsDoNotDependOnScheduler() throws {
        let reference = try train(threads: 1, scheduler: .pool)
        let initial = Network(inputs: 64, hidden: 150, shards: 3, seed: RunConfig().seed).canonicalParameters()
        #expect(reference != initial.map(\.bitPattern), "training moved the weights")
        for scheduler in Scheduler.allCases {
            for threads in [1, 2, 3] {
                #expect(try train(threads: threads, scheduler: scheduler) == reference, "\(scheduler), \(threads)")
            }
        }
    }

    @Test("evaluation predictions are identical with dispatch and pool")
    func evaluationDoesNotDependOnScheduler() {
        var config = RunConfig()
        config.hidden = 150
        config.shards = 3
        let network = Network(inputs: 64, hidden: 150, shards: 3, seed: 3)
        func predict(_ threads: Int, _ scheduler: Scheduler) -> [Int] {
            let pool = WorkerPool(threadCount: threads, scheduler: scheduler)
            let result = Evaluator(config: config, network: network, pool: pool).predictions(
                on: DeterminismTests.dataset)
            return result.spike + result.relaxed
        }
        let reference = predict(1, .pool)
        #expect(predict(2, .dispatch) == reference)
        #expect(predict(3, .dispatch) == reference)
        #expect(predict(2, .pool) == reference)
    }
}
