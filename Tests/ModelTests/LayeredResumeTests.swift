import Foundation
import Model
import Testing

/// Checkpoints and resume of layered networks (issue #15) through `LayeredSession` on real MNIST: a run stopped
/// inside an epoch and at an epoch's end, continued at another thread count, ends with the same bytes as a run
/// that never stopped (weights, the running average, every checkpoint but its timing, the metrics); the
/// checkpoints are format 1.4 with LAYR, which a 1.3 reader refuses by its unknown critical section.
@Suite("Resuming a layered network from a checkpoint", .serialized)
struct LayeredResumeTests {
    /// conv 8c5s2p1 → local 4c3s2 → 10 classes, 403 training images of which 100 validation (31 batches of 10,
    /// the last one short), 200 test images, 2 epochs, averaged from epoch 1 every batch.
    static func config() -> RunConfig {
        var config = RunConfig()
        config.name = "layered-resume"
        config.layers = [
            .convolution(channels: 8, kernel: 5, stride: 2, padding: 1),
            .locallyConnected(channels: 4, kernel: 3, stride: 2, padding: 0),
        ]
        config.epochs = 2
        config.trainLimit = 403
        config.validation = 100
        config.testLimit = 200
        config.averageFrom = 1
        config.averageEvery = .batch
        return config
    }

    /// Runs `config` in `directory`, stopping after each listed global batch number and resuming from
    /// `latest.ckpt`, the threads alternating between 2 and 1; returns the records.
    static func run(_ config: RunConfig, in directory: String, stoppingAfter stops: [Int]) throws -> [EpochRecord] {
        let mnist = try ResumeTests.loadMNIST()
        var checkpoint: Checkpoint?
        var batchesSoFar = 0
        for (leg, stop) in (stops + [Int.max]).enumerated() {
            let observer = ResumeTests.Recorder()
            let session = LayeredSession(
                config: config, data: mnist, threads: leg % 2 == 0 ? 2 : 1, runDirectory: directory,
                checkpoints: CheckpointPolicy(keep: 5), resumingFrom: checkpoint)
            let outcome = try session.run(observer: observer) { batchesSoFar + observer.batches >= stop }
            batchesSoFar += observer.batches
            if leg > 0 { #expect(observer.resumedAt == checkpoint?.cursor) }
            switch outcome {
            case .completed(let records):
                #expect(stop == Int.max, "the run ended before batch \(stop)")
                return records
            case .interrupted(_, let cursor, let path):
                #expect(path == directory + "/latest.ckpt")
                #expect(cursor.completedEpochs * 31 + cursor.batchesDone == stop)
                checkpoint = try Checkpoint.read(path: path)
            }
        }
        Issue.record("the run never completed")
        return []
    }

    @Test("stopped mid-epoch and at an epoch's end, resumed at 1 and 2 threads: the same bytes as one run")
    func resumeIsBitExact() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ptrain-layered-resume-\(getpid())")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let whole = scratch.appendingPathComponent("whole").path
        let pieces = scratch.appendingPathComponent("pieces").path
        let config = Self.config()
        let expected = try Self.run(config, in: whole, stoppingAfter: [])
        // Batch 13 is inside epoch 1, batch 31 its last (the stop is after the epoch's files), 45 inside epoch 2.
        let records = try Self.run(config, in: pieces, stoppingAfter: [13, 31, 45])
        #expect(records.map(\.testSpikeAccuracy) == expected.map(\.testSpikeAccuracy))
        #expect(records.map(\.averagedTest) == expected.map(\.averagedTest))
        #expect(records.map(\.validation) == expected.map(\.validation))
        for name in ["model.bin", "best-model.bin", "averaged-model.bin"] {
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: pieces + "/" + name))
                    == Data(contentsOf: URL(fileURLWithPath: whole + "/" + name)), "\(name)")
        }
        for name in ["latest.ckpt", "epoch-0001.ckpt", "epoch-0002.ckpt", "best.ckpt"] {
            #expect(
                try ResumeTests.withoutTiming(pieces + "/" + name) == ResumeTests.withoutTiming(whole + "/" + name),
                "\(name)")
        }
        #expect(
            try ResumeTests.accuracyColumns(pieces + "/metrics.csv")
                == ResumeTests.accuracyColumns(whole + "/metrics.csv"))
        // The checkpoint holds the network and its average: format 1.4, LAYR in place of WGHT.
        let checkpoint = try Checkpoint.read(path: whole + "/latest.ckpt")
        #expect(checkpoint.layout.map { [$0.major, $0.minor] } == [1, 4])
        #expect(
            checkpoint.layout?.sections.map(\.tag) == [
                "CONF", "CURS", "METR", "VALD", "BEST", "TIME", "dATA", "AVRG", "LAYR",
            ])
        #expect(checkpoint.isLayered && checkpoint.hidden == 0)
        let (_, model) = try LayeredModelFile.read(path: whole + "/model.bin")
        #expect(checkpoint.makeLayeredNetwork()?.parameters() == model.parameters())
        let (_, averaged) = try LayeredModelFile.read(path: whole + "/averaged-model.bin")
        #expect(checkpoint.makeLayeredNetwork(averaged: true)?.parameters() == averaged.parameters())
        #expect(checkpoint.makeNetwork() == nil)
    }

    @Test("a layered checkpoint is refused by a reader that knows format 1.3 only, by its critical LAYR section")
    func olderReadersRefuseLayeredCheckpoints() throws {
        let stack = try LayerStack(
            input: ActivationShape(rows: 6, columns: 6, channels: 1),
            layers: [.convolution(channels: 2, kernel: 3, stride: 1, padding: 0)], outputs: 3)
        var config = RunConfig()
        config.layers = stack.layers
        let network = LayeredNetwork(stack: stack, outputs: 3, seed: 2)
        let bytes = Checkpoint(
            network: network, config: config, cursor: .start(epoch: 1, epochSamples: 10), records: []
        ).encoded()
        // This reader reads it back exactly.
        let read = try Checkpoint.decode(bytes, path: "x.ckpt")
        #expect(read.makeLayeredNetwork()?.parameters() == network.parameters())
        #expect(read.layeredInput == stack.input)
        // A 1.3 reader does not know the tag: a critical section it does not know refuses the file. Renaming the
        // tag to another unknown critical one (and fixing its CRC) is what such a reader sees.
        let layout = try Checkpoint.layout(of: bytes, path: "x.ckpt")
        let section = try #require(layout.sections.first { $0.tag == "LAYR" })
        var renamed = bytes
        renamed.replaceSubrange(section.offset..<(section.offset + 4), with: Array("LAYZ".utf8))
        let end = section.payload.upperBound
        let crc = CRC32.checksum(renamed[section.offset..<end])
        withUnsafeBytes(of: crc.littleEndian) { renamed.replaceSubrange(end..<(end + 4), with: $0) }
        #expect(throws: CheckpointError.unknownCriticalSection(path: "x.ckpt", tag: "LAYZ")) {
            try Checkpoint.decode(renamed, path: "x.ckpt")
        }
    }
}
