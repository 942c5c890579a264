import Foundation
import Model
import Synchronization
import Testing

/// A local HTTP server (Python's `http.server`) serving one directory on 127.0.0.1, on a port the system picks.
///
/// The server reads its standard input and exits at end of file, so it goes away when `stop()` closes the pipe —
/// and also when the test process dies without calling it. `stop()` also terminates it and waits for it.
private final class LocalHTTPServer {
    let baseURL: URL
    private let process = Process()
    private let input = Pipe()

    private static let script = """
        import functools, http.server, os, sys, threading
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        print(server.server_address[1], flush=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        sys.stdin.read()
        os._exit(0)
        """

    init(serving directory: String) throws {
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, directory]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let firstLine = Mutex("")
        output.fileHandleForReading.readabilityHandler = { handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            firstLine.withLock { $0 += text }
        }
        defer { output.fileHandleForReading.readabilityHandler = nil }
        let deadline = Date(timeIntervalSinceNow: 10)
        var port: Int?
        while port == nil && Date() < deadline && process.isRunning {
            port = firstLine.withLock {
                $0.hasSuffix("\n") ? Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) : nil
            }
            if port == nil { Thread.sleep(forTimeInterval: 0.01) }
        }
        guard let port else {
            // Not `stop()`: `self` is not fully initialized here, and `deinit` will not run.
            try? input.fileHandleForWriting.close()
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            throw ServerError.noPort
        }
        baseURL = URL(string: "http://127.0.0.1:\(port)/")!
    }

    enum ServerError: Error { case noPort }

    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit { stop() }

    /// Runs `body` with a server for `directory`, always stopping it afterwards.
    static func with<T>(serving directory: String, _ body: (LocalHTTPServer) throws -> T) throws -> T {
        let server = try LocalHTTPServer(serving: directory)
        defer { server.stop() }
        return try body(server)
    }
}

@Suite struct FetchTests {
    /// The sizes of the files the test server serves (the shared copy is recompressed: its sizes differ from the
    /// original files' `MNISTFetcher.canonicalSizes`).
    private func servedSizes(_ directory: String) throws -> [MNISTFile: Int64] {
        var sizes: [MNISTFile: Int64] = [:]
        for file in MNISTFile.allCases {
            let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/" + file.canonicalName)
            sizes[file] = (attributes[.size] as? NSNumber)?.int64Value
        }
        return sizes
    }

    private func contents(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    private func link(_ names: [String], from source: String, into directory: String) throws {
        for name in names {
            try FileManager.default.createSymbolicLink(
                atPath: directory + "/" + name, withDestinationPath: source + "/" + name)
        }
    }

    @Test func fetchesTheFourFilesByteForByteWithProgressThenSkipsThem() throws {
        let mnist = try TestData.mnist()
        try TestData.withTemporaryDirectory { destination in
            try LocalHTTPServer.with(serving: mnist) { server in
                let fetcher = try MNISTFetcher(mirrors: [server.baseURL], expectedSizes: servedSizes(mnist))
                var reports: [(file: String, done: Int64, total: Int64?)] = []
                let outcomes = try fetcher.fetch(to: destination + "/mnist") { reports.append(($0, $1, $2)) }

                #expect(outcomes.map(\.file) == MNISTFile.allCases)
                #expect(outcomes.allSatisfy { $0.source != nil })
                for file in MNISTFile.allCases {
                    let original = try Data(contentsOf: URL(fileURLWithPath: mnist + "/" + file.canonicalName))
                    let fetched = try Data(
                        contentsOf: URL(fileURLWithPath: destination + "/mnist/" + file.canonicalName))
                    #expect(fetched == original, "\(file.canonicalName) differs from the original")
                    let last = reports.last { $0.file == file.canonicalName }
                    #expect(last?.done == Int64(original.count) && last?.total == Int64(original.count))
                }
                let saved = try contents(destination + "/mnist")
                #expect(saved == MNISTFile.allCases.map(\.canonicalName).sorted())

                reports = []
                let again = try fetcher.fetch(to: destination + "/mnist") { reports.append(($0, $1, $2)) }
                #expect(again.allSatisfy { $0.source == nil })
                #expect(reports.isEmpty)
            }
        }
    }

    @Test func originalSizesRejectARecompressedCopy() throws {
        let mnist = try TestData.mnist()
        try TestData.withTemporaryDirectory { destination in
            try LocalHTTPServer.with(serving: mnist) { server in
                let error = #expect(throws: FetchError.self) {
                    try MNISTFetcher(mirrors: [server.baseURL]).fetch(to: destination)
                }
                let url = server.baseURL.absoluteString + "train-images-idx3-ubyte.gz"
                #expect(error == .sizeMismatch(url: url, expected: 9_912_422, received: 9_719_438))
                #expect(error?.description == "\(url): expected 9912422 bytes, got 9719438")
                let saved = try contents(destination)
                #expect(saved.isEmpty)
            }
        }
    }

