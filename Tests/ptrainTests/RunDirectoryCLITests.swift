import Foundation
import Model
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A run directory belongs to one run (docs/reliability.md, "Run directories"), end to end on the built binary:
/// every refusal exits 1 with its one-line message and leaves every byte of the directory as it was; forks go
/// to new directories and record their parent; one writer at a time; `--keep` persists and only grows; a sweep
/// keeps one configuration.
@Suite("run directories: one run, one writer, nothing lost or mixed", .serialized)
struct RunDirectoryCLITests {
    /// H = 64 in 1 shard, 1,000 training and 300 test images: about a third of a second per epoch.
    static func arguments(epochs: Int, extra: [String] = []) throws -> [String] {
        [
            "--hidden", "64", "--seed", "5", "--train-limit", "1000", "--test-limit", "300", "--epochs",
            String(epochs), "--threads", "2", "--data", try CheckpointCLITests.data(),
        ] + extra
    }

    /// Every file under `directory` (the lock file aside: a refused command may have taken and released it),
    /// by relative path, with its bytes.
    static func snapshot(_ directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let base = directory.standardizedFileURL.path
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return files }
        for case let name as String in enumerator where !name.hasSuffix(DirectoryLock.fileName) {
            var isDirectory: ObjCBool = false
            let path = base + "/" + name
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[name] = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        return files
    }

    static func train(_ arguments: [String], in scratch: URL) throws -> ProcessResult {
        try ChildProcess.run(["train"] + arguments, in: scratch)
    }

    static func identity(_ run: URL) throws -> RunIdentity {
        try #require(try RunIdentity.read(path: run.appendingPathComponent("run.json").path))
    }

