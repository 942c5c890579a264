import Foundation
import Model
import Testing

/// `.npz` files as data sets (`NPZDataSet`): the keras keys, uint8 and float32 samples of any shape, labels of
/// any integer type, `class_names`, and one exact error per problem, naming the file and the key.
@Suite("npz data sets")
struct NPZDataSetTests {
    /// An `.npz` of `arrays` (keys without `.npy`), deflated when `compressed` (`np.savez_compressed`), stored
    /// otherwise (`np.savez`).
    static func npz(_ arrays: [(String, [UInt8])], compressed: Bool) throws -> [UInt8] {
        try ZipArchive(entries: arrays.map { ZipArchive.Entry(name: $0.0 + ".npy", bytes: $0.1) })
            .encoded(level: compressed ? 6 : 0)
    }

    /// The `.npy` bytes of a one-dimensional array of strings (`<U`n, UTF-32LE, padded with NULs), which
    /// `NPYArray` does not write.
    static func strings(_ values: [String]) -> [UInt8] {
        let width = max(1, values.map(\.unicodeScalars.count).max() ?? 1)
        var header = "{'descr': '<U\(width)', 'fortran_order': False, 'shape': (\(values.count),), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        bytes += [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)] + Array(header.utf8)
        for value in values {
            let scalars =
                value.unicodeScalars.map(\.value) + Array(repeating: 0, count: width - value.unicodeScalars.count)
            for scalar in scalars { bytes += (0..<4).map { UInt8((scalar >> (8 * $0)) & 0xFF) } }
        }
        return bytes
    }

    /// Two training and one test sample of 2 × 3 bytes, labels 0, 2 | 1.
    static func small(
        xTrain: NPYArray = NPYArray(shape: [2, 2, 3], .uint8(Array(0..<12))),
        yTrain: NPYArray = NPYArray(shape: [2], .int32([0, 2])),
        xTest: NPYArray = NPYArray(shape: [1, 2, 3], .uint8([9, 8, 7, 6, 5, 4])),
        yTest: NPYArray = NPYArray(shape: [1], .int32([1])), extra: [(String, [UInt8])] = [],
        leaving: String? = nil
    ) -> [(String, [UInt8])] {
        let arrays = [
            ("x_train", xTrain.encoded()), ("y_train", yTrain.encoded()), ("x_test", xTest.encoded()),
            ("y_test", yTest.encoded()),
        ]
        return arrays.filter { $0.0 != leaving } + extra
    }

    static func load(_ arrays: [(String, [UInt8])], compressed: Bool = false) throws -> TrainTestSets {
        try TestData.withTemporaryDirectory { directory in
            let path = directory + "/d.npz"
            try TestData.write(try npz(arrays, compressed: compressed), to: directory, "d.npz")
            return try NPZDataSet.load(path: path)
        }
    }

    /// The error loading `arrays` gives, with the temporary directory replaced by `DIR`.
    static func error(_ arrays: [(String, [UInt8])]) throws -> String? {
        try TestData.withTemporaryDirectory { directory -> String? in
            try TestData.write(try npz(arrays, compressed: true), to: directory, "d.npz")
            do {
                _ = try NPZDataSet.load(path: directory + "/d.npz")
                return nil
            } catch let error as DataError {
                return error.description.replacingOccurrences(of: directory, with: "DIR")
            }
        }
    }

    @Test(arguments: [false, true]) func bytesOfAnyShapeStoredOrDeflated(compressed: Bool) throws {
        let sets = try Self.load(Self.small(), compressed: compressed)
        #expect(sets.train.shape == [2, 3] && sets.train.count == 2 && sets.test.count == 1)
        #expect(sets.train.values == .bytes(Array(0..<12)) && sets.test.values == .bytes([9, 8, 7, 6, 5, 4]))
        #expect(sets.train.labels == [0, 2] && sets.test.labels == [1])
        #expect(sets.train.classCount == 3 && sets.test.classCount == 3 && sets.train.classNames == nil)
        #expect(sets.train.name == "d.npz: x_train" && sets.train.rows == 2 && sets.train.columns == 3)
        #expect(sets.train.imageSize! == (2, 3))
    }

