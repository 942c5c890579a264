import Foundation
import Model
import Parallel
import Testing

/// Translation augmentation (`shift`, `ImageShift`): the move of one image by hand, the offsets' range and
/// keys, and training with it — the same bits at any thread count, bit-exact resume, other weights than
/// without it, and a clear refusal of data that are not images.
@Suite("Moving training images (shift)")
struct ImageShiftTests {
    /// A 3 × 4 image of one channel holding 1…12 row by row.
    static let image = ActivationShape(rows: 3, columns: 4, channels: 1)

    func moved(_ values: [UInt8], shape: ActivationShape, by offset: (dy: Int, dx: Int)) -> [UInt8] {
        let shift = ImageShift(maximum: 2, seed: 1, image: shape)!
        var out = [UInt8](repeating: 99, count: values.count)
        values.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { shift.move(source, by: offset, into: $0, zero: 0) }
        }
        return out
    }

    @Test("a move by (dy, dx) puts pixel (r, c) at (r + dy, c + dx) and zeros what comes in from outside")
    func moveByHand() {
        let pixels = (1...12).map(UInt8.init)
        #expect(moved(pixels, shape: Self.image, by: (0, 0)) == pixels)
        #expect(moved(pixels, shape: Self.image, by: (1, -1)) == [0, 0, 0, 0, 2, 3, 4, 0, 6, 7, 8, 0])
        #expect(moved(pixels, shape: Self.image, by: (-2, 2)) == [0, 0, 9, 10, 0, 0, 0, 0, 0, 0, 0, 0])
        // Two channels (channels last): a pixel's channels move together.
        let two = ActivationShape(rows: 3, columns: 3, channels: 2)
        let values = (1...18).map(UInt8.init)
        #expect(
            moved(values, shape: two, by: (0, 1)) == [0, 0, 1, 2, 3, 4, 0, 0, 7, 8, 9, 10, 0, 0, 13, 14, 15, 16])
        #expect(ImageShift(maximum: 0, seed: 1, image: Self.image) == nil)
    }

    @Test("offsets: every one of (2m + 1)² moves occurs, none outside −m…m, fixed by (seed, epoch, sample)")
    func offsets() {
        let shift = ImageShift(maximum: 2, seed: 7, image: ActivationShape(rows: 28, columns: 28, channels: 1))!
        var seen = Set<[Int]>()
        for sample in 0..<2_000 {
            let (dy, dx) = shift.offset(epoch: 3, sample: UInt64(sample))
            #expect(abs(dy) <= 2 && abs(dx) <= 2)
            seen.insert([dy, dx])
        }
        #expect(seen.count == 25)
        let first = (0..<50).map { shift.offset(epoch: 3, sample: UInt64($0)) }
        let again = (0..<50).map { shift.offset(epoch: 3, sample: UInt64($0)) }
        let nextEpoch = (0..<50).map { shift.offset(epoch: 4, sample: UInt64($0)) }
        let otherSeed = ImageShift(maximum: 2, seed: 8, image: ActivationShape(rows: 28, columns: 28, channels: 1))!
        let otherSeeds = (0..<50).map { otherSeed.offset(epoch: 3, sample: UInt64($0)) }
        #expect(first.map { [$0.dy, $0.dx] } == again.map { [$0.dy, $0.dx] })
        #expect(first.map { [$0.dy, $0.dx] } != nextEpoch.map { [$0.dy, $0.dx] })
        #expect(first.map { [$0.dy, $0.dx] } != otherSeeds.map { [$0.dy, $0.dx] })
    }

    @Test("the three-layer trainer with shift 2: the same bits at 1, 2 and 3 threads, other bits than shift 0")
    func threeLayerTrainerIsThreadIndependent() throws {
        let determinism = DeterminismTests()
        let reference = try determinism.train(threads: 1, shards: 3, shift: 2)
        for threads in [2, 3] {
            #expect(try determinism.train(threads: threads, shards: 3, shift: 2) == reference, "threads \(threads)")
        }
        #expect(try determinism.train(threads: 2, shards: 3, shift: 0) != reference)
    }

    @Test("a layered run with shift 2 stopped mid-epoch and resumed at 1 and 2 threads: the same model as one run")
    func layeredResumeIsBitExact() throws {
        try TestData.withTemporaryDirectory { scratch in
            var config = LayeredResumeTests.config()
            config.shift = 2
            _ = try LayeredResumeTests.run(config, in: scratch + "/whole", stoppingAfter: [])
            _ = try LayeredResumeTests.run(config, in: scratch + "/pieces", stoppingAfter: [13, 45])
            config.shift = 0
            _ = try LayeredResumeTests.run(config, in: scratch + "/still", stoppingAfter: [])
            let whole = try Data(contentsOf: URL(fileURLWithPath: scratch + "/whole/model.bin"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: scratch + "/pieces/model.bin")) == whole)
            #expect(try Data(contentsOf: URL(fileURLWithPath: scratch + "/still/model.bin")) != whole)
            let written = try String(contentsOfFile: scratch + "/whole/config.json", encoding: .utf8)
            #expect(written.hasSuffix("  \"averageEvery\": \"batch\",\n  \"shift\": 2\n}\n"))
            #expect(!(try String(contentsOfFile: scratch + "/still/config.json", encoding: .utf8)).contains("shift"))
        }
    }

    @Test("shift on samples that are not images, or larger than the images: one line naming the shape")
    func nonImagesAreRefused() throws {
        let vectors = Dataset(
            name: "vectors", shape: [64], values: .bytes([UInt8](repeating: 3, count: 64 * 20)),
            labels: (0..<20).map { Int32($0 % 2) }, classCount: 2)
        let small = Dataset(
            name: "small", rows: 4, columns: 5, pixels: [UInt8](repeating: 3, count: 20 * 20),
            labels: (0..<20).map { UInt8($0 % 2) }, classCount: 2)
        try TestData.withTemporaryDirectory { scratch in
            var config = RunConfig()
            config.hidden = 10
            config.epochs = 1
            config.shift = 4
            for (name, data, shape) in [("vectors", vectors, "[64]"), ("small", small, "[4, 5]")] {
                let session = TrainingSession(
                    config: config, data: TrainTestSets(train: data, test: data), threads: 1,
                    runDirectory: scratch + "/" + name)
                #expect(
                    throws: SessionError.invalidData(
                        "shift 4 moves images, and needs samples of more than 4 rows and columns; the training "
                            + "samples of \(name) have shape \(shape)")
                ) { try session.run(observer: ResumeTests.Recorder()) }
                #expect(!FileManager.default.fileExists(atPath: scratch + "/" + name))
            }
        }
    }
}
