import Foundation
import Model
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Checkpoints through the built binary: resuming is bit-exact after a clean stop, after `kill -9` in the
/// middle of an epoch and at another thread count; a kill while checkpoints are being written never leaves an
/// unreadable `latest.ckpt`; Ctrl-C saves and says how to resume; damaged files are errors (exit 1) that leave
/// the file as it was. Small networks (H = 64) on a few thousand real MNIST images.
@Suite("checkpoints and resume, end to end", .serialized)
struct CheckpointCLITests {
    /// The real MNIST directory, found the way `ptrain` finds it (`TestMNIST`).
    static let mnist: String? = TestMNIST.directory

    static func data() throws -> String {
        try TestMNIST.located.get()  // the locator's error says where it looked
    }

    /// The configuration of every run here: H = 64 in 2 shards, 300 test images.
    static func arguments(trainLimit: Int, epochs: Int) throws -> [String] {
        [
            "--hidden", "100", "--shards", "2", "--seed", "3", "--train-limit", String(trainLimit), "--test-limit",
            "300", "--epochs", String(epochs), "--data", try data(),
        ]
    }

    static func withDirectory<T>(_ body: (URL) throws -> T) throws -> T {
        let directory = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory)
    }

    /// The checkpoint's bytes without the TIME section: everything that two runs of one configuration must
    /// write identically (header, configuration, cursor, metrics, best, weights).
    static func withoutTiming(_ path: String) throws -> [UInt8] {
        let bytes = try Checkpoint.readBytes(path: path)
        let timing = try #require(try Checkpoint.layout(of: bytes, path: path).sections.first { $0.tag == "TIME" })
        return Array(bytes[..<timing.bytes.lowerBound] + bytes[timing.bytes.upperBound...])
    }

    /// metrics.csv without the seconds and samples/s columns.
    static func accuracyColumns(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: ",").prefix(4).joined(separator: ",") }
    }

    static func expectSameRun(_ reference: URL, _ other: URL, _ comment: String, files: [String] = ["latest.ckpt"])
        throws
    {
        for file in files {
            let same =
                try withoutTiming(reference.appendingPathComponent(file).path)
                == withoutTiming(other.appendingPathComponent(file).path)
            #expect(same, "\(comment): \(file) differs")
        }
        let metrics = try accuracyColumns(reference.appendingPathComponent("metrics.csv").path)
        #expect(metrics.count == 3)
        #expect(
            metrics == (try accuracyColumns(other.appendingPathComponent("metrics.csv").path)),
            "\(comment): metrics.csv")
    }

    // MARK: Bit-exact resume

    @Test("2 epochs in one go = 1 epoch + --resume = kill -9 mid-epoch + --resume at another thread count")
    func resumeIsBitExact() throws {
        try Self.withDirectory { scratch in
            let arguments = try Self.arguments(trainLimit: 8000, epochs: 2)
            let whole = scratch.appendingPathComponent("whole")
            let result = try ChildProcess.run(
                ["train"] + arguments + ["--out", whole.path, "--threads", "2", "--checkpoint-every", "off"],
                in: scratch)
            #expect(result.status == 0, "\(result)")

            // 1 epoch, then --resume with --epochs 2 at 1 thread.
            let split = scratch.appendingPathComponent("split")
            let first = try ChildProcess.run(
                ["train"] + (try Self.arguments(trainLimit: 8000, epochs: 1)) + [
                    "--out", split.path, "--threads", "2",
                ],
                in: scratch)
            #expect(first.status == 0, "\(first)")
            let second = try ChildProcess.run(
                ["train", "--resume", split.path, "--epochs", "2", "--threads", "1", "--data", try Self.data()],
                in: scratch)
            #expect(second.status == 0, "\(second)")
            #expect(second.stdout.contains("\nresuming at the start of epoch 2/2\n"), "\(second)")
            // (Only latest.ckpt: split's epoch-0001.ckpt was written by a run configured for 1 epoch.)
            try Self.expectSameRun(whole, split, "1 + 1 epochs")

            // kill -9 once latest.ckpt holds a position in the first half of an epoch; resume at 1 thread.
            let killed = scratch.appendingPathComponent("killed")
            let latest = killed.appendingPathComponent("latest.ckpt").path
            // (Up to three tries: on a loaded machine the kill may land after the epoch's end.)
            var cursor: TrainingCursor?
            var tries: [String] = []
            for _ in 1...3 where cursor?.isMidEpoch != true {
                try? FileManager.default.removeItem(at: killed)
                let child = try ChildProcess(
                    ["train"] + arguments + ["--out", killed.path, "--threads", "2", "--checkpoint-every", "10"],
                    in: scratch)
                let seen = child.wait {
                    guard let position = try? Checkpoint.read(path: latest, weights: .skip).cursor else { return false }
                    return position.isMidEpoch && position.samplesDone < position.epochSamples / 2
                }
                child.send(SIGKILL)
                let end = child.finish()
                #expect(end.status == 128 + SIGKILL || !seen, "\(end)")
                cursor = seen ? try Checkpoint.read(path: latest).cursor : nil
                tries.append("seen \(seen), cursor \(cursor.map { "\($0)" } ?? "none")")
            }
            #expect(cursor?.isMidEpoch == true, "no kill inside an epoch: \(tries)")
            let position = try #require(cursor)
            #expect(position.isMidEpoch, "latest.ckpt after the kill: \(position)")
            let resumed = try ChildProcess.run(
                ["train", "--resume", killed.path, "--threads", "1", "--data", try Self.data()], in: scratch)
            #expect(resumed.status == 0, "\(resumed)")
            let batches = (position.epochSamples + 9) / 10
            #expect(
                resumed.stdout.contains(
                    "\nresuming at epoch \(position.epoch)/2, batch \(position.batchesDone)/\(batches) "),
                "\(resumed)")
            try Self.expectSameRun(
                whole, killed, "kill -9 at \(position)",
                files: ["latest.ckpt", "epoch-0001.ckpt", "epoch-0002.ckpt", "best.ckpt"])

            // eval accepts any checkpoint: epoch 1's file gives epoch 1's recorded test accuracy.
            let evaluation = try ChildProcess.run(
                [
                    "eval", "--checkpoint", killed.appendingPathComponent("epoch-0001.ckpt").path, "--test-limit",
                    "300",
                    "--data", try Self.data(),
                ], in: scratch)
            #expect(evaluation.status == 0, "\(evaluation)")
            let spike = try Checkpoint.read(path: latest, weights: .skip).records[0].testSpikeAccuracy
            #expect(
                evaluation.stdout.contains("spike readout    \(String(format: "%.2f", spike * 100))%"), "\(evaluation)")

            // --time-steps evaluates with another spike-train length: one step (each output fires at most once,
            // most images tie) classifies worse than the 20 the network was trained with.
            let short = try ChildProcess.run(
                [
                    "eval", "--checkpoint", killed.appendingPathComponent("epoch-0001.ckpt").path, "--test-limit",
                    "300", "--time-steps", "1", "--data", try Self.data(),
                ], in: scratch)
            #expect(short.status == 0, "\(short)")
            let shortSpike = try #require(
                short.stdout.split(separator: "\n").first { $0.hasPrefix("spike readout") }?
                    .split(separator: " ").first { $0.hasSuffix("%") }.flatMap { Double($0.dropLast()) })
            #expect(shortSpike < spike * 100 - 5, "\(short)")
        }
    }

    // MARK: Kills and signals

    /// H = 256: each checkpoint is 0.8 MB, so a good part of the run is spent writing them.
    @Test("SIGKILL at random moments while latest.ckpt is rewritten after every batch never leaves it unreadable")
    func killDuringCheckpointWrites() throws {
        try Self.withDirectory { scratch in
            let run = scratch.appendingPathComponent("run")
            let latest = run.appendingPathComponent("latest.ckpt").path
            var random = SplitMix64(seed: 11)
            var previous: TrainingCursor?
            var leftovers = 0
            for round in 1...5 {
                let start =
                    round == 1
                    ? ["train"] + (try Self.arguments(trainLimit: 3000, epochs: 50)) + [
                        "--out", run.path, "--hidden", "256",
                    ]
                    : ["train", "--resume", run.path, "--data", try Self.data()]
                let started = Date()
                let child = try ChildProcess(start + ["--checkpoint-every", "1", "--threads", "2"], in: scratch)
                // Wait until this process has written a checkpoint, then kill it 0–250 ms later.
                let writing = child.wait {
                    let modified = try? FileManager.default.attributesOfItem(atPath: latest)[.modificationDate] as? Date
                    return modified.map { $0 > started } ?? false
                }
                #expect(writing, "round \(round): no checkpoint written: \(child.stderr)")
                usleep(UInt32(random.next() % 250_000))
                child.send(SIGKILL)
                let end = child.finish()
                #expect(end.status == 128 + SIGKILL, "round \(round): \(end)")

                let checkpoint = try Checkpoint.read(path: latest)
                let position = (checkpoint.cursor.epoch, checkpoint.cursor.samplesDone)
                if let previous {
                    #expect(position >= (previous.epoch, previous.samplesDone), "round \(round): went backwards")
                }
                previous = checkpoint.cursor
                let names = try FileManager.default.contentsOfDirectory(atPath: run.path)
                leftovers += names.filter { $0.contains(".tmp.") }.count
            }
            // The next start removes what the killed writers left behind.
            let last = try ChildProcess(["train", "--resume", run.path, "--data", try Self.data()], in: scratch)
            #expect(last.wait { last.stdout.contains("resuming at") })
            let stale = try FileManager.default.contentsOfDirectory(atPath: run.path)
                .filter { $0.contains(".tmp.") && !$0.hasSuffix(".tmp.\(last.pid)") }
            #expect(stale.isEmpty, "left behind: \(stale)")
            last.send(SIGKILL)
            _ = last.finish()
            #expect(try Checkpoint.read(path: latest).cursor.epoch >= 1)
            print("kill-during-write test: \(leftovers) kills interrupted a checkpoint write (temporary file left)")
        }
    }

    @Test("Ctrl-C finishes the batch, saves latest.ckpt, says how to resume and exits 130; the run resumes")
    func interruptSavesAndResumes() throws {
        try Self.withDirectory { scratch in
            let run = scratch.appendingPathComponent("run")
            let child = try ChildProcess(
                ["train"] + (try Self.arguments(trainLimit: 3000, epochs: 100)) + ["--out", run.path], in: scratch)
            #expect(child.wait { child.stdout.contains("\nrun ") && child.stdout.hasSuffix("\n") })
            usleep(150_000)
            child.send(SIGINT)
            let result = child.finish()
            #expect(child.process.terminationReason == .exit, "killed by the signal instead of exiting: \(result)")
            #expect(result.status == 130, "\(result)")
            let latest = run.appendingPathComponent("latest.ckpt").path
            let cursor = try Checkpoint.read(path: latest).cursor
            let position =
                cursor.isMidEpoch
                ? "after batch \(cursor.batchesDone) of 300 in epoch \(cursor.epoch)"
                : "after epoch \(cursor.completedEpochs)"
            #expect(
                result.stderr
                    == "Interrupted: saved \(latest) \(position).\nResume with: ptrain train --resume \(run.path)\n",
                "\(result)")

            let target = cursor.epoch  // finish the epoch in progress
            let resumed = try ChildProcess.run(
                ["train", "--resume", run.path, "--epochs", String(target), "--data", try Self.data()], in: scratch)
            #expect(resumed.status == 0, "\(resumed)")
            #expect(resumed.stdout.contains("\nresuming at "), "\(resumed)")
            #expect(
                try Checkpoint.read(path: latest).cursor
                    == TrainingCursor.start(epoch: target + 1, epochSamples: 3000)
                    .with(seconds: try Checkpoint.read(path: latest).cursor.trainSeconds))
        }
    }

    @Test("a second Ctrl-C exits at once with 130, without finishing the batch, saying no checkpoint was written")
    func secondInterruptExitsAtOnce() throws {
        try Self.withDirectory { scratch in
            let run = scratch.appendingPathComponent("run")
            // A batch of 1,000 at H = 2000 on 1 thread takes about 0.3 s: both signals arrive within it (the
            // second 10 ms after the first, sooner than a stop could save a checkpoint and print).
            let child = try ChildProcess(
                [
                    "train", "--hidden", "2000", "--batch", "1000", "--train-limit", "3000", "--test-limit", "100",
                    "--epochs", "1", "--checkpoint-every", "off", "--data", try Self.data(), "--out", run.path,
                    "--threads", "1",
                ], in: scratch)
            #expect(child.wait { child.stdout.contains("\nrun ") && child.stdout.hasSuffix("\n") })
            child.send(SIGINT)
            usleep(10_000)
            child.send(SIGINT)
            let result = child.finish()
            #expect(child.process.terminationReason == .exit, "killed by a signal instead of exiting: \(result)")
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr == "Interrupted again: exiting at once. No checkpoint written yet.\n", "\(result)")
            #expect(result.stdout.split(separator: "\n").count == 2, "\(result)")  // the configuration and start lines
            // Had the first stop been quick enough to start writing, the write is atomic.
            let latest = run.appendingPathComponent("latest.ckpt").path
            if FileManager.default.fileExists(atPath: latest) { _ = try Checkpoint.read(path: latest) }
        }
    }

    // MARK: Damaged files

    /// A valid checkpoint of a 784-16-10 network, written by the library.
    static func sampleCheckpoint() -> [UInt8] {
        var config = RunConfig()
        config.hidden = 16
        config.shards = 1
        config.epochs = 3
        let records = [
            EpochRecord(
                epoch: 1, trainAccuracy: 0.5, testSpikeAccuracy: 0.6, testRelaxedAccuracy: 0.7, seconds: 1,
                samplesPerSecond: 100)
        ]
        return Checkpoint(
            network: Network(inputs: 784, hidden: 16, shards: 1, seed: 5), config: config,
            cursor: TrainingCursor(
                epoch: 2, batchesDone: 4, samplesDone: 40, epochSamples: 100, correct: 20, trainSeconds: 2),
            records: records
        ).encoded()
    }

    /// Writes `bytes` as `name`, runs `inspect` and `eval` on it, and checks both fail with exit 1 and
    /// `Error: <expected>`, leaving the file and the directory as they were.
    static func expectRejected(_ bytes: [UInt8], _ name: String, expected: (String) -> String, in scratch: URL) throws {
        let file = scratch.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        let before = try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted()
        for command in [["inspect", file.path], ["eval", "--checkpoint", file.path, "--data", "/nonexistent"]] {
            let result = try ChildProcess.run(command, in: scratch)
            #expect(
                result == ProcessResult(status: 1, stdout: "", stderr: "Error: \(expected(file.path))\n"),
                "\(command[0]) \(name)")
        }
        #expect(try Data(contentsOf: file) == Data(bytes), "\(name) was modified")
        let after = try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted()
        #expect(after.filter { !$0.hasPrefix(".std") } == before.filter { !$0.hasPrefix(".std") })
    }

    @Test("truncated, flipped, foreign, future, empty files and directories: exit 1 naming the problem, file unchanged")
    func damagedFilesAreRejected() throws {
        let bytes = Self.sampleCheckpoint()
        let layout = try Checkpoint.layout(of: bytes, path: "x")
        try Self.withDirectory { scratch in
            // Truncation at every section boundary and at random offsets.
            var random = SplitMix64(seed: 5)
            let cuts = layout.sections.map(\.offset) + (0..<4).map { _ in Int(random.next() % UInt64(bytes.count)) }
            for (index, cut) in cuts.enumerated() {
                let expected = try #require(Self.error(Array(bytes.prefix(cut))))
                #expect(expected.contains("truncated checkpoint: ") || cut == 0)
                try Self.expectRejected(
                    Array(bytes.prefix(cut)), "cut-\(index).ckpt",
                    expected: { path in
                        Self.error(Array(bytes.prefix(cut)), path: path)!
                    }, in: scratch)
            }
            try Self.expectRejected(
                Array(bytes.prefix(layout.sections[2].offset)), "boundary.ckpt",
                expected: { "\($0): truncated checkpoint: section 3 of 6 needs 16 bytes, only 0 left" }, in: scratch)
            // A flipped byte in each section's payload.
            for section in layout.sections {
                var damaged = bytes
                damaged[section.payload.lowerBound + section.length / 2] ^= 0x10
                try Self.expectRejected(
                    damaged, "flip-\(section.tag).ckpt",
                    expected: { "\($0): CRC32 mismatch in section \(section.tag): the checkpoint is corrupted" },
                    in: scratch)
            }
            var magic = bytes
            magic[0] = UInt8(ascii: "X")
            try Self.expectRejected(
                magic, "magic.ckpt", expected: { "\($0): not a ptrain checkpoint (bad magic)" }, in: scratch)
            var future = bytes
            future[8] = 2
            try Self.expectRejected(
                future, "future.ckpt",
                expected: { "\($0): checkpoint format 2.1 is not supported (this ptrain reads 1.x)" }, in: scratch)
            try Self.expectRejected(
                [], "empty.ckpt", expected: { "\($0): empty file, not a ptrain checkpoint" }, in: scratch)

            let directory = scratch.appendingPathComponent("dir.ckpt")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for command in [["inspect", directory.path], ["eval", "--checkpoint", directory.path]] {
                let result = try ChildProcess.run(command, in: scratch)
                #expect(
                    result
                        == ProcessResult(
                            status: 1, stdout: "",
                            stderr: "Error: \(directory.path): cannot read checkpoint: is a directory\n"))
            }
            let resumed = try ChildProcess.run(
                ["train", "--resume", scratch.appendingPathComponent("flip-CURS.ckpt").path], in: scratch)
            #expect(resumed.status == 1)
            #expect(resumed.stderr.contains("CRC32 mismatch in section CURS"), "\(resumed)")
        }
    }

    static func error(_ bytes: [UInt8], path: String = "x") -> String? {
        do {
            _ = try Checkpoint.decode(bytes, path: path)
            return nil
        } catch {
            return error.description
        }
    }

    // MARK: inspect and usage

    @Test("inspect prints header, position, best, sections, configuration and metrics without the weights")
    func inspectReport() throws {
        try Self.withDirectory { scratch in
            let file = scratch.appendingPathComponent("latest.ckpt")
            try Data(Self.sampleCheckpoint()).write(to: file)
            let result = try ChildProcess.run(["inspect", file.path], in: scratch)
            #expect(result.status == 0 && result.stderr == "", "\(result)")
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines[0] == "checkpoint     \(file.path)")
            #expect(
                lines[1].hasPrefix("format         PTRAINCK 1.1, \(Self.sampleCheckpoint().count) bytes, 6 sections"))
            #expect(lines.contains("network        784 inputs, 16 hidden, 10 outputs; 1 shard; 12730 parameters"))
            #expect(
                lines.contains(
                    "position       epoch 2 of 3: 4 of 10 batches done (40 of 100 samples), train 50.00% so far, 2.0 s")
            )
            #expect(lines.contains("best           test spike 60.00% at epoch 1 (relaxed 70.00%)"))
            #expect(lines.contains("resume with    ptrain train --resume \(scratch.path)"))
            #expect(lines.contains { $0.hasPrefix("  WGHT ") && $0.hasSuffix("(verified, not loaded)") })
            #expect(lines.contains("  \"hidden\": 16,") || lines.contains("    \"hidden\": 16,"))
            #expect(lines.contains { $0.contains("1    50.00         60.00           70.00") })
            #expect(try ChildProcess.run(["inspect", "--checkpoint", file.path], in: scratch) == result)
        }
    }

    @Test("usage errors: resume conflicts, --force alone, a bad interval, inspect without a file")
    func usageErrors() throws {
        let cases: [([String], String)] = [
            (
                ["train", "--resume", "r", "--lr1", "0.1"],
                "Error: Option '--lr1' cannot be used with '--resume': a resumed run keeps its checkpoint's "
                    + "configuration, and changing 'lr1' would change its weights or metrics. Only '--epochs' may "
                    + "change; add '--force' to change 'lr1' anyway.\n"
            ),
            (
                ["train", "--resume", "r", "--hidden", "10", "--force"],
                "Error: Option '--hidden' cannot be used with '--resume': the checkpoint's weights fix the number "
                    + "of hidden neurons, even with '--force'.\n"
            ),
            (
                ["train", "--resume", "r", "--config", "c.json"],
                "Error: Option '--config' cannot be used with '--resume': a resumed run keeps its checkpoint's "
                    + "configuration.\n"
            ),
            (["train", "--force"], "Error: Option '--force' requires '--resume'.\n"),
            (
                ["train", "--checkpoint-every", "5x"],
                "Error: Invalid value '5x' for '--checkpoint-every': must be a number of batches (250), a duration "
                    + "(90s, 5m, 1h) or off.\n"
            ),
            (["inspect"], "Error: Missing required option 'FILE'.\n"),
            (["inspect", "a", "b"], "Error: Unexpected argument 'b'.\n"),
        ]
        for (arguments, message) in cases {
            let result = try PtrainProcess.run(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr.hasPrefix(message), "\(result)")
        }
        // Accepted intervals get as far as the data.
        for interval in ["250", "90s", "5m", "1.5h", "off"] {
            let result = try PtrainProcess.run("train", "--checkpoint-every", interval, "--data", "/nonexistent")
            #expect(result.status == 1 && result.stderr.contains("/nonexistent"), "\(interval): \(result)")
        }
        for interval in ["0", "-5", "m", "5d", "1e3s", ".s"] {
            #expect(try PtrainProcess.run("train", "--checkpoint-every", interval).status == 64, "\(interval)")
        }
        let missing = try PtrainProcess.run("train", "--resume", "/nonexistent/run")
        #expect(
            missing
                == ProcessResult(status: 1, stdout: "", stderr: "Error: /nonexistent/run: no such checkpoint file\n"))
    }
}

extension TrainingCursor {
    func with(seconds: Double) -> TrainingCursor {
        var copy = self
        copy.trainSeconds = seconds
        return copy
    }
}
