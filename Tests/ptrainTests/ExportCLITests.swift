import Foundation
import Model
import Testing

/// `ptrain export` through the built binary: what it writes, its one-line errors, and, when a Python with
/// `nir`, `h5py` and `numpy` is named by `PTRAIN_NIR_PYTHON` (`.ci/run` makes one), the outside check
/// `Tests/Export/check_export.py`: numpy.load, h5py and nir.read read the files, and a numpy simulation of the
/// graph nir.read returns reproduces ptrain's output spike counts on 1,000 test images (and `h5dump` reads the
/// NIR file when `PTRAIN_H5DUMP` names it).
@Suite("export, end to end", .serialized)
struct ExportCLITests {
    /// A small trained run (H = 100, 2 epochs on 3,000 images, a validation split), trained once.
    static let run: Result<URL, any Error> = Result {
        let directory = try PtrainProcess.temporaryDirectory().appendingPathComponent("run")
        let trained = try PtrainProcess.run([
            "train", "--hidden", "100", "--seed", "3", "--train-limit", "3000", "--validation", "500", "--epochs",
            "2", "--threads", "2", "--data", try TestMNIST.located.get(), "--out", directory.path,
        ])
        guard trained.status == 0 else { throw ExportTestFailure(description: "training failed: \(trained)") }
        return directory
    }

    struct ExportTestFailure: Error, CustomStringConvertible {
        var description: String
    }

    static let python = ProcessInfo.processInfo.environment["PTRAIN_NIR_PYTHON"]
    /// `h5dump` (Debian's hdf5-tools), run on the NIR file by the outside check when `PTRAIN_H5DUMP` names it.
    static let h5dump = ProcessInfo.processInfo.environment["PTRAIN_H5DUMP"]
    static let checkScript = TestMNIST.packageRoot + "/Tests/Export/check_export.py"

