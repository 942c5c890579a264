import Foundation
import Model
import TestSupport

/// A learnable synthetic data set of K classes: each class is a random binary prototype of `inputs` values
/// (30% on), each sample its class's prototype with 5% of the values flipped, on values at 0.8 (byte 204).
/// Fixed seeds, so every test run writes the same bytes.
struct SyntheticData {
    let classes: Int
    let shape: [Int]
    let trainLabels: [Int32]
    let testLabels: [Int32]
    let trainBytes: [UInt8]
    let testBytes: [UInt8]

    init(classes: Int, shape: [Int], train: Int, test: Int, seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let inputs = shape.reduce(1, *)
        let prototypes = (0..<classes).map { _ in (0..<inputs).map { _ in random.int(in: 0..<10) < 3 } }
        func part(_ count: Int) -> ([Int32], [UInt8]) {
            var labels: [Int32] = []
            var bytes: [UInt8] = []
            for _ in 0..<count {
                let label = random.int(in: 0..<classes)
                labels.append(Int32(label))
                bytes += prototypes[label].map { on in (on != (random.int(in: 0..<100) < 5)) ? 204 : 0 }
            }
            return (labels, bytes)
        }
        self.classes = classes
        self.shape = shape
        (trainLabels, trainBytes) = part(train)
        (testLabels, testBytes) = part(test)
    }

    /// The four IDX files in MNIST's names (raw, rank 1 + the shape's), into `directory`.
    func writeIDX(to directory: String) throws {
        precondition(classes <= 256, "IDX labels are bytes")
        func bigEndian(_ value: Int) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * (3 - $0))) & 0xFF) } }
        func images(_ bytes: [UInt8], count: Int) -> [UInt8] {
            bigEndian(0x800 | (shape.count + 1)) + bigEndian(count) + shape.flatMap(bigEndian) + bytes
        }
        func labels(_ labels: [Int32]) -> [UInt8] {
            bigEndian(0x801) + bigEndian(labels.count) + labels.map(UInt8.init)
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let files: [(String, [UInt8])] = [
            ("train-images-idx3-ubyte", images(trainBytes, count: trainLabels.count)),
            ("train-labels-idx1-ubyte", labels(trainLabels)),
            ("t10k-images-idx3-ubyte", images(testBytes, count: testLabels.count)),
            ("t10k-labels-idx1-ubyte", labels(testLabels)),
        ]
        for (name, bytes) in files {
            try Data(bytes).write(to: URL(fileURLWithPath: directory).appendingPathComponent(name))
        }
    }

    /// The keras-convention `.npz` (`x_train`, `y_train`, `x_test`, `y_test`): x as bytes or as float32 p / 255,
    /// deflated (`np.savez_compressed`) or stored (`np.savez`).
    func writeNPZ(to path: String, float: Bool, compressed: Bool) throws {
        func x(_ bytes: [UInt8], count: Int) -> NPYArray {
            NPYArray(shape: [count] + shape, float ? .float32(bytes.map { Float($0) / 255 }) : .uint8(bytes))
        }
        let arrays = [
            ("x_train", x(trainBytes, count: trainLabels.count)),
            ("y_train", NPYArray(shape: [trainLabels.count], .int32(trainLabels))),
            ("x_test", x(testBytes, count: testLabels.count)),
            ("y_test", NPYArray(shape: [testLabels.count], .int32(testLabels))),
        ]
        let archive = ZipArchive(entries: arrays.map { ZipArchive.Entry(name: $0.0 + ".npy", bytes: $0.1.encoded()) })
        try Data(try archive.encoded(level: compressed ? 6 : 0)).write(to: URL(fileURLWithPath: path))
    }
}