    @Test func truncatedFileOnServerFailsAndLeavesNoPartialFile() throws {
        let mnist = try TestData.mnist()
        try TestData.withTemporaryDirectory { root in
            let served = root + "/served"
            let destination = root + "/destination"
            try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
            try link(
                ["train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"],
                from: mnist, into: served)
            let labels = try Data(contentsOf: URL(fileURLWithPath: mnist + "/train-labels-idx1-ubyte.gz"))
            try labels.prefix(20_000).write(to: URL(fileURLWithPath: served + "/train-labels-idx1-ubyte.gz"))
            try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
            try link(["train-images-idx3-ubyte.gz"], from: mnist, into: destination)

            try LocalHTTPServer.with(serving: served) { server in
                let url = server.baseURL.absoluteString + "train-labels-idx1-ubyte.gz"
                let sized = MNISTFetcher(mirrors: [server.baseURL], expectedSizes: [.trainLabels: 28_857])
                let bySize = #expect(throws: FetchError.self) { try sized.fetch(to: destination) }
                #expect(bySize?.description == "\(url): expected 28857 bytes, got 20000")
                let afterSizeCheck = try contents(destination)
                #expect(afterSizeCheck == ["train-images-idx3-ubyte.gz"])

                let unsized = MNISTFetcher(mirrors: [server.baseURL], expectedSizes: [:])
                let byContent = #expect(throws: FetchError.self) { try unsized.fetch(to: destination) }
                #expect(
                    byContent?.description
                        == "\(url): corrupt gzip data: ends in the middle of gzip member 1 (file truncated?)")
                let afterContentCheck = try contents(destination)
                #expect(afterContentCheck == ["train-images-idx3-ubyte.gz"])
            }
        }
    }

    @Test func wrongShapeIsRejected() throws {
        let mnist = try TestData.mnist()
        try TestData.withTemporaryDirectory { root in
            try FileManager.default.createDirectory(atPath: root + "/served", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: root + "/destination", withIntermediateDirectories: true)
            try link(["train-images-idx3-ubyte.gz"], from: mnist, into: root + "/destination")
            try TestData.write(
                TestData.gzip(TestData.labels([1, 2])), to: root + "/served", "train-labels-idx1-ubyte.gz")
            try LocalHTTPServer.with(serving: root + "/served") { server in
                let error = #expect(throws: FetchError.self) {
                    try MNISTFetcher(mirrors: [server.baseURL], expectedSizes: [:]).fetch(to: root + "/destination")
                }
                let url = server.baseURL.absoluteString + "train-labels-idx1-ubyte.gz"
                #expect(error?.description == "\(url): holds 2 labels, expected 60000 labels")
                let saved = try contents(root + "/destination")
                #expect(saved == ["train-images-idx3-ubyte.gz"])
            }
        }
    }

    @Test func laterMirrorIsTriedAndEveryFailureReported() throws {
        let mnist = try TestData.mnist()
        try TestData.withTemporaryDirectory { destination in
            // The large files are present already: only the label files are downloaded.
            try link(["train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"], from: mnist, into: destination)
            try LocalHTTPServer.with(serving: mnist) { server in
                let missing = server.baseURL.appendingPathComponent("missing/")
                let fetcher = try MNISTFetcher(mirrors: [missing, server.baseURL], expectedSizes: servedSizes(mnist))
                let outcomes = try fetcher.fetch(to: destination)
                #expect(
                    outcomes.map(\.source) == [
                        nil, server.baseURL.appendingPathComponent("train-labels-idx1-ubyte.gz"),
                        nil, server.baseURL.appendingPathComponent("t10k-labels-idx1-ubyte.gz"),
                    ])

                try FileManager.default.removeItem(atPath: destination + "/train-labels-idx1-ubyte.gz")
                let failing = MNISTFetcher(mirrors: [missing, missing.appendingPathComponent("deeper/")])
                let error = #expect(throws: FetchError.self) { try failing.fetch(to: destination) }
                let base = missing.absoluteString
                #expect(
                    error?.description
                        == "could not fetch train-labels-idx1-ubyte.gz from any mirror: "
                        + "\(base)train-labels-idx1-ubyte.gz: HTTP 404; "
                        + "\(base)deeper/train-labels-idx1-ubyte.gz: HTTP 404")
            }
        }
    }

    @Test func noMirrorIsAnError() throws {
        #expect(throws: FetchError.noMirrors) { try MNISTFetcher(mirrors: []).fetch(to: "/nonexistent") }
        #expect(FetchError.noMirrors.description == "no mirror to fetch MNIST from")
    }

    @Test func unreachableMirrorIsATransportError() throws {
        // Port 9 (discard) on localhost: nothing listens there in a test environment, so the connection is refused.
        let fetcher = MNISTFetcher(mirrors: [URL(string: "http://127.0.0.1:9/")!], timeout: 5)
        try TestData.withTemporaryDirectory { destination in
            let error = #expect(throws: FetchError.self) { try fetcher.fetch(to: destination) }
            guard case .transport(let url, _) = error else {
                Issue.record("expected a transport error, got \(String(describing: error))")
                return
            }
            #expect(url == "http://127.0.0.1:9/train-images-idx3-ubyte.gz")
        }
    }
}
