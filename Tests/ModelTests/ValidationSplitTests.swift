import Foundation
import Model
import Testing

/// The validation split (issue #13): held-out images disjoint from training and deterministic, epochs
/// selected by them (BEST, best.ckpt, the one selection function), recorded in metrics.csv and the VALD
/// section, and old six-column files still readable.
@Suite("Validation split and epoch selection", .serialized)
struct ValidationSplitTests {
    static func record(_ epoch: Int, test: Double, validation: Double? = nil) -> EpochRecord {
        EpochRecord(
            epoch: epoch, trainAccuracy: 0.5, testSpikeAccuracy: test, testRelaxedAccuracy: test, seconds: 1,
            samplesPerSecond: 10, validation: validation.map { ReadoutAccuracy(spike: $0, relaxed: $0 / 2) })
    }

    @Test("the last N images are held out, the first count − N trained on, nothing shared, the same every time")
    func splitIsDisjointAndDeterministic() {
        let labels = (0..<10).map { UInt8($0) }
        let pixels = (0..<40).map { UInt8($0) }
        let set = Dataset(name: "s", rows: 2, columns: 2, pixels: pixels, labels: labels)
        let (train, validation) = ValidationSplit.split(set, holdOut: 3)
        #expect(train.labels == [0, 1, 2, 3, 4, 5, 6])
        #expect(train.pixels == Array(pixels[0..<28]))
        #expect(validation?.labels == [7, 8, 9])
        #expect(validation?.pixels == Array(pixels[28...]))
        #expect(ValidationSplit.split(set, holdOut: 3).validation?.pixels == validation?.pixels)
        #expect(ValidationSplit.split(set, holdOut: 0).validation == nil)
        #expect(ValidationSplit.split(set, holdOut: 0).train.labels == labels.map(Int32.init))
    }

    @Test("validationSplit random: N seeded images, in order, disjoint from training, fixed by the seed")
    func randomSplit() {
        let count = 50
        // Each image's label is its index, and its two pixels 2i and 2i + 1, so the labels name the images.
        let set = Dataset(
            name: "s", rows: 1, columns: 2, pixels: (0..<(2 * count)).map { UInt8($0) },
            labels: (0..<count).map { UInt8($0) }, classCount: count)
        var config = RunConfig()
        config.validation = 10
        config.validationSplit = .random
        let (train, validation) = ValidationSplit.split(set, for: config)
        let held = validation!.labels.map(Int.init)
        #expect(held == [2, 16, 20, 24, 27, 28, 36, 38, 39, 42])
        #expect(validation!.pixels == held.flatMap { [UInt8(2 * $0), UInt8(2 * $0 + 1)] })
        #expect(train.labels.map(Int.init) == (0..<count).filter { !held.contains($0) })
        #expect(train.pixels == train.labels.flatMap { [UInt8(2 * $0), UInt8(2 * $0 + 1)] })
        #expect(validation!.name == "s (validation)" && train.name == "s")
        // The same seed, the same images; another seed, others; never an epoch shuffle's first N.
        #expect(ValidationSplit.split(set, for: config).validation!.labels == validation!.labels)
        #expect(ValidationSplit.heldOut(count: count, holdOut: 10, images: .random, seed: 1) == held)
        config.seed = 2
        #expect(ValidationSplit.split(set, for: config).validation!.labels.map(Int.init) != held)
        for epoch in 0...3 {
            #expect(EpochOrder.permutation(count: count, seed: 1, epoch: epoch).prefix(10).sorted() != held)
        }
        // `last` is what it always was.
        config.validationSplit = .last
        #expect(ValidationSplit.split(set, for: config).validation!.labels == Array(40..<50))
        #expect(ValidationSplit.split(set, for: config).train.pixels == Array(0..<80))
        config.validation = 0
        #expect(ValidationSplit.split(set, for: config).validation == nil)
    }

