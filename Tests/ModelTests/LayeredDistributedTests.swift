import Foundation
import Model
import Parallel
import Synchronization
import Testing

/// A layered network split over ranks (issue #15; docs/distributed.md, "Layered networks") with ranks that are
/// threads of this process (`ThreadGroup`): each rank trains its share of every batch's samples, the ranks
/// gather the settled states, every rank runs the whole update. Compared byte for byte with one process on real
/// MNIST — the model files, the checkpoints without their timing, the metrics' accuracy columns.
@Suite("Layered networks split over ranks", .serialized)
struct LayeredDistributedTests {
    /// conv 8c5s2p2 → 10 classes at learning rate 0.1 (with `deep`, a second layer conv 4c3s2 between them),
    /// 403 training images of which 100 validation (31 batches of 10, the last of 3: at 4 ranks one rank has no
    /// sample of it), 200 test images, 2 epochs, averaged every batch.
    static func config(rule: RunConfig.Rule = .stdp, deep: Bool = false) -> RunConfig {
        var config = RunConfig()
        config.name = "layered-ranks"
        config.layers = [.convolution(channels: 8, kernel: 5, stride: 2, padding: 2)]
        if deep { config.layers.append(.convolution(channels: 4, kernel: 3, stride: 2, padding: 0)) }
        config.lr1 = 0.1
        config.lr2 = 0.1
        config.rule = rule
        config.epochs = 2
        config.trainLimit = 403
        config.validation = 100
        config.testLimit = 200
        config.averageFrom = 1
        config.averageEvery = .batch
        return config
    }

    static let policy = CheckpointPolicy(every: .batches(7), keep: 2)

    /// Runs `config` in `ranks` threads standing in for ranks (each with a one-thread pool), or in one process
    /// with 2 threads when `ranks` is nil; rank 1 (or the process) asks to stop after `stopAfter` batches.
    static func run(
        ranks: Int?, in directory: String, config: RunConfig, resumingFrom: Checkpoint? = nil, stopAfter: Int? = nil
    ) throws -> [TrainingSession.Outcome] {
        let mnist = try ResumeTests.loadMNIST()
        guard let ranks else {
            let counter = ResumeTests.Recorder()
            let session = LayeredSession(
                config: config, data: mnist, threads: 2, runDirectory: directory, checkpoints: policy,
                resumingFrom: resumingFrom)
            return [try session.run(observer: counter) { stopAfter.map { counter.batches >= $0 } ?? false }]
        }
        let outcomes = Mutex<[Int: Result<TrainingSession.Outcome, SessionError>]>([:])
        ThreadGroup.run(size: ranks) { communicator in
            let counter = ResumeTests.Recorder()
            let rank = communicator.rank
            let session = LayeredSession(
                config: config, data: mnist, threads: 1, runDirectory: directory, checkpoints: policy,
                resumingFrom: resumingFrom, distribution: Distribution(dataParallel: communicator))
            // Only rank 1 sees the stop request, as when a signal reaches the ranks at different moments.
            let result = Result { () throws(SessionError) in
                try session.run(observer: counter) { rank == 1 && stopAfter.map { counter.batches >= $0 } ?? false }
            }
            outcomes.withLock { $0[rank] = result }
        }
        return try outcomes.withLock { all in try (0..<ranks).map { try all[$0]!.get() } }
    }

