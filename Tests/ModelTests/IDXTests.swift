import Foundation
import Model
import TestSupport
import Testing

/// Where the test data lives, and helpers to craft IDX and gzip files.
enum TestData {
    /// The real MNIST directory, found where `ptrain` would look from the package root: `$PTRAIN_DATA`, then
    /// `../shared/data/mnist`, then `./data/mnist` (`DataLocator`).
    static let located: Result<String, DataError> = Result { () throws(DataError) in
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try DataLocator.locate(
            explicit: nil, environment: ProcessInfo.processInfo.environment, workingDirectory: packageRoot.path)
    }

    /// The real MNIST directory, or nil when it cannot be found.
    static var mnistDirectory: String? { try? located.get() }

    /// The real MNIST directory, or a recorded test failure (the locator's message, naming where it looked).
    static func mnist(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        switch located {
        case .success(let directory):
            return directory
        case .failure(let error):
            Issue.record("\(error)", sourceLocation: sourceLocation)
            throw error
        }
    }

    /// A fresh empty directory, removed after `body`.
    static func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("ptrain-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    static func write(_ bytes: [UInt8], to directory: String, _ name: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: directory).appendingPathComponent(name))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    /// An IDX image file of `count` images of `rows × columns`, pixel `i` being `i % 256`.
    static func images(count: Int, rows: Int = 2, columns: Int = 3, magic: UInt32 = 0x0803) -> [UInt8] {
        bigEndian(magic) + bigEndian(UInt32(count)) + bigEndian(UInt32(rows)) + bigEndian(UInt32(columns))
            + (0..<(count * rows * columns)).map { UInt8($0 % 256) }
    }

    /// An IDX label file holding `labels`.
    static func labels(_ labels: [UInt8], magic: UInt32 = 0x0801) -> [UInt8] {
        bigEndian(magic) + bigEndian(UInt32(labels.count)) + labels
    }

    /// `bytes` as one gzip member made of stored (uncompressed) deflate blocks: a valid gzip file built without
    /// a compressor, so tests need neither zlib nor a `gzip` binary.
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]
        var blocks = stride(from: 0, to: bytes.count, by: 65_535).map { bytes[$0..<min($0 + 65_535, bytes.count)] }
        if blocks.isEmpty { blocks = [[]] }
        for (index, block) in blocks.enumerated() {
            let length = UInt16(block.count)
            out += [index == blocks.count - 1 ? 1 : 0, UInt8(length & 0xff), UInt8(length >> 8)]
            out += [UInt8(~length & 0xff), UInt8(~length >> 8)]
            out += block
        }
        let crc = crc32(bytes)
        let size = UInt32(truncatingIfNeeded: bytes.count)
        for value in [crc, size] { out += [0, 8, 16, 24].map { UInt8(value >> $0 & 0xff) } }
        return out
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// Writes a small consistent MNIST (3 training, 2 test samples of 2×3) into `directory`, each file under
    /// `MNISTFile.candidateNames[form]`, gzip-compressed when that name ends in `.gz`.
    static func writeTinyMNIST(
        to directory: String, form: Int = 0, trainCount: Int = 3, trainLabelCount: Int = 3,
        testRows: Int = 2
    ) throws {
        let contents: [MNISTFile: [UInt8]] = [
            .trainImages: images(count: trainCount),
            .trainLabels: labels((0..<trainLabelCount).map { UInt8($0 % 10) }),
            .testImages: images(count: 2, rows: testRows),
            .testLabels: labels([7, 2]),
        ]
        for (file, bytes) in contents {
            let name = file.candidateNames[form]
            try write(name.hasSuffix(".gz") ? gzip(bytes) : bytes, to: directory, name)
        }
    }
}

