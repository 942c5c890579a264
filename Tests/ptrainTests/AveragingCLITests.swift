import Foundation
import Model
import Testing

/// `--average-from` through the built binary: the averaged weights are evaluated after every epoch, written to
/// `averaged.bin`, equal to `ptrain average` over the same epochs, and selectable by `eval --averaged` and
/// `report --averaged`; asking for averaged weights where there are none is a one-line error.
@Suite("weight averaging, end to end", .serialized)
struct AveragingCLITests {
    static func arguments(_ out: URL, extra: [String] = []) throws -> [String] {
        [
            "train", "--hidden", "100", "--shards", "2", "--seed", "4", "--train-limit", "2500", "--validation", "500",
            "--test-limit", "400", "--epochs", "3", "--keep", "3", "--threads", "2", "--data",
            try TestMNIST.located.get(), "--out", out.path,
        ] + extra
    }

    @Test("train --average-from 2: averaged accuracies each epoch, averaged.bin = ptrain average, eval --averaged")
    func averagedRun() throws {
        let directory = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = directory.appendingPathComponent("run")
        let trained = try PtrainProcess.run(try Self.arguments(run, extra: ["--average-from", "2"]))
        #expect(trained.status == 0, "\(trained)")
        let lines = trained.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.filter { $0.hasPrefix("epoch ") && $0.contains("/3  ") && $0.contains("averaged test spike") }.count
                == 2)
        #expect(lines.last?.hasPrefix("averaged weights of epochs 2–3 (averaged.bin, fixed by averageFrom") == true)

        let records = try MetricsTable.read(path: run.appendingPathComponent("metrics.csv").path)
        let averaged = try #require(records.last?.averagedTest)
        #expect(records.first?.averagedTest == nil)

        // The run's own average and the after-the-fact one are the same bytes.
        let after = directory.appendingPathComponent("after.bin")
        let average = try PtrainProcess.run(["average", run.path, "--epochs", "2...3", "--out", after.path])
        #expect(average.status == 0, "\(average)")
        #expect(
            try Data(contentsOf: after) == Data(contentsOf: run.appendingPathComponent(RunDirectory.averagedWeights)))

        let data = try TestMNIST.located.get()
        let latest = run.appendingPathComponent("latest.ckpt").path
        let eval = try PtrainProcess.run(
            ["eval", "--checkpoint", latest, "--averaged", "--test-limit", "400", "--data", data])
        #expect(eval.status == 0, "\(eval)")
        let percent = MetricsTable.fixed(100 * averaged.spike, 2)
        #expect(eval.stdout.contains("spike readout    \(percent)%"), "\(eval.stdout)")
        let plain = try PtrainProcess.run(["eval", "--checkpoint", latest, "--test-limit", "400", "--data", data])
        let own = MetricsTable.fixed(100 * records.last!.testSpikeAccuracy, 2)
        #expect(plain.stdout.contains("spike readout    \(own)%"), "\(plain.stdout)")
        #expect(own != percent, "the averaged and the last epoch's weights classify differently here")

        let report = try PtrainProcess.run(["report", run.path, "--averaged", "--data", data])
        #expect(report.status == 0, "\(report)")
        let curve = try String(contentsOf: run.appendingPathComponent("learning-curve.svg"), encoding: .utf8)
        #expect(curve.contains("averaged weights, test, spikes") && curve.contains("validation, spikes"))

        // A weights file has no average.
        let weights = run.appendingPathComponent("weights.bin").path
        let refused = try PtrainProcess.run(["eval", "--checkpoint", weights, "--averaged", "--data", data])
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "Error: \(weights): no averaged weights: a weights file holds one set of weights; evaluate it as "
                + "it is\n")
    }

    @Test("eval --averaged and report --averaged on a run without averaging: one line, exit 1")
    func noAverage() throws {
        let directory = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = directory.appendingPathComponent("plain")
        var arguments = try Self.arguments(run)
        arguments[arguments.firstIndex(of: "3")!] = "1"
        let trained = try PtrainProcess.run(arguments)
        #expect(trained.status == 0, "\(trained)")
        #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent("averaged.bin").path))
        let data = try TestMNIST.located.get()
        let latest = run.appendingPathComponent("latest.ckpt").path
        let eval = try PtrainProcess.run(["eval", "--checkpoint", latest, "--averaged", "--data", data])
        #expect(eval.status == 1)
        #expect(
            eval.stderr
                == "Error: \(latest): no averaged weights: the run does not average weights (averageFrom is 0)\n")
        let report = try PtrainProcess.run(["report", run.path, "--averaged", "--data", data])
        #expect(report.status == 1)
        #expect(report.stderr == "Error: \(run.path)/averaged.bin: no such averaged weights file\n")
    }
}