    @Test("a second run into a directory that holds a run is refused, naming it; nothing changes")
    func secondRunRefused() throws {
        try CheckpointCLITests.withDirectory { scratch in
            let run = scratch.appendingPathComponent("run")
            let first = try Self.train(try Self.arguments(epochs: 2) + ["--out", run.path], in: scratch)
            #expect(first.status == 0, "\(first)")
            let before = try Self.snapshot(run)
            #expect(Set(before.keys).isSuperset(of: ["run.json", "config.json", "metrics.csv", "latest.ckpt"]))
            let created = try Self.identity(run).created
            let second = try Self.train(
                try Self.arguments(epochs: 1, extra: ["--train-limit", "500"]) + ["--out", run.path], in: scratch)
            #expect(second.status == 1)
            #expect(
                second.stderr
                    == "Error: \(run.path): holds another run (created \(created), mnist-800, hidden 64, seed 5, "
                    + "2 of 2 epochs done); resume it with 'ptrain train --resume \(run.path)', choose another "
                    + "'--out', or add '--overwrite' to move it aside\n")
            #expect(try Self.snapshot(run) == before)
        }
    }

    @Test("a directory with other files is refused; --overwrite moves old contents aside untouched")
    func overwriteMovesAside() throws {
        try CheckpointCLITests.withDirectory { scratch in
            let run = scratch.appendingPathComponent("run")
            try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
            try Data("mine".utf8).write(to: run.appendingPathComponent("notes.txt"))
            let refused = try Self.train(try Self.arguments(epochs: 1) + ["--out", run.path], in: scratch)
            #expect(refused.status == 1)
            #expect(
                refused.stderr
                    == "Error: \(run.path): is not empty and holds no ptrain run (it has 'notes.txt'); choose another "
                    + "'--out', or add '--overwrite' to move its contents aside\n")
            let first = try Self.train(
                try Self.arguments(epochs: 1) + ["--out", run.path, "--overwrite"], in: scratch)
            #expect(first.status == 0, "\(first)")
            let aside = URL(fileURLWithPath: run.path + ".replaced-1")
            #expect(try Self.snapshot(aside) == ["notes.txt": Data("mine".utf8)])
            let before = try Self.snapshot(run)
            let second = try Self.train(
                try Self.arguments(epochs: 1, extra: ["--seed", "6"]) + ["--out", run.path, "--overwrite"], in: scratch)
            #expect(second.status == 0, "\(second)")
            let replaced = URL(fileURLWithPath: run.path + ".replaced-2")
            #expect(try Self.snapshot(replaced) == before)
            #expect(try Self.identity(run).configuration != (try Self.identity(replaced).configuration))
        }
    }

    @Test("a fork (an older epoch, or changed keys) needs a new directory and records its parent")
    func forkGoesElsewhere() throws {
        try CheckpointCLITests.withDirectory { scratch in
            let run = scratch.appendingPathComponent("run")
            let first = try Self.train(
                try Self.arguments(epochs: 3) + ["--out", run.path, "--keep", "3"], in: scratch)
            #expect(first.status == 0, "\(first)")
            let before = try Self.snapshot(run)
            let older = run.appendingPathComponent("epoch-0001.ckpt").path
            let data = try CheckpointCLITests.data()
            let inPlace = try Self.train(["--resume", older, "--epochs", "2", "--data", data], in: scratch)
            #expect(inPlace.status == 1)
            #expect(
                inPlace.stderr
                    == "Error: \(older): it is not the run's latest.ckpt, so continuing from it starts a new run (a "
                    + "fork), and a fork needs a new directory: add '--out NEW_DIR' (the new run records this "
                    + "checkpoint as its parent)\n")
            let changed = try Self.train(
                ["--resume", run.path, "--force", "--lr1", "0.001", "--epochs", "4", "--data", data], in: scratch)
            #expect(changed.status == 1)
            #expect(
                changed.stderr
                    == "Error: \(run.path)/latest.ckpt: changing 'lr1' of its configuration starts a new run (a fork), "
                    + "and a fork needs a new directory: add '--out NEW_DIR' (the new run records this checkpoint as "
                    + "its parent)\n")
            #expect(try Self.snapshot(run) == before)

            let fork = scratch.appendingPathComponent("fork")
            let forked = try Self.train(
                ["--resume", older, "--force", "--lr1", "0.001", "--epochs", "2", "--data", data, "--out", fork.path],
                in: scratch)
            #expect(forked.status == 0, "\(forked)")
            #expect(try Self.snapshot(run) == before)
            let parent = try #require(try Self.identity(fork).parent)
            #expect(parent.checkpoint == older)
            #expect(parent.directory == run.path)
            #expect(parent.run == (try Self.identity(run).id))
            #expect(parent.epochsDone == 1 && parent.batchesDone == 0)
            #expect(parent.changedKeys == ["lr1"])
            let metrics = try String(contentsOf: fork.appendingPathComponent("metrics.csv"), encoding: .utf8)
            #expect(metrics.split(separator: "\n").count == 3)
        }
    }

    @Test("keys fixed inside an epoch are refused on a mid-epoch checkpoint, even with --force")
    func midEpochKeysRefused() throws {
        try CheckpointCLITests.withDirectory { scratch in
            let run = scratch.appendingPathComponent("run")
            let child = try ChildProcess(
                ["train"] + (try Self.arguments(epochs: 50)) + ["--out", run.path, "--checkpoint-every", "20"],
                in: scratch)
            let latest = run.appendingPathComponent("latest.ckpt").path
            #expect(child.wait { FileManager.default.fileExists(atPath: latest) })
            child.send(SIGINT)
            #expect(child.finish().status == 130)
            let checkpoint = try Checkpoint.read(path: latest, weights: .skip)
            try #require(
                checkpoint.cursor.isMidEpoch, "the run stopped at an epoch's end; the test needs a mid-epoch stop")
            let before = try Self.snapshot(run)
            let cursor = checkpoint.cursor
            for (flag, value, key) in [("--batch", "20", "batch"), ("--seed", "9", "seed")] {
                let result = try Self.train(
                    [
                        "--resume", run.path, "--force", flag, value, "--out", scratch.appendingPathComponent("f").path,
                        "--data", try CheckpointCLITests.data(),
                    ], in: scratch)
                #expect(result.status == 1)
                #expect(
                    result.stderr
                        == "Error: \(latest): '\(key)' cannot change inside an epoch: the checkpoint stopped after "
                        + "\(cursor.samplesDone) of 1000 samples of epoch \(cursor.epoch); resume without it to finish "
                        + "the epoch, or start from an epoch's end (epoch-XXXX.ckpt)\n")
            }
            #expect(try Self.snapshot(run) == before)
            #expect(!FileManager.default.fileExists(atPath: scratch.appendingPathComponent("f").path))
        }
    }

    @Test("one writer: a second process is refused at once naming the holder; a killed holder's lock is taken over")
    func oneWriter() throws {
        try CheckpointCLITests.withDirectory { scratch in
            let run = scratch.appendingPathComponent("run")
            let holder = try ChildProcess(
                ["train"] + (try Self.arguments(epochs: 200)) + ["--out", run.path, "--checkpoint-every", "20"],
                in: scratch)
            let latest = run.appendingPathComponent("latest.ckpt").path
            #expect(holder.wait { FileManager.default.fileExists(atPath: latest) })
            let data = try CheckpointCLITests.data()
            let expected =
                "Error: \(run.path): in use by ptrain process \(holder.pid) (train); wait for it to finish or stop it, "
                + "or use another directory\n"
            let second = try Self.train(["--resume", run.path, "--data", data], in: scratch)
            #expect(second.status == 1)
            #expect(second.stderr == expected)
            let fresh = try Self.train(try Self.arguments(epochs: 1) + ["--out", run.path, "--overwrite"], in: scratch)
            #expect(fresh.status == 1)
            #expect(fresh.stderr == expected)
            #expect(!FileManager.default.fileExists(atPath: run.path + ".replaced-1"))
            holder.send(SIGKILL)
            _ = holder.finish()
            let cursor = try Checkpoint.read(path: latest, weights: .skip).cursor
            let resumed = try Self.train(
                ["--resume", run.path, "--epochs", String(cursor.epoch), "--data", data], in: scratch)
            #expect(resumed.status == 0, "\(resumed)")
            #expect(try Checkpoint.read(path: latest, weights: .skip).cursor.completedEpochs == cursor.epoch)
        }
    }

    @Test("--keep and --checkpoint-every persist in run.json; a smaller --keep is refused")
    func keepPersists() throws {
        try CheckpointCLITests.withDirectory { scratch in
            let run = scratch.appendingPathComponent("run")
            let data = try CheckpointCLITests.data()
            let first = try Self.train(
                try Self.arguments(epochs: 2) + ["--out", run.path, "--keep", "5", "--checkpoint-every", "off"],
                in: scratch)
            #expect(first.status == 0, "\(first)")
            let more = try Self.train(["--resume", run.path, "--epochs", "4", "--data", data], in: scratch)
            #expect(more.status == 0, "\(more)")
            let identity = try Self.identity(run)
            #expect(identity.keep == 5)
            #expect(identity.checkpointEvery == "off")
            #expect(identity.invocations.count == 2)
            for epoch in 1...4 {
                #expect(
                    FileManager.default.fileExists(
                        atPath: run.appendingPathComponent(RunDirectory.epochCheckpoint(epoch)).path))
            }
            let before = try Self.snapshot(run)
            let fewer = try Self.train(
                ["--resume", run.path, "--epochs", "6", "--keep", "2", "--data", data], in: scratch)
            #expect(fewer.status == 1)
            #expect(
                fewer.stderr
                    == "Error: --keep 2 is fewer than the 5 epoch checkpoints this run keeps (recorded in run.json): it "
                    + "would delete files an earlier invocation kept; a run's --keep can only grow\n")
            #expect(try Self.snapshot(run) == before)
        }
    }

    @Test("resume repairs a metrics.csv and weights.bin a kill left behind, and never truncates metrics.csv")
    func metricsRepairedNeverTruncated() throws {
        try CheckpointCLITests.withDirectory { scratch in
            let run = scratch.appendingPathComponent("run")
            let data = try CheckpointCLITests.data()
            #expect(try Self.train(try Self.arguments(epochs: 1) + ["--out", run.path], in: scratch).status == 0)
            let metricsURL = run.appendingPathComponent("metrics.csv")
            let weightsURL = run.appendingPathComponent("weights.bin")
            let oldWeights = try Data(contentsOf: weightsURL)
            let oldMetrics = try Data(contentsOf: metricsURL)
            #expect(try Self.train(["--resume", run.path, "--epochs", "2", "--data", data], in: scratch).status == 0)
            let metrics = try Data(contentsOf: metricsURL)
            // A kill after latest.ckpt but before the epoch's other files: metrics.csv and weights.bin of the epoch
            // before.
            try oldMetrics.write(to: metricsURL)
            try oldWeights.write(to: weightsURL)
            let resumed = try Self.train(["--resume", run.path, "--epochs", "3", "--data", data], in: scratch)
            #expect(resumed.status == 0, "\(resumed)")
            #expect(try Data(contentsOf: metricsURL).starts(with: metrics))
            #expect(try Data(contentsOf: metricsURL).count > metrics.count)
            #expect(try Data(contentsOf: weightsURL) != oldWeights)

            // latest.ckpt replaced by an older checkpoint: metrics.csv is ahead of it, so continuing is refused.
            try FileManager.default.removeItem(at: run.appendingPathComponent("latest.ckpt"))
            try FileManager.default.copyItem(
                at: run.appendingPathComponent("epoch-0001.ckpt"), to: run.appendingPathComponent("latest.ckpt"))
            let before = try Self.snapshot(run)
            let refused = try Self.train(["--resume", run.path, "--epochs", "4", "--data", data], in: scratch)
            #expect(refused.status == 1)
            #expect(
                refused.stderr
                    == "Error: \(metricsURL.path): records 3 epochs that differ from the 1 of \(run.path)/latest.ckpt: "
                    + "continuing would truncate it; nothing was changed; to start a new run from this checkpoint, "
                    + "add '--out NEW_DIR'\n")
            #expect(try Self.snapshot(run) == before)
        }
    }

    @Test("a fork that diverges leaves its parent as it was")
    func failedForkChangesNothing() throws {
        try CheckpointCLITests.withDirectory { scratch in
            let run = scratch.appendingPathComponent("run")
            let data = try CheckpointCLITests.data()
            #expect(try Self.train(try Self.arguments(epochs: 1) + ["--out", run.path], in: scratch).status == 0)
            let before = try Self.snapshot(run)
            let fork = scratch.appendingPathComponent("fork")
            let diverged = try Self.train(
                [
                    "--resume", run.path, "--force", "--lr1", "1e37", "--lr2", "1e37", "--epochs", "2", "--data", data,
                    "--out", fork.path,
                ], in: scratch)
            #expect(diverged.status == 3, "\(diverged)")
            #expect(try Self.snapshot(run) == before)
        }
    }

    @Test("the start line says which configuration was loaded and from where")
    func startLineNamesConfiguration() throws {
        try CheckpointCLITests.withDirectory { scratch in
            let result = try Self.train(
                try Self.arguments(epochs: 1) + ["--out", scratch.appendingPathComponent("r").path], in: scratch)
            #expect(result.status == 0)
            let cwd = scratch.resolvingSymlinksInPath().path
            let line = try #require(result.stdout.split(separator: "\n").first.map(String.init))
            #expect(
                line == "configuration: built-in defaults (no configs/mnist-800.json in the current directory \(cwd))"
                    || line
                        == "configuration: built-in defaults (no configs/mnist-800.json in the current directory "
                        + "\(scratch.path))"
            )
            let resumed = try Self.train(
                [
                    "--resume", scratch.appendingPathComponent("r").path, "--epochs", "2", "--data",
                    try CheckpointCLITests.data(),
                ],
                in: scratch)
            #expect(
                resumed.stdout.hasPrefix(
                    "configuration: from \(scratch.appendingPathComponent("r").path)/latest.ckpt\n"))
        }
    }

    @Test("a sweep keeps one configuration: other keys, --patience or a smaller --keep are refused, naming them")
    func sweepKeepsOneConfiguration() throws {
        try CheckpointCLITests.withDirectory { scratch in
            let sweep = scratch.appendingPathComponent("sweep")
            func command(hidden: String = "32", epochs: String = "1") throws -> [String] {
                [
                    "sweep", "--hidden", hidden, "--seed", "5", "--train-limit", "500", "--test-limit", "200",
                    "--epochs", epochs, "--threads", "2", "--data", try CheckpointCLITests.data(), "--out", sweep.path,
                ]
            }
            let common = try command()
            let first = try ChildProcess.run(common, in: scratch)
            #expect(first.status == 0, "\(first)")
            let before = try Self.snapshot(sweep)
            let identityPath = sweep.appendingPathComponent("sweep.json").path
            let cases: [([String], String)] = [
                (
                    ["--lr1", "0.5"],
                    "Error: \(identityPath): this sweep was run with lr1 = 0.05, this command gives 0.5; a sweep "
                        + "directory holds one configuration (only --epochs and the --hidden sizes may change): use "
                        + "another --out for another configuration\n"
                ),
                (
                    ["--patience", "2"],
                    "Error: \(identityPath): this sweep was run with --patience off, this command gives 2; use the "
                        + "same --patience or another --out\n"
                ),
                (
                    ["--keep", "1"],
                    "Error: \(identityPath): --keep 1 is fewer than the 3 epoch checkpoints this sweep keeps: it "
                        + "would delete files an earlier invocation kept; a sweep's --keep can only grow\n"
                ),
            ]
            for (extra, message) in cases {
                let result = try ChildProcess.run(common + extra, in: scratch)
                #expect(result.status == 1, "\(result)")
                #expect(result.stderr == message)
                #expect(try Self.snapshot(sweep) == before)
            }
            let longer = try ChildProcess.run(try command(hidden: "32,48", epochs: "2"), in: scratch)
            #expect(longer.status == 0, "\(longer)")
            let identity = try #require(try SweepIdentity.read(path: identityPath))
            #expect(identity.invocations.count == 2)
        }
    }
}

