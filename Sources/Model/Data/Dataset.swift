/// A labelled data set of fixed-size samples, kept as the file stores them: bytes stay `UInt8` in memory (60,000
/// MNIST images are 47 MB as bytes, 188 MB as Float) and are scaled to [0, 1] on the fly ("spatial
/// standardisation"); float32 data (an `.npz` whose `x` is `float32` in [0, 1]) stays `Float`.
///
/// A sample is `shape` values, flattened in row-major order: the network sees `inputsPerSample` inputs and never
/// the shape, which matters only to `report` (receptive fields are drawn where the shape is an image's,
/// `imageSize`) and to the checkpoint's data fingerprint.
public struct Dataset: Sendable {
    /// The values of every sample, sample after sample, each flattened in row-major order.
    public enum Values: Sendable, Equatable {
        /// Bytes p, intensity p / 255 (IDX files, `uint8` arrays).
        case bytes([UInt8])
        /// Intensities x in [0, 1] (`float32` arrays; the loaders refuse NaN and values outside [0, 1]).
        case intensities([Float])

        /// The number of values.
        public var count: Int {
            switch self {
            case .bytes(let values): return values.count
            case .intensities(let values): return values.count
            }
        }
    }

    /// Where it came from, for messages (e.g. `train-images-idx3-ubyte.gz`, `letters.npz: x_train`).
    public let name: String
    /// The shape of one sample as the file declares it (`[28, 28]` for MNIST, `[64]` for feature vectors,
    /// `[3, 32, 32]` for colour images); every dimension ≥ 1.
    public let shape: [Int]
    /// `count × inputsPerSample` values.
    public let values: Values
    /// One label per sample, in `0..<classCount`.
    public let labels: [Int32]
    /// The number of classes K (10 for MNIST): the network's output count.
    public let classCount: Int
    /// The classes' names, `classCount` of them, when the file gives them (`class_names` of an `.npz`).
    public let classNames: [String]?

    /// - Precondition: the values are `labels.count` samples of `shape`, every label is in `0..<classCount`,
    ///   `classCount ≥ 2`, and `classNames` (when given) holds `classCount` names. The loaders check all of this
    ///   with an error naming the file first.
    public init(
        name: String, shape: [Int], values: Values, labels: [Int32], classCount: Int, classNames: [String]? = nil
    ) {
        precondition(!shape.isEmpty && shape.allSatisfy { $0 >= 1 }, "sample shape \(shape)")
        precondition(values.count == labels.count * shape.reduce(1, *), "inconsistent dataset")
        precondition(classCount >= 2 && labels.allSatisfy { $0 >= 0 && Int($0) < classCount }, "labels outside 0..<K")
        precondition(classNames.map { $0.count == classCount } ?? true, "\(classCount) classes need as many names")
        self.name = name
        self.shape = shape
        self.values = values
        self.labels = labels
        self.classCount = classCount
        self.classNames = classNames
    }

    /// A set of `rows × columns` byte images with labels 0…9 or below `classCount` (IDX files, tests).
    public init(name: String, rows: Int, columns: Int, pixels: [UInt8], labels: [UInt8], classCount: Int = 10) {
        precondition(rows > 0 && columns > 0 && pixels.count == labels.count * rows * columns, "inconsistent dataset")
        self.init(
            name: name, shape: [rows, columns], values: .bytes(pixels), labels: labels.map(Int32.init),
            classCount: classCount)
    }

    /// Number of samples.
    public var count: Int { labels.count }
    /// Values per sample: the network's input count (784 for MNIST).
    public var inputsPerSample: Int { shape.reduce(1, *) }

    /// The sample shape as the rows and columns of a two-dimensional layout: the last dimension is the columns,
    /// the product of the others the rows (28 × 28 for MNIST, 1 × 64 for a vector, 96 × 32 for 3 × 32 × 32).
    /// What the checkpoint's data fingerprint records.
    public var rows: Int { shape.dropLast().reduce(1, *) }
    public var columns: Int { shape[shape.count - 1] }

    /// Height and width when a sample is one grey-level image — a shape of `[h, w]`, `[1, h, w]` or `[h, w, 1]`
    /// with h, w ≥ 2 — and nil otherwise (vectors, colour or multi-channel samples): where `report` can draw
    /// receptive fields.
    public var imageSize: (rows: Int, columns: Int)? {
        var sides = shape
        if sides.count == 3, sides[0] == 1 { sides.removeFirst() }
        if sides.count == 3, sides[2] == 1 { sides.removeLast() }
        guard sides.count == 2, sides[0] >= 2, sides[1] >= 2 else { return nil }
        return (sides[0], sides[1])
    }

    /// The first `limit` samples (all when `limit` is nil or larger than the set).
    public func prefix(_ limit: Int?) -> Dataset {
        guard let limit, limit < count else { return self }
        return gathering(Array(0..<limit), name: name)
    }

    /// The samples at `indices`, in that order, named `name`.
    public func gathering(_ indices: [Int], name: String) -> Dataset {
        let size = inputsPerSample
        func gather<Value>(_ all: [Value]) -> [Value] {
            var picked: [Value] = []
            picked.reserveCapacity(indices.count * size)
            for index in indices { picked += all[(index * size)..<((index + 1) * size)] }
            return picked
        }
        let picked: Values
        switch values {
        case .bytes(let all): picked = .bytes(gather(all))
        case .intensities(let all): picked = .intensities(gather(all))
        }
        return Dataset(
            name: name, shape: shape, values: picked, labels: indices.map { labels[$0] }, classCount: classCount,
            classNames: classNames)
    }

    /// The same samples declaring `classCount` classes (a test set read alone meets the network's K this way).
    /// - Precondition: every label is below `classCount`, and `classNames` is nil or holds `classCount` names.
    public func declaring(classCount: Int, classNames: [String]? = nil) -> Dataset {
        Dataset(
            name: name, shape: shape, values: values, labels: labels, classCount: classCount,
            classNames: classNames ?? (classCount == self.classCount ? self.classNames : nil))
    }
}

/// A data set's training and test parts, as one run uses them.
public struct TrainTestSets: Sendable {
    public let train: Dataset
    public let test: Dataset

    public init(train: Dataset, test: Dataset) {
        self.train = train
        self.test = test
    }
}
