import Foundation
import Model
import Testing

/// Resuming through `TrainingSession` on real MNIST: a run stopped after any batch and continued (at another
/// thread count) ends with the same bytes as a run that never stopped; the files of the run directory follow
/// the checkpoint policy.
@Suite("Resuming training from a checkpoint", .serialized)
struct ResumeTests {
    /// Records the checkpoints a session writes; stops it when `stopAfter` says so.
    final class Recorder: TrainingObserver {
        var batches = 0
        var resumedAt: TrainingCursor?
        var written: [(path: String, cursor: TrainingCursor)] = []
        func runStarted(config: RunConfig, threads: Int, runDirectory: String, trainSamples: Int, testSamples: Int) {}
        func batchFinished(epoch: Int, samplesDone: Int, samplesTotal: Int, correct: Int, elapsedSeconds: Double) {
            batches += 1
        }
        func evaluationStarted(epoch: Int) {}
        func epochFinished(_ record: EpochRecord) {}
        func runResumed(at cursor: TrainingCursor) { resumedAt = cursor }
        func checkpointWritten(path: String, cursor: TrainingCursor) { written.append((path, cursor)) }
    }

    static let mnist: TrainTestSets? = TestData.mnistDirectory.flatMap { try? MNIST.load(directory: $0) }

    static func loadMNIST() throws -> TrainTestSets {
        _ = try TestData.mnist()
        return try #require(mnist)
    }

    /// H = 100 in 2 shards (64 + 36), 1,205 training images (121 batches, the last one short), 300 test images, 2 epochs.
    static func config() -> RunConfig {
        var config = RunConfig()
        config.name = "resume"
        config.hidden = 100
        config.shards = 2
        config.epochs = 2
        config.trainLimit = 1205
        config.testLimit = 300
        return config
    }

    /// A file's bytes with its TIME section (wall-clock timing, the only part that differs between two runs
    /// of one configuration) cut out.
    static func withoutTiming(_ path: String) throws -> [UInt8] {
        let bytes = try Checkpoint.readBytes(path: path)
        let layout = try Checkpoint.layout(of: bytes, path: path)
        let timing = try #require(layout.sections.first { $0.tag == "TIME" })
        return Array(bytes[..<timing.bytes.lowerBound] + bytes[timing.bytes.upperBound...])
    }

