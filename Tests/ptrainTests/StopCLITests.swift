import Foundation
import Model
import Testing
import ptrain

#if canImport(Glibc)
    import Glibc
#endif

/// Stops that are not a plain Ctrl-C: a standard output whose reader goes away (`ptrain train | head -1`), and a
/// second Ctrl-C once a checkpoint has been written. Through the built binary, on small real-MNIST runs.
@Suite("stops: closed stdout, second Ctrl-C", .serialized)
struct StopCLITests {
    static func withDirectory(_ body: (URL) throws -> Void) throws {
        let scratch = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try body(scratch)
    }

    @Test("stdout closed by its reader: the run finishes the batch, saves latest.ckpt, exits 130, and resumes")
    func closedStandardOutputStopsCleanly() throws {
        try Self.withDirectory { scratch in
            let data = try TestMNIST.located.get()
            let run = scratch.appendingPathComponent("run")
            let errURL = scratch.appendingPathComponent(".stderr")
            try Data().write(to: errURL)
            let binary = try #require(PtrainProcess.binary)
            let process = Process()
            process.executableURL = binary
            process.arguments = [
                "train", "--hidden", "32", "--epochs", "50", "--train-limit", "2000", "--test-limit", "100",
                "--checkpoint-every", "off", "--data", data, "--out", run.path, "--threads", "2",
            ]
            process.currentDirectoryURL = scratch
            let pipe = Pipe()
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = pipe
            process.standardError = try FileHandle(forWritingTo: errURL)
            try process.run()
            // `| head -1`: read the first line, then close the reading end.
            var first = Data()
            while !first.contains(UInt8(ascii: "\n")) {
                guard let chunk = try pipe.fileHandleForReading.read(upToCount: 1), !chunk.isEmpty else { break }
                first += chunk
            }
            try pipe.fileHandleForReading.close()
            process.waitUntilExit()
            let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
            #expect(String(decoding: first, as: UTF8.self).hasPrefix("configuration: built-in defaults "))
            #expect(process.terminationReason == .exit, "killed by a signal (SIGPIPE?): \(stderr)")
            #expect(process.terminationStatus == 130, "\(stderr)")

            let latest = run.appendingPathComponent("latest.ckpt").path
            let cursor = try Checkpoint.read(path: latest).cursor
            #expect(cursor.epoch < 50, "the run went on to the end instead of stopping")
            let position = ProgressFormat.checkpointPosition(cursor, batch: 10)
            #expect(
                stderr == "Interrupted: saved \(latest) \(position).\nResume with: ptrain train --resume \(run.path)\n")

            let resumed = try ChildProcess.run(
                ["train", "--resume", run.path, "--epochs", String(cursor.epoch), "--data", data, "--threads", "2"],
                in: scratch)
            #expect(resumed.status == 0, "\(resumed)")
            #expect(resumed.stdout.contains("\nresuming at "), "\(resumed)")
            #expect(try Checkpoint.read(path: latest).cursor.epoch == cursor.epoch + 1)
        }
    }

    @Test("a second Ctrl-C after a checkpoint names it and its position, then exits 130 at once")
    func secondInterruptNamesTheStandingCheckpoint() throws {
        try Self.withDirectory { scratch in
            let run = scratch.appendingPathComponent("run")
            let latest = run.appendingPathComponent("latest.ckpt").path
            // Three batches of 1,000 at H = 2000 on one thread, about 0.3 s each; latest.ckpt after each batch.
            // Both signals arrive early in batch 2, 10 ms apart: too soon for the stop to write another.
            let child = try ChildProcess(
                [
                    "train", "--hidden", "2000", "--batch", "1000", "--train-limit", "3000", "--test-limit", "100",
                    "--epochs", "1", "--checkpoint-every", "1", "--data", try TestMNIST.located.get(), "--out",
                    run.path, "--threads", "1",
                ], in: scratch)
            #expect(child.wait { FileManager.default.fileExists(atPath: latest) })
            usleep(20_000)
            child.send(SIGINT)
            usleep(10_000)
            child.send(SIGINT)
            let result = child.finish()
            #expect(child.process.terminationReason == .exit, "killed by a signal instead of exiting: \(result)")
            #expect(result.status == 130, "\(result)")
            let cursor = try Checkpoint.read(path: latest).cursor
            #expect(cursor.batchesDone == 1 && cursor.epoch == 1, "\(cursor)")
            #expect(
                result.stderr
                    == "Interrupted again: exiting at once. The checkpoint that stands is \(latest), written after "
                    + "batch 1 of 3 in epoch 1.\n", "\(result)")
        }
    }
}
