import Dispatch
import Foundation
import Synchronization

/// The four files that make up MNIST, with the names they go by and what each must hold.
public enum MNISTFile: String, CaseIterable, Sendable {
    case trainImages = "train-images-idx3"
    case trainLabels = "train-labels-idx1"
    case testImages = "t10k-images-idx3"
    case testLabels = "t10k-labels-idx1"

    /// The name the usual mirrors serve, e.g. `train-images-idx3-ubyte.gz`; the fetcher saves under this name.
    public var canonicalName: String { "\(rawValue)-ubyte.gz" }

    /// Every accepted name, in the order they are looked for: `train-images-idx3-ubyte.gz`,
    /// `train-images-idx3-ubyte`, `train-images.idx3-ubyte.gz`, `train-images.idx3-ubyte` (the dotted form is the
    /// one some archives unpack to). The canonical `.gz` comes first, so that a fresh download is preferred over a
    /// stale file in another form.
    public var candidateNames: [String] {
        let dashed = "\(rawValue)-ubyte"
        let dotted = rawValue.replacingOccurrences(of: "-idx", with: ".idx") + "-ubyte"
        return [dashed + ".gz", dashed, dotted + ".gz", dotted]
    }

    /// Images or labels.
    public var kind: IDXKind { self == .trainImages || self == .testImages ? .images : .labels }

    /// Samples in the file: 60,000 for training, 10,000 for test.
    public var expectedCount: Int { self == .trainImages || self == .trainLabels ? 60_000 : 10_000 }

    /// Size in bytes of the `.gz` served by the usual mirrors (the original 1998 files).
    public var canonicalCompressedSize: Int64 {
        switch self {
        case .trainImages: return 9_912_422
        case .trainLabels: return 28_881
        case .testImages: return 1_648_877
        case .testLabels: return 4_542
        }
    }

    /// The path of the first accepted name form present as a regular file in `directory`, or nil.
    public func find(in directory: String) -> String? {
        for name in candidateNames {
            let path = (directory as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue {
                return path
            }
        }
        return nil
    }

    /// Whether `directory` holds all four files, each in some accepted name form (contents are not checked).
    public static func allPresent(in directory: String) -> Bool {
        allCases.allSatisfy { $0.find(in: directory) != nil }
    }
}

/// The four files of MNIST's layout (Fashion-MNIST and other drop-in data sets use the same names), read from
/// one directory.
public enum MNIST {
    /// Loads the four MNIST files from `directory`, each in any name form of `MNISTFile.candidateNames`, raw or
    /// gzip-compressed.
    ///
    /// Checks each file (see `IDX`), that each image file and its label file agree in count, that neither set
    /// is empty, and that training and test images have the same size. The files are read and decompressed
    /// concurrently, largest first.
    ///
    /// - Throws: `DataError.missingFile` when a file is absent, or the first error of the first failing file in
    ///   the order train images, train labels, test images, test labels; then count mismatches and empty sets,
    ///   then dimension mismatches.
    public static func load(directory: String) throws(DataError) -> TrainTestSets {
        // Largest first, so that on two cores the two image files decompress side by side.
        let loaded = try loadFiles([.trainImages, .testImages, .trainLabels, .testLabels], directory: directory)
        for file in MNISTFile.allCases { _ = try loaded.results[file]!.get() }
        let train = try loaded.dataset(images: .trainImages, labels: .trainLabels, role: "training")
        let test = try loaded.dataset(images: .testImages, labels: .testLabels, role: "test")
        guard train.shape == test.shape else {
            throw .dimensionMismatch(
                train: loaded.paths[.trainImages]!, trainShape: train.shape, test: loaded.paths[.testImages]!,
                testShape: test.shape)
        }
        // K = the largest label of either part + 1 (at least 2): a test set may hold a class the training
        // subset lacks, and the network needs an output for it.
        let classCount = max(2, Int(max(train.labels.max() ?? 0, test.labels.max() ?? 0)) + 1)
        return TrainTestSets(
            train: train.declaring(classCount: classCount), test: test.declaring(classCount: classCount))
    }

    /// Loads only the two test files (`t10k-…`) from `directory`, as `load` checks them; the training files are
    /// neither needed nor opened, so `ptrain eval` works from a directory that holds the test set alone.
    ///
    /// - Throws: `DataError.missingFile` when a test file is absent, the first error of the image file then of
    ///   the label file, a count mismatch, or `DataError.empty` when the test set holds no image.
    public static func loadTest(directory: String) throws(DataError) -> Dataset {
        let loaded = try loadFiles([.testImages, .testLabels], directory: directory)
        return try loaded.dataset(images: .testImages, labels: .testLabels, role: "test")
    }

    /// Finds `files` in `directory` (all of them, before anything is read) and parses them concurrently, in the
    /// order given.
    private static func loadFiles(_ files: [MNISTFile], directory: String) throws(DataError) -> LoadedFiles {
        var paths: [MNISTFile: String] = [:]
        for file in MNISTFile.allCases where files.contains(file) {
            guard let path = file.find(in: directory) else {
                throw .missingFile(directory: directory, file: file.rawValue, tried: file.candidateNames)
            }
            paths[file] = path
        }
        let results = Mutex<[MNISTFile: Result<Loaded, DataError>]>([:])
        let jobs = files.map { ($0, paths[$0]!) }
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            let (file, path) = jobs[index]
            let result: Result<Loaded, DataError>
            switch file.kind {
            case .images: result = Result { () throws(DataError) in .images(try IDX.readImages(path: path)) }
            case .labels: result = Result { () throws(DataError) in .labels(try IDX.readLabels(path: path)) }
            }
            results.withLock { $0[file] = result }
        }
        return LoadedFiles(paths: paths, results: results.withLock { $0 })
    }

    /// One parsed file, images or labels.
    private enum Loaded: Sendable {
        case images(IDXImages)
        case labels([UInt8])
    }

    /// The files read by `loadFiles`: where each was found and what parsing it gave.
    private struct LoadedFiles {
        let paths: [MNISTFile: String]
        let results: [MNISTFile: Result<Loaded, DataError>]

        func images(_ file: MNISTFile) throws(DataError) -> IDXImages {
            guard case .images(let images) = try results[file]!.get() else { preconditionFailure("kind of \(file)") }
            return images
        }

        func labels(_ file: MNISTFile) throws(DataError) -> [UInt8] {
            guard case .labels(let labels) = try results[file]!.get() else { preconditionFailure("kind of \(file)") }
            return labels
        }

        /// Pairs an image file with its label file (the image file's error first); the data set is named after
        /// the image file and must hold at least one image.
        func dataset(images imageFile: MNISTFile, labels labelFile: MNISTFile, role: String) throws(DataError)
            -> Dataset
        {
            let images = try images(imageFile)
            let labels = try labels(labelFile)
            let imagesPath = paths[imageFile]!
            guard images.count == labels.count else {
                throw .countMismatch(
                    images: imagesPath, imageCount: images.count, labels: paths[labelFile]!,
                    labelCount: labels.count)
            }
            guard images.count >= 1 else { throw .empty(path: imagesPath, role: role) }
            return Dataset(
                name: (imagesPath as NSString).lastPathComponent, shape: images.shape, values: .bytes(images.pixels),
                labels: labels.map(Int32.init), classCount: max(2, Int(labels.max() ?? 0) + 1))
        }
    }
}
