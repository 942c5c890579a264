import Foundation
import Model
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `mpirun -np K ptrain train --distributed` with real Open MPI processes (docs/distributed.md): the files
/// of 2 and 3 ranks are the files of one process, byte for byte; a run continues on another number of ranks;
/// a SIGTERM that reaches the ranks stops all of them at the same batch with a resumable checkpoint.
///
/// Needs a build with MPI: `.ci/run` installs Open MPI, builds `PTRAIN_MPI=1 swift build -c release
/// --scratch-path .build-mpi` and runs this suite with `PTRAIN_MPI_BINARY=.build-mpi/release/ptrain`. Without
/// that variable the suite is skipped (the default build has no MPI); `DistributedTrainingTests` covers the
/// same data flow with thread ranks in every build.
@Suite(
    "MPI ranks, end to end", .serialized,
    .enabled(if: MPIRun.binary != nil, "set PTRAIN_MPI_BINARY to a PTRAIN_MPI=1 build of ptrain"))
struct MPITests {
    /// H = 300 in 5 shards (64 × 4 + 44), 605 training images (61 batches, the last one short), 200 test
    /// images, a mid-epoch checkpoint every 20 batches, one thread per rank.
    static func arguments(epochs: Int) throws -> [String] {
        [
            "--hidden", "300", "--shards", "5", "--train-limit", "605", "--test-limit", "200", "--epochs",
            String(epochs), "--checkpoint-every", "20", "--threads", "1", "--data", try CheckpointCLITests.data(),
        ]
    }

    /// One process of the default (MPI-free) build: the reference.
    static func single(_ directory: URL, in scratch: URL) throws {
        let result = try ChildProcess.run(
            ["train"] + (try arguments(epochs: 2)) + ["--out", directory.path], in: scratch)
        #expect(result.status == 0, "\(result)")
    }

