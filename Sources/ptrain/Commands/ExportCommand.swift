import Foundation
import Model

/// `ptrain export RUN_DIR|FILE --format npz|nir --out FILE`: a trained network as NumPy arrays or as a NIR graph
/// (docs/export.md), optionally with the input spike trains and ptrain's own spike counts of test images.
struct ExportCommand: Command {
    static let spec = CommandSpec(
        name: "export",
        abstract: "Export a trained network as NumPy arrays (npz) or a NIR graph",
        discussion: """
            Writes the network of a run directory or of one checkpoint or weights file for use outside ptrain. \
            A run directory exports its best.ckpt: the epoch selected by validation accuracy when the run holds \
            out a validation split, otherwise by test accuracy (with --averaged: latest.ckpt's running weight \
            average, the weights of averaged.bin). --format npz writes W1 (inputs×H), b1 (H), W2 (H×K), b2 (K) as \
            float32 and the resolved configuration JSON as 'config', for numpy.load(FILE, allow_pickle=False). \
            --format nir writes the Neuromorphic Intermediate Representation graph input → fc1 (Affine, W1ᵀ) → \
            hidden (IF, or LIF with a leak) → fc2 (Affine, W2ᵀ) → out (IF) → output as HDF5, for nir.read(FILE), \
            with what NIR cannot express (the reset, v ≥ θ, the encoding and the readout) in the \
            graph's metadata. --spikes also writes the input spike trains of the first --images test images and \
            ptrain's hidden and output spike counts and classes for them, to check a simulation of the export \
            against. Existing files are replaced only by files of the same kind.
            """,
        synopsis: "RUN_DIR|FILE --format npz|nir --out FILE [--averaged] [--spikes FILE [--images N] [--data DIR]]",
        groups: [
            OptionGroup(
                "OPTIONS",
                [
                    OptionSpec(
                        "source", value: "RUN_DIR|FILE",
                        "A run directory (its best.ckpt) or a checkpoint or weights file; may also be given as the "
                            + "only argument"),
                    OptionSpec("format", value: "npz|nir", "What to write (required)"),
                    OptionSpec("out", value: "FILE", "Where to write it (required)"),
                    OptionSpec(
                        "averaged", value: nil,
                        "Export the run's running weight average (a run trained with averageFrom) instead"),
                    OptionSpec(
                        "spikes", value: "FILE",
                        "Also write the first --images test images' input spike trains and ptrain's spike counts "
                            + "and classes as an npz"),
                    OptionSpec("images", value: "N", "Test images --spikes records", default: "1000"),
                    SharedOptions.data,
                ])
        ],
        positionals: ["source"])

    /// The formats `--format` names.
    enum Format: String, CaseIterable {
        case npz
        case nir
    }

    static let defaultImages = 1000

    let source: String
    let format: Format
    let out: String
    let averaged: Bool
    let spikes: String?
    let images: Int
    let data: String?

    init(options: ParsedOptions) throws(UsageError) {
        guard let source = try options.nonEmptyString("source") else { throw .missingOption("RUN_DIR|FILE") }
        guard let text = try options.nonEmptyString("format") else { throw .missingOption("--format npz|nir") }
        guard let format = Format(rawValue: text) else {
            throw .invalidValue(
                value: text, option: "--format",
                reason: "must be " + Format.allCases.map(\.rawValue).joined(separator: " or "))
        }
        guard let out = try options.nonEmptyString("out") else { throw .missingOption("--out FILE") }
        self.source = source
        self.format = format
        self.out = out
        averaged = options.contains("averaged")
        spikes = try options.nonEmptyString("spikes")
        images = try options.int("images", in: 1...Int.max) ?? Self.defaultImages
        data = try options.nonEmptyString(SharedOptions.data.name)
        if spikes == nil {
            for option in ["images", SharedOptions.data.name] where options.contains(option) {
                throw .requiresOption(option: "--\(option)", required: "--spikes FILE")
            }
        }
        if let spikes, spikes == out {
            throw .conflictingOptions(
                option: "--spikes", other: "--out", reason: "the spike trains and the network go to two files")
        }
    }