@Suite struct IDXTests {
    @Test func realMNISTHasTheKnownShapeLabelsAndPixels() throws {
        let mnist = try MNIST.load(directory: TestData.mnist())
        #expect(mnist.train.count == 60_000)
        #expect(mnist.test.count == 10_000)
        #expect(mnist.train.rows == 28 && mnist.train.columns == 28)
        #expect(mnist.test.rows == 28 && mnist.test.columns == 28)
        #expect(mnist.train.pixels.count == 60_000 * 784)
        #expect(Array(mnist.train.labels.prefix(5)) == [5, 0, 4, 1, 9])
        #expect(Array(mnist.test.labels.prefix(5)) == [7, 2, 1, 0, 4])
        // Sums computed once with Python's gzip module from the same files.
        #expect(mnist.train.pixels.prefix(784).reduce(0) { $0 + Int($1) } == 27_525)
        #expect(mnist.test.pixels.prefix(784).reduce(0) { $0 + Int($1) } == 18_454)
        #expect(mnist.train.pixels.reduce(0) { $0 + Int($1) } == 1_567_298_545)
        #expect(mnist.train.name == "train-images-idx3-ubyte.gz")
        #expect(mnist.test.name == "t10k-images-idx3-ubyte.gz")
    }

    @Test func realLabelFileParsesFromPathAndFromData() throws {
        let path = try TestData.mnist() + "/t10k-labels-idx1-ubyte.gz"
        let labels = try IDX.readLabels(path: path)
        #expect(labels.count == 10_000)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(Gzip.isGzip(data))
        #expect(try IDX.parseLabels(data, name: "x") == labels)
        #expect(try IDX.parseLabels(Data(Gzip.decompress(data, name: "x")), name: "x") == labels)
    }

