import Foundation

/// A data set in one NumPy `.npz` file, in the keras convention (`keras.datasets.*.load_data()` saved with
/// `numpy.savez` or `numpy.savez_compressed`):
///
/// | key | dtype | shape |
/// |---|---|---|
/// | `x_train`, `x_test` | `uint8` (intensity p / 255), or `float32` / `float64` in [0, 1] | (N, …): any sample shape |
/// | `y_train`, `y_test` | any integer type, values ≥ 0 | (N,) or (N, 1) |
/// | `class_names` (optional) | strings (`<U`n or `|S`n) | (K,) |
///
/// The number of classes K is `class_names`' count when it is given (every label must be below it), else the
/// largest label of either part plus one (at least 2). Training and test samples must have the same shape.
/// Every problem is one `DataError` naming the file and the key (`NPZError`'s cases for the archive itself).
public enum NPZDataSet {
    /// The training and test parts of the `.npz` file at `path`.
    public static func load(path: String) throws(DataError) -> TrainTestSets {
        let archive = try open(path)
        let names = try classNames(archive)
        let (trainValues, trainShape) = try samples(archive, key: "x_train")
        let trainLabels = try labels(archive, key: "y_train", count: trainShape[0])
        let (testValues, testShape) = try samples(archive, key: "x_test")
        let testLabels = try labels(archive, key: "y_test", count: testShape[0])
        guard trainShape.dropFirst() == testShape.dropFirst() else {
            throw .dimensionMismatch(
                train: "\(path): x_train", trainShape: Array(trainShape.dropFirst()), test: "\(path): x_test",
                testShape: Array(testShape.dropFirst()))
        }
        let classCount = try self.classCount(
            names: names, labels: [("y_train", trainLabels), ("y_test", testLabels)], path: path)
        return TrainTestSets(
            train: try part(
                "x_train", values: trainValues, shape: trainShape, labels: trainLabels, classCount: classCount,
                names: names, path: path),
            test: try part(
                "x_test", values: testValues, shape: testShape, labels: testLabels, classCount: classCount,
                names: names, path: path))
    }

    /// The test part alone (`x_test`, and `y_test` unless `labelsRequired` is false, for `ptrain predict` on
    /// unlabelled samples); `x_train` and `y_train` are neither needed nor read. K is `class_names`' count, else
    /// the largest test label plus one; callers that know the network's K declare it (`Dataset.declaring`).
    /// - Returns: the data set and whether it has labels (without `y_test` every label is 0).
    public static func loadTest(path: String, labelsRequired: Bool = true) throws(DataError) -> (
        dataset: Dataset, labelled: Bool
    ) {
        let archive = try open(path)
        let names = try classNames(archive)
        let (values, shape) = try samples(archive, key: "x_test")
        let labelled = labelsRequired || archive.names().contains("y_test")
        let labels =
            labelled
            ? try self.labels(archive, key: "y_test", count: shape[0]) : [Int32](repeating: 0, count: shape[0])
        let classCount = try self.classCount(names: names, labels: [("y_test", labels)], path: path)
        let dataset = try part(
            "x_test", values: values, shape: shape, labels: labels, classCount: classCount, names: names, path: path)
        return (dataset, labelled)
    }

    /// The part of `key` (`x_train` or `x_test`): its samples (the array's shape without its first dimension),
    /// named `FILE.npz: KEY`; at least one sample.
    private static func part(
        _ key: String, values: Dataset.Values, shape: [Int], labels: [Int32], classCount: Int, names: [String]?,
        path: String
    ) throws(DataError) -> Dataset {
        guard shape[0] >= 1 else {
            throw .empty(path: "\(path): \(key)", role: key == "x_train" ? "training" : "test")
        }
        return Dataset(
            name: "\((path as NSString).lastPathComponent): \(key)", shape: Array(shape.dropFirst()), values: values,
            labels: labels, classCount: classCount, classNames: names)
    }

    private static func open(_ path: String) throws(DataError) -> NPZArchive {
        do {
            return try NPZArchive.read(path: path)
        } catch {
            throw .npz(error)
        }
    }

