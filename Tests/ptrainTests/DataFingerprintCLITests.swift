import Foundation
import Model
import Testing

/// The data fingerprint through the built binary: `eval` refuses a checkpoint recorded on other test images
/// (unless `--allow-other-data`), `average` refuses checkpoints recorded on different data, `inspect` shows the
/// fingerprint, and a checkpoint with an unknown critical section is refused by every command. The checkpoints
/// are written through the `Checkpoint` API (H = 16), evaluated on 50 real MNIST test images.
@Suite("data fingerprint, end to end", .serialized)
struct DataFingerprintCLITests {
    /// The run's test limit: the fingerprint covers the first 50 test images.
    static let testLimit = 50

    static func config() -> RunConfig {
        var config = RunConfig()
        config.name = "fingerprint"
        config.hidden = 16
        config.shards = 1
        config.epochs = 3
        config.testLimit = testLimit
        return config
    }

    /// The fingerprint of the data the test runs use: 100 training images (a made-up part: eval ignores it) and
    /// the first 50 real test images.
    static let realData: Result<DataFingerprint, any Error> = Result {
        let mnist = try MNIST.load(directory: try CheckpointCLITests.data())
        let train = DataFingerprint.Part(count: 100, rows: 28, columns: 28, imagesCRC: 1, labelsCRC: 2)
        return DataFingerprint(train: train, test: DataFingerprint.testPart(of: mnist.test, config: config()))
    }

    /// A checkpoint after `epochs` finished epochs (start of the next), recorded on `data`.
    static func checkpoint(epochs: Int, data: DataFingerprint?) -> [UInt8] {
        let records = (1...epochs).map { epoch in
            EpochRecord(
                epoch: epoch, trainAccuracy: 0.5, testSpikeAccuracy: 0.6, testRelaxedAccuracy: 0.7, seconds: 1,
                samplesPerSecond: 100)
        }
        return Checkpoint(
            network: Network(inputs: 784, hidden: 16, shards: 1, seed: UInt64(5 + epochs)), config: config(),
            cursor: .start(epoch: epochs + 1, epochSamples: 100), records: records, data: data
        ).encoded()
    }

    /// `data` with its test images' CRC changed: the same shape, other bytes.
    static func otherTest(_ data: DataFingerprint) -> DataFingerprint {
        var other = data
        other.test.imagesCRC ^= 1
        return other
    }

    func eval(_ file: URL, _ extra: [String] = [], in scratch: URL) throws -> ProcessResult {
        try ChildProcess.run(
            ["eval", "--checkpoint", file.path, "--data", try CheckpointCLITests.data(), "--threads", "2"] + extra,
            in: scratch)
    }

