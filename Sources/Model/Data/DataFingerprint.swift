/// What data a run used, so that a checkpoint can tell whether it meets the same data again: for the training
/// part and the test part apart (evaluation uses only the test part), the image count, the image size and the
/// CRC-32 of the pixel bytes and of the label bytes, all over the data *as used* (after the `trainLimit` and
/// `testLimit` prefixes).
///
/// Checkpoints store it in their `dATA` section (docs/checkpoint-format.md). It identifies bytes, not files: the
/// same images read from `.gz` or raw IDX files, or from another directory, have the same fingerprint.
///
/// Cost: the CRC-32 of full MNIST (47,040,000 + 7,840,000 pixel bytes and 70,000 label bytes) took 33–52 ms with
/// zlib's `crc32_z`, which `CRC32.checksum` now is, five runs (release build, the 2-vCPU build machine under a load
/// of about 5; measured by `PTRAIN_TIMING=1 swift test -c release --filter DataFingerprintTests`, against 64–93 ms
/// for the slicing-by-8 code of the time), next to the seconds it takes to decompress and parse the files.
public struct DataFingerprint: Sendable, Equatable, CustomStringConvertible {
    /// The fingerprint of one part (training or test) of the data.
    public struct Part: Sendable, Equatable, CustomStringConvertible {
        /// Number of images.
        public var count: Int
        /// Image height and width in pixels (28 × 28 for MNIST).
        public var rows: Int
        public var columns: Int
        /// CRC-32 (IEEE, zlib's) of the `count × rows × columns` values, sample after sample, row-major: the
        /// bytes of byte data, the little-endian float32 bytes of float data.
        public var imagesCRC: UInt32
        /// CRC-32 of the `count` labels: one byte each when every label is below 256 (every data set before any
        /// K, so their fingerprints are unchanged; a rule of the labels alone, so a test set read without its
        /// training set gets the same), else four little-endian bytes each.
        public var labelsCRC: UInt32

        public init(count: Int, rows: Int, columns: Int, imagesCRC: UInt32, labelsCRC: UInt32) {
            self.count = count
            self.rows = rows
            self.columns = columns
            self.imagesCRC = imagesCRC
            self.labelsCRC = labelsCRC
        }

        /// The fingerprint of every sample of `dataset` (apply the run's prefix first); `rows × columns` is the
        /// sample shape's two-dimensional layout (`Dataset.rows`).
        public init(of dataset: Dataset) {
            let valuesCRC: UInt32
            switch dataset.values {
            case .bytes(let bytes): valuesCRC = CRC32.checksum(bytes)
            case .intensities(let floats):
                valuesCRC = floats.map(\.bitPattern.littleEndian).withUnsafeBytes { CRC32.checksum($0) }
            }
            let labelsCRC =
                dataset.labels.allSatisfy { $0 < 256 }
                ? CRC32.checksum(dataset.labels.map { UInt8(truncatingIfNeeded: $0) })
                : dataset.labels.map(\.littleEndian).withUnsafeBytes { CRC32.checksum($0) }
            self.init(
                count: dataset.count, rows: dataset.rows, columns: dataset.columns, imagesCRC: valuesCRC,
                labelsCRC: labelsCRC)
        }

        /// Pixels per image.
        public var pixelsPerImage: Int { rows * columns }

        /// `10000×28×28 images crc 1a2b3c4d labels crc 5e6f7a8b` (count × rows × columns, CRCs in hex).
        public var description: String {
            "\(count)×\(rows)×\(columns) images crc \(hex8(imagesCRC)) labels crc \(hex8(labelsCRC))"
        }
    }

    /// The training images, as used (`trainLimit` applied).
    public var train: Part
    /// The test images, as used (`testLimit` applied).
    public var test: Part

    public init(train: Part, test: Part) {
        self.train = train
        self.test = test
    }

    /// The fingerprint of `train` and `test` as given: pass the parts a run uses (its prefixes).
    public init(train: Dataset, test: Dataset) {
        self.init(train: Part(of: train), test: Part(of: test))
    }

    /// The fingerprint of the data a run of `config` uses from `data`: the first `trainLimit` training and the
    /// first `testLimit` test images (all when a limit is nil or larger than the set).
    public init(of data: TrainTestSets, config: RunConfig) {
        self.init(train: data.train.prefix(config.trainLimit), test: data.test.prefix(config.testLimit))
    }

    /// The fingerprint of the test part a run of `config` uses from `test`, the whole test set (evaluation
    /// needs only the test images; compare it with a recorded fingerprint's `test`).
    public static func testPart(of test: Dataset, config: RunConfig) -> Part {
        Part(of: test.prefix(config.testLimit))
    }

    /// `train 60000×28×28 images crc … labels crc …; test 10000×28×28 images crc … labels crc …`.
    public var description: String { "train \(train); test \(test)" }

    /// For resuming: throws unless `actual` is the data the checkpoint at `path` was recorded on. A checkpoint
    /// without a fingerprint (written before ptrain recorded one) matches any data.
    /// - Throws: `CheckpointError.otherData`: `F: recorded on other data: the checkpoint has train … ; test …,
    ///   this data is train …; test …` (the command line adds how to go on anyway).
    public static func requireMatch(recorded: DataFingerprint?, actual: DataFingerprint, path: String)
        throws(CheckpointError)
    {
        guard let recorded, recorded != actual else { return }
        throw .otherData(path: path, recorded: recorded.description, actual: actual.description)
    }

    /// For evaluating: throws unless `actual` is the test part the checkpoint at `path` was recorded on (its
    /// training part plays no role). A checkpoint without a fingerprint matches any data.
    /// - Throws: `CheckpointError.otherData`, naming the two test parts (`test 10000×28×28 images crc …`).
    public static func requireTestMatch(recorded: DataFingerprint?, actual: Part, path: String)
        throws(CheckpointError)
    {
        guard let recorded, recorded.test != actual else { return }
        throw .otherData(path: path, recorded: "test \(recorded.test)", actual: "test \(actual)")
    }
}

/// Eight lowercase hex digits.
private func hex8(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
}
