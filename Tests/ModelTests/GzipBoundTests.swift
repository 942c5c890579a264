import CZlib
import Foundation
import Model
import Testing

/// Inflation bounded by the IDX header: a gzip stream that inflates past the size its header implies, a header
/// that implies too much, and empty sets.
@Suite("gzip and IDX bounds")
struct GzipBoundTests {
    /// `bytes` deflated into one gzip member by zlib (level 9).
    static func deflated(_ bytes: [UInt8]) throws -> [UInt8] {
        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count / 2 + 1024)
        let produced: Int = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                // This is safe because both buffers outlive `stream`, ended before the scope closes.
                var stream = z_stream()
                guard
                    deflateInit2_(
                        &stream, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                        Int32(MemoryLayout<z_stream>.size)) == Z_OK
                else { return -1 }
                defer { deflateEnd(&stream) }
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                guard deflate(&stream, Z_FINISH) == Z_STREAM_END else { return -1 }
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        try #require(produced > 0, "deflate failed")
        return Array(output[0..<produced])
    }

    @Test("a stream 10× longer than its header implies stops one byte past, naming both sizes")
    func tenTimesTheImpliedSize() throws {
        // The header declares 10 images of 28×28 (7,856 bytes with the header); the stream holds 100.
        let declared = TestData.images(count: 10, rows: 28, columns: 28)
        let body = TestData.images(count: 100, rows: 28, columns: 28).dropFirst(16)
        let file = try Self.deflated(Array(declared.prefix(16)) + body)
        let error = #expect(throws: DataError.self) { try IDX.parseImages(Data(file), name: "t10k-images.gz") }
        #expect(
            error == .inflatesPastHeader(path: "t10k-images.gz", expected: 7_856, inflated: 7_857, trailerClaim: 78_416)
        )
        #expect(
            error?.description
                == "t10k-images.gz: gzip data inflates past the 7856 bytes its IDX header implies (stopped at 7857 "
                + "bytes; the gzip trailer claims 78416)")
    }

    @Test("labels: one byte more than declared is refused as well")
    func oneLabelTooMany() throws {
        let file = try Self.deflated(TestData.bigEndian(0x801) + TestData.bigEndian(3) + [1, 2, 3, 4])
        let error = #expect(throws: DataError.self) { try IDX.parseLabels(Data(file), name: "l.gz") }
        #expect(error == .inflatesPastHeader(path: "l.gz", expected: 11, inflated: 12, trailerClaim: 12))
    }

    @Test("a 1 GiB gzip bomb behind a valid header is refused in well under a second")
    func bombIsRefusedFast() throws {
        // One member holding a valid header and 10 images, then 64 members of 16 MiB of zeros each: a 1 MiB
        // file that would inflate to 1 GiB.
        let zeros = try Self.deflated([UInt8](repeating: 0, count: 1 << 24))
        var file = try Self.deflated(TestData.images(count: 10, rows: 28, columns: 28))
        for _ in 0..<64 { file += zeros }
        #expect(file.count < 2 << 20)
        let data = Data(file)
        let clock = ContinuousClock()
        var error: DataError?
        let elapsed = clock.measure {
            error = #expect(throws: DataError.self) { try IDX.parseImages(data, name: "bomb.gz") }
        }
        #expect(error == .inflatesPastHeader(path: "bomb.gz", expected: 7_856, inflated: 7_857, trailerClaim: 1 << 24))
        #expect(elapsed < .milliseconds(500), "took \(elapsed)")
    }

    @Test("a header implying more than IDX.maximumBytes is refused before the body is inflated")
    func impliedSizeIsCapped() throws {
        let header =
            TestData.bigEndian(0x803) + TestData.bigEndian(100_000) + TestData.bigEndian(200)
            + TestData.bigEndian(200)
        for data in [Data(header + [1, 2, 3]), Data(try Self.deflated(header + [1, 2, 3]))] {
            let error = #expect(throws: DataError.self) { try IDX.parseImages(data, name: "big") }
            #expect(error == .tooLarge(path: "big", kind: .images, count: 100_000, bytes: 4_000_000_000))
            #expect(
                error?.description
                    == "big: the header declares 100000 images, 4000000000 bytes: more than the 1073741824-byte limit "
                    + "of an IDX file")
        }
        let labels = #expect(throws: DataError.self) {
            try IDX.parseLabels(Data(TestData.bigEndian(0x801) + [0xff, 0xff, 0xff, 0xff]), name: "l")
        }
        #expect(labels == .tooLarge(path: "l", kind: .labels, count: 4_294_967_295, bytes: 4_294_967_295))
    }

    @Test("a bad magic number stops inflation after the header")
    func badMagicInGzip() throws {
        let file = try Self.deflated(TestData.labels([1, 2]) + [UInt8](repeating: 0, count: 1 << 20))
        let error = #expect(throws: DataError.self) { try IDX.parseImages(Data(file), name: "x.gz") }
        #expect(error == .badMagic(path: "x.gz", kind: .images, found: 0x801))
    }

    @Test("truncated or cut-off streams end in an error, gzip-compressed or not")
    func truncatedStreams() throws {
        let file = try Self.deflated(TestData.images(count: 50, rows: 28, columns: 28))
        for cut in [10, 20, file.count / 2, file.count - 4] {
            let error = #expect(throws: DataError.self) { try IDX.parseImages(Data(file.prefix(cut)), name: "c.gz") }
            #expect(error?.description.hasPrefix("c.gz: ") == true, "\(String(describing: error))")
        }
        // A stream that ends before the header does: the header is reported truncated, as for a raw file.
        let short = try Self.deflated(Array(TestData.images(count: 1).prefix(10)))
        let error = #expect(throws: DataError.self) { try IDX.parseImages(Data(short), name: "s.gz") }
        #expect(error == .truncatedHeader(path: "s.gz", kind: .images, headerBytes: 16, fileBytes: 10))
    }

    @Test("a gzip file of exactly the implied size, in several members, still reads")
    func exactSizeInMembers() throws {
        let bytes = TestData.images(count: 7, rows: 28, columns: 28)
        let file = try Self.deflated(Array(bytes.prefix(5))) + Self.deflated(Array(bytes.dropFirst(5)))
        let images = try IDX.parseImages(Data(file), name: "m.gz")
        #expect(images.count == 7 && images.pixels == Array(bytes.dropFirst(16)))
    }

    @Test("a test set of 0 images is an error naming the file; so is an empty training set")
    func emptySets() throws {
        try TestData.withTemporaryDirectory { directory in
            try TestData.writeTinyMNIST(to: directory)
            try TestData.write(TestData.gzip(TestData.images(count: 0)), to: directory, "t10k-images-idx3-ubyte.gz")
            try TestData.write(TestData.gzip(TestData.labels([])), to: directory, "t10k-labels-idx1-ubyte.gz")
            let path = directory + "/t10k-images-idx3-ubyte.gz"
            let error = #expect(throws: DataError.self) { try MNIST.load(directory: directory) }
            #expect(error == .empty(path: path, role: "test"))
            #expect(error?.description == "\(path): the header declares 0 images: the test set is empty")
            #expect(throws: DataError.empty(path: path, role: "test")) { try MNIST.loadTest(directory: directory) }
        }
        try TestData.withTemporaryDirectory { directory in
            try TestData.writeTinyMNIST(to: directory, trainCount: 0, trainLabelCount: 0)
            #expect(throws: DataError.empty(path: directory + "/train-images-idx3-ubyte.gz", role: "training")) {
                try MNIST.load(directory: directory)
            }
        }
    }

    @Test("the test set loads from a directory without the training files")
    func testSetAlone() throws {
        try TestData.withTemporaryDirectory { directory in
            try TestData.writeTinyMNIST(to: directory)
            for file in [MNISTFile.trainImages, .trainLabels] {
                try FileManager.default.removeItem(atPath: try #require(file.find(in: directory)))
            }
            let test = try MNIST.loadTest(directory: directory)
            #expect(test.count == 2 && test.labels == [7, 2] && test.name == "t10k-images-idx3-ubyte.gz")
            #expect(throws: DataError.self) { try MNIST.load(directory: directory) }
            let found = try DataLocator.locate(
                explicit: directory, environment: [:], workingDirectory: "/", files: [.testImages, .testLabels])
            #expect(found == directory)
        }
    }
}
