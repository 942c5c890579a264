import Foundation
import Model

/// The command line's data operations, each one call into `Model`. A data set is a directory of IDX files in
/// MNIST's names (`MNIST`) or one `.npz` file (`NPZDataSet`); a new format is one more case here.
enum DataAccess {
    /// `--data`, `$PTRAIN_DATA`, `../shared/data/mnist`, `./data/mnist`: the first that holds MNIST's four files
    /// or is a file.
    static func locate(explicit: String?) throws(DataError) -> String {
        try DataLocator.locate(
            explicit: explicit, environment: ProcessInfo.processInfo.environment,
            workingDirectory: FileManager.default.currentDirectoryPath)
    }

    /// The first directory, searched as `locate(explicit:)` does, that holds the two test files (`t10k-…`), or
    /// file.
    static func locateTestSet(explicit: String?) throws(DataError) -> String {
        try DataLocator.locate(
            explicit: explicit, environment: ProcessInfo.processInfo.environment,
            workingDirectory: FileManager.default.currentDirectoryPath, files: [.testImages, .testLabels])
    }

    /// Reads and validates the test part at `path` (the two test files of a directory, `x_test` and `y_test` of
    /// an `.npz`); the training part is not read.
    static func loadTestSet(directory path: String) throws(DataError) -> Dataset {
        DataLocator.isRegularFile(path)
            ? try NPZDataSet.loadTest(path: path).dataset : try MNIST.loadTest(directory: path)
    }

    /// The test part at `path` for `ptrain predict`: an `.npz` without `y_test` is read unlabelled.
    static func loadSamples(path: String) throws(DataError) -> (dataset: Dataset, labelled: Bool) {
        DataLocator.isRegularFile(path)
            ? try NPZDataSet.loadTest(path: path, labelsRequired: false) : (try MNIST.loadTest(directory: path), true)
    }

    /// Reads and validates the data set at `path`: the four MNIST files of a directory, or an `.npz` file.
    static func load(directory path: String) throws(DataError) -> TrainTestSets {
        DataLocator.isRegularFile(path) ? try NPZDataSet.load(path: path) : try MNIST.load(directory: path)
    }

    /// Downloads MNIST into `directory`. A `--mirror` may serve recompressed files, so with a mirror the
    /// files are validated by parsing them (60,000 / 10,000 images of 28×28) rather than by the original sizes.
    static func fetch(
        to directory: String, mirror: String?,
        progress: @escaping @Sendable (_ file: String, _ bytesDone: Int64, _ bytesTotal: Int64?) -> Void
    ) throws(FetchError) {
        var fetcher = MNISTFetcher()
        if let mirror, let url = URL(string: mirror.hasSuffix("/") ? mirror : mirror + "/") {
            fetcher = MNISTFetcher(mirrors: [url], expectedSizes: [:])
        }
        try fetcher.fetch(to: directory, progress: progress)
    }
}
