import Foundation
import Model
import Testing

/// `ptrain average`: the mean of a run's epoch checkpoints as a weights file, through the built binary.
@Suite("average: the mean of a run's epoch checkpoints", .serialized)
struct AverageCommandTests {
    /// A 3-epoch run of H = 64 on 1,000 images that keeps every epoch's checkpoint.
    static func train(_ directory: URL, seed: Int) throws {
        let result = try ChildProcess.run(
            [
                "train", "--hidden", "64", "--train-limit", "1000", "--test-limit", "200", "--epochs", "3",
                "--seed", String(seed), "--keep", "10", "--threads", "2", "--out", directory.path,
                "--data", try CheckpointCLITests.data(),
            ], in: directory.deletingLastPathComponent())
        #expect(result.status == 0, "\(result)")
    }

    @Test("epochs 1...3 average to the element-wise mean of the three checkpoints, which eval reads")
    func meanOfEpochs() throws {
        try CheckpointCLITests.withDirectory { scratch in
            let run = scratch.appendingPathComponent("run")
            try Self.train(run, seed: 1)
            let result = try ChildProcess.run(["average", run.path, "--epochs", "1...3"], in: scratch)
            let output = run.appendingPathComponent("average-e1-3.bin").path
            #expect(
                result
                    == ProcessResult(
                        status: 0,
                        stdout: "averaged the weights of 3 checkpoints (epochs 1–3) into \(output)\n"
                            + "Evaluate with: ptrain eval --checkpoint \(output)\n", stderr: ""))
            let checkpoints = try (1...3).map { epoch in
                try #require(
                    try Checkpoint.read(path: run.appendingPathComponent(RunDirectory.epochCheckpoint(epoch)).path)
                        .parameters)
            }
            let expected = checkpoints[0].indices.map { index in
                Float(
                    (Double(checkpoints[0][index]) + Double(checkpoints[1][index]) + Double(checkpoints[2][index])) / 3)
            }
            let averaged = try ModelFile.read(path: output).network.canonicalParameters()
            #expect(averaged == expected)
            #expect(averaged != checkpoints[2])
            let evaluation = try ChildProcess.run(
                ["eval", "--checkpoint", output, "--test-limit", "200", "--data", try CheckpointCLITests.data()],
                in: scratch)
            #expect(evaluation.status == 0 && evaluation.stdout.contains("spike readout"), "\(evaluation)")
        }
    }

    @Test("a missing epoch, another run's checkpoint and a backwards range are errors naming them")
    func errors() throws {
        try CheckpointCLITests.withDirectory { scratch in
            let run = scratch.appendingPathComponent("run")
            try Self.train(run, seed: 1)
            let missing = try ChildProcess.run(["average", run.path, "--epochs", "2...4"], in: scratch)
            #expect(
                missing
                    == ProcessResult(
                        status: 1, stdout: "",
                        stderr: "Error: \(run.path)/epoch-0004.ckpt: no such checkpoint file\n"))

            let other = scratch.appendingPathComponent("other")
            try Self.train(other, seed: 2)
            try FileManager.default.copyItem(
                at: other.appendingPathComponent("epoch-0003.ckpt"), to: run.appendingPathComponent("epoch-0004.ckpt"))
            let foreign = try ChildProcess.run(["average", run.path, "--epochs", "3...4"], in: scratch)
            #expect(
                foreign
                    == ProcessResult(
                        status: 1, stdout: "",
                        stderr: "Error: \(run.path)/epoch-0004.ckpt: cannot be averaged with the others: its "
                            + "configuration differs from \(run.path)/epoch-0003.ckpt's (not one run)\n"))

            let backwards = try ChildProcess.run(["average", run.path, "--epochs", "3...1"], in: scratch)
            #expect(backwards.status == 64)
            #expect(
                backwards.stderr.hasPrefix(
                    "Error: Invalid value '3...1' for '--epochs': must be epochs A...B with 1 <= A <= B, or A."),
                "\(backwards)")
        }
    }
}
