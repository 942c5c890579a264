import Foundation
import Model
import Testing

@Suite struct DataLocatorTests {
    /// A temporary tree `root/{work, shared/data/mnist, work/data/mnist, elsewhere}`, with MNIST written into the
    /// directories named in `holding` (relative to root); `body` gets the root.
    private func withLayout(holding: [String], _ body: (String) throws -> Void) throws {
        try TestData.withTemporaryDirectory { root in
            for directory in ["work", "shared/data/mnist", "work/data/mnist", "elsewhere"] {
                try FileManager.default.createDirectory(
                    atPath: root + "/" + directory, withIntermediateDirectories: true)
            }
            for directory in holding { try TestData.writeTinyMNIST(to: root + "/" + directory) }
            try body(root)
        }
    }

    private let everywhere = ["shared/data/mnist", "work/data/mnist", "elsewhere"]

    @Test func explicitDirectoryComesFirst() throws {
        try withLayout(holding: everywhere) { root in
            let found = try DataLocator.locate(
                explicit: "../elsewhere", environment: ["PTRAIN_DATA": root + "/shared/data/mnist"],
                workingDirectory: root + "/work")
            #expect(found == root + "/elsewhere")
        }
    }

    @Test func aFileIsADataSetAsItIs() throws {
        try withLayout(holding: everywhere) { root in
            try TestData.write([1, 2, 3], to: root + "/elsewhere", "mine.npz")
            let explicit = try DataLocator.locate(
                explicit: "../elsewhere/mine.npz", environment: [:], workingDirectory: root + "/work")
            #expect(explicit == root + "/elsewhere/mine.npz")
            let fromEnvironment = try DataLocator.locate(
                explicit: nil, environment: ["PTRAIN_DATA": root + "/elsewhere/mine.npz"],
                workingDirectory: root + "/work")
            #expect(fromEnvironment == root + "/elsewhere/mine.npz")
            #expect(DataLocator.isRegularFile(explicit) && !DataLocator.isRegularFile(root + "/elsewhere"))
        }
    }

    @Test func explicitDirectoryWithoutMNISTFailsNamingIt() throws {
        try withLayout(holding: everywhere) { root in
            let error = #expect(throws: DataError.self) {
                try DataLocator.locate(
                    explicit: "nowhere", environment: ["PTRAIN_DATA": root + "/elsewhere"],
                    workingDirectory: root + "/work")
            }
            #expect(error == .notFound(searched: [root + "/work/nowhere"]))
            #expect(
                error?.description
                    == "MNIST not found (searched: \(root)/work/nowhere).")
        }
    }

    @Test func explicitDirectoryMissingOneFileSaysWhich() throws {
        try withLayout(holding: everywhere) { root in
            try FileManager.default.removeItem(atPath: root + "/elsewhere/train-labels-idx1-ubyte.gz")
            let error = #expect(throws: DataError.self) {
                try DataLocator.locate(
                    explicit: root + "/elsewhere", environment: [:], workingDirectory: root + "/work")
            }
            #expect(
                error
                    == .missingFile(
                        directory: root + "/elsewhere", file: "train-labels-idx1",
                        tried: MNISTFile.trainLabels.candidateNames))
        }
    }

    @Test func environmentComesSecond() throws {
        try withLayout(holding: everywhere) { root in
            let found = try DataLocator.locate(
                explicit: nil, environment: ["PTRAIN_DATA": root + "/elsewhere"], workingDirectory: root + "/work")
            #expect(found == root + "/elsewhere")
        }
    }

    @Test func environmentIsRelativeToWorkingDirectory() throws {
        try withLayout(holding: everywhere) { root in
            let found = try DataLocator.locate(
                explicit: nil, environment: ["PTRAIN_DATA": "../elsewhere/"], workingDirectory: root + "/work")
            #expect(found == root + "/elsewhere")
        }
    }

    @Test func sharedDirectoryComesThird() throws {
        try withLayout(holding: ["shared/data/mnist", "work/data/mnist"]) { root in
            let found = try DataLocator.locate(
                explicit: nil, environment: ["PTRAIN_DATA": root + "/elsewhere"], workingDirectory: root + "/work")
            #expect(found == root + "/shared/data/mnist")
        }
    }

    @Test func localDataDirectoryComesLast() throws {
        try withLayout(holding: ["work/data/mnist"]) { root in
            let found = try DataLocator.locate(
                explicit: nil, environment: ["PTRAIN_DATA": ""], workingDirectory: root + "/work")
            #expect(found == root + "/work/data/mnist")
        }
    }

    @Test func notFoundListsEveryDirectorySearched() throws {
        try withLayout(holding: []) { root in
            let error = #expect(throws: DataError.self) {
                try DataLocator.locate(
                    explicit: nil, environment: ["PTRAIN_DATA": root + "/elsewhere"], workingDirectory: root + "/work")
            }
            #expect(
                error?.description
                    == "MNIST not found (searched: \(root)/elsewhere, \(root)/shared/data/mnist, "
                    + "\(root)/work/data/mnist).")
        }
    }

    @Test func emptyEnvironmentIsNotSearched() throws {
        try withLayout(holding: []) { root in
            let error = #expect(throws: DataError.self) {
                try DataLocator.locate(
                    explicit: nil, environment: ["PTRAIN_DATA": ""], workingDirectory: root + "/work")
            }
            #expect(error == .notFound(searched: [root + "/shared/data/mnist", root + "/work/data/mnist"]))
        }
    }

    @Test func theRealLayoutIsFound() throws {
        let expected = try TestData.mnist()
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        // Only meaningful where the data sits beside the package (as in the team's checkouts).
        if expected.hasSuffix("/shared/data/mnist") {
            // Compared after resolving symbolic links: `shared` may be a link to the data elsewhere.
            let found = try DataLocator.locate(explicit: nil, environment: [:], workingDirectory: packageRoot)
            #expect(
                URL(fileURLWithPath: found).resolvingSymlinksInPath().path
                    == URL(fileURLWithPath: expected).resolvingSymlinksInPath().path)
        }
    }
}
