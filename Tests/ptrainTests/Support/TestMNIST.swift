import Foundation
import Model

/// Where the end-to-end tests find MNIST: where `ptrain` itself would look from the package root
/// (`$PTRAIN_DATA`, then `../shared/data/mnist`, then `./data/mnist`; `DataLocator`). The tests pass the
/// directory found to the child with `--data`, because `PtrainProcess.run` removes `PTRAIN_DATA` from its
/// environment.
enum TestMNIST {
    /// The package root: three levels above this file (`Tests/ptrainTests/Support/`).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// The directory found, or the locator's error when none holds MNIST.
    static let located: Result<String, DataError> = Result { () throws(DataError) in
        try DataLocator.locate(
            explicit: nil, environment: ProcessInfo.processInfo.environment, workingDirectory: packageRoot)
    }

    /// The directory found, or nil.
    static var directory: String? { try? located.get() }

    /// The directory found; when there is none, a path that does not exist, so that a child given
    /// `--data` with it fails saying MNIST was not found (and the test, which expects success, fails).
    static var path: String { directory ?? packageRoot + "/MNIST-not-found" }
}