    @Test func badMagicIsNamedWithBothNumbers() {
        let error = #expect(throws: DataError.self) {
            try IDX.parseImages(Data(TestData.images(count: 1, magic: 0)), name: "train-images-idx3-ubyte.gz")
        }
        #expect(error == .badMagic(path: "train-images-idx3-ubyte.gz", kind: .images, found: 0))
        #expect(
            error?.description
                == "train-images-idx3-ubyte.gz: bad magic 0x00000000 (expected 0x00000802…0x00000805 for images)")
    }

    @Test func labelFileGivenForImagesIsRecognised() {
        let error = #expect(throws: DataError.self) {
            try IDX.parseImages(Data(TestData.labels([1, 2])), name: "f")
        }
        #expect(
            error?.description
                == "f: bad magic 0x00000801 (expected 0x00000802…0x00000805 for images; this looks like a labels file)")
    }

    @Test func truncatedHeader() {
        let bytes = Array(TestData.images(count: 1).prefix(10))
        let error = #expect(throws: DataError.self) { try IDX.parseImages(Data(bytes), name: "f") }
        #expect(error == .truncatedHeader(path: "f", kind: .images, headerBytes: 16, fileBytes: 10))
        #expect(error?.description == "f: truncated header: an IDX images header is 16 bytes, file holds 10")

        let empty = #expect(throws: DataError.self) { try IDX.parseLabels(Data(), name: "g") }
        #expect(empty?.description == "g: truncated header: an IDX labels header is 8 bytes, file holds 0")
    }

    @Test func truncatedImageBody() {
        let bytes = Array(TestData.images(count: 4).dropLast(2))  // 3 whole images of 6 bytes, then 4 bytes
        let error = #expect(throws: DataError.self) { try IDX.parseImages(Data(bytes), name: "f") }
        #expect(error == .truncatedImages(path: "f", expected: 4, shape: [2, 3], bodyBytes: 22))
        #expect(error?.description == "f: expected 4 images of 2×3, file holds 3 (plus 4 of the 6 bytes of the next)")
    }

    @Test func truncatedLabelBody() {
        let bytes = Array(TestData.labels(Array(repeating: 1, count: 10_000)).dropLast(2))
        let error = #expect(throws: DataError.self) {
            try IDX.parseLabels(Data(TestData.gzip(bytes)), name: "t10k-labels-idx1-ubyte.gz")
        }
        #expect(error?.description == "t10k-labels-idx1-ubyte.gz: expected 10000 labels, file holds 9998")
    }

    @Test func trailingBytesAreRejected() {
        let images = #expect(throws: DataError.self) {
            try IDX.parseImages(Data(TestData.images(count: 2) + [0, 0, 0]), name: "f")
        }
        #expect(images == .trailingBytes(path: "f", kind: .images, count: 2, extra: 3))
        #expect(images?.description == "f: 3 unexpected bytes after the 2 images the header declares")
        let labels = #expect(throws: DataError.self) {
            try IDX.parseLabels(Data(TestData.labels([1, 2]) + [9]), name: "g")
        }
        #expect(labels?.description == "g: 1 unexpected bytes after the 2 labels the header declares")
    }

    @Test func anyByteIsALabel() throws {
        #expect(try IDX.parseLabels(Data(TestData.labels([1, 9, 12, 255])), name: "f") == [1, 9, 12, 255])
    }

    @Test func zeroOrHugeDimensionsAreRejected() {
        for (rows, columns) in [(0, 28), (28, 0), (16_385, 1)] {
            let bytes =
                TestData.bigEndian(0x803) + TestData.bigEndian(1) + TestData.bigEndian(UInt32(rows))
                + TestData.bigEndian(UInt32(columns))
            let error = #expect(throws: DataError.self) { try IDX.parseImages(Data(bytes), name: "f") }
            #expect(error == .badDimensions(path: "f", shape: [rows, columns]))
        }
        let error = DataError.badDimensions(path: "f", shape: [0, 28])
        #expect(error.description == "f: bad image dimensions 0×28 (each must be 1...16384)")
    }

    @Test func hugeCountIsRefusedNotACrash() {
        let bytes =
            TestData.bigEndian(0x803) + [0xff, 0xff, 0xff, 0xff] + TestData.bigEndian(16_384)
            + TestData.bigEndian(16_384) + [1, 2, 3]
        let error = #expect(throws: DataError.self) { try IDX.parseImages(Data(bytes), name: "f") }
        #expect(
            error == .tooLarge(path: "f", kind: .images, count: 4_294_967_295, bytes: 4_294_967_295 * 16_384 * 16_384))
    }

    @Test func imageAndLabelCountsMustAgree() throws {
        try TestData.withTemporaryDirectory { directory in
            try TestData.writeTinyMNIST(to: directory, trainLabelCount: 2)
            let error = #expect(throws: DataError.self) { try MNIST.load(directory: directory) }
            #expect(
                error?.description
                    == "\(directory)/train-labels-idx1-ubyte.gz: holds 2 labels but "
                    + "\(directory)/train-images-idx3-ubyte.gz holds 3 images")
        }
    }

    @Test func trainAndTestImageSizesMustAgree() throws {
        try TestData.withTemporaryDirectory { directory in
            try TestData.writeTinyMNIST(to: directory, testRows: 3)
            let error = #expect(throws: DataError.self) { try MNIST.load(directory: directory) }
            #expect(
                error?.description
                    == "\(directory)/t10k-images-idx3-ubyte.gz: images are 3×3 but the training images "
                    + "(\(directory)/train-images-idx3-ubyte.gz) are 2×3")
        }
    }

    @Test func corruptGzipIsReportedAsSuch() throws {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: TestData.mnist() + "/t10k-labels-idx1-ubyte.gz")))
        for index in stride(from: 100, to: 200, by: 7) { bytes[index] ^= 0x5a }
        let error = #expect(throws: DataError.self) { try IDX.parseLabels(Data(bytes), name: "f.gz") }
        guard case .gzipCorrupt(let path, _) = error else {
            Issue.record("expected gzipCorrupt, got \(String(describing: error))")
            return
        }
        #expect(path == "f.gz")
        #expect(error?.description.hasPrefix("f.gz: corrupt gzip data: ") == true)
    }

    @Test func truncatedGzip() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: TestData.mnist() + "/t10k-labels-idx1-ubyte.gz")))
        let error = #expect(throws: DataError.self) { try IDX.parseLabels(Data(bytes.prefix(2_000)), name: "f.gz") }
        #expect(error?.description == "f.gz: corrupt gzip data: ends in the middle of gzip member 1 (file truncated?)")
    }

    @Test func gzipWithTrailingGarbage() {
        let bytes = TestData.gzip(TestData.labels([1])) + [0, 0, 0]
        let error = #expect(throws: DataError.self) { try IDX.parseLabels(Data(bytes), name: "f.gz") }
        #expect(error?.description == "f.gz: corrupt gzip data: 3 bytes of trailing garbage after gzip member 1")
    }

    @Test func multiMemberGzipIsConcatenated() throws {
        let labels = TestData.labels([3, 1, 4, 1, 5, 9, 2, 6])
        let bytes = TestData.gzip(Array(labels.prefix(5))) + TestData.gzip(Array(labels.dropFirst(5)))
        #expect(try Gzip.decompress(Data(bytes), name: "f") == labels)
        #expect(try IDX.parseLabels(Data(bytes), name: "f") == [3, 1, 4, 1, 5, 9, 2, 6])
    }

    @Test func gzipIsDetectedByContentNotName() throws {
        try TestData.withTemporaryDirectory { directory in
            try TestData.write(TestData.labels([4, 2]), to: directory, "raw.gz")
            try TestData.write(TestData.gzip(TestData.labels([4, 2])), to: directory, "compressed")
            #expect(try IDX.readLabels(path: directory + "/raw.gz") == [4, 2])
            #expect(try IDX.readLabels(path: directory + "/compressed") == [4, 2])
        }
    }

    @Test(arguments: 0..<4) func everyNameFormIsFound(form: Int) throws {
        try TestData.withTemporaryDirectory { directory in
            try TestData.writeTinyMNIST(to: directory, form: form)
            let mnist = try MNIST.load(directory: directory)
            #expect(mnist.train.count == 3 && mnist.test.count == 2)
            #expect(mnist.train.labels == [0, 1, 2] && mnist.test.labels == [7, 2])
            #expect(mnist.train.pixels == (0..<18).map { UInt8($0) })
            #expect(mnist.train.name == MNISTFile.trainImages.candidateNames[form])
        }
    }

    @Test func nameFormsAreTheFourUsualOnes() {
        #expect(
            MNISTFile.trainImages.candidateNames == [
                "train-images-idx3-ubyte.gz", "train-images-idx3-ubyte", "train-images.idx3-ubyte.gz",
                "train-images.idx3-ubyte",
            ])
        #expect(MNISTFile.testLabels.candidateNames[3] == "t10k-labels.idx1-ubyte")
    }

    @Test func mixedNameFormsInOneDirectory() throws {
        try TestData.withTemporaryDirectory { directory in
            try TestData.writeTinyMNIST(to: directory, form: 1)
            try FileManager.default.moveItem(
                atPath: directory + "/t10k-labels-idx1-ubyte", toPath: directory + "/t10k-labels.idx1-ubyte")
            #expect(try MNIST.load(directory: directory).test.labels == [7, 2])
        }
    }

    @Test func missingFileListsTheNamesTried() throws {
        try TestData.withTemporaryDirectory { directory in
            try TestData.writeTinyMNIST(to: directory)
            try FileManager.default.removeItem(atPath: directory + "/t10k-labels-idx1-ubyte.gz")
            let error = #expect(throws: DataError.self) { try MNIST.load(directory: directory) }
            #expect(
                error?.description
                    == "\(directory): no t10k-labels-idx1 file (looked for t10k-labels-idx1-ubyte.gz, "
                    + "t10k-labels-idx1-ubyte, t10k-labels.idx1-ubyte.gz, t10k-labels.idx1-ubyte)")
        }
    }

    @Test func unreadableFile() {
        let error = #expect(throws: DataError.self) { try IDX.readLabels(path: "/nonexistent/labels") }
        #expect(error?.description == "/nonexistent/labels: cannot read: no such file")
    }

    /// Random corruptions of small valid files (fixed seed) must be rejected with a `DataError` or parse, never trap.
    @Test func mutatedFilesNeverTrap() {
        var generator = SplitMix64(seed: 42)
        let seeds: [[UInt8]] = [
            TestData.images(count: 2), TestData.labels([1, 2, 3]),
            TestData.gzip(TestData.images(count: 2)), TestData.gzip(TestData.labels([1, 2, 3])),
        ]
        for _ in 0..<2_000 {
            var bytes = seeds[Int(generator.next() % UInt64(seeds.count))]
            switch generator.next() % 3 {
            case 0: bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count + 1))))
            case 1: bytes += (0..<Int(generator.next() % 8)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            default:
                for _ in 0...(generator.next() % 4) {
                    bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
                }
            }
            _ = try? IDX.parseImages(Data(bytes), name: "fuzz")
            _ = try? IDX.parseLabels(Data(bytes), name: "fuzz")
        }
    }
}