    func run() throws(RuntimeError) {
        let checkpoint = try Self.checkpointPath(source, averaged: averaged)
        if LayeredModel.isLayered(path: checkpoint) { return try exportLayered(checkpoint) }
        let model = try readModel(checkpoint, averaged: averaged)
        let kind: FileKind = format == .npz ? .zip : .hdf5
        try Self.requireReplaceable(out, kind: kind)
        if let spikes { try Self.requireReplaceable(spikes, kind: .zip) }
        // The spike recording needs the test set: read and check it before anything is written.
        var recording: SpikeRecording?
        if spikes != nil { recording = try record(model, checkpoint: checkpoint) }

        let exported = ExportedNetwork(network: model.network, config: model.config)
        let bytes: [UInt8]
        switch format {
        case .npz:
            do {
                bytes = try NPZExport.archive(exported).encoded()
            } catch {
                throw .output("\(out): \(error)")
            }
        case .nir:
            bytes = NIRExport.file(exported, producerVersion: Ptrain.version)
        }
        try Self.write(bytes, to: out)
        let what = averaged ? "the averaged weights" : "the network"
        let position = model.checkpoint.map { " (after epoch \($0.cursor.completedEpochs))" } ?? ""
        Console.out("exported \(what) of \(checkpoint)\(position) to \(out): \(summary(exported))\n")

        if let spikes, let recording {
            let archive: [UInt8]
            do {
                archive = try recording.archive().encoded()
            } catch {
                throw .output("\(spikes): \(error)")
            }
            try Self.write(archive, to: spikes)
            Console.out(
                "wrote the input spike trains, spike counts and classes of the first \(recording.images) test "
                    + "images (\(recording.timeSteps) steps) to \(spikes)\n")
        }
    }

    /// `run` for a layered network's model file or checkpoint (issue #15): `ExportedLayers` as npz or as a NIR graph
    /// of Conv2d, Flatten and Affine nodes, and with `--spikes` a `LayeredSpikeRecording`.
    func exportLayered(_ checkpoint: String) throws(RuntimeError) {
        let model = try readLayeredModel(checkpoint, averaged: averaged)
        try Self.requireReplaceable(out, kind: format == .npz ? .zip : .hdf5)
        if let spikes { try Self.requireReplaceable(spikes, kind: .zip) }
        var recording: LayeredSpikeRecording?
        if spikes != nil {
            let directory = try wrapData { () throws(DataError) in try DataAccess.locateTestSet(explicit: data) }
            let testSet = try wrapData { () throws(DataError) in try DataAccess.loadTestSet(directory: directory) }
            if let recorded = model.checkpoint?.data {
                do {
                    try DataFingerprint.requireTestMatch(
                        recorded: recorded, actual: DataFingerprint.testPart(of: testSet, config: model.config),
                        path: checkpoint)
                } catch {
                    throw .checkpoint(.checkpoint(error))
                }
            }
            do {
                let fitted = try testSet.fitted(
                    inputs: model.network.inputs, outputs: model.network.outputs, modelPath: checkpoint)
                recording = try LayeredSpikeRecording(
                    network: model.network, config: model.config, dataset: fitted, images: images)
            } catch let error as CheckpointError {
                throw .checkpoint(.checkpoint(error))
            } catch {
                throw .output("\(directory): \(error)")
            }
        }
        let exported = ExportedLayers(network: model.network, config: model.config)
        let bytes: [UInt8]
        do {
            switch format {
            case .npz: bytes = try NPZExport.archive(exported).encoded()
            case .nir: bytes = try NIRExport.file(exported, producerVersion: Ptrain.version)
            }
        } catch {
            throw .output("\(out): \(error)")
        }
        try Self.write(bytes, to: out)
        let what = averaged ? "the averaged weights" : "the network"
        let position = model.checkpoint.map { " (after epoch \($0.cursor.completedEpochs))" } ?? ""
        let shapes = exported.layers.map { $0.weightShape.map(String.init).joined(separator: "×") }
        let neuron = model.config.leak < 1 ? "LIF" : "IF"
        let contents =
            format == .npz
            ? "input_shape, layer0…\(exported.layers.count - 1) weight and bias (weights "
                + shapes.joined(separator: ", ") + "; float32), config"
            : "NIR graph of \(exported.layers.count) layers (\(neuron) neurons; weights "
                + shapes.joined(separator: ", ") + "); reset by subtraction and v ≥ θ recorded in its metadata"
        Console.out("exported \(what) of \(checkpoint)\(position) to \(out): \(contents)\n")
        if let spikes, let recording {
            let archive: [UInt8]
            do {
                archive = try recording.archive().encoded()
            } catch {
                throw .output("\(spikes): \(error)")
            }
            try Self.write(archive, to: spikes)
            Console.out(
                "wrote the input spike trains, spike counts and classes of the first \(recording.images) test "
                    + "images (\(recording.timeSteps) steps) to \(spikes)\n")
        }
    }

