import Foundation
import Model
import Testing

/// `DataFingerprint`: what it records of a data set, its one-line description and the checks built on it.
/// Synthetic data sets; real MNIST only for the timing figure.
@Suite("Data fingerprint")
struct DataFingerprintTests {
    /// Three 2 × 2 images: pixels 0...11, labels 7, 8, 9.
    static let small = Dataset(name: "small", rows: 2, columns: 2, pixels: Array(0..<12), labels: [7, 8, 9])
    /// One 2 × 2 image.
    static let other = Dataset(name: "other", rows: 2, columns: 2, pixels: [1, 2, 3, 4], labels: [1])

    @Test("a part records the count, the shape and the CRC-32 of the pixel and label bytes as used")
    func partOfADataset() {
        let part = DataFingerprint.Part(of: Self.small)
        #expect(part.count == 3 && part.rows == 2 && part.columns == 2 && part.pixelsPerImage == 4)
        #expect(part.imagesCRC == CRC32.checksum([UInt8](0..<12)))
        #expect(part.labelsCRC == CRC32.checksum([7, 8, 9] as [UInt8]))
        // A prefix is other data: fewer images, other bytes.
        let prefix = DataFingerprint.Part(of: Self.small.prefix(2))
        #expect(prefix.count == 2 && prefix.imagesCRC == CRC32.checksum([UInt8](0..<8)))
        #expect(prefix != part)
        // The same bytes in another shape are other data too.
        let reshaped = Dataset(name: "flat", rows: 1, columns: 4, pixels: Array(0..<12), labels: [7, 8, 9])
        #expect(DataFingerprint.Part(of: reshaped) != part)
        // A changed label alone is noticed.
        let relabelled = Dataset(name: "small", rows: 2, columns: 2, pixels: Array(0..<12), labels: [7, 8, 8])
        #expect(DataFingerprint.Part(of: relabelled) != part)
    }

    @Test("the limits of a configuration are applied to each part; the test part alone for evaluation")
    func limits() {
        var config = RunConfig()
        config.trainLimit = 2
        config.testLimit = 1
        let fingerprint = DataFingerprint(of: TrainTestSets(train: Self.small, test: Self.small), config: config)
        #expect(fingerprint.train == DataFingerprint.Part(of: Self.small.prefix(2)))
        #expect(fingerprint.test == DataFingerprint.Part(of: Self.small.prefix(1)))
        #expect(DataFingerprint.testPart(of: Self.small, config: config) == fingerprint.test)
        config.testLimit = 100
        #expect(DataFingerprint.testPart(of: Self.small, config: config) == DataFingerprint.Part(of: Self.small))
    }

    @Test("the description: count × rows × columns and both CRCs in hex, training part first")
    func description() {
        let part = DataFingerprint.Part(count: 60000, rows: 28, columns: 28, imagesCRC: 0x1a2b_3c4d, labelsCRC: 0xbeef)
        #expect(part.description == "60000×28×28 images crc 1a2b3c4d labels crc 0000beef")
        let fingerprint = DataFingerprint(
            train: part, test: DataFingerprint.Part(count: 1, rows: 2, columns: 2, imagesCRC: 0xffff_ffff, labelsCRC: 0)
        )
        #expect(
            fingerprint.description
                == "train 60000×28×28 images crc 1a2b3c4d labels crc 0000beef; "
                + "test 1×2×2 images crc ffffffff labels crc 00000000")
    }

    @Test("resuming: the same data, or no recorded fingerprint, passes; other data is refused naming both")
    func requireMatch() throws {
        let recorded = DataFingerprint(train: Self.small, test: Self.small)
        try DataFingerprint.requireMatch(recorded: recorded, actual: recorded, path: "run/latest.ckpt")
        try DataFingerprint.requireMatch(recorded: nil, actual: recorded, path: "run/latest.ckpt")
        let actual = DataFingerprint(train: Self.other, test: Self.small)
        let error = #expect(throws: CheckpointError.self) {
            try DataFingerprint.requireMatch(recorded: recorded, actual: actual, path: "run/latest.ckpt")
        }
        #expect(
            error?.description
                == "run/latest.ckpt: recorded on other data: the checkpoint has train \(recorded.train); "
                + "test \(recorded.test), this data is train \(actual.train); test \(actual.test)")
        #expect(
            error?.description.hasPrefix(
                "run/latest.ckpt: recorded on other data: the checkpoint has train 3×2×2 images crc ") == true)
    }

    @Test("evaluating: only the test part counts")
    func requireTestMatch() throws {
        let recorded = DataFingerprint(train: Self.small, test: Self.small)
        try DataFingerprint.requireTestMatch(
            recorded: recorded, actual: DataFingerprint.Part(of: Self.small), path: "best.ckpt")
        try DataFingerprint.requireTestMatch(recorded: nil, actual: DataFingerprint.Part(of: Self.other), path: "x")
        let other = DataFingerprint.Part(of: Self.other)
        #expect(
            throws: CheckpointError.otherData(
                path: "best.ckpt", recorded: "test \(recorded.test)", actual: "test \(other)")
        ) { try DataFingerprint.requireTestMatch(recorded: recorded, actual: other, path: "best.ckpt") }
        let error = CheckpointError.otherData(
            path: "best.ckpt", recorded: "test \(recorded.test)", actual: "test \(other)")
        #expect(
            error.description
                == "best.ckpt: recorded on other data: the checkpoint has test \(recorded.test), this data is test "
                + "1×2×2 images crc \(Self.hex8(CRC32.checksum([1, 2, 3, 4] as [UInt8]))) labels crc "
                + "\(Self.hex8(CRC32.checksum([1] as [UInt8])))")
    }

    static func hex8(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// `PTRAIN_TIMING=1 swift test -c release --filter DataFingerprintTests`: fingerprints full MNIST five times
    /// and prints the times (the figure in DataFingerprint.swift's comment). A figure, not a pass/fail test.
    @Test(
        "time to fingerprint full MNIST",
        .enabled(if: ProcessInfo.processInfo.environment["PTRAIN_TIMING"] != nil))
    func timeOnFullMNIST() throws {
        let mnist = try MNIST.load(directory: try TestData.mnist())
        var lines: [String] = []
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            let fingerprint = DataFingerprint(train: mnist.train, test: mnist.test)
            let end = DispatchTime.now().uptimeNanoseconds
            lines.append(
                String(format: "full MNIST fingerprint: %.1f ms (%@)", Double(end - start) / 1e6, "\(fingerprint)"))
        }
        print(lines.joined(separator: "\n"))
    }
}