    @Test("selection by validation when the records have it (test accuracy at that epoch), else by test")
    func selection() {
        let validated = [
            Self.record(1, test: 0.90, validation: 0.80), Self.record(2, test: 0.95, validation: 0.85),
            Self.record(3, test: 0.97, validation: 0.85), Self.record(4, test: 0.99, validation: 0.84),
        ]
        let chosen = EpochSelection.best(of: validated)!
        #expect(chosen.rule == .validation && chosen.record.epoch == 2 && chosen.record.testSpikeAccuracy == 0.95)
        #expect(EpochSelection.epochsSinceBest(validated) == 2)
        #expect(
            BestAccuracy.of(validated) == BestAccuracy(epoch: 2, testSpikeAccuracy: 0.95, testRelaxedAccuracy: 0.95))
        let tested = validated.map { Self.record($0.epoch, test: $0.testSpikeAccuracy) }
        #expect(EpochSelection.best(of: tested)!.rule == .test)
        #expect(EpochSelection.best(of: tested)!.record.epoch == 4)
        #expect(EpochSelection.best(of: []) == nil)
    }

    @Test("metrics.csv gains the validation columns only with a split; both forms read back; old files read")
    func metricsColumns() throws {
        let plain = [Self.record(1, test: 0.5)]
        #expect(MetricsTable.csv(plain).hasPrefix(MetricsTable.header + "\n"))
        let validated = [Self.record(1, test: 0.5, validation: 0.25), Self.record(2, test: 0.75, validation: 0.5)]
        let text = MetricsTable.csv(validated)
        #expect(
            text.split(separator: "\n")[0]
                == "epoch,train_accuracy,test_accuracy_spike,test_accuracy_relaxed,seconds,samples_per_second,"
                + "validation_accuracy_spike,validation_accuracy_relaxed")
        #expect(text.split(separator: "\n")[1] == "1,0.500000,0.500000,0.500000,1.000,10.0,0.250000,0.125000")
        #expect(try MetricsTable.parse(text, path: "m") == validated)
        #expect(try MetricsTable.parse(MetricsTable.csv(plain), path: "m") == plain)
        #expect(throws: MetricsError.self) {
            try MetricsTable.parse(
                MetricsTable.header + ",validation_accuracy_spike\n1,0.5,0.5,0.5,1,10,0.5\n", path: "m")
        }
        #expect(throws: MetricsError.notANumber(path: "m", line: 2, column: "validation_accuracy_relaxed", text: "")) {
            try MetricsTable.parse(
                MetricsTable.header
                    + ",validation_accuracy_spike,validation_accuracy_relaxed\n1,0.5,0.5,0.5,1,10,0.5,\n",
                path: "m")
        }
    }

    @Test("a validation run's checkpoint is format 1.2 with VALD and a validation-selected BEST; others stay 1.1")
    func checkpointSection() throws {
        var config = RunConfig()
        config.hidden = 20
        config.shards = 1
        config.epochs = 4
        let network = Network(inputs: 16, hidden: 20, shards: 1, seed: 7)
        let cursor = TrainingCursor.start(epoch: 3, epochSamples: 90)
        let plain = Checkpoint(
            network: network, config: config, cursor: cursor,
            records: [Self.record(1, test: 0.5), Self.record(2, test: 0.6)])
        let plainRead = try Checkpoint.decode(plain.encoded(), path: "p")
        #expect(plainRead.layout?.minor == 1 && !plainRead.layout!.sections.contains { $0.tag == "VALD" })
        #expect(!config.jsonText().contains("validation"))

        config.validation = 10
        let records = [Self.record(1, test: 0.5, validation: 0.75), Self.record(2, test: 0.6, validation: 0.5)]
        let bytes = Checkpoint(network: network, config: config, cursor: cursor, records: records).encoded()
        let read = try Checkpoint.decode(bytes, path: "v")
        #expect(read.layout?.minor == 2 && read.layout!.sections.map(\.tag).contains("VALD"))
        #expect(read.records.map(\.validation) == records.map(\.validation))
        #expect(read.best == BestAccuracy(epoch: 1, testSpikeAccuracy: 0.5, testRelaxedAccuracy: 0.5))
        // A validation configuration without VALD (a section cut out) is refused.
        let section = read.layout!.sections.first { $0.tag == "VALD" }!
        let cut = Array(bytes[..<section.offset]) + Array(bytes[section.bytes.upperBound...])
        #expect(throws: CheckpointError.self) { try Checkpoint.decode(cut, path: "v") }
    }

    @Test("a run with a split trains on count − N images, records validation, and best.ckpt is its chosen epoch")
    func sessionUsesTheSplit() throws {
        let mnist = try ResumeTests.loadMNIST()
        var config = RunConfig()
        config.name = "validation"
        config.hidden = 64
        config.epochs = 3
        config.trainLimit = 600
        config.testLimit = 200
        config.validation = 200
        try TestData.withTemporaryDirectory { directory in
            let observer = ResumeTests.Recorder()
            let session = TrainingSession(config: config, data: mnist, threads: 2, runDirectory: directory)
            let records = try session.run(observer: observer)
            #expect(observer.batches == 3 * 40)  // 400 training images, batch 10
            #expect(records.allSatisfy { $0.validation != nil })
            let metrics = try MetricsTable.read(path: directory + "/metrics.csv")
            #expect(metrics.map(\.validation) == records.map(\.validation))
            let best = try Checkpoint.read(path: directory + "/best.ckpt", weights: .skip)
            let chosen = EpochSelection.best(of: records)!
            #expect(chosen.rule == .validation)
            #expect(best.records.count == chosen.record.epoch)
            #expect(
                try Checkpoint.read(path: directory + "/latest.ckpt", weights: .skip).best?.epoch == chosen.record.epoch
            )
        }
    }

    @Test("a run with validationSplit random trains on the other count − N images: other weights than with last")
    func sessionUsesTheRandomSplit() throws {
        let mnist = try ResumeTests.loadMNIST()
        var config = RunConfig()
        config.hidden = 32
        config.epochs = 1
        config.trainLimit = 300
        config.testLimit = 100
        config.validation = 100
        var weights: [RunConfig.ValidationImages: [Float]] = [:]
        for images in RunConfig.ValidationImages.allCases {
            config.validationSplit = images
            try TestData.withTemporaryDirectory { directory in
                let observer = ResumeTests.Recorder()
                let session = TrainingSession(config: config, data: mnist, threads: 2, runDirectory: directory)
                let records = try session.run(observer: observer)
                #expect(observer.batches == 20)  // 200 training images, batch 10
                #expect(records.allSatisfy { $0.validation != nil })
                let written = try String(contentsOfFile: directory + "/config.json", encoding: .utf8)
                #expect(written.contains("validationSplit") == (images == .random))
                weights[images] = try Checkpoint.read(path: directory + "/latest.ckpt").parameters
            }
        }
        #expect(weights[.last] != nil && weights[.random] != nil && weights[.last] != weights[.random])
    }
}