    /// What `--out` holds, in one line.
    func summary(_ network: ExportedNetwork) -> String {
        let (inputs, hidden, outputs) = (network.inputs, network.hidden, network.outputs)
        switch format {
        case .npz:
            return "W1 \(inputs)×\(hidden), b1 \(hidden), W2 \(hidden)×\(outputs), b2 \(outputs) (float32), config"
        case .nir:
            let neuron = network.config.leak < 1 ? "LIF" : "IF"
            return "NIR graph input \(inputs) → fc1 → hidden (\(neuron), \(hidden)) → fc2 → out (\(neuron), "
                + "\(outputs)) → output; reset by subtraction and v ≥ θ recorded in its metadata"
        }
    }

    /// The checkpoint `source` names: the file itself, or a run directory's `best.ckpt` (`latest.ckpt`, whose
    /// average is the run's, with `averaged`).
    static func checkpointPath(_ source: String, averaged: Bool) throws(RuntimeError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
            throw .missingFile(path: source, role: "run directory or checkpoint")
        }
        guard isDirectory.boolValue else { return source }
        let name = averaged ? RunDirectory.latest : RunDirectory.best
        let path = RunDirectory(path: source).file(name)
        guard FileManager.default.fileExists(atPath: path) else {
            throw .output(
                "\(path): no such checkpoint file (a run writes \(name) after its first epoch; name a checkpoint or "
                    + "weights file to export another)")
        }
        return path
    }

    /// `path` may be replaced only by a file of its own kind (never a checkpoint, never a user's notes).
    static func requireReplaceable(_ path: String, kind: FileKind) throws(RuntimeError) {
        do {
            try kind.requireReplaceable(path)
        } catch {
            throw .output(error.description)
        }
    }

    static func write(_ bytes: [UInt8], to path: String) throws(RuntimeError) {
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw .output(error.description)
        }
    }

    /// The spike trains and ptrain's counts for the first `images` test images, on the test images the
    /// checkpoint's run used (refused, like `ptrain eval`, when its data fingerprint says otherwise).
    func record(_ model: (config: RunConfig, network: Network, checkpoint: Checkpoint?), checkpoint: String)
        throws(RuntimeError) -> SpikeRecording
    {
        let directory = try wrapData { () throws(DataError) in try DataAccess.locateTestSet(explicit: data) }
        let testSet = try wrapData { () throws(DataError) in try DataAccess.loadTestSet(directory: directory) }
        if let recorded = model.checkpoint?.data {
            do {
                try DataFingerprint.requireTestMatch(
                    recorded: recorded, actual: DataFingerprint.testPart(of: testSet, config: model.config),
                    path: checkpoint)
            } catch {
                throw .checkpoint(.checkpoint(error))
            }
        }
        let fitted = try fit(testSet, to: model.network, modelPath: checkpoint)
        do {
            return try SpikeRecording(network: model.network, config: model.config, dataset: fitted, images: images)
        } catch {
            throw .output("\(directory): \(error)")
        }
    }
}
