import Foundation
import Model
import Testing

/// Weight averaging inside a run (`averageFrom`, `WeightAveraging`, the AVRG checkpoint section) on real MNIST:
/// the average resumes bit-exactly, equals `ptrain average` over the same epochs' checkpoints, and its
/// accuracies are those of the averaged weights.
@Suite("Weight averaging inside a run", .serialized)
struct WeightAveragingTests {
    /// H = 100 in 2 shards, 1,205 training images of which the last 205 validate (100 batches per epoch), 300
    /// test images, 3 epochs, averaged from epoch 2.
    static func config() -> RunConfig {
        var config = ResumeTests.config()
        config.name = "average"
        config.epochs = 3
        config.validation = 205
        config.averageFrom = 2
        return config
    }

    /// A record without its wall-clock timing.
    static func untimed(_ record: EpochRecord) -> EpochRecord {
        var record = record
        record.seconds = 0
        record.samplesPerSecond = 0
        return record
    }

    /// `config()` on 100 training images (3 batches per epoch), 100 test images.
    static func shortConfig(epochs: Int, averageFrom: Int) -> RunConfig {
        var config = Self.config()
        config.epochs = epochs
        config.averageFrom = averageFrom
        config.trainLimit = 305
        config.testLimit = 100
        return config
    }

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test("the running mean sums in Float64 and divides once")
    func arithmetic() {
        var average = WeightAveraging(firstEpoch: 3)
        #expect(average.mean == nil && !average.includes(epoch: 2) && average.includes(epoch: 3))
        average.add([1, 0.1, -2])
        average.add([2, 0.2, 4])
        average.add([4, 0.4, 1])
        #expect(average.count == 3)
        #expect(average.sums == [7, Double(Float(0.1)) + Double(Float(0.2)) + Double(Float(0.4)), 3])
        #expect(average.mean == [Float(7.0 / 3), Float(average.sums[1] / 3), 1])
        #expect(WeightAveraging.count(firstEpoch: 3, completedEpochs: 2) == 0)
        #expect(WeightAveraging.count(firstEpoch: 3, completedEpochs: 5) == 3)
    }