    @Test("2 and 3 ranks write the files of one process, byte for byte", arguments: [2, 3])
    func ranksMatchOneProcess(ranks: Int) throws {
        try CheckpointCLITests.withDirectory { scratch in
            let reference = scratch.appendingPathComponent("single")
            try Self.single(reference, in: scratch)
            let split = scratch.appendingPathComponent("ranks")
            let result = try MPIRun.run(
                ranks: ranks, ["train"] + (try Self.arguments(epochs: 2)) + ["--out", split.path], in: scratch)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("; \(ranks) ranks × 1 thread; writing \(split.path)\n"), "\(result)")
            // Rank 0 alone prints: one summary table.
            #expect(result.stdout.components(separatedBy: "best test spike accuracy").count == 2, "\(result)")
            try CheckpointCLITests.expectSameRun(
                reference, split, "\(ranks) ranks",
                files: ["latest.ckpt", "best.ckpt", "epoch-0001.ckpt", "epoch-0002.ckpt"])
            #expect(
                try Data(contentsOf: reference.appendingPathComponent("weights.bin"))
                    == Data(contentsOf: split.appendingPathComponent("weights.bin")))
        }
    }

    @Test(
        "a conv network on 2 and 3 ranks (each its share of every batch) writes one process's files", arguments: [2, 3])
    func layeredRanksMatchOneProcess(ranks: Int) throws {
        let arguments = [
            "--layers", #"[{"type":"conv","channels":8,"kernel":5,"stride":2,"padding":2}]"#, "--lr1", "0.1", "--lr2",
            "0.1", "--train-limit", "403", "--validation", "100", "--test-limit", "200", "--epochs", "2",
            "--average-from", "1", "--checkpoint-every", "7", "--threads", "1", "--data", try CheckpointCLITests.data(),
        ]
        try CheckpointCLITests.withDirectory { scratch in
            let reference = scratch.appendingPathComponent("single")
            let single = try ChildProcess.run(["train"] + arguments + ["--out", reference.path], in: scratch)
            #expect(single.status == 0, "\(single)")
            let split = scratch.appendingPathComponent("ranks")
            let result = try MPIRun.run(ranks: ranks, ["train"] + arguments + ["--out", split.path], in: scratch)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("; \(ranks) ranks × 1 thread; writing \(split.path)\n"), "\(result)")
            try CheckpointCLITests.expectSameRun(
                reference, split, "\(ranks) ranks",
                files: ["latest.ckpt", "best.ckpt", "epoch-0001.ckpt", "epoch-0002.ckpt"])
            for name in ["model.bin", "best-model.bin", "averaged-model.bin"] {
                #expect(
                    try Data(contentsOf: reference.appendingPathComponent(name))
                        == Data(contentsOf: split.appendingPathComponent(name)), "\(name)")
            }
        }
    }

    @Test("a 2-rank checkpoint continues on 1 process, and a 1-process checkpoint on 2 ranks, bit for bit")
    func resumeAcrossRankCounts() throws {
        try CheckpointCLITests.withDirectory { scratch in
            let reference = scratch.appendingPathComponent("single")
            try Self.single(reference, in: scratch)

            let fromRanks = scratch.appendingPathComponent("from-ranks")
            let first = try MPIRun.run(
                ranks: 2, ["train"] + (try Self.arguments(epochs: 1)) + ["--out", fromRanks.path], in: scratch)
            #expect(first.status == 0, "\(first)")
            let second = try ChildProcess.run(
                [
                    "train", "--resume", fromRanks.path, "--epochs", "2", "--threads", "2", "--data",
                    try CheckpointCLITests.data(),
                ],
                in: scratch)
            #expect(second.status == 0, "\(second)")
            try CheckpointCLITests.expectSameRun(reference, fromRanks, "2 ranks, then 1 process")

            let toRanks = scratch.appendingPathComponent("to-ranks")
            let third = try ChildProcess.run(
                ["train"] + (try Self.arguments(epochs: 1)) + ["--out", toRanks.path], in: scratch)
            #expect(third.status == 0, "\(third)")
            let fourth = try MPIRun.run(
                ranks: 2,
                [
                    "train", "--resume", toRanks.path, "--epochs", "2", "--threads", "1", "--data",
                    try CheckpointCLITests.data(),
                ],
                in: scratch)
            #expect(fourth.status == 0, "\(fourth)")
            #expect(fourth.stdout.contains("resuming at the start of epoch 2/2"), "\(fourth)")
            try CheckpointCLITests.expectSameRun(reference, toRanks, "1 process, then 2 ranks")
        }
    }

    @Test("SIGTERM to the ranks mid-epoch: all stop at one batch, exit 130; 3 ranks finish it bit for bit")
    func signalStopsEveryRank() throws {
        try CheckpointCLITests.withDirectory { scratch in
            let reference = scratch.appendingPathComponent("single")
            try Self.single(reference, in: scratch)
            let stopped = scratch.appendingPathComponent("stopped")
            let latest = stopped.appendingPathComponent("latest.ckpt").path
            let job = try MPIRun.start(
                ranks: 2, ["train"] + (try Self.arguments(epochs: 2)) + ["--out", stopped.path], in: scratch)
            // The first mid-epoch checkpoint (batch 20) means both ranks are training.
            let training = job.wait { (try? Checkpoint.read(path: latest, weights: .skip).cursor.isMidEpoch) == true }
            for rank in MPIRun.ranks(of: job.pid) { kill(rank, SIGTERM) }
            let end = job.finish()
            guard training else {
                Issue.record("no mid-epoch checkpoint appeared: \(end)")
                return
            }
            #expect(end.status == 130, "\(end)")
            #expect(end.stderr.contains("Interrupted: saved \(latest)"), "\(end)")
            let cursor = try Checkpoint.read(path: latest, weights: .skip).cursor
            let resumed = try MPIRun.run(
                ranks: 3,
                ["train", "--resume", stopped.path, "--threads", "1", "--data", try CheckpointCLITests.data()],
                in: scratch)
            #expect(resumed.status == 0, "\(resumed)")
            #expect(resumed.stdout.contains("resuming"), "\(resumed)")
            try CheckpointCLITests.expectSameRun(reference, stopped, "SIGTERM at \(cursor), then 3 ranks")
        }
    }
    @Test("sweep --distributed: rank r trains sizes r, r + K; the results are those of a one-process sweep")
    func sweepSpreadsSizesOverRanks() throws {
        try CheckpointCLITests.withDirectory { scratch in
            let common = [
                "sweep", "--hidden", "16,48,32", "--epochs", "2", "--train-limit", "600", "--test-limit", "200",
                "--threads", "1", "--data", try CheckpointCLITests.data(),
            ]
            let single = scratch.appendingPathComponent("single")
            let reference = try ChildProcess.run(common + ["--out", single.path], in: scratch)
            #expect(reference.status == 0, "\(reference)")
            let split = scratch.appendingPathComponent("ranks")
            let result = try MPIRun.run(ranks: 2, common + ["--out", split.path], in: scratch)
            #expect(result.status == 0, "\(result)")
            // Rank 0 trained 16 and 32, rank 1 trained 48; rank 0 prints its own sizes and the table.
            #expect(result.stdout.contains("sweep of 2 sizes (16, 32)"), "\(result)")
            #expect(!result.stdout.contains("h48: epoch"), "\(result)")
            func rows(_ directory: URL) throws -> [String] {
                try String(contentsOf: directory.appendingPathComponent("results.csv"), encoding: .utf8)
                    .split(separator: "\n").map { $0.split(separator: ",").prefix(6).joined(separator: ",") }
            }
            #expect(try rows(split) == rows(single))
            #expect(try rows(split).count == 4)
            for size in [16, 32, 48] {
                try CheckpointCLITests.expectSameRun(
                    single.appendingPathComponent("h\(size)"), split.appendingPathComponent("h\(size)"), "h\(size)")
            }
        }
    }
}

/// `mpirun` around the MPI build of ptrain (`PTRAIN_MPI_BINARY`).
enum MPIRun {
    static let binary: URL? = ProcessInfo.processInfo.environment["PTRAIN_MPI_BINARY"].map {
        URL(fileURLWithPath: $0).standardizedFileURL
    }

    /// `mpirun` from the PATH.
    static let mpirun: URL = {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("mpirun")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return URL(fileURLWithPath: "/usr/bin/mpirun")
    }()

    /// Starts `mpirun -np ranks --oversubscribe <binary> arguments… --distributed` (as root too: CI runs as root).
    static func start(ranks: Int, _ arguments: [String], in directory: URL) throws -> ChildProcess {
        setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1)
        setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1)
        return try ChildProcess(
            ["-np", String(ranks), "--oversubscribe", "--bind-to", "none", binary!.path] + arguments + [
                "--distributed"
            ],
            in: directory, executable: mpirun)
    }

    static func run(ranks: Int, _ arguments: [String], in directory: URL) throws -> ProcessResult {
        try start(ranks: ranks, arguments, in: directory).finish(timeout: 300)
    }

    /// The ptrain processes `mpirun` (process `pid`) started: its children on this machine.
    static func ranks(of pid: Int32) -> [Int32] {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8) else {
            return []
        }
        return text.split(separator: " ").compactMap { Int32($0) }
    }
}
