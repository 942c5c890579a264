import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Why `MNISTFetcher` could not provide a file. Every case names the URL or the path concerned.
public enum FetchError: Error, Equatable, CustomStringConvertible {
    /// `mirrors` is empty.
    case noMirrors
    /// The request failed below HTTP: no connection, timeout, reset…
    case transport(url: String, reason: String)
    /// The server answered with a status other than 2xx.
    case httpStatus(url: String, status: Int)
    /// The connection ended before the `Content-Length` the server announced.
    case incomplete(url: String, expected: Int64, received: Int64)
    /// The response is larger than any MNIST file (the download is abandoned at `limit` bytes).
    case tooLarge(url: String, limit: Int64)
    /// The downloaded file does not have the size of the file the fetcher was told to expect.
    case sizeMismatch(url: String, expected: Int64, received: Int64)
    /// The downloaded file is not a valid IDX file; `error` names the URL.
    case invalid(url: String, error: DataError)
    /// The downloaded file is valid IDX but not the MNIST file asked for (wrong count or image size).
    case unexpectedShape(url: String, expected: String, found: String)
    /// The destination directory or file could not be created or written.
    case cannotWrite(path: String, reason: String)
    /// Every mirror failed for `file`; one error per mirror, in the order tried.
    case allMirrorsFailed(file: String, failures: [FetchError])

    public var description: String {
        switch self {
        case .noMirrors:
            return "no mirror to fetch MNIST from"
        case .transport(let url, let reason):
            return "\(url): download failed: \(reason)"
        case .httpStatus(let url, let status):
            return "\(url): HTTP \(status)"
        case .incomplete(let url, let expected, let received):
            return "\(url): connection closed after \(received) of \(expected) bytes"
        case .tooLarge(let url, let limit):
            return "\(url): larger than \(limit) bytes, not an MNIST file"
        case .sizeMismatch(let url, let expected, let received):
            return "\(url): expected \(expected) bytes, got \(received)"
        case .invalid(_, let error):
            return error.description
        case .unexpectedShape(let url, let expected, let found):
            return "\(url): holds \(found), expected \(expected)"
        case .cannotWrite(let path, let reason):
            return "\(path): cannot write: \(reason)"
        case .allMirrorsFailed(let file, let failures):
            return "could not fetch \(file) from any mirror: " + failures.map(\.description).joined(separator: "; ")
        }
    }
}

/// Downloads the four MNIST `.gz` files into a directory, checking each before it is saved.
///
/// Each file is taken from the first mirror that serves it correctly. A download is kept only when it has the
/// expected size (`expectedSizes`) *and* parses as the expected IDX file (60,000 or 10,000 samples, 28×28
/// images); it is then written to a temporary file in the destination directory, flushed to disk and renamed into
/// place, so the directory never holds a partial or unchecked file under an MNIST name. Files already present
/// (in any accepted name form) and valid are not downloaded again.
///
///     let fetcher = MNISTFetcher()
///     try fetcher.fetch(to: "data/mnist") { file, done, total in print(file, done, total ?? -1) }
public struct MNISTFetcher: Sendable {
    /// Called on the thread that called `fetch`, about ten times a second while a file downloads and once when
    /// it is complete (then `bytesDone == bytesTotal`). `bytesTotal` is nil while the size is unknown.
    public typealias Progress = (_ file: String, _ bytesDone: Int64, _ bytesTotal: Int64?) -> Void

    /// The usual public mirrors of the original files, tried in order.
    public static let defaultMirrors: [URL] = [
        URL(string: "https://ossci-datasets.s3.amazonaws.com/mnist/")!,
        URL(string: "https://storage.googleapis.com/cvdf-datasets/mnist/")!,
    ]

    /// The sizes of the original `.gz` files, which the default mirrors serve byte for byte.
    public static let canonicalSizes: [MNISTFile: Int64] = Dictionary(
        uniqueKeysWithValues: MNISTFile.allCases.map { ($0, $0.canonicalCompressedSize) })

    /// No MNIST `.gz` comes near this; a response that does is abandoned rather than held in memory.
    public static let sizeLimit: Int64 = 64 << 20