    @Test("a run directory exports its best.ckpt as npz and nir; a file of the same kind is replaced")
    func exportsARun() throws {
        let run = try Self.run.get()
        let scratch = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let npz = scratch.appendingPathComponent("net.npz").path
        let best = run.appendingPathComponent("best.ckpt").path
        for _ in 0..<2 {
            let result = try PtrainProcess.run(["export", run.path, "--format", "npz", "--out", npz])
            #expect(
                result
                    == ProcessResult(
                        status: 0,
                        stdout: "exported the network of \(best) (after epoch 2) to \(npz): W1 784×100, b1 100, "
                            + "W2 100×10, b2 10 (float32), config\n", stderr: ""))
        }
        #expect(FileKind.identify(try Array(Data(contentsOf: URL(fileURLWithPath: npz)))[...]) == .zip)
        let nir = scratch.appendingPathComponent("net.nir").path
        let result = try PtrainProcess.run(["export", "--source", best, "--format=nir", "--out", nir])
        #expect(result.status == 0 && result.stderr == "", "\(result)")
        #expect(result.stdout.contains("hidden (IF, 100) → fc2 → out (IF, 10) → output"), "\(result.stdout)")
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: nir)))
        #expect(Array(bytes.prefix(8)) == HDF5File.signature)
        #expect(!FileManager.default.fileExists(atPath: AtomicFile.temporaryPath(for: nir, process: 0)))
    }

    /// Runs `ptrain export arguments…` and returns the result, expecting one line on stderr.
    static func failure(_ arguments: [String]) throws -> ProcessResult {
        let result = try PtrainProcess.run(["export"] + arguments)
        #expect(result.stdout == "")
        return result
    }

    @Test("errors: one line naming the file, exit 1; usage errors exit 64; no file of another kind is replaced")
    func errors() throws {
        let run = try Self.run.get()
        let scratch = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("net.npz").path

        let missing = scratch.appendingPathComponent("no-such-run").path
        #expect(
            try Self.failure([missing, "--format", "npz", "--out", out])
                == ProcessResult(
                    status: 1, stdout: "", stderr: "Error: \(missing): no such run directory or checkpoint file\n"))

        let empty = scratch.appendingPathComponent("empty-run")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        #expect(
            try Self.failure([empty.path, "--format", "nir", "--out", out]).stderr
                == "Error: \(empty.path)/best.ckpt: no such checkpoint file (a run writes best.ckpt after its first "
                + "epoch; name a checkpoint or weights file to export another)\n")

        #expect(
            try Self.failure([run.path, "--averaged", "--format", "npz", "--out", out])
                == ProcessResult(
                    status: 1, stdout: "",
                    stderr: "Error: \(run.path)/latest.ckpt: no averaged weights: the run does not average weights "
                        + "(averageFrom is 0)\n"))
        let weights = run.appendingPathComponent("weights.bin").path
        #expect(
            try Self.failure([weights, "--averaged", "--format", "npz", "--out", out]).stderr
                == "Error: \(weights): no averaged weights: a weights file holds one set of weights; evaluate it as "
                + "it is\n")

        let format = try Self.failure([run.path, "--format", "onnx", "--out", out])
        #expect(format.status == 64)
        #expect(
            format.stderr.hasPrefix(
                "Error: Invalid value 'onnx' for '--format': must be npz or nir.\nUsage: ptrain export RUN_DIR|FILE"))
        #expect(
            try Self.failure([run.path, "--out", out]).stderr.hasPrefix("Error: Missing required option '--format"))
        #expect(
            try Self.failure([run.path, "--format", "npz", "--out", out, "--images", "5"]).stderr.hasPrefix(
                "Error: Option '--images' requires '--spikes FILE'.\n"))

        // Another kind of file is never replaced: a user's notes, the run's own checkpoint.
        let notes = scratch.appendingPathComponent("notes.txt").path
        try Data("my notes".utf8).write(to: URL(fileURLWithPath: notes))
        #expect(
            try Self.failure([run.path, "--format", "npz", "--out", notes])
                == ProcessResult(
                    status: 1, stdout: "",
                    stderr: "Error: \(notes): exists and is a text file, not a zip archive; refusing to replace it "
                        + "(move it away or choose another path)\n"))
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "my notes")
        let best = run.appendingPathComponent("best.ckpt").path
        let before = try Data(contentsOf: URL(fileURLWithPath: best))
        #expect(
            try Self.failure([run.path, "--format", "nir", "--out", best]).stderr
                == "Error: \(best): exists and is a ptrain checkpoint, not an HDF5 file; refusing to replace it (move "
                + "it away or choose another path)\n")
        let npz = scratch.appendingPathComponent("other.npz").path
        _ = try PtrainProcess.run(["export", run.path, "--format", "npz", "--out", npz])
        #expect(
            try Self.failure([run.path, "--format", "nir", "--out", npz]).stderr.hasPrefix(
                "Error: \(npz): exists and is a zip archive, not an HDF5 file;"))
        #expect(
            try Self.failure([run.path, "--format", "nir", "--out", out, "--spikes", notes, "--data", "/nowhere"])
                .stderr.hasPrefix("Error: \(notes): exists and is a text file, not a zip archive;"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: best)) == before)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// Runs the outside check on an export of `checkpoint` (reference weights in `reference`).
    static func check(source: String, reference: String, extra: [String] = [], in scratch: URL) throws -> String {
        let data = try TestMNIST.located.get()
        let npz = scratch.appendingPathComponent("net.npz").path
        let nir = scratch.appendingPathComponent("net.nir").path
        let spikes = scratch.appendingPathComponent("spikes.npz").path
        for (format, out, more) in [("npz", npz, []), ("nir", nir, ["--spikes", spikes, "--data", data])] {
            let result = try PtrainProcess.run(["export", source, "--format", format, "--out", out] + extra + more)
            guard result.status == 0 else { throw ExportTestFailure(description: "export failed: \(result)") }
        }
        if let h5dump = Self.h5dump {
            // The HDF5 library's own dump tool reads every object and every element of the file.
            let dump = Process()
            dump.executableURL = URL(fileURLWithPath: h5dump)
            dump.arguments = [nir]
            dump.standardOutput = FileHandle.nullDevice
            try dump.run()
            dump.waitUntilExit()
            #expect(dump.terminationStatus == 0, "h5dump \(nir) failed")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(python))
        process.arguments = [
            checkScript, "--checkpoint", reference, "--npz", npz, "--nir", nir, "--spikes", spikes, "--require-all",
        ]
        let output = scratch.appendingPathComponent("check.txt")
        try Data().write(to: output)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(process.terminationStatus == 0, "\(text)")
        return text
    }

    @Test(
        "numpy, h5py and nir.read read the export; the simulated graph gives ptrain's counts on 1,000 images",
        .enabled(if: python != nil, "set PTRAIN_NIR_PYTHON to a Python with nir, h5py and numpy"))
    func outsideCheck() throws {
        let run = try Self.run.get()
        let scratch = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let text = try Self.check(
            source: run.path, reference: run.appendingPathComponent("best.ckpt").path, in: scratch)
        print(text)
        #expect(text.contains("nir.read (nir "), "\(text)")
        #expect(text.contains("simulation (float64): 1000 of 1000 images give ptrain's output spike counts"), "\(text)")
        #expect(text.hasSuffix("export check passed\n"), "\(text)")
    }

    @Test(
        "a leaky run's averaged weights: LIF nodes, checked against averaged.bin",
        .enabled(if: python != nil, "set PTRAIN_NIR_PYTHON to a Python with nir, h5py and numpy"))
    func outsideCheckLeakyAveraged() throws {
        let scratch = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let run = scratch.appendingPathComponent("leaky")
        let trained = try PtrainProcess.run([
            "train", "--hidden", "64", "--seed", "5", "--train-limit", "2000", "--test-limit", "1000", "--epochs", "2",
            "--tau-m", "20", "--average-from", "1", "--threads", "2", "--data", try TestMNIST.located.get(), "--out",
            run.path,
        ])
        #expect(trained.status == 0, "\(trained)")
        let text = try Self.check(
            source: run.path, reference: run.appendingPathComponent("averaged.bin").path, extra: ["--averaged"],
            in: scratch)
        print(text)
        #expect(text.contains("(LIF neurons, no v_reset)"), "\(text)")
        #expect(text.hasSuffix("export check passed\n"), "\(text)")
    }

    @Test(
        "a reset-to-zero run is the IF graph as NIR defines it: NIR's reset gives ptrain's counts on 1,000 images",
        .enabled(if: python != nil, "set PTRAIN_NIR_PYTHON to a Python with nir, h5py and numpy"))
    func outsideCheckResetToZero() throws {
        let scratch = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let run = scratch.appendingPathComponent("zero")
        let trained = try PtrainProcess.run([
            "train", "--hidden", "64", "--seed", "6", "--train-limit", "2000", "--test-limit", "1000", "--epochs", "2",
            "--reset", "zero", "--threads", "2", "--data", try TestMNIST.located.get(), "--out", run.path,
        ])
        #expect(trained.status == 0, "\(trained)")
        let text = try Self.check(
            source: run.path, reference: run.appendingPathComponent("best.ckpt").path, in: scratch)
        print(text)
        #expect(text.contains("simulation (float64): 1000 of 1000 images give ptrain's output spike counts"), "\(text)")
        #expect(
            text.contains("reset to v_reset = 0 instead (float64): 1000 of 1000 images give ptrain's output spike"),
            "\(text)")
        #expect(text.hasSuffix("export check passed\n"), "\(text)")
    }

    /// A small trained layered run (issue #15): conv 8c5s2p1 → fc 20 → 10 classes, 1 epoch on 2,000 images.
    static let layeredRun: Result<URL, any Error> = Result {
        let directory = try PtrainProcess.temporaryDirectory().appendingPathComponent("layered")
        let trained = try PtrainProcess.run([
            "train", "--layers",
            #"[{"type": "conv", "channels": 8, "kernel": 5, "stride": 2, "padding": 1}, {"type": "fc", "units": 20}]"#,
            "--seed", "4", "--train-limit", "2000", "--validation", "400", "--epochs", "1", "--threads", "2",
            "--data", try TestMNIST.located.get(), "--out", directory.path,
        ])
        guard trained.status == 0 else { throw ExportTestFailure(description: "training failed: \(trained)") }
        return directory
    }

    @Test("a layered run exports as npz (PyTorch layouts) and as a NIR graph of Conv2d, Flatten and Affine nodes")
    func exportsALayeredRun() throws {
        let run = try Self.layeredRun.get()
        let scratch = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let best = run.appendingPathComponent("best.ckpt").path
        let npz = scratch.appendingPathComponent("net.npz").path
        let result = try PtrainProcess.run(["export", run.path, "--format", "npz", "--out", npz])
        #expect(
            result
                == ProcessResult(
                    status: 0,
                    stdout: "exported the network of \(best) (after epoch 1) to \(npz): input_shape, layer0…2 weight "
                        + "and bias (weights 8×1×5×5, 20×1352, 10×20; float32), config\n", stderr: ""))
        #expect(FileKind.identify(try Array(Data(contentsOf: URL(fileURLWithPath: npz)))[...]) == .zip)
        let nir = scratch.appendingPathComponent("net.nir").path
        let model = run.appendingPathComponent("model.bin").path
        let graph = try PtrainProcess.run(["export", model, "--format", "nir", "--out", nir])
        #expect(
            graph.stdout
                == "exported the network of \(model) to \(nir): NIR graph of 3 layers (IF neurons; weights 8×1×5×5, "
                + "20×1352, 10×20); reset by subtraction and v ≥ θ recorded in its metadata\n", "\(graph)")
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: nir)).prefix(8)) == HDF5File.signature)
        // The npz holds the stored weights reordered: the conv kernel (C_out, C_in, k, k) from HWIO.
        let (_, network) = try LayeredModelFile.read(path: model)
        let exported = ExportedLayers(network: network, config: RunConfig())
        let stored = network.layers[0].weights.array
        // Channel 3, kernel row 2, column 4: exported (3, 0, 2, 4), stored tap 2 · 5 + 4 of 16 padded channels.
        let exportedIndex: Int = 3 * 25 + 2 * 5 + 4
        let storedIndex: Int = (2 * 5 + 4) * 16 + 3
        #expect(exported.layers[0].weight[exportedIndex] == stored[storedIndex])
        // A local layer followed by a conv layer has no NIR form: one line, nothing written.
        let localRun = scratch.appendingPathComponent("local-conv").path
        let trained = try PtrainProcess.run([
            "train", "--layers",
            #"[{"type": "local", "channels": 4, "kernel": 5, "stride": 2}, {"type": "conv", "channels": 4, "kernel": 3}]"#,
            "--train-limit", "200", "--test-limit", "100", "--epochs", "1", "--data", try TestMNIST.located.get(),
            "--out", localRun,
        ])
        #expect(trained.status == 0, "\(trained)")
        let out = scratch.appendingPathComponent("local.nir").path
        let refused = try Self.failure([localRun, "--format", "nir", "--out", out])
        #expect(
            refused.stderr
                == "Error: \(out): layer 1 is a conv layer after a vector (a local layer's affine map): NIR has no "
                + "node that turns a vector back into an image\n")
        #expect(refused.status == 1 && !FileManager.default.fileExists(atPath: out))
    }

    /// Runs `check_layered_export.py` on the npz and nir exports of `source` with `images` recorded test images.
    static func checkLayered(source: String, extra: [String] = [], images: Int, in scratch: URL) throws -> String {
        let data = try TestMNIST.located.get()
        let npz = scratch.appendingPathComponent("layers.npz").path
        let nir = scratch.appendingPathComponent("layers.nir").path
        let spikes = scratch.appendingPathComponent("layer-spikes.npz").path
        let recording = ["--spikes", spikes, "--data", data, "--images", String(images)]
        for (format, out, more) in [("npz", npz, []), ("nir", nir, recording)] {
            let result = try PtrainProcess.run(["export", source, "--format", format, "--out", out] + extra + more)
            guard result.status == 0 else { throw ExportTestFailure(description: "export failed: \(result)") }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(python))
        process.arguments = [
            TestMNIST.packageRoot + "/Tests/Export/check_layered_export.py", "--npz", npz, "--nir", nir, "--spikes",
            spikes, "--require", String(images),
        ]
        let output = scratch.appendingPathComponent("layered-check.txt")
        try Data().write(to: output)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(process.terminationStatus == 0, "\(text)")
        return text
    }

    @Test(
        "a layered export read by numpy, h5py and nir.read: the simulated graph gives ptrain's counts on 1,000 images",
        .enabled(if: python != nil, "set PTRAIN_NIR_PYTHON to a Python with nir, h5py and numpy"))
    func outsideCheckLayered() throws {
        let run = try Self.layeredRun.get()
        let scratch = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let text = try Self.checkLayered(source: run.path, images: 1000, in: scratch)
        print(text)
        #expect(
            text.contains(
                "NIRGraph chain input → conv0 → neurons0 → flatten1 → fc1 → neurons1 → fc2 → neurons2 → output"),
            "\(text)")
        #expect(
            text.contains(
                "simulation (float64): 1000 of 1000 images give ptrain's output spike counts exactly, "
                    + "1000 of 1000 its hidden spike counts"), "\(text)")
        #expect(text.hasSuffix("layered export check passed\n"), "\(text)")
    }

    @Test(
        "a leaky local → fc network's running average: LIF nodes and a dense Affine, checked by simulation",
        .enabled(if: python != nil, "set PTRAIN_NIR_PYTHON to a Python with nir, h5py and numpy"))
    func outsideCheckLayeredLocalLeakyAveraged() throws {
        let scratch = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let run = scratch.appendingPathComponent("local")
        let trained = try PtrainProcess.run([
            "train", "--layers",
            #"[{"type": "local", "channels": 4, "kernel": 5, "stride": 2, "padding": 2}, {"type": "fc", "units": 30}]"#,
            "--seed", "7", "--train-limit", "1000", "--test-limit", "300", "--epochs", "1", "--tau-m", "20",
            "--average-from", "1", "--reset", "zero", "--threads", "2", "--data", try TestMNIST.located.get(), "--out",
            run.path,
        ])
        #expect(trained.status == 0, "\(trained)")
        let text = try Self.checkLayered(source: run.path, extra: ["--averaged"], images: 300, in: scratch)
        print(text)
        #expect(text.contains("'neurons0': 'LIF'") && text.contains("'fc0': 'Affine'"), "\(text)")
        #expect(text.contains("simulation (float64): 300 of 300 images give ptrain's output spike counts"), "\(text)")
        #expect(text.hasSuffix("layered export check passed\n"), "\(text)")
    }
}