    @Test func floatSamplesClassNamesAndWideLabels() throws {
        let x = NPYArray(shape: [2, 4], .float32([0, 0.25, 0.5, 1, 1, 0.75, 0.5, 0]))
        let sets = try Self.load(
            Self.small(
                xTrain: x, yTrain: NPYArray(shape: [2, 1], .int32([299, 0])), xTest: x,
                yTest: NPYArray(shape: [2], .uint8([1, 2])),
                extra: [("class_names", Self.strings((0..<300).map { "c\($0)" }))]))
        #expect(sets.train.values == .intensities([0, 0.25, 0.5, 1, 1, 0.75, 0.5, 0]))
        #expect(sets.train.shape == [4] && sets.train.imageSize == nil)
        #expect(sets.train.labels == [299, 0] && sets.test.labels == [1, 2])
        #expect(sets.train.classCount == 300 && sets.train.classNames?[299] == "c299")
    }

    @Test func errorsNameTheFileAndTheKey() throws {
        #expect(
            try Self.error(Self.small(leaving: "y_test"))
                == "DIR/d.npz: no array y_test (the file has: x_train, y_train, x_test)")
        #expect(
            try Self.error(Self.small(xTrain: NPYArray(shape: [2, 2], .int32([1, 2, 3, 4]))))
                == "DIR/d.npz: x_train: dtype '<i4', expected uint8, float32 or float64")
        #expect(
            try Self.error(Self.small(yTrain: NPYArray(shape: [2], .float32([0, 1]))))
                == "DIR/d.npz: y_train: dtype '<f4', expected an integer type")
        #expect(
            try Self.error(Self.small(yTrain: NPYArray(shape: [3], .int32([0, 1, 1]))))
                == "DIR/d.npz: y_train: shape (3,): expected (2,), one label per sample of x_train")
        #expect(
            try Self.error(Self.small(xTrain: NPYArray(shape: [12], .uint8(Array(0..<12)))))
                == "DIR/d.npz: x_train: shape (12,): samples need a first dimension (their count) and at least one more"
        )
        #expect(
            try Self.error(Self.small(xTest: NPYArray(shape: [1, 3, 2], .uint8([9, 8, 7, 6, 5, 4]))))
                == "DIR/d.npz: x_test: images are 3×2 but the training images (DIR/d.npz: x_train) are 2×3")
        #expect(
            try Self.error(Self.small(yTrain: NPYArray(shape: [2], .int32([0, -1]))))
                == "DIR/d.npz: y_train: label -1 at index 1 is outside 0...65534")
        #expect(
            try Self.error(Self.small(extra: [("class_names", Self.strings(["a", "b"]))]))
                == "DIR/d.npz: y_train: label 2 at index 1 is outside 0...1")
        #expect(
            try Self.error(
                Self.small(
                    xTrain: NPYArray(shape: [1, 2], .float32([0.5, 1.5])), yTrain: NPYArray(shape: [1], .int32([0])),
                    xTest: NPYArray(shape: [1, 2], .float32([0, 0]))))
                == "DIR/d.npz: x_train: value 1.5 at flat index 1 is outside [0, 1] (scale the data to [0, 1], or "
                + "store it as uint8)")
        #expect(
            try Self.error(Self.small(xTrain: NPYArray(shape: [2, 1], .float32([0, .nan]))))?.hasPrefix(
                "DIR/d.npz: x_train: value nan at flat index 1 is outside [0, 1]") == true)
        #expect(
            try Self.error(Self.small(extra: [("class_names", NPYArray(shape: [2], .int32([0, 1])).encoded())]))
                == "DIR/d.npz: class_names: dtype '<i4', expected strings")
    }

    @Test func aTruncatedArchiveIsOneLine() throws {
        let bytes = try Self.npz(Self.small(), compressed: true)
        try TestData.withTemporaryDirectory { directory in
            try TestData.write(Array(bytes.prefix(bytes.count - 30)), to: directory, "cut.npz")
            let error = #expect(throws: DataError.self) { try NPZDataSet.load(path: directory + "/cut.npz") }
            #expect(error?.description.hasPrefix(directory + "/cut.npz: ") == true, "\(String(describing: error))")
            #expect(error?.description.contains("\n") == false)
        }
    }

    @Test func theTestPartAloneAndUnlabelled() throws {
        try TestData.withTemporaryDirectory { directory in
            let arrays = Self.small(leaving: "y_test").filter { !$0.0.hasSuffix("_train") }
            try TestData.write(try Self.npz(arrays, compressed: false), to: directory, "x.npz")
            let (test, labelled) = try NPZDataSet.loadTest(path: directory + "/x.npz", labelsRequired: false)
            #expect(!labelled && test.labels == [0] && test.values == .bytes([9, 8, 7, 6, 5, 4]))
            let error = #expect(throws: DataError.self) { try NPZDataSet.loadTest(path: directory + "/x.npz") }
            #expect(error?.description == directory + "/x.npz: no array y_test (the file has: x_test)")
        }
    }
}
