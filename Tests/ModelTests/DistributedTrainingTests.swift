import Foundation
import Model
import Parallel
import Synchronization
import Testing

/// The distributed training path (docs/distributed.md) with ranks that are threads of this process
/// (`ThreadGroup`): the same shard ownership, exchanges and collective checkpoint writes as
/// `mpirun -np K ptrain train --distributed`, compared byte for byte with a single process on real MNIST.
/// (`.ci/run` repeats the comparison with real MPI processes when Open MPI is installed.)
@Suite("Training split over ranks", .serialized)
struct DistributedTrainingTests {
    /// Counts batches; stops when `stop(batches)` says so.
    final class Counter: TrainingObserver {
        var batches = 0
        let stop: @Sendable (Int) -> Bool
        init(stop: @escaping @Sendable (Int) -> Bool = { _ in false }) { self.stop = stop }
        func runStarted(config: RunConfig, threads: Int, runDirectory: String, trainSamples: Int, testSamples: Int) {}
        func batchFinished(epoch: Int, samplesDone: Int, samplesTotal: Int, correct: Int, elapsedSeconds: Double) {
            batches += 1
        }
        func evaluationStarted(epoch: Int) {}
        func epochFinished(_ record: EpochRecord) {}
    }

    /// H = 300 in 5 shards (64, 64, 64, 64, 44: no rank count divides it evenly), 605 training images (61
    /// batches, the last one short), 200 test images, 2 epochs.
    static func config() -> RunConfig {
        var config = RunConfig()
        config.name = "distributed"
        config.hidden = 300
        config.shards = 5
        config.epochs = 2
        config.trainLimit = 605
        config.testLimit = 200
        return config
    }

    /// Mid-epoch checkpoints every 20 batches, so collective writes happen inside epochs too.
    static let policy = CheckpointPolicy(every: .batches(20), keep: 2)

    /// Runs `config` once in `ranks` threads standing in for ranks (each with a one-thread pool), or in one
    /// process when `ranks` is nil; rank 1 (or the process) asks to stop after `stopAfter` batches.
    /// Returns every rank's outcome, rank 0's first.
    static func run(
        ranks: Int?, in directory: String, config: RunConfig = config(), resumingFrom: Checkpoint? = nil,
        stopAfter: Int? = nil
    ) throws -> [TrainingSession.Outcome] {
        let mnist = try ResumeTests.loadMNIST()
        guard let ranks else {
            let counter = Counter()
            let session = TrainingSession(
                config: config, data: mnist, threads: 2, runDirectory: directory, checkpoints: policy,
                resumingFrom: resumingFrom)
            return [try session.run(observer: counter) { stopAfter.map { counter.batches >= $0 } ?? false }]
        }
        let outcomes = Mutex<[Int: Result<TrainingSession.Outcome, SessionError>]>([:])
        ThreadGroup.run(size: ranks) { communicator in
            let result: Result<TrainingSession.Outcome, SessionError>
            do {
                let distribution = try Distribution(communicator: communicator, shardCount: config.resolvedShards)
                let counter = Counter()
                let rank = communicator.rank
                let session = TrainingSession(
                    config: config, data: mnist, threads: 1, runDirectory: directory, checkpoints: policy,
                    resumingFrom: resumingFrom, distribution: distribution)
                // Only rank 1 sees the stop request, as when a signal reaches the ranks at different moments.
                result = Result { () throws(SessionError) in
                    try session.run(observer: counter) { rank == 1 && stopAfter.map { counter.batches >= $0 } ?? false }
                }
            } catch {
                Issue.record("distribution: \(error)")
                return
            }
            outcomes.withLock { $0[communicator.rank] = result }
        }
        return try outcomes.withLock { all in try (0..<ranks).map { try all[$0]!.get() } }
    }