    private static func array(_ archive: NPZArchive, _ key: String) throws(DataError) -> NPYValue? {
        do {
            return try archive.array(key)
        } catch {
            throw .npz(error)
        }
    }

    /// `key`'s samples and its whole shape (N, then the sample's dimensions, each ≥ 1).
    private static func samples(_ archive: NPZArchive, key: String) throws(DataError) -> (Dataset.Values, [Int]) {
        let path = archive.path
        guard let array = try array(archive, key) else {
            throw .missingKey(path: path, key: key, present: archive.names())
        }
        guard array.shape.count >= 2 else {
            throw .badShape(
                path: path, key: key, shape: array.shape,
                reason: "samples need a first dimension (their count) and at least one more")
        }
        guard array.shape.dropFirst().allSatisfy({ $0 >= 1 }) else {
            throw .badShape(path: path, key: key, shape: array.shape, reason: "a sample dimension is 0")
        }
        switch array.storage {
        case .uint8(let bytes):
            return (.bytes(bytes), array.shape)
        case .float32(let values):
            try checkIntensities(values, path: path, key: key)
            return (.intensities(values), array.shape)
        case .float64(let values):
            try checkIntensities(values, path: path, key: key)
            return (.intensities(values.map { Float($0) }), array.shape)
        case .integers, .strings:
            throw .wrongDtype(path: path, key: key, descr: array.descr, expected: "uint8, float32 or float64")
        }
    }

    /// Every value in [0, 1] (NaN is not).
    private static func checkIntensities<Value: BinaryFloatingPoint>(_ values: [Value], path: String, key: String)
        throws(DataError)
    {
        if let index = values.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw .badIntensity(path: path, key: key, index: index, value: Double(values[index]))
        }
    }

    /// `key`'s labels: `count` non-negative integers, shape (count,) or (count, 1).
    private static func labels(_ archive: NPZArchive, key: String, count: Int) throws(DataError) -> [Int32] {
        let path = archive.path
        guard let array = try array(archive, key) else {
            throw .missingKey(path: path, key: key, present: archive.names())
        }
        guard array.shape == [count] || array.shape == [count, 1] else {
            throw .badShape(
                path: path, key: key, shape: array.shape,
                reason: "expected (\(count),), one label per sample of x_\(key.dropFirst(2))")
        }
        let values: [Int64]
        switch array.storage {
        case .uint8(let bytes): values = bytes.map(Int64.init)
        case .integers(let integers): values = integers
        case .float32, .float64, .strings:
            throw .wrongDtype(path: path, key: key, descr: array.descr, expected: "an integer type")
        }
        if let index = values.firstIndex(where: { $0 < 0 || $0 >= Int64(Network.maximumOutputs) }) {
            throw .badLabel(
                path: "\(path): \(key)", index: index, value: Int(values[index]), classCount: Network.maximumOutputs)
        }
        return values.map { Int32($0) }
    }

    /// `class_names` when present: strings, shape (K,), K ≥ 2.
    private static func classNames(_ archive: NPZArchive) throws(DataError) -> [String]? {
        guard let array = try array(archive, "class_names") else { return nil }
        guard case .strings(let names) = array.storage else {
            throw .wrongDtype(path: archive.path, key: "class_names", descr: array.descr, expected: "strings")
        }
        guard array.shape.count == 1, names.count >= 2 else {
            throw .badShape(
                path: archive.path, key: "class_names", shape: array.shape, reason: "expected (K,) with K ≥ 2")
        }
        return names
    }

    /// K: `names`' count when given (every label below it), else the largest label plus one, at least 2.
    private static func classCount(names: [String]?, labels parts: [(key: String, labels: [Int32])], path: String)
        throws(DataError) -> Int
    {
        if let names {
            for part in parts {
                if let index = part.labels.firstIndex(where: { Int($0) >= names.count }) {
                    throw .badLabel(
                        path: "\(path): \(part.key)", index: index, value: Int(part.labels[index]),
                        classCount: names.count)
                }
            }
            return names.count
        }
        return max(2, Int(parts.compactMap { $0.labels.max() }.max() ?? 0) + 1)
    }
}
