/// A labelled image set kept as bytes: pixels stay `UInt8` in memory (60,000 MNIST images are 47 MB as
/// bytes, 188 MB as Float) and are scaled to [0, 1] on the fly ("spatial standardisation").
public struct Dataset: Sendable {
    /// Where it came from, for messages (e.g. `train-images-idx3-ubyte.gz`).
    public let name: String
    /// Image height and width in pixels (28 × 28 for MNIST).
    public let rows: Int
    public let columns: Int
    /// `count × pixelsPerImage` bytes, image after image, row-major.
    public let pixels: [UInt8]
    /// One label per image, in `0..<classCount`.
    public let labels: [UInt8]
    /// The number of classes K (10 for MNIST): the network's output count.
    public let classCount: Int

    public init(name: String, rows: Int, columns: Int, pixels: [UInt8], labels: [UInt8], classCount: Int = 10) {
        precondition(rows > 0 && columns > 0 && pixels.count == labels.count * rows * columns, "inconsistent dataset")
        precondition(classCount >= 2 && labels.allSatisfy { Int($0) < classCount }, "labels outside 0..<classCount")
        self.name = name
        self.rows = rows
        self.columns = columns
        self.pixels = pixels
        self.labels = labels
        self.classCount = classCount
    }

    /// Number of images.
    public var count: Int { labels.count }
    /// Pixels per image (784 for MNIST).
    public var pixelsPerImage: Int { rows * columns }

    /// The first `limit` images (all when `limit` is nil or larger than the set).
    public func prefix(_ limit: Int?) -> Dataset {
        guard let limit, limit < count else { return self }
        return Dataset(
            name: name, rows: rows, columns: columns,
            pixels: Array(pixels[0..<(limit * pixelsPerImage)]), labels: Array(labels[0..<limit]),
            classCount: classCount)
    }
}

/// The MNIST training and test sets.
public struct MNIST: Sendable {
    public let train: Dataset
    public let test: Dataset

    public init(train: Dataset, test: Dataset) {
        self.train = train
        self.test = test
    }
}
