import Foundation
import Testing

/// `eval` reads the test files alone; an empty test set is an error naming the file, for `train` and `eval`.
@Suite("test set, end to end", .serialized)
struct TestSetCLITests {
    static let mnist = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("../shared/data/mnist").standardizedFileURL.path

    /// An IDX image file of 0 images of 28×28 and a label file of 0 labels, uncompressed.
    static let emptyImages: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28]
    static let emptyLabels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 0]

    /// A small trained run to evaluate.
    static func trainedRun() throws -> URL {
        let run = try PtrainProcess.temporaryDirectory()
        let result = try PtrainProcess.run([
            "train", "--hidden", "16", "--epochs", "1", "--train-limit", "100", "--test-limit", "50", "--data",
            mnist, "--out", run.path, "--threads", "2",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        return run
    }

    /// A directory with links to the real test files and, when `garbageTraining`, training files that hold
    /// garbage (parsing them would fail).
    static func testOnlyDirectory(garbageTraining: Bool) throws -> URL {
        let directory = try PtrainProcess.temporaryDirectory()
        for name in ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"] {
            try FileManager.default.createSymbolicLink(
                atPath: directory.appendingPathComponent(name).path, withDestinationPath: mnist + "/" + name)
        }
        if garbageTraining {
            for name in ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"] {
                try Data("garbage".utf8).write(to: directory.appendingPathComponent(name))
            }
        }
        return directory
    }

    @Test("eval works from a directory that holds only the two t10k files, and never opens training files")
    func evalReadsOnlyTheTestFiles() throws {
        let run = try Self.trainedRun()
        defer { try? FileManager.default.removeItem(at: run) }
        let full = try PtrainProcess.run([
            "eval", "--checkpoint", run.appendingPathComponent("latest.ckpt").path, "--data", Self.mnist,
            "--test-limit", "50",
        ])
        #expect(full.status == 0, "\(full.stderr)")
        #expect(full.stdout.contains("test images      50\n"))
        for garbage in [false, true] {
            let data = try Self.testOnlyDirectory(garbageTraining: garbage)
            defer { try? FileManager.default.removeItem(at: data) }
            let result = try PtrainProcess.run([
                "eval", "--checkpoint", run.appendingPathComponent("latest.ckpt").path, "--data", data.path,
                "--test-limit", "50",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == full.stdout)
        }
    }

    @Test("an empty test set stops eval and train with one line naming the file, exit 1, no run directory")
    func emptyTestSet() throws {
        let run = try Self.trainedRun()
        defer { try? FileManager.default.removeItem(at: run) }
        let data = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        for name in ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"] {
            try FileManager.default.createSymbolicLink(
                atPath: data.appendingPathComponent(name).path, withDestinationPath: Self.mnist + "/" + name)
        }
        try Data(Self.emptyImages).write(to: data.appendingPathComponent("t10k-images-idx3-ubyte"))
        try Data(Self.emptyLabels).write(to: data.appendingPathComponent("t10k-labels-idx1-ubyte"))
        let expected =
            "Error: \(data.path)/t10k-images-idx3-ubyte: the header declares 0 images: the test set is empty\n"

        let eval = try PtrainProcess.run([
            "eval", "--checkpoint", run.appendingPathComponent("latest.ckpt").path, "--data", data.path,
        ])
        #expect(eval.status == 1)
        #expect(eval.stderr == expected)
        #expect(eval.stdout == "")

        let out = data.appendingPathComponent("run")
        let train = try PtrainProcess.run([
            "train", "--hidden", "16", "--epochs", "1", "--train-limit", "100", "--data", data.path, "--out",
            out.path,
        ])
        #expect(train.status == 1)
        #expect(train.stderr == expected)
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
