import Foundation
import Testing

/// A diverging run: exit status 3, a message naming epoch, batch and quantity, and the last good checkpoint intact.
@Suite("divergence, end to end")
struct DivergenceCLITests {
    static let mnist = TestMNIST.path

    @Test("huge learning rates in epoch 2 stop with exit 3 and leave epoch 1's files unchanged")
    func divergenceKeepsLastGoodCheckpoint() throws {
        let run = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: run) }
        let common = ["--data", Self.mnist, "--threads", "2"]
        let first = try PtrainProcess.run(
            [
                "train", "--hidden", "32", "--epochs", "1", "--train-limit", "300", "--test-limit", "100", "--out",
                run.path,
            ]
                + common)
        #expect(first.status == 0, "\(first.stderr)")
        let names = ["latest.ckpt", "best.ckpt", "weights.bin", "metrics.csv"]
        let before = try names.map { try Data(contentsOf: run.appendingPathComponent($0)) }

        let diverging = try PtrainProcess.run(
            ["train", "--resume", run.path, "--epochs", "2", "--lr1", "1e37", "--lr2", "1e37", "--force"] + common)
        #expect(diverging.status == 3)
        #expect(diverging.stderr.hasPrefix("Error: training stopped: epoch 2, batch "))
        #expect(diverging.stderr.contains("training diverged: ") && diverging.stderr.contains(" is not finite"))
        let after = try names.map { try Data(contentsOf: run.appendingPathComponent($0)) }
        #expect(after == before)
    }
}