extension RunDirectoryCLITests {
    @Test("a file a command would replace must be of its kind: bench, average and report outputs, a run's files")
    func filesOfAnotherKindAreNotReplaced() throws {
        try CheckpointCLITests.withDirectory { scratch in
            let run = scratch.appendingPathComponent("run")
            #expect(try Self.train(try Self.arguments(epochs: 1) + ["--out", run.path], in: scratch).status == 0)
            let latest = run.appendingPathComponent("latest.ckpt")
            let before = try Data(contentsOf: latest)
            let bench = try ChildProcess.run(["bench", "--out", latest.path], in: scratch)
            #expect(bench.status == 1)
            #expect(
                bench.stderr
                    == "Error: \(latest.path): exists and is a ptrain checkpoint, not a JSON file; refusing to replace "
                    + "it (move it away or choose another path)\n")
            #expect(try Data(contentsOf: latest) == before)

            let weights = run.appendingPathComponent("weights.bin")
            let weightsBefore = try Data(contentsOf: weights)
            let average = try ChildProcess.run(
                ["average", run.path, "--epochs", "1", "--out", weights.path], in: scratch)
            #expect(average.status == 1)
            #expect(
                average.stderr
                    == "Error: \(weights.path): is one of a run's own files; the averaged weights go to another file "
                    + "(--out)\n")
            #expect(try Data(contentsOf: weights) == weightsBefore)
            let notes = scratch.appendingPathComponent("notes.bin")
            try Data("my notes".utf8).write(to: notes)
            let onNotes = try ChildProcess.run(
                ["average", run.path, "--epochs", "1", "--out", notes.path], in: scratch)
            #expect(onNotes.status == 1)
            #expect(
                onNotes.stderr
                    == "Error: \(notes.path): exists and is a text file, not a ptrain weights file; refusing to replace "
                    + "it (move it away or choose another path)\n")
            #expect(try Data(contentsOf: notes) == Data("my notes".utf8))

            let figures = scratch.appendingPathComponent("figures")
            try FileManager.default.createDirectory(at: figures, withIntermediateDirectories: false)
            let curve = figures.appendingPathComponent("learning-curve.svg")
            try weightsBefore.write(to: curve)
            let report = try ChildProcess.run(
                ["report", run.path, "--out", figures.path, "--data", try CheckpointCLITests.data()], in: scratch)
            #expect(report.status == 1)
            #expect(
                report.stderr
                    == "Error: \(curve.path): exists and is a ptrain weights file, not an SVG image; refusing to "
                    + "replace it (move it away or choose another path)\n")
            #expect(try Self.snapshot(figures) == ["learning-curve.svg": weightsBefore])

            let best = run.appendingPathComponent("best.ckpt")
            try FileManager.default.removeItem(at: best)
            try FileManager.default.createDirectory(at: best, withIntermediateDirectories: false)
            let snapshot = try Self.snapshot(run)
            let resumed = try Self.train(
                ["--resume", run.path, "--epochs", "2", "--data", try CheckpointCLITests.data()], in: scratch)
            #expect(resumed.status == 1)
            #expect(
                resumed.stderr
                    == "Error: \(best.path): exists and is a directory, not a ptrain checkpoint; refusing to replace it "
                    + "(move it away or choose another path)\n")
            #expect(try Self.snapshot(run) == snapshot)
        }
    }
}