    /// Base URLs, tried in order for each file; a file's URL is the base plus its canonical name.
    public var mirrors: [URL]
    /// The size each downloaded `.gz` must have. Files without an entry are checked by parsing only: use `[:]`
    /// for a mirror that serves the same data compressed differently (a recompressed copy).
    public var expectedSizes: [MNISTFile: Int64]
    /// Seconds a request may stay idle before it fails.
    public var timeout: TimeInterval

    public init(
        mirrors: [URL] = MNISTFetcher.defaultMirrors,
        expectedSizes: [MNISTFile: Int64] = MNISTFetcher.canonicalSizes,
        timeout: TimeInterval = 30
    ) {
        self.mirrors = mirrors
        self.expectedSizes = expectedSizes
        self.timeout = timeout
    }

    /// What `fetch` did for one file.
    public struct Outcome: Sendable, Equatable {
        public let file: MNISTFile
        /// Where the file is now.
        public let path: String
        /// The URL it was downloaded from; nil when a valid copy was already present.
        public let source: URL?
    }

    /// Makes sure `directory` (created if needed) holds the four MNIST files, downloading those that are missing
    /// or invalid, in the order train images, train labels, test images, test labels.
    ///
    /// Every missing file is downloaded and checked, in memory (the four take about 12 MB), before anything is
    /// written: when one cannot be fetched, nothing is written at all — no directory, no file, no temporary —
    /// and files already there are left as they were. Then each is written atomically.
    ///
    /// - Returns: one outcome per file, in that order.
    /// - Throws: the error of the only mirror, or `FetchError.allMirrorsFailed` listing each mirror's error, for
    ///   the first file no mirror could provide; `FetchError.cannotWrite`.
    @discardableResult
    public func fetch(to directory: String, progress: Progress = { _, _, _ in }) throws(FetchError) -> [Outcome] {
        guard !mirrors.isEmpty else { throw .noMirrors }
        var present: [MNISTFile: String] = [:]
        var downloads: [(file: MNISTFile, data: Data, source: URL)] = []
        for file in MNISTFile.allCases {
            if let existing = file.find(in: directory), isValid(existing, as: file) {
                present[file] = existing
                continue
            }
            var failures: [FetchError] = []
            for mirror in mirrors {
                let url = mirror.appendingPathComponent(file.canonicalName)
                do throws(FetchError) {
                    let data = try download(url) { done, total in progress(file.canonicalName, done, total) }
                    try check(data, as: file, from: url.absoluteString)
                    downloads.append((file, data, url))
                    break
                } catch {
                    failures.append(error)
                }
            }
            if downloads.last?.file != file {
                throw failures.count == 1
                    ? failures[0] : .allMirrorsFailed(file: file.canonicalName, failures: failures)
            }
        }
        if !downloads.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .cannotWrite(path: directory, reason: error.localizedDescription)
            }
        }
        var written: [MNISTFile: (path: String, source: URL)] = [:]
        for download in downloads {
            let path = try Self.writeAtomically(download.data, directory: directory, name: download.file.canonicalName)
            written[download.file] = (path, download.source)
        }
        return MNISTFile.allCases.map { file in
            if let (path, source) = written[file] { return Outcome(file: file, path: path, source: source) }
            return Outcome(file: file, path: present[file] ?? "", source: nil)
        }
    }

    /// The bytes at `url`: over HTTP(S) with `Transfer`, or read from the local file of a `file:` URL (which
    /// Foundation's URLSession does not serve on Linux).
    private func download(_ url: URL, progress: (Int64, Int64?) -> Void) throws(FetchError) -> Data {
        guard url.isFileURL else {
            return try Transfer(url: url, limit: Self.sizeLimit).run(timeout: timeout, progress: progress)
        }
        let bytes: [UInt8]
        do {
            bytes = try FileContents.bytes(atPath: url.path)
        } catch {
            throw .transport(url: url.absoluteString, reason: error.reason)
        }
        guard Int64(bytes.count) <= Self.sizeLimit else {
            throw .tooLarge(url: url.absoluteString, limit: Self.sizeLimit)
        }
        progress(Int64(bytes.count), Int64(bytes.count))
        return Data(bytes)
    }

    /// Whether the file at `path` parses as `file` with MNIST's shape (its size is not checked: a valid copy
    /// obtained elsewhere, raw or recompressed, is as good as a download).
    private func isValid(_ path: String, as file: MNISTFile) -> Bool {
        guard let data = try? IDX.read(path) else { return false }
        return (try? check(data, as: file, from: path, checkSize: false)) != nil
    }

    /// Checks a download's size (when `expectedSizes` has one and `checkSize`), then its contents.
    private func check(_ data: Data, as file: MNISTFile, from url: String, checkSize: Bool = true) throws(FetchError) {
        if checkSize, let expected = expectedSizes[file], Int64(data.count) != expected {
            throw .sizeMismatch(url: url, expected: expected, received: Int64(data.count))
        }
        let expected: String
        let found: String
        do throws(DataError) {
            switch file.kind {
            case .images:
                let images = try IDX.parseImages(data, name: url)
                expected = "\(file.expectedCount) images of 28×28"
                found = "\(images.count) images of \(images.rows)×\(images.columns)"
            case .labels:
                let labels = try IDX.parseLabels(data, name: url)
                expected = "\(file.expectedCount) labels"
                found = "\(labels.count) labels"
            }
        } catch {
            throw .invalid(url: url, error: error)
        }
        guard found == expected else { throw .unexpectedShape(url: url, expected: expected, found: found) }
    }

    /// Writes `data` to `directory/name` with `AtomicFile`, so that, whatever happens, that path holds either its
    /// old contents or all of `data`.
    private static func writeAtomically(_ data: Data, directory: String, name: String) throws(FetchError) -> String {
        let destination = (directory as NSString).appendingPathComponent(name)
        do {
            try AtomicFile.write([UInt8](data), to: destination)
        } catch {
            throw .cannotWrite(path: error.path, reason: error.reason)
        }
        return destination
    }
}