    static func expectSameRun(_ expected: String, _ actual: String, checkpoints: [String]) throws {
        for name in ["model.bin", "best-model.bin", "averaged-model.bin"] {
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: expected + "/" + name))
                    == Data(contentsOf: URL(fileURLWithPath: actual + "/" + name)), "\(name)")
        }
        for name in checkpoints {
            #expect(
                try ResumeTests.withoutTiming(expected + "/" + name) == ResumeTests.withoutTiming(actual + "/" + name),
                "\(name)")
        }
        #expect(
            try ResumeTests.accuracyColumns(expected + "/metrics.csv")
                == ResumeTests.accuracyColumns(actual + "/metrics.csv"), "metrics.csv")
    }

    @Test(
        "1, 2 and 4 ranks write the files of a single process, byte for byte (one conv layer; two, by eqprop)",
        arguments: [(1, false), (2, false), (4, false), (3, true)])
    func ranksMatchSingleProcess(ranks: Int, deep: Bool) throws {
        // The deep case takes eqprop's other presynaptic factor, ρ(V¹) of the layer below, gathered too.
        let config = Self.config(rule: deep ? .eqprop : .stdp, deep: deep)
        try TestData.withTemporaryDirectory { single in
            try TestData.withTemporaryDirectory { split in
                let reference = try Self.run(ranks: nil, in: single, config: config)
                let outcomes = try Self.run(ranks: ranks, in: split, config: config)
                for outcome in outcomes {
                    #expect(outcome.records.map(\.testSpikeAccuracy) == reference[0].records.map(\.testSpikeAccuracy))
                    #expect(outcome.records.map(\.trainAccuracy) == reference[0].records.map(\.trainAccuracy))
                    #expect(outcome.records.map(\.averagedTest) == reference[0].records.map(\.averagedTest))
                }
                try Self.expectSameRun(
                    single, split, checkpoints: ["latest.ckpt", "best.ckpt", "epoch-0001.ckpt", "epoch-0002.ckpt"])
                // Not vacuous: the network learned (far above the 10% of chance; two layers learn slower).
                #expect(reference[0].records.last!.testSpikeAccuracy > (deep ? 0.3 : 0.6))
                let names = try FileManager.default.contentsOfDirectory(atPath: split)
                #expect(!names.contains { $0.contains(".tmp.") }, "\(names)")
            }
        }
    }

    @Test("a stop seen by one of 2 ranks stops both; one process continues, 3 ranks finish: the same bytes")
    func stopAndResumeAcrossRankCounts() throws {
        let config = Self.config()
        try TestData.withTemporaryDirectory { single in
            try TestData.withTemporaryDirectory { split in
                _ = try Self.run(ranks: nil, in: single, config: config)
                let first = try Self.run(ranks: 2, in: split, config: config, stopAfter: 12)
                for outcome in first {
                    guard case .interrupted(_, let cursor, _) = outcome else {
                        Issue.record("leg 1 not interrupted: \(outcome)")
                        return
                    }
                    #expect(cursor.epoch == 1 && cursor.batchesDone == 12)
                }
                let middle = try Checkpoint.read(path: split + "/latest.ckpt")
                _ = try Self.run(ranks: nil, in: split, config: config, resumingFrom: middle, stopAfter: 25)
                let last = try Checkpoint.read(path: split + "/latest.ckpt")
                #expect(last.cursor.epoch == 2 && last.cursor.batchesDone == 25 - (31 - 12))
                let outcomes = try Self.run(ranks: 3, in: split, config: config, resumingFrom: last)
                for outcome in outcomes {
                    guard case .completed = outcome else {
                        Issue.record("leg 3 did not complete: \(outcome)")
                        return
                    }
                }
                try Self.expectSameRun(single, split, checkpoints: ["latest.ckpt", "epoch-0002.ckpt"])
            }
        }
    }

    @Test("the rank shares of a batch: contiguous, in rank order, the first ranks one more, empty beyond the count")
    func sharesOfABatch() {
        ThreadGroup.run(size: 4) { communicator in
            let distribution = Distribution(dataParallel: communicator)
            #expect(distribution.shares(of: 10) == [0..<3, 3..<6, 6..<8, 8..<10])
            #expect(distribution.shares(of: 3) == [0..<1, 1..<2, 2..<3, 3..<3])
            #expect(distribution.shares(of: 0) == [0..<0, 0..<0, 0..<0, 0..<0])
            #expect(distribution.shardsByRank == [0..<1, 1..<2, 2..<3, 3..<4])
        }
    }
}
