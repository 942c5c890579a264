import Foundation
import Testing

/// A diverging run: exit status 3, a message naming epoch, batch and quantity, and the last good checkpoint intact.
@Suite("divergence, end to end")
struct DivergenceCLITests {
    static let mnist = TestMNIST.path

    /// The last good state both tests start from: one epoch of H = 32 on 300 images.
    static func trainOneEpoch(into run: URL, _ common: [String]) throws {
        let first = try PtrainProcess.run(
            [
                "train", "--hidden", "32", "--epochs", "1", "--train-limit", "300", "--test-limit", "100", "--out",
                run.path,
            ] + common)
        #expect(first.status == 0, "\(first.stderr)")
    }

    @Test("huge learning rates in epoch 2 stop with exit 3 and leave epoch 1's files unchanged")
    func divergenceKeepsLastGoodCheckpoint() throws {
        let run = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: run) }
        let common = ["--data", Self.mnist, "--threads", "2"]
        try Self.trainOneEpoch(into: run, common)
        let names = ["latest.ckpt", "best.ckpt", "weights.bin", "metrics.csv"]
        let before = try names.map { try Data(contentsOf: run.appendingPathComponent($0)) }

        // Changed learning rates make the continuation a fork, which goes to a new directory.
        let fork = run.appendingPathComponent("fork")
        let diverging = try PtrainProcess.run(
            [
                "train", "--resume", run.path, "--epochs", "2", "--lr1", "1e37", "--lr2", "1e37", "--force", "--out",
                fork.path,
            ] + common)
        #expect(diverging.status == 3)
        // 10^37 makes b1 huge but finite after the first update: the parameter bound stops it.
        #expect(
            diverging.stderr
                == "Error: training stopped: epoch 2, batch 1: training diverged: b1 bias -2.1e35 exceeds 1e6 in "
                + "magnitude at hidden neuron 1 (try smaller learning rates)\n")
        let after = try names.map { try Data(contentsOf: run.appendingPathComponent($0)) }
        #expect(after == before)
    }

    @Test("a learning rate that keeps W2 finite but huge stops with exit 3 at the bound, epoch 1's files unchanged")
    func finiteDivergenceKeepsLastGoodFiles() throws {
        let run = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: run) }
        let common = ["--data", Self.mnist, "--threads", "2"]
        try Self.trainOneEpoch(into: run, common)
        let names = ["latest.ckpt", "best.ckpt", "weights.bin", "metrics.csv", "epoch-0001.ckpt", "config.json"]
        let before = try names.map { try Data(contentsOf: run.appendingPathComponent($0)) }
        let listing = try FileManager.default.contentsOfDirectory(atPath: run.path).sorted()

        // A changed learning rate makes the continuation a fork, which goes to a new directory.
        let fork = URL(fileURLWithPath: run.path + "-fork")
        defer { try? FileManager.default.removeItem(at: fork) }
        let diverging = try PtrainProcess.run(
            ["train", "--resume", run.path, "--epochs", "2", "--lr2", "1e8", "--force", "--out", fork.path] + common)
        #expect(diverging.status == 3)
        #expect(
            diverging.stderr
                == "Error: training stopped: epoch 2, batch 1: training diverged: W2 weight -3.2e6 exceeds 1e6 in "
                + "magnitude at hidden neuron 4, output 0 (try smaller learning rates)\n")
        let after = try names.map { try Data(contentsOf: run.appendingPathComponent($0)) }
        #expect(after[0..<4] == before[0..<4], "latest.ckpt, best.ckpt, weights.bin, metrics.csv")
        #expect(after[4] == before[4])
        #expect(try FileManager.default.contentsOfDirectory(atPath: run.path).sorted() == listing)
    }
}