/// One HTTP download into memory, driven by a `URLSession` delegate and waited for synchronously.
///
/// `@unchecked Sendable` because URLSession calls the delegate methods on its own queue while `run` waits on the
/// caller's thread: every stored `var` below is read and written only with `condition` locked.
private final class Transfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let url: URL
    let limit: Int64
    private let condition = NSCondition()
    private var body = Data()
    private var total: Int64?
    /// A failure decided by a delegate method (bad status, too large) before it cancelled the task.
    private var failure: FetchError?
    /// Set once, when the task has completed.
    private var outcome: Result<Data, FetchError>?

    init(url: URL, limit: Int64) {
        self.url = url
        self.limit = limit
    }

    /// Downloads `url`, calling `progress(bytesDone, bytesTotal)` on this thread as it goes and once at the end.
    func run(timeout: TimeInterval, progress: (Int64, Int64?) -> Void) throws(FetchError) -> Data {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
        // Releases the session's strong reference to its delegate (self) once the task is done.
        defer { session.finishTasksAndInvalidate() }
        session.dataTask(with: url).resume()

        var reported: Int64 = -1
        condition.lock()
        while outcome == nil {
            _ = condition.wait(until: Date(timeIntervalSinceNow: 0.1))
            let done = Int64(body.count)
            if outcome == nil && done != reported {
                reported = done
                let total = self.total
                condition.unlock()
                progress(done, total)
                condition.lock()
            }
        }
        let result = outcome!
        condition.unlock()
        let data = try result.get()
        progress(Int64(data.count), Int64(data.count))
        return data
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        let length = response.expectedContentLength
        condition.lock()
        total = length >= 0 ? length : nil
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            failure = .httpStatus(url: url.absoluteString, status: http.statusCode)
        } else if length > limit {
            failure = .tooLarge(url: url.absoluteString, limit: limit)
        }
        let proceed = failure == nil
        condition.unlock()
        // Called unlocked: cancelling may call back into this delegate before it returns.
        completionHandler(proceed ? .allow : .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        condition.lock()
        body.append(data)
        let overLimit = Int64(body.count) > limit && failure == nil
        if overLimit { failure = .tooLarge(url: url.absoluteString, limit: limit) }
        condition.unlock()
        if overLimit { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        condition.lock()
        let received = Int64(body.count)
        if let failure {
            outcome = .failure(failure)
        } else if let error {
            outcome = .failure(.transport(url: url.absoluteString, reason: error.localizedDescription))
        } else if let total, total != received {
            outcome = .failure(.incomplete(url: url.absoluteString, expected: total, received: received))
        } else {
            outcome = .success(body)
        }
        condition.signal()
        condition.unlock()
    }
}
