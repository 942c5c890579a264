import Foundation
import Model

/// The command line's three data operations, each one call into `Model`.
enum DataAccess {
    /// `--data`, `$PTRAIN_DATA`, `../shared/data/mnist`, `./data/mnist`: the first that holds MNIST.
    static func locate(explicit: String?) throws(DataError) -> String {
        try DataLocator.locate(
            explicit: explicit, environment: ProcessInfo.processInfo.environment,
            workingDirectory: FileManager.default.currentDirectoryPath)
    }

    /// The first directory, searched as `locate(explicit:)` does, that holds the two test files (`t10k-…`).
    static func locateTestSet(explicit: String?) throws(DataError) -> String {
        try DataLocator.locate(
            explicit: explicit, environment: ProcessInfo.processInfo.environment,
            workingDirectory: FileManager.default.currentDirectoryPath, files: [.testImages, .testLabels])
    }

    /// Reads and validates the two test files in `directory`; the training files are not opened.
    static func loadTestSet(directory: String) throws(DataError) -> Dataset {
        try MNIST.loadTest(directory: directory)
    }

    /// Reads and validates the four MNIST files in `directory`.
    static func load(directory: String) throws(DataError) -> MNIST {
        try MNIST.load(directory: directory)
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
