import Foundation
import Testing

/// `--scheduler` end to end: real MNIST trained with either scheduler at 1 and 2 threads writes the same
/// weights.bin; a wrong value is a usage error.
@Suite("--scheduler, end to end", .serialized)
struct SchedulerCLITests {
    @Test("weights.bin is byte-identical with --scheduler dispatch and pool at 1 and 2 threads")
    func sameWeights() throws {
        let data = try TestMNIST.located.get()
        let directory = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var weights: [String: Data] = [:]
        for scheduler in ["dispatch", "pool"] {
            for threads in ["1", "2"] {
                let out = directory.appendingPathComponent("\(scheduler)-\(threads)").path
                let result = try PtrainProcess.run([
                    "train", "--hidden", "100", "--shards", "2", "--epochs", "1", "--train-limit", "1000",
                    "--test-limit", "200", "--seed", "5", "--data", data, "--threads", threads, "--scheduler",
                    scheduler,
                    "--out", out,
                ])
                #expect(result.status == 0, "\(scheduler) \(threads): \(result.stderr)")
                weights["\(scheduler)-\(threads)"] = try Data(contentsOf: URL(fileURLWithPath: out + "/weights.bin"))
            }
        }
        let reference = try #require(weights["pool-1"])
        #expect(reference.count > 100_000)
        for (name, bytes) in weights { #expect(bytes == reference, "\(name) differs from pool-1") }
    }

    @Test(
        "an unknown scheduler is a usage error naming both",
        arguments: [["train"], ["eval", "--checkpoint", "x.ckpt"], ["bench"], ["sweep", "--hidden", "10,20"]])
    func unknownScheduler(command: [String]) throws {
        let result = try PtrainProcess.run(command + ["--scheduler", "gcd"])
        #expect(result.status == 64)
        #expect(
            result.stderr.hasPrefix("Error: Invalid value 'gcd' for '--scheduler': must be dispatch or pool."),
            "\(result.stderr)")
        #expect(result.stdout == "")
    }

    @Test("help lists --scheduler", arguments: ["train", "eval", "bench", "sweep"])
    func helpListsIt(command: String) throws {
        let result = try PtrainProcess.run([command, "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("--scheduler dispatch|pool"))
    }
}
