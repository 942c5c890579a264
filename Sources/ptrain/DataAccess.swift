// Adapter: replaced when the data branch lands.
//
// The data branch adds `DataLocator`, `MNIST.load(directory:)`, `MNISTFetcher` and `DataError` to Model. Until
// then these stand-ins keep the command line compiling and failing cleanly. When it lands: delete the
// `DataError` stand-in and make each function below the one call written in its comment.
import Foundation
import Model

enum DataAccess {
    /// `DataLocator.locate(explicit:environment:workingDirectory:)`: `--data`, `$PTRAIN_DATA`,
    /// `../shared/data/mnist`, `./data/mnist`, the first that exists.
    static func locate(explicit: String?) throws(DataError) -> String {
        let environment = ProcessInfo.processInfo.environment
        let candidates =
            explicit.map { [$0] }
            ?? [environment["PTRAIN_DATA"], "../shared/data/mnist", "data/mnist"].compactMap { $0 }
        var isDirectory: ObjCBool = false
        if let found = candidates.first(where: {
            FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && isDirectory.boolValue
        }) {
            return found
        }
        throw DataError(description: "no MNIST directory at \(candidates.joined(separator: ", "))")
    }

    /// `MNIST.load(directory:)`.
    static func load(directory: String) throws(DataError) -> MNIST {
        throw DataError(description: "\(directory): reading MNIST is not in this build yet")
    }

    /// `MNISTFetcher(...).fetch(to:progress:)`; `mirror` is a base URL holding the four `.gz` files.
    static func fetch(
        to directory: String, mirror: String?,
        progress: @escaping @Sendable (_ file: String, _ bytesDone: Int64, _ bytesTotal: Int64?) -> Void
    ) throws(DataError) {
        throw DataError(description: "downloading MNIST is not in this build yet")
    }
}

/// Stand-in for Model's `DataError` (delete when the data branch lands).
struct DataError: Error, CustomStringConvertible {
    let description: String
}