extension RunDirectoryCLITests {
    @Test("resume on data other than the checkpoint's is refused naming both fingerprints, unless told otherwise")
    func resumeOnOtherDataRefused() throws {
        try CheckpointCLITests.withDirectory { scratch in
            let run = scratch.appendingPathComponent("run")
            let data = try CheckpointCLITests.data()
            #expect(try Self.train(try Self.arguments(epochs: 1) + ["--out", run.path], in: scratch).status == 0)
            let latest = run.appendingPathComponent("latest.ckpt")
            var checkpoint = try Checkpoint.read(path: latest.path)
            let recorded = try #require(checkpoint.data)
            #expect(try Self.identity(run).data == recorded.description)
            // The checkpoint as a run on other training images would have written it.
            checkpoint.data?.train.imagesCRC ^= 1
            let other = scratch.appendingPathComponent("other")
            try FileManager.default.createDirectory(at: other, withIntermediateDirectories: false)
            let otherLatest = other.appendingPathComponent("latest.ckpt")
            try checkpoint.write(to: otherLatest.path)
            let before = try Self.snapshot(other)
            let refused = try Self.train(["--resume", other.path, "--epochs", "2", "--data", data], in: scratch)
            #expect(refused.status == 1)
            #expect(
                refused.stderr
                    == "Error: \(otherLatest.path): recorded on other data: the checkpoint has \(checkpoint.data!), "
                    + "this data is \(recorded); pass --allow-other-data to use it anyway\n")
            #expect(try Self.snapshot(other) == before)
            let allowed = try Self.train(
                ["--resume", other.path, "--epochs", "2", "--data", data, "--allow-other-data"], in: scratch)
            #expect(allowed.status == 0, "\(allowed)")
            #expect(try Checkpoint.read(path: otherLatest.path, weights: .skip).data == recorded)
        }
    }
}