    /// The files of two run directories that must be identical: checkpoints without their TIME section,
    /// weights.bin, and metrics.csv without its timing columns.
    static func expectSameRun(_ expected: String, _ actual: String, files: [String]) throws {
        for name in files {
            #expect(
                try ResumeTests.withoutTiming(expected + "/" + name) == ResumeTests.withoutTiming(actual + "/" + name),
                "\(name)")
        }
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: expected + "/weights.bin"))
                == Data(contentsOf: URL(fileURLWithPath: actual + "/weights.bin")), "weights.bin")
        #expect(
            try ResumeTests.accuracyColumns(expected + "/metrics.csv")
                == ResumeTests.accuracyColumns(actual + "/metrics.csv"), "metrics.csv")
    }

    @Test("2 and 3 ranks write the files of a single process, byte for byte", arguments: [2, 3])
    func ranksMatchSingleProcess(ranks: Int) throws {
        try TestData.withTemporaryDirectory { single in
            try TestData.withTemporaryDirectory { split in
                let reference = try Self.run(ranks: nil, in: single)
                let outcomes = try Self.run(ranks: ranks, in: split)
                for outcome in outcomes {
                    #expect(outcome.records.map(\.testSpikeAccuracy) == reference[0].records.map(\.testSpikeAccuracy))
                    #expect(outcome.records.map(\.trainAccuracy) == reference[0].records.map(\.trainAccuracy))
                }
                try Self.expectSameRun(
                    single, split, files: ["latest.ckpt", "best.ckpt", "epoch-0001.ckpt", "epoch-0002.ckpt"])
                // Not vacuous: the network learned (the accuracy is far above chance) and moved its weights.
                #expect(reference[0].records.last!.testSpikeAccuracy > 0.6)
                let final = try Checkpoint.read(path: split + "/latest.ckpt")
                #expect(
                    final.parameters! != Network(inputs: 784, hidden: 300, shards: 5, seed: 1).canonicalParameters())
                // The collective writes left no temporary file behind.
                let names = try FileManager.default.contentsOfDirectory(atPath: split)
                #expect(!names.contains { $0.contains(".tmp.") }, "\(names)")
            }
        }
    }

    @Test(
        "the other teaching signals and rules split the same way (1 epoch)",
        arguments: [(2, "direct", "stdp"), (3, "beta", "eqprop"), (2, "centered", "eqprop")])
    func variantsMatchSingleProcess(ranks: Int, nudge: String, rule: String) throws {
        var config = Self.config()
        config.epochs = 1
        config.nudge = try #require(RunConfig.Nudge(rawValue: nudge))
        config.rule = try #require(RunConfig.Rule(rawValue: rule))
        try TestData.withTemporaryDirectory { single in
            try TestData.withTemporaryDirectory { split in
                _ = try Self.run(ranks: nil, in: single, config: config)
                _ = try Self.run(ranks: ranks, in: split, config: config)
                try Self.expectSameRun(single, split, files: ["latest.ckpt", "epoch-0001.ckpt"])
            }
        }
    }

    @Test("a weight average and a validation split: 3 ranks keep and write the single process's AVRG, stop and resume")
    func averageMatchesSingleProcess() throws {
        var config = Self.config()
        config.epochs = 3
        config.trainLimit = 705
        config.validation = 100
        config.averageFrom = 2
        try TestData.withTemporaryDirectory { single in
            try TestData.withTemporaryDirectory { split in
                let reference = try Self.run(ranks: nil, in: single, config: config)
                // Stopped inside epoch 3 (batch 145 of 183), with the average of epoch 2 in the checkpoint.
                let stopped = try Self.run(ranks: 3, in: split, config: config, stopAfter: 145)
                guard case .interrupted = stopped[0] else {
                    Issue.record("not interrupted: \(stopped[0])")
                    return
                }
                let checkpoint = try Checkpoint.read(path: split + "/latest.ckpt")
                #expect(checkpoint.average?.count == 1)
                let resumed = try Self.run(ranks: 3, in: split, config: config, resumingFrom: checkpoint)
                for outcome in resumed {
                    #expect(outcome.records.map(\.averagedTest) == reference[0].records.map(\.averagedTest))
                }
                #expect(reference[0].records.map { $0.averagedTest != nil } == [false, true, true])
                try Self.expectSameRun(single, split, files: ["latest.ckpt", "epoch-0002.ckpt", "epoch-0003.ckpt"])
                #expect(
                    try Data(contentsOf: URL(fileURLWithPath: single + "/averaged.bin"))
                        == Data(contentsOf: URL(fileURLWithPath: split + "/averaged.bin")))
            }
        }
    }

    @Test("a stop seen by one rank stops all at the same batch; 2 ranks resume on 1 and 1 on 3, same bytes")
    func stopAndResumeAcrossRankCounts() throws {
        try TestData.withTemporaryDirectory { single in
            try TestData.withTemporaryDirectory { split in
                _ = try Self.run(ranks: nil, in: single)
                // Leg 1: 2 ranks, stopped by rank 1 alone after batch 33 of epoch 1.
                let first = try Self.run(ranks: 2, in: split, stopAfter: 33)
                for outcome in first {
                    guard case .interrupted(_, let cursor, _) = outcome else {
                        Issue.record("leg 1 not interrupted: \(outcome)")
                        return
                    }
                    #expect(cursor.epoch == 1 && cursor.batchesDone == 33)
                }
                // Leg 2: one process continues the 2-rank checkpoint, stops after 40 more batches (epoch 2).
                let middle = try Checkpoint.read(path: split + "/latest.ckpt")
                _ = try Self.run(ranks: nil, in: split, resumingFrom: middle, stopAfter: 40)
                // Leg 3: 3 ranks finish the 1-process checkpoint.
                let last = try Checkpoint.read(path: split + "/latest.ckpt")
                #expect(last.cursor.epoch == 2 && last.cursor.batchesDone == 40 - (61 - 33))
                let outcomes = try Self.run(ranks: 3, in: split, resumingFrom: last)
                for outcome in outcomes {
                    guard case .completed = outcome else {
                        Issue.record("leg 3 did not complete: \(outcome)")
                        return
                    }
                }
                try Self.expectSameRun(single, split, files: ["latest.ckpt", "epoch-0002.ckpt"])
            }
        }
    }

    @Test("a failure on one rank reaches every rank with its message; no failure is nil everywhere")
    func failuresAreAgreed() {
        let seen = Mutex<[Int: [String?]]>([:])
        ThreadGroup.run(size: 3) { communicator in
            guard let distribution = try? Distribution(communicator: communicator, shardCount: 5) else { return }
            let none = distribution.agree(on: nil)
            let one = distribution.agree(on: communicator.rank == 2 ? "h.json: cannot read configuration" : nil)
            let two = distribution.agree(on: communicator.rank == 0 ? nil : "rank \(communicator.rank) failed")
            seen.withLock { $0[communicator.rank] = [none, one, two] }
        }
        for rank in 0..<3 {
            #expect(seen.withLock { $0[rank] } == [nil, "h.json: cannot read configuration", "rank 1 failed"])
        }
    }

    @Test("a checkpoint that cannot be written together fails on every rank, naming the file")
    func collectiveWriteFailureIsAgreed() {
        let errors = Mutex<[Int: String]>([:])
        let config = Self.config()
        ThreadGroup.run(size: 2) { communicator in
            guard let distribution = try? Distribution(communicator: communicator, shardCount: 5) else { return }
            let network = Network(inputs: 784, hidden: 300, shards: 5, seed: 1)
            do {
                try Checkpoint.writeTogether(
                    network: network, config: config, cursor: .start(epoch: 1, epochSamples: 605), records: [],
                    distribution: distribution, path: "/nonexistent-directory/latest.ckpt")
                errors.withLock { $0[communicator.rank] = "no error" }
            } catch {
                errors.withLock { $0[communicator.rank] = "\(error)" }
            }
        }
        let expected =
            "/nonexistent-directory/latest.ckpt: write failed: No such file or directory"
        #expect(errors.withLock { $0 } == [0: expected, 1: expected])
    }

    @Test("more ranks than shards is refused with a message naming both counts")
    func tooFewShards() {
        ThreadGroup.run(size: 3) { communicator in
            #expect(throws: DistributionError.tooFewShards(ranks: 3, shards: 2)) {
                _ = try Distribution(communicator: communicator, shardCount: 2)
            }
        }
        #expect(
            DistributionError.tooFewShards(ranks: 3, shards: 2).description
                == "3 ranks need at least 3 shards, the network has 2")
    }
}