    @Test("eval: the recorded test images pass (at any --test-limit); other ones are refused naming both")
    func evalChecksTheTestPart() throws {
        let data = try Self.realData.get()
        try CheckpointCLITests.withDirectory { scratch in
            let same = scratch.appendingPathComponent("same.ckpt")
            try Data(Self.checkpoint(epochs: 1, data: data)).write(to: same)
            for extra in [[], ["--test-limit", "20"], ["--test-limit", "10000"]] {
                let result = try eval(same, extra, in: scratch)
                #expect(result.status == 0 && result.stdout.contains("spike readout"), "\(extra): \(result)")
            }
            // Only the test part counts: another training part is accepted.
            var otherTrain = data
            otherTrain.train.count = 60000
            let trainOnly = scratch.appendingPathComponent("train-only.ckpt")
            try Data(Self.checkpoint(epochs: 1, data: otherTrain)).write(to: trainOnly)
            #expect(try eval(trainOnly, in: scratch).status == 0)

            let recorded = Self.otherTest(data)
            let other = scratch.appendingPathComponent("other.ckpt")
            let bytes = Self.checkpoint(epochs: 1, data: recorded)
            try Data(bytes).write(to: other)
            let refused = try eval(other, in: scratch)
            #expect(
                refused
                    == ProcessResult(
                        status: 1, stdout: "",
                        stderr:
                            "Error: \(other.path): recorded on other data: the checkpoint has test \(recorded.test), "
                            + "this data is test \(data.test); pass --allow-other-data to use it anyway\n"))
            #expect(refused.stderr.contains("the checkpoint has test 50×28×28 images crc "))
            let allowed = try eval(other, ["--allow-other-data"], in: scratch)
            #expect(allowed.status == 0 && allowed.stdout.contains("spike readout"), "\(allowed)")
            #expect(try Checkpoint.readBytes(path: other.path) == bytes, "eval never modifies the checkpoint")

            // Fewer test images than the run used is other data too.
            var more = data
            more.test.count = 60
            let longer = scratch.appendingPathComponent("longer.ckpt")
            try Data(Self.checkpoint(epochs: 1, data: more)).write(to: longer)
            #expect(try eval(longer, in: scratch).stderr.contains("recorded on other data"))

            // A checkpoint without a fingerprint (format 1.0, or not recorded) is evaluated as before.
            let unknown = scratch.appendingPathComponent("unknown.ckpt")
            try Data(Self.checkpoint(epochs: 1, data: nil)).write(to: unknown)
            #expect(try eval(unknown, in: scratch).status == 0)
        }
    }

    @Test("average: checkpoints recorded on different data are refused, naming both files; the same data passes")
    func averageChecksTheFingerprints() throws {
        let data = try Self.realData.get()
        try CheckpointCLITests.withDirectory { scratch in
            let run = scratch.appendingPathComponent("run")
            try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
            func write(_ epoch: Int, _ data: DataFingerprint?) throws {
                try Data(Self.checkpoint(epochs: epoch, data: data))
                    .write(to: run.appendingPathComponent(RunDirectory.epochCheckpoint(epoch)))
            }
            // Epoch 1 without a fingerprint (an older ptrain), 2 and 3 with the same one.
            try write(1, nil)
            try write(2, data)
            try write(3, data)
            let averaged = try ChildProcess.run(["average", run.path, "--epochs", "1...3"], in: scratch)
            #expect(averaged.status == 0, "\(averaged)")

            let other = Self.otherTest(data)
            try write(3, other)
            let output = run.appendingPathComponent("average-e2-3.bin")
            let refused = try ChildProcess.run(
                ["average", run.path, "--epochs", "1...3", "--out", output.path], in: scratch)
            let first = run.appendingPathComponent("epoch-0002.ckpt").path
            let second = run.appendingPathComponent("epoch-0003.ckpt").path
            #expect(
                refused
                    == ProcessResult(
                        status: 1, stdout: "",
                        stderr: "Error: \(second): cannot be averaged with the others: it was recorded on other data "
                            + "than \(first): it has \(other), \(first) has \(data)\n"))
            #expect(!FileManager.default.fileExists(atPath: output.path), "nothing written")
        }
    }

    @Test("inspect shows the fingerprint, or that none was recorded, and the dATA section")
    func inspectShowsTheFingerprint() throws {
        try CheckpointCLITests.withDirectory { scratch in
            let part = DataFingerprint.Part(count: 50, rows: 28, columns: 28, imagesCRC: 0xab, labelsCRC: 0xcd00_0000)
            let file = scratch.appendingPathComponent("epoch-0001.ckpt")
            try Data(Self.checkpoint(epochs: 1, data: DataFingerprint(train: part, test: part))).write(to: file)
            let result = try ChildProcess.run(["inspect", file.path], in: scratch)
            #expect(result.status == 0, "\(result)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(
                lines.contains(
                    "data           train 50×28×28 images crc 000000ab labels crc cd000000; "
                        + "test 50×28×28 images crc 000000ab labels crc cd000000"), "\(result.stdout)")
            #expect(lines.contains { $0.hasPrefix("format         PTRAINCK 1.1, ") && $0.contains(", 7 sections") })
            #expect(lines.contains { $0.hasPrefix("  dATA ") && $0.hasSuffix("data fingerprint (ancillary)") })

            try Data(Self.checkpoint(epochs: 1, data: nil)).write(to: file)
            let none = try ChildProcess.run(["inspect", file.path], in: scratch)
            #expect(none.stdout.contains("\ndata           not recorded (eval and resume accept any data)\n"))
        }
    }

    @Test("a checkpoint with an unknown critical section is refused by inspect and eval, and left as it was")
    func unknownCriticalSection() throws {
        let bytes = Self.inserting(section: "NEWS", payload: [1, 2, 3], into: Self.checkpoint(epochs: 1, data: nil))
        try CheckpointCLITests.withDirectory { scratch in
            try CheckpointCLITests.expectRejected(
                bytes, "newer.ckpt",
                expected: { path in
                    "\(path): unknown critical section 'NEWS' (written by a newer ptrain); this reader cannot use the file"
                }, in: scratch)
        }
    }

    /// `bytes` with a section `tag | length | payload | CRC32` inserted before its first one, the header's section
    /// count raised by one and its CRC recomputed.
    static func inserting(section tag: String, payload: [UInt8], into bytes: [UInt8]) -> [UInt8] {
        func le(_ value: UInt64, _ count: Int) -> [UInt8] {
            (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        }
        var header = Array(bytes[..<48])
        let count = (0..<4).reduce(UInt64(0)) { $0 | UInt64(header[40 + $1]) << (8 * $1) }
        header.replaceSubrange(40..<44, with: le(count + 1, 4))
        header.replaceSubrange(44..<48, with: le(UInt64(CRC32.checksum(header[..<44])), 4))
        let record = Array(tag.utf8) + le(UInt64(payload.count), 8) + payload
        return header + record + le(UInt64(CRC32.checksum(record)), 4) + bytes[48...]
    }
}