extension RunDirectoryCLITests {
    /// What a run killed by SIGKILL before its first checkpoint leaves: its identity and configuration only.
    static func leaveOnlyIdentity(_ run: URL) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: run.path)
        where !["run.json", "config.json", DirectoryLock.fileName].contains(name) {
            try FileManager.default.removeItem(at: run.appendingPathComponent(name))
        }
    }

    @Test("a run killed before its first checkpoint: train says there is nothing to resume; a sweep starts it again")
    func killedBeforeFirstCheckpoint() throws {
        try CheckpointCLITests.withDirectory { scratch in
            let run = scratch.appendingPathComponent("run")
            #expect(try Self.train(try Self.arguments(epochs: 1) + ["--out", run.path], in: scratch).status == 0)
            try Self.leaveOnlyIdentity(run)
            let created = try Self.identity(run).created
            let again = try Self.train(try Self.arguments(epochs: 1) + ["--out", run.path], in: scratch)
            #expect(again.status == 1)
            #expect(
                again.stderr
                    == "Error: \(run.path): holds another run (created \(created), mnist-800, hidden 64, seed 5, no "
                    + "latest.ckpt); it has no checkpoint to resume: choose another '--out', or add '--overwrite' to "
                    + "move it aside\n")
            let inPlace = try Self.train(
                ["--resume", run.path, "--overwrite", "--data", try CheckpointCLITests.data()], in: scratch)
            #expect(inPlace.status == 1)

            let sweep = scratch.appendingPathComponent("sweep")
            let command = [
                "sweep", "--hidden", "32", "--seed", "5", "--train-limit", "500", "--test-limit", "200", "--epochs",
                "1",
                "--threads", "2", "--data", try CheckpointCLITests.data(), "--out", sweep.path,
            ]
            #expect(try ChildProcess.run(command, in: scratch).status == 0)
            let size = sweep.appendingPathComponent("h32")
            try Self.leaveOnlyIdentity(size)
            let before = try Self.snapshot(size)
            let resumed = try ChildProcess.run(command, in: scratch)
            #expect(resumed.status == 0, "\(resumed)")
            #expect(try Self.snapshot(URL(fileURLWithPath: size.path + ".replaced-1")) == before)
            #expect(FileManager.default.fileExists(atPath: size.appendingPathComponent("latest.ckpt").path))
        }
    }
}
