import Foundation
import Model
import Testing

/// Layered networks (issue #15) through the built binary: `ptrain train --layers` writes a run directory of its
/// own files that read back to the network that was evaluated, a layer list that does not fit the data is refused
/// before anything is written, and a model file is checked when read.
@Suite("layered networks on the command line", .serialized)
struct LayeredCLITests {
    static let conv = #"[{"type": "conv", "channels": 16, "kernel": 5, "stride": 2}]"#

    @Test("train --layers: the start line, 2 epochs of metrics, checkpoints and model files that read back, eval")
    func trainsAndWritesItsFiles() throws {
        let scratch = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let data = try TestMNIST.located.get()
        let run = scratch.appendingPathComponent("run").path
        let result = try PtrainProcess.run([
            "train", "--data", data, "--layers", Self.conv, "--epochs", "2", "--train-limit", "2000",
            "--validation", "500", "--test-limit", "500", "--threads", "2", "--out", run,
        ])
        #expect(result.status == 0, "\(result)")
        #expect(
            result.stdout.contains(
                "run mnist-800: layers conv 16c5s2, batch 10, 2 epochs, T 20, no leak, rule stdp, nudge centered, "
                    + "seed 1; 1500 train / 500 test images; 2 threads; writing \(run)"), "\(result.stdout)")
        let names = try FileManager.default.contentsOfDirectory(atPath: run).filter { !$0.hasPrefix(".") }.sorted()
        #expect(
            names == [
                "best-model.bin", "best.ckpt", "config.json", "epoch-0001.ckpt", "epoch-0002.ckpt", "latest.ckpt",
                "metrics.csv", "model.bin", "run.json",
            ])
        let records = try MetricsTable.parse(
            try String(contentsOfFile: run + "/metrics.csv", encoding: .utf8), path: run + "/metrics.csv")
        #expect(records.count == 2)
        // Measured 85.00% (2026-12-02) after 2 epochs of 1,500 images.
        #expect(records[1].testSpikeAccuracy >= 0.75, "\(records)")
        let (config, network) = try LayeredModelFile.read(path: run + "/model.bin")
        #expect(config.layers == [.convolution(channels: 16, kernel: 5, stride: 2, padding: 0)])
        let test = try MNIST.load(directory: data).test.prefix(500)
        let evaluation = LayeredEvaluator.evaluate(network: network, config: config, dataset: test, threads: 1)
        #expect(evaluation.spikeAccuracy == records[1].testSpikeAccuracy)
        #expect(evaluation.relaxedAccuracy == records[1].testRelaxedAccuracy)
        let configText = try String(contentsOfFile: run + "/config.json", encoding: .utf8)
        #expect(
            configText.contains(
                #"  "layers": [{"type": "conv", "channels": 16, "kernel": 5, "stride": 2, "padding": 0}],"#))
        // eval reads the model files and the checkpoints, and reports what the run measured.
        for file in ["model.bin", "latest.ckpt", "epoch-0002.ckpt"] {
            let eval = try PtrainProcess.run([
                "eval", "--checkpoint", run + "/" + file, "--data", data, "--test-limit", "500", "--threads", "2",
            ])
            #expect(eval.status == 0, "\(eval)")
            #expect(eval.stdout.contains("test images      500\n"), "\(eval.stdout)")
            #expect(
                eval.stdout.contains(
                    "spike readout    \(String(format: "%.2f", 100 * records[1].testSpikeAccuracy))%"),
                "\(eval.stdout)")
        }
        // report draws the learning curve, the confusion matrix and the 16 first-layer kernels (a 4 × 4 grid of
        // 5 × 5 kernels magnified 5×: 4 · (25 + 2) + 2 = 110 pixels square).
        let figures = scratch.appendingPathComponent("figures").path
        let report = try PtrainProcess.run(["report", run, "--data", data, "--out", figures, "--threads", "2"])
        #expect(report.status == 0, "\(report)")
        #expect(
            report.stdout.hasSuffix(
                "wrote learning-curve.svg, confusion.svg, confusion.txt, weights.png to \(figures)\n"))
        let png = try Data(contentsOf: URL(fileURLWithPath: figures + "/weights.png"))
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(png.count > 24 && png[16..<24] == Data([0, 0, 0, 110, 0, 0, 0, 110]))
        // predict writes the CSV of a three-layer model: its spike classes give the accuracy the run measured.
        let csv = scratch.appendingPathComponent("predictions.csv").path
        let predict = try PtrainProcess.run([
            "predict", "--checkpoint", run + "/model.bin", "--data", data, "--limit", "500", "--threads", "2",
            "--out", csv,
        ])
        #expect(predict.status == 0, "\(predict)")
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 501)
        #expect(rows[0] == "index,label,spike_class,relaxed_class" + (0..<10).map { ",count_\($0)" }.joined())
        let fields = rows.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(fields.allSatisfy { $0.count == 14 })
        let correct = fields.filter { $0[1] == $0[2] }.count
        #expect(Double(correct) / 500 == records[1].testSpikeAccuracy, "\(correct) of 500")
        #expect(fields.map { Int($0[2])! } == evaluation.spikePredictions)
        // compare pairs the run with itself: the same accuracy, no discordant image.
        let compare = try PtrainProcess.run(["compare", run, run, "--data", data, "--threads", "2"])
        #expect(compare.status == 0, "\(compare)")
        let accuracy = String(format: "%.2f", 100 * records[1].testSpikeAccuracy)
        #expect(compare.stdout.contains(" | \(accuracy)% | \(accuracy)% | 0 | 0 | "), "\(compare.stdout)")
        // The same directory again is another run's: refused, and nothing in it changes.
        let before = try Data(contentsOf: URL(fileURLWithPath: run + "/model.bin"))
        let again = try PtrainProcess.run([
            "train", "--data", data, "--layers", Self.conv, "--epochs", "1", "--train-limit", "200", "--out", run,
        ])
        #expect(again.status != 0)
        #expect(again.stderr.contains("holds another run ("), "\(again.stderr)")
        #expect(
            again.stderr.contains(", mnist-800, 1-layer network, seed 1, 2 of 2 epochs done); resume it with "),
            "\(again.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: run + "/model.bin")) == before)
    }

    @Test("average of a layered run's epochs 2…3 is the run's own averaged-model.bin byte for byte")
    func averagesALayeredRun() throws {
        let scratch = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let data = try TestMNIST.located.get()
        let run = scratch.appendingPathComponent("run").path
        let train = try PtrainProcess.run([
            "train", "--data", data, "--layers", Self.conv, "--epochs", "3", "--train-limit", "600",
            "--test-limit", "200", "--average-from", "2", "--threads", "2", "--out", run,
        ])
        #expect(train.status == 0, "\(train)")
        let average = try PtrainProcess.run(["average", run, "--epochs", "2...3"])
        #expect(average.status == 0, "\(average)")
        #expect(
            average.stdout
                == "averaged the weights of 2 checkpoints (epochs 2–3) into \(run)/average-e2-3.bin\nEvaluate with: "
                + "ptrain eval --checkpoint \(run)/average-e2-3.bin\n")
        let mean = try Data(contentsOf: URL(fileURLWithPath: run + "/average-e2-3.bin"))
        #expect(mean == (try Data(contentsOf: URL(fileURLWithPath: run + "/averaged-model.bin"))))
        // Not over a file of another kind, nor over a run's own files.
        let text = scratch.appendingPathComponent("notes.txt").path
        try Data("mine\n".utf8).write(to: URL(fileURLWithPath: text))
        let refused = try PtrainProcess.run(["average", run, "--epochs", "2...3", "--out", text])
        #expect(refused.status != 0)
        #expect(refused.stderr.hasPrefix("Error: \(text): "), "\(refused.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: text)) == Data("mine\n".utf8))
        let own = try PtrainProcess.run(["average", run, "--epochs", "2...3", "--out", run + "/model.bin"])
        #expect(
            own.stderr
                == "Error: \(run)/model.bin: is one of a run's own files; the averaged weights go to another file "
                + "(--out)\n")
    }

    @Test("train --resume continues a layered run in place: 1 + 1 epochs give the bytes of 2")
    func resumesInPlace() throws {
        let scratch = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let data = try TestMNIST.located.get()
        let common = [
            "--data", data, "--layers", Self.conv, "--train-limit", "1000", "--validation", "200", "--test-limit",
            "200", "--average-from", "1",
        ]
        let whole = scratch.appendingPathComponent("whole").path
        let pieces = scratch.appendingPathComponent("pieces").path
        let first = try PtrainProcess.run(["train"] + common + ["--epochs", "2", "--threads", "2", "--out", whole])
        #expect(first.status == 0, "\(first)")
        let half = try PtrainProcess.run(["train"] + common + ["--epochs", "1", "--threads", "1", "--out", pieces])
        #expect(half.status == 0, "\(half)")
        let resumed = try PtrainProcess.run(["train", "--resume", pieces, "--epochs", "2", "--data", data])
        #expect(resumed.status == 0, "\(resumed)")
        #expect(resumed.stdout.contains("configuration: from \(pieces)/latest.ckpt\n"), "\(resumed.stdout)")
        for name in ["model.bin", "averaged-model.bin", "best-model.bin"] {
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: pieces + "/" + name))
                    == Data(contentsOf: URL(fileURLWithPath: whole + "/" + name)), "\(name)")
        }
        let identity = try RunIdentity.read(path: pieces + "/run.json")
        #expect(identity?.invocations.count == 2)
        // A resume may not change the layers, even with --force.
        let changed = try PtrainProcess.run([
            "train", "--resume", pieces, "--epochs", "3", "--data", data, "--layers", #"[{"type": "fc", "units": 10}]"#,
        ])
        #expect(changed.status != 0)
        #expect(changed.stderr.contains("the checkpoint's weights fix the network's layers"), "\(changed.stderr)")
    }

    @Test("a kernel larger than its input: one line naming the layer, exit 1, no run directory")
    func refusesALayerThatDoesNotFit() throws {
        let scratch = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let data = try TestMNIST.located.get()
        let run = scratch.appendingPathComponent("run").path
        let result = try PtrainProcess.run([
            "train", "--data", data, "--train-limit", "100", "--test-limit", "100", "--out", run, "--layers",
            #"[{"type": "conv", "channels": 8, "kernel": 3, "stride": 2}, {"type": "conv", "channels": 8, "kernel": 15}]"#,
        ])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "Error: training stopped: layers: layer 1: key 'kernel' = 15 is larger than its 13×13 input "
                + "(the data's samples are 28×28×1)\n")
        #expect(!FileManager.default.fileExists(atPath: run))
    }

    @Test("sweep --layer 0.channels=4,8 --seeds 1,2: four layered runs, the summary per size, resumable")
    func sweepsALayersSize() throws {
        let scratch = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let data = try TestMNIST.located.get()
        let out = scratch.appendingPathComponent("sweep").path
        let command = [
            "sweep", "--data", data, "--layers", Self.conv, "--layer", "0.channels=4,8", "--seeds", "1,2", "--epochs",
            "1", "--train-limit", "600", "--validation", "100", "--test-limit", "200", "--threads", "2", "--out", out,
        ]
        let result = try PtrainProcess.run(command)
        #expect(result.status == 0, "\(result)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out).filter { !$0.hasPrefix(".") }.sorted()
        #expect(
            names == [
                "accuracy-vs-epoch.svg", "accuracy-vs-size.svg", "l0-channels4-s1", "l0-channels4-s2",
                "l0-channels8-s1", "l0-channels8-s2", "results.csv", "results.md", "summary.csv", "sweep.json",
            ])
        let csv = try String(contentsOfFile: out + "/results.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 5)
        #expect(csv[0].hasPrefix("layer0_channels,best_test_accuracy_spike,best_epoch,"))
        #expect(csv[1...].map { $0.split(separator: ",")[0] } == ["4", "4", "8", "8"])
        // Each row is its run's metrics: the run trained the layer at the row's size.
        let (config, _) = try LayeredModelFile.read(path: out + "/l0-channels8-s2/model.bin")
        #expect(config.layers == [.convolution(channels: 8, kernel: 5, stride: 2, padding: 0)] && config.seed == 2)
        let records = try MetricsTable.read(path: out + "/l0-channels8-s2/metrics.csv")
        #expect(csv[4].split(separator: ",")[1] == Substring(String(format: "%.6f", records[0].testSpikeAccuracy)))
        let summary = try String(contentsOfFile: out + "/summary.csv", encoding: .utf8).split(separator: "\n")
        #expect(summary.count == 3 && summary[0].hasPrefix("layer0_channels,n,selected_by,"))
        #expect(summary[1].hasPrefix("4,2,validation,") && summary[2].hasPrefix("8,2,validation,"))
        let markdown = try String(contentsOfFile: out + "/results.md", encoding: .utf8)
        #expect(markdown.contains("| layer 0 channels | seed | test (spike) at the selected epoch |"))
        // The same command again trains nothing and writes the same table.
        let before = try Data(contentsOf: URL(fileURLWithPath: out + "/results.csv"))
        let again = try PtrainProcess.run(command)
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout.contains("l0-channels8-s2: finished earlier, skipped\n"), "\(again.stdout)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/results.csv")) == before)
    }

    @Test("sweep: a layer the network does not have, a key its type does not have, --hidden of a layered network")
    func sweepRefusesWhatDoesNotFit() throws {
        let scratch = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let data = try TestMNIST.located.get()
        let out = scratch.appendingPathComponent("sweep").path
        let cases: [([String], String)] = [
            (["--layer", "1.channels=4,8"], ": --layer 1.channels: the network has layers 0...0\n"),
            (["--layer", "0.units=4,8"], ": --layer 0.units: layer 0 is 'conv', whose size is 'channels'\n"),
            (
                ["--hidden", "100,200"],
                ": a layered network ('layers') has no hidden size to sweep: vary a layer with --layer I.KEY=LIST "
                    + "(0.channels=8,16,32), or give --seeds alone\n"
            ),
        ]
        for (arguments, suffix) in cases {
            let result = try PtrainProcess.run(
                ["sweep", "--data", data, "--layers", Self.conv, "--epochs", "1", "--out", out] + arguments)
            #expect(result.status == 1)
            #expect(result.stderr.hasSuffix(suffix), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        let usage = try PtrainProcess.run(["sweep", "--layer", "0.kernel=3,5", "--out", out])
        #expect(usage.status != 0 && usage.stderr.contains("'--layer'"), "\(usage.stderr)")
    }

    @Test("model files: a damaged byte, a three-layer weights.bin, a cut layer and trailing bytes are refused")
    func modelFilesAreChecked() throws {
        let scratch = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        var config = RunConfig()
        config.layers = [.locallyConnected(channels: 2, kernel: 3, stride: 1, padding: 0), .fullyConnected(units: 5)]
        let stack = try LayerStack(
            input: ActivationShape(rows: 6, columns: 6, channels: 1), layers: config.layers, outputs: 3)
        let network = LayeredNetwork(stack: stack, outputs: 3, seed: 4)
        let path = scratch.appendingPathComponent("model.bin").path
        try LayeredModelFile.write(network: network, config: config, to: path)
        let (readConfig, read) = try LayeredModelFile.read(path: path)
        #expect(readConfig == config)
        #expect(read.parameters() == network.parameters())
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count / 2] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(throws: LayeredModelError(path: path, reason: "damaged (its CRC-32 does not match)")) {
            try LayeredModelFile.read(path: path)
        }
        let classic = scratch.appendingPathComponent("weights.bin").path
        try WeightsFile.write(
            network: Network(inputs: 4, hidden: 16, outputs: 2, shards: 1, seed: 1), config: RunConfig(), to: classic)
        #expect(throws: LayeredModelError(path: classic, reason: "not a layered ptrain model (no PTRAINL1 header)")) {
            try LayeredModelFile.read(path: classic)
        }
        // A file whose CRC-32 is right but whose structure is not: a layer cut short, bytes after the last layer.
        let good = LayeredModelFile.encode(network: network, config: config)
        func resealed(_ body: [UInt8]) -> [UInt8] {
            var bytes = body
            withUnsafeBytes(of: CRC32.checksum(body).littleEndian) { bytes += $0 }
            return bytes
        }
        let body = Array(good.dropLast(4))
        #expect(throws: LayeredModelError(path: "m", reason: "truncated in layer 2")) {
            try LayeredModelFile.decode(resealed(Array(body.dropLast(8))), path: "m")
        }
        #expect(throws: LayeredModelError(path: "m", reason: "3 bytes after the last layer")) {
            try LayeredModelFile.decode(resealed(body + [1, 2, 3]), path: "m")
        }
        #expect(throws: LayeredModelError(path: "m", reason: "truncated in its configuration")) {
            try LayeredModelFile.decode(resealed(Array(body.prefix(20))), path: "m")
        }
        #expect(try LayeredModelFile.decode(resealed(body), path: "m").1.parameters() == network.parameters())
    }
}