    /// metrics.csv without its timing columns.
    static func accuracyColumns(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: ",").prefix(4).joined(separator: ",") }
    }

    /// Runs `config`, stopping after each listed global batch number and resuming from `latest.ckpt`, the
    /// threads alternating between 2 and 1. Returns the final outcome's records.
    static func run(
        _ config: RunConfig, in directory: String, stoppingAfter stops: [Int],
        policy: CheckpointPolicy = CheckpointPolicy()
    ) throws -> [EpochRecord] {
        let mnist = try loadMNIST()
        var checkpoint: Checkpoint?
        var batchesSoFar = 0
        for (leg, stop) in (stops + [Int.max]).enumerated() {
            let observer = Recorder()
            let session = TrainingSession(
                config: config, data: mnist, threads: leg % 2 == 0 ? 2 : 1, runDirectory: directory,
                checkpoints: policy, resumingFrom: checkpoint)
            let outcome = try session.run(observer: observer) { batchesSoFar + observer.batches >= stop }
            batchesSoFar += observer.batches
            if leg > 0 { #expect(observer.resumedAt == checkpoint?.cursor) }
            switch outcome {
            case .completed(let records):
                #expect(stop == Int.max, "the run ended before batch \(stop)")
                return records
            case .interrupted(_, let cursor, let path):
                #expect(path == directory + "/latest.ckpt")
                checkpoint = try Checkpoint.read(path: path)
                #expect(checkpoint?.cursor == cursor)
                #expect(batchesSoFar == stop)
            }
        }
        Issue.record("unreachable")
        return []
    }

    @Test("stopped after batches 1, 60, 121 (end of epoch 1), 122 and 200, then resumed: the same files as one run")
    func interruptedRunEqualsUninterrupted() throws {
        try TestData.withTemporaryDirectory { reference in
            try TestData.withTemporaryDirectory { resumed in
                let whole = try Self.run(Self.config(), in: reference, stoppingAfter: [])
                let pieces = try Self.run(Self.config(), in: resumed, stoppingAfter: [1, 60, 121, 122, 200])
                #expect(pieces.map(\.testSpikeAccuracy) == whole.map(\.testSpikeAccuracy))
                #expect(pieces.map(\.trainAccuracy) == whole.map(\.trainAccuracy))
                #expect(pieces.map(\.testRelaxedAccuracy) == whole.map(\.testRelaxedAccuracy))
                for name in ["latest.ckpt", "best.ckpt", "epoch-0001.ckpt", "epoch-0002.ckpt"] {
                    #expect(
                        try Self.withoutTiming(reference + "/" + name) == Self.withoutTiming(resumed + "/" + name),
                        "\(name)")
                }
                #expect(
                    try Self.accuracyColumns(reference + "/metrics.csv")
                        == Self.accuracyColumns(resumed + "/metrics.csv"))
                #expect(
                    try Data(contentsOf: URL(fileURLWithPath: reference + "/weights.bin"))
                        == Data(contentsOf: URL(fileURLWithPath: resumed + "/weights.bin")))
                // Not vacuous: training moved the weights, and the epochs differ.
                let final = try Checkpoint.read(path: resumed + "/latest.ckpt")
                let initial = Network(inputs: 784, hidden: 100, shards: 2, seed: 1).canonicalParameters()
                #expect(final.parameters! != initial)
                #expect(
                    final.cursor
                        == TrainingCursor.start(epoch: 3, epochSamples: 1205).withSeconds(final.cursor.trainSeconds))
            }
        }
    }

    @Test("a stop inside an epoch saves that position; the stop after the last epoch is simply the end")
    func interruptionCursor() throws {
        try TestData.withTemporaryDirectory { directory in
            var config = Self.config()
            config.epochs = 1
            let observer = Recorder()
            let session = TrainingSession(
                config: config, data: try Self.loadMNIST(), threads: 2, runDirectory: directory)
            let outcome = try session.run(observer: observer) { observer.batches >= 45 }
            guard case .interrupted(let records, let cursor, _) = outcome else {
                Issue.record("not interrupted: \(outcome)")
                return
            }
            #expect(records.isEmpty)
            #expect(cursor.epoch == 1 && cursor.batchesDone == 45 && cursor.samplesDone == 450)
            #expect(cursor.epochSamples == 1205 && cursor.correct > 0 && cursor.correct <= 450)
            #expect(!FileManager.default.fileExists(atPath: directory + "/metrics.csv"))
            #expect(!FileManager.default.fileExists(atPath: directory + "/best.ckpt"))
        }
    }

    @Test(
        "--checkpoint-every 25 batches rewrites latest.ckpt after batches 25, 50, 75 and 100 of 121, then at the epoch’s end"
    )
    func checkpointsEveryNBatches() throws {
        try TestData.withTemporaryDirectory { directory in
            var config = Self.config()
            config.epochs = 1
            let observer = Recorder()
            let session = TrainingSession(
                config: config, data: try Self.loadMNIST(), threads: 2, runDirectory: directory,
                checkpoints: CheckpointPolicy(every: .batches(25), keep: 3))
            _ = try session.run(observer: observer)
            let latest = observer.written.filter { $0.path.hasSuffix("/latest.ckpt") }
            #expect(latest.map(\.cursor.batchesDone) == [25, 50, 75, 100, 0])
            #expect(latest.map(\.cursor.epoch) == [1, 1, 1, 1, 2])
        }
    }

    @Test("when a mid-epoch checkpoint is due")
    func policy() {
        let batches = CheckpointPolicy(every: .batches(25))
        let due = [24, 25, 26, 50].map { batches.isDue(batchesDone: $0, secondsSinceLast: 0) }
        #expect(due == [false, true, false, true])
        let seconds = CheckpointPolicy(every: .seconds(90))
        #expect([89.9, 90, 200].map { seconds.isDue(batchesDone: 1, secondsSinceLast: $0) } == [false, true, true])
        #expect(!CheckpointPolicy(every: nil).isDue(batchesDone: 25, secondsSinceLast: 1e9))
        #expect(RunDirectory.epochCheckpoint(3) == "epoch-0003.ckpt")
        #expect(RunDirectory.epochCheckpoint(12345) == "epoch-12345.ckpt")
        #expect(RunDirectory.epoch(ofCheckpoint: "epoch-0003.ckpt") == 3)
        #expect(RunDirectory.epoch(ofCheckpoint: "epoch-3.ckpt") == nil)
        #expect(RunDirectory.epoch(ofCheckpoint: "epoch-0003.ckpt.tmp.12") == nil)
    }

    @Test("epoch-XXXX.ckpt files of the last K epochs are kept; best.ckpt is the best epoch's checkpoint")
    func keepAndBest() throws {
        try TestData.withTemporaryDirectory { directory in
            var config = Self.config()
            config.epochs = 4
            config.trainLimit = 200
            config.testLimit = 100
            let records = try TrainingSession(
                config: config, data: try Self.loadMNIST(), threads: 2, runDirectory: directory,
                checkpoints: CheckpointPolicy(every: nil, keep: 2)
            ).run(observer: Recorder())
            let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
            #expect(
                names == [
                    ".ptrain.lock", "best.ckpt", "config.json", "epoch-0003.ckpt", "epoch-0004.ckpt", "latest.ckpt",
                    "metrics.csv", "run.json", "weights.bin",
                ])
            let best = try Checkpoint.read(path: directory + "/best.ckpt")
            let bestEpoch = BestAccuracy.of(records)!.epoch
            #expect(best.cursor.epoch == bestEpoch + 1)
            #expect(best.best?.testSpikeAccuracy == records.map(\.testSpikeAccuracy).max())
            #expect(try Checkpoint.read(path: directory + "/latest.ckpt").records == records)
        }
    }

    @Test("a run stopped inside an epoch cannot continue over a training set of another size")
    func midEpochResumeNeedsTheSameData() throws {
        try TestData.withTemporaryDirectory { directory in
            let mnist = try Self.loadMNIST()
            let first = Recorder()
            _ = try TrainingSession(config: Self.config(), data: mnist, threads: 2, runDirectory: directory)
                .run(observer: first) { first.batches >= 10 }
            let checkpoint = try Checkpoint.read(path: directory + "/latest.ckpt")
            var config = checkpoint.config
            config.trainLimit = 1000
            let session = TrainingSession(
                config: config, data: mnist, threads: 2, runDirectory: directory, resumingFrom: checkpoint)
            #expect(throws: SessionError.self) { try session.run(observer: Recorder()) }
        }
    }

    @Test("temporary files left by a killed writer are removed on resume when their process is gone, and only then")
    func staleTemporariesAreRemoved() throws {
        try TestData.withTemporaryDirectory { directory in
            var config = Self.config()
            config.epochs = 1
            config.trainLimit = 50
            config.testLimit = 20
            _ = try TrainingSession(config: config, data: try Self.loadMNIST(), threads: 1, runDirectory: directory)
                .run(observer: Recorder())
            let dead = Process()
            dead.executableURL = URL(fileURLWithPath: "/bin/true")
            try dead.run()
            dead.waitUntilExit()
            let stale = directory + "/latest.ckpt.tmp.\(dead.processIdentifier)"
            let live = directory + "/latest.ckpt.tmp.1"  // init is always alive
            let foreign = directory + "/notes.txt.tmp.\(dead.processIdentifier)"
            for path in [stale, live, foreign] {
                #expect(FileManager.default.createFile(atPath: path, contents: Data([1])))
            }
            let checkpoint = try Checkpoint.read(path: directory + "/latest.ckpt")
            config.epochs = 2
            _ = try TrainingSession(
                config: config, data: try Self.loadMNIST(), threads: 1, runDirectory: directory,
                resumingFrom: checkpoint
            ).run(observer: Recorder())
            #expect(!FileManager.default.fileExists(atPath: stale))
            #expect(FileManager.default.fileExists(atPath: live))
            #expect(FileManager.default.fileExists(atPath: foreign))
        }
    }
}

extension TrainingCursor {
    func withSeconds(_ seconds: Double) -> TrainingCursor {
        var copy = self
        copy.trainSeconds = seconds
        return copy
    }
}