    @Test("stopped after batches 50, 100 (end of epoch 1), 150 and 200, then resumed: the same average and files")
    func resumesBitExactly() throws {
        try TestData.withTemporaryDirectory { reference in
            try TestData.withTemporaryDirectory { resumed in
                let whole = try ResumeTests.run(Self.config(), in: reference, stoppingAfter: [])
                let pieces = try ResumeTests.run(Self.config(), in: resumed, stoppingAfter: [50, 100, 150, 200])
                #expect(whole.map(\.averagedTest) == pieces.map(\.averagedTest))
                #expect(whole.map(\.averagedValidation) == pieces.map(\.averagedValidation))
                #expect(whole[0].averagedTest == nil && whole[1].averagedTest != nil && whole[2].averagedTest != nil)
                #expect(whole.allSatisfy { ($0.averagedTest == nil) == ($0.averagedValidation == nil) })
                for name in ["latest.ckpt", "epoch-0002.ckpt", "epoch-0003.ckpt"] {
                    #expect(
                        try ResumeTests.withoutTiming(reference + "/" + name)
                            == ResumeTests.withoutTiming(resumed + "/" + name), "\(name)")
                }
                #expect(try Self.bytes(reference + "/averaged.bin") == Self.bytes(resumed + "/averaged.bin"))
                let latest = try Checkpoint.read(path: resumed + "/latest.ckpt")
                #expect(latest.layout?.minor == 3)
                #expect(latest.layout?.sections.map(\.tag).contains("AVRG") == true)
                #expect(latest.average?.firstEpoch == 2 && latest.average?.count == 2)
                #expect(latest.records.map(Self.untimed) == whole.map(Self.untimed))
                // Not vacuous: the average differs from the last epoch's weights.
                #expect(latest.average?.mean != latest.parameters)
            }
        }
    }

    @Test("the in-run average equals the mean of the epoch checkpoints, and its accuracies are the average's")
    func equalsAfterTheFactAverage() throws {
        try TestData.withTemporaryDirectory { directory in
            let mnist = try ResumeTests.loadMNIST()
            let records = try TrainingSession(
                config: Self.config(), data: mnist, threads: 2, runDirectory: directory,
                checkpoints: CheckpointPolicy(every: nil, keep: 3)
            ).run(observer: ResumeTests.Recorder())
            let afterTheFact = try WeightAverage.average([
                directory + "/epoch-0002.ckpt", directory + "/epoch-0003.ckpt",
            ])
            let latest = try Checkpoint.read(path: directory + "/latest.ckpt")
            #expect(latest.average?.mean == afterTheFact.network.canonicalParameters())
            let (_, stored) = try WeightsFile.read(path: directory + "/averaged.bin")
            #expect(stored.canonicalParameters() == afterTheFact.network.canonicalParameters())
            let test = mnist.test.prefix(300)
            let evaluation = evaluate(network: stored, config: Self.config(), dataset: test, threads: 1)
            #expect(
                records[2].averagedTest
                    == ReadoutAccuracy(
                        spike: evaluation.spikeAccuracy, relaxed: evaluation.relaxedAccuracy))
            // metrics.csv holds them to six decimals.
            let metrics = try MetricsTable.read(path: directory + "/metrics.csv")
            func rounded(_ accuracy: ReadoutAccuracy?) -> String {
                accuracy.map { MetricsTable.fixed($0.spike, 6) + " " + MetricsTable.fixed($0.relaxed, 6) } ?? "-"
            }
            #expect(metrics.map { rounded($0.averagedTest) } == records.map { rounded($0.averagedTest) })
            #expect(metrics.map { rounded($0.averagedValidation) } == records.map { rounded($0.averagedValidation) })
            #expect(metrics.map { rounded($0.averagedTest) }.first == "-")
        }
    }

    @Test("averageEvery batch: the mean of every batch's weights from epoch 2 on, stopped after each batch or not")
    func averagesEveryBatch() throws {
        var config = Self.shortConfig(epochs: 2, averageFrom: 2)
        config.averageEvery = .batch
        try TestData.withTemporaryDirectory { reference in
            try TestData.withTemporaryDirectory { stepped in
                _ = try ResumeTests.run(config, in: reference, stoppingAfter: [])
                // 10 batches per epoch: stop after each of epoch 2's first nine batches and keep its weights.
                let mnist = try ResumeTests.loadMNIST()
                var checkpoint: Checkpoint?
                var done = 0
                var weights: [[Float]] = []
                for stop in Array(11...19) + [Int.max] {
                    let observer = ResumeTests.Recorder()
                    let outcome = try TrainingSession(
                        config: config, data: mnist, threads: 1, runDirectory: stepped,
                        checkpoints: CheckpointPolicy(), resumingFrom: checkpoint
                    ).run(observer: observer) { done + observer.batches >= stop }
                    done += observer.batches
                    checkpoint = try Checkpoint.read(path: stepped + "/latest.ckpt")
                    if stop > 10 { weights.append(try #require(checkpoint?.parameters)) }
                    if case .completed = outcome { break }
                }
                #expect(weights.count == 10)
                var expected = WeightAveraging(firstEpoch: 2)
                for parameters in weights { expected.add(parameters) }
                #expect(checkpoint?.average?.count == 10)
                #expect(checkpoint?.average?.mean == expected.mean)
                #expect(try Self.bytes(reference + "/averaged.bin") == Self.bytes(stepped + "/averaged.bin"))
                let (_, stored) = try WeightsFile.read(path: reference + "/averaged.bin")
                #expect(stored.canonicalParameters() == expected.mean)
                // Not the end-of-epoch average: that is epoch 2's last weights alone.
                #expect(expected.mean != weights.last)
            }
        }
    }

    @Test("a checkpoint without AVRG for a run that averages, or with AVRG for one that does not, is refused")
    func sectionMatchesTheConfiguration() throws {
        try TestData.withTemporaryDirectory { directory in
            _ = try TrainingSession(
                config: Self.shortConfig(epochs: 2, averageFrom: 2), data: try ResumeTests.loadMNIST(), threads: 2,
                runDirectory: directory
            ).run(observer: ResumeTests.Recorder())
            let path = directory + "/latest.ckpt"
            let checkpoint = try Checkpoint.read(path: path)
            var without = checkpoint
            without.average = nil
            without.config.averageFrom = 0
            for record in without.records.indices {
                without.records[record].averagedTest = nil
                without.records[record].averagedValidation = nil
            }
            let plain = without.encoded()
            #expect(try Checkpoint.layout(of: plain, path: "plain").minor == 2)
            // AVRG spliced into the plain file (its configuration says averageFrom 0): refused.
            let bytes = try Checkpoint.readBytes(path: path)
            let layout = try Checkpoint.layout(of: bytes, path: path)
            let section = try #require(layout.sections.first { $0.tag == "AVRG" })
            #expect(
                layout.sections.map(\.tag) == ["CONF", "CURS", "METR", "VALD", "BEST", "TIME", "dATA", "AVRG", "WGHT"])
            var cut = Array(bytes[..<section.bytes.lowerBound] + bytes[section.bytes.upperBound...])
            Self.setSectionCount(&cut, to: layout.sections.count - 1)
            #expect(throws: CheckpointError.missingSection(path: "cut", tag: "AVRG")) {
                try Checkpoint.decode(cut, path: "cut")
            }
            // AVRG spliced into the file of a run without averaging, before its WGHT: refused.
            let plainLayout = try Checkpoint.layout(of: plain, path: "plain")
            let weights = try #require(plainLayout.sections.first { $0.tag == "WGHT" })
            var spliced = Array(plain[..<weights.offset] + bytes[section.bytes] + plain[weights.offset...])
            Self.setSectionCount(&spliced, to: plainLayout.sections.count + 1)
            #expect(
                throws: CheckpointError.malformed(
                    path: "spliced", part: "section AVRG", reason: "the configuration does not average weights")
            ) { try Checkpoint.decode(spliced, path: "spliced") }
        }
    }

    /// Rewrites the header's section count and CRC.
    static func setSectionCount(_ bytes: inout [UInt8], to count: Int) {
        for index in 0..<4 { bytes[44 + index - 4] = UInt8(truncatingIfNeeded: UInt32(count) >> (8 * index)) }
        let crc = CRC32.checksum(bytes[0..<44])
        for index in 0..<4 { bytes[44 + index] = UInt8(truncatingIfNeeded: crc >> (8 * index)) }
    }

    @Test("a fork may start averaging at an epoch not yet finished, not at one already past")
    func forkRules() throws {
        try TestData.withTemporaryDirectory { parent in
            let config = Self.shortConfig(epochs: 1, averageFrom: 0)
            let mnist = try ResumeTests.loadMNIST()
            _ = try TrainingSession(config: config, data: mnist, threads: 2, runDirectory: parent)
                .run(observer: ResumeTests.Recorder())
            let checkpoint = try Checkpoint.read(path: parent + "/latest.ckpt")
            try TestData.withTemporaryDirectory { fork in
                var late = config
                late.epochs = 3
                late.averageFrom = 1
                let session = TrainingSession(
                    config: late, data: mnist, threads: 2, runDirectory: fork + "/a", resumingFrom: checkpoint,
                    setup: RunSetup(mode: .fork(Self.parent(parent))))
                #expect(
                    throws: SessionError.invalidData(
                        "averageFrom 1 needs the weights of epochs 1…1, which the checkpoint (after epoch 1) does not "
                            + "keep; average from epoch 2 or later, or after the fact from its epoch checkpoints")
                ) { try session.run(observer: ResumeTests.Recorder()) }
                late.averageFrom = 2
                let records = try TrainingSession(
                    config: late, data: mnist, threads: 2, runDirectory: fork + "/b", resumingFrom: checkpoint,
                    setup: RunSetup(mode: .fork(Self.parent(parent)))
                ).run(observer: ResumeTests.Recorder())
                #expect(records.map { $0.averagedTest != nil } == [false, true, true])
            }
        }
    }

    static func parent(_ directory: String) -> RunIdentity.Parent {
        RunIdentity.Parent(
            directory: directory, run: nil, checkpoint: directory + "/latest.ckpt", epochsDone: 1, batchesDone: 0,
            changedKeys: ["averageFrom"])
    }
}
