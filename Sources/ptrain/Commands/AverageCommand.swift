import Foundation
import Model

/// `ptrain average RUN_DIR --epochs A...B`: the mean of the weights of a run's epoch checkpoints, written as a
/// weights file that `eval` and `report` read (stochastic weight averaging after the fact, docs/results.md), or
/// for a layered run (issue #15) as a layered model file.
struct AverageCommand: Command {
    static let spec = CommandSpec(
        name: "average",
        abstract: "Average the weights of a run's epoch checkpoints",
        discussion: """
            Reads RUN_DIR/epoch-XXXX.ckpt for every epoch in --epochs (train with --keep large enough to keep \
            them), averages every weight and bias over them and writes the mean as a weights file (--out, by \
            default RUN_DIR/average-eA-B.bin; a layered model file for a layered run) for 'ptrain eval \
            --checkpoint FILE'. The checkpoints must come from \
            one run: the same network and configuration. Late in a run the test accuracy wanders around a plateau \
            from epoch to epoch; the mean of the plateau's weights usually classifies better than any one epoch.
            """,
        synopsis: "RUN_DIR --epochs A...B [--out FILE]",
        groups: [
            OptionGroup(
                "OPTIONS",
                [
                    OptionSpec("run", value: "DIR", "The run directory; may also be given as the only argument"),
                    OptionSpec("epochs", value: "A...B", "The epochs whose checkpoints are averaged (or one epoch A)"),
                    OptionSpec(
                        "out", value: "FILE", "Where to write the averaged weights", default: "RUN_DIR/average-eA-B.bin"
                    ),
                ])
        ],
        positionals: ["run"])

    let runDirectory: String
    let epochs: ClosedRange<Int>
    let out: String?

    init(options: ParsedOptions) throws(UsageError) {
        guard let run = try options.nonEmptyString("run") else { throw .missingOption("RUN_DIR") }
        guard let text = try options.nonEmptyString("epochs") else { throw .missingOption("--epochs A...B") }
        runDirectory = run
        epochs = try Self.range(text)
        out = try options.nonEmptyString("out")
    }

    /// `51...150` or `7`.
    static func range(_ text: String) throws(UsageError) -> ClosedRange<Int> {
        let parts = text.components(separatedBy: "...")
        let bounds = parts.compactMap { Int($0) }
        guard bounds.count == parts.count, (1...2).contains(bounds.count), bounds.allSatisfy({ $0 >= 1 }),
            bounds.first! <= bounds.last!
        else {
            throw .invalidValue(value: text, option: "--epochs", reason: "must be epochs A...B with 1 <= A <= B, or A")
        }
        return bounds.first!...bounds.last!
    }

    func run() throws(RuntimeError) {
        let paths = epochs.map { (runDirectory as NSString).appendingPathComponent(RunDirectory.epochCheckpoint($0)) }
        if let missing = paths.first(where: { !FileManager.default.fileExists(atPath: $0) }) {
            throw .missingFile(path: missing, role: "checkpoint")
        }
        let name = "average-e\(epochs.lowerBound)-\(epochs.upperBound).bin"
        let destination = out ?? (runDirectory as NSString).appendingPathComponent(name)
        if LayeredModel.isLayered(path: paths[0]) {
            // A layered run (issue #15): the mean as a layered model file.
            let averaged: (config: RunConfig, network: LayeredNetwork)
            do {
                averaged = try WeightAverage.averageLayered(paths)
            } catch {
                throw .output(error.description)
            }
            try Self.requireReplaceable(destination, by: averaged.config, layered: true)
            do {
                try LayeredModelFile.write(network: averaged.network, config: averaged.config, to: destination)
            } catch {
                throw .output(error.description)
            }
        } else {
            let averaged: (config: RunConfig, network: Network)
            do {
                averaged = try WeightAverage.average(paths)
            } catch {
                throw .output(error.description)
            }
            try Self.requireReplaceable(destination, by: averaged.config, layered: false)
            do {
                try WeightsFile.write(network: averaged.network, config: averaged.config, to: destination)
            } catch {
                throw .output(error.description)
            }
        }
        Console.out(
            "averaged the weights of \(paths.count) checkpoints (epochs \(epochs.lowerBound)–\(epochs.upperBound)) "
                + "into \(destination)\nEvaluate with: \(Ptrain.name) eval --checkpoint "
                + "\(TrainCommand.shellQuoted(destination))\n")
    }

    /// The averaged weights may replace only an earlier average of the same run: never one of a run's own files
    /// (`weights.bin`, a checkpoint), a file of another kind, or another run's weights.
    static func requireReplaceable(_ destination: String, by config: RunConfig, layered: Bool) throws(RuntimeError) {
        let name = (destination as NSString).lastPathComponent
        if RunDirectory.isRunFile(name) {
            throw .output(
                "\(destination): is one of a run's own files; the averaged weights go to another file (--out)")
        }
        do {
            try (layered ? FileKind.layeredModel : FileKind.weights).requireReplaceable(destination)
        } catch {
            throw .output(error.description)
        }
        guard FileManager.default.fileExists(atPath: destination) else { return }
        let existing: RunConfig
        do {
            existing =
                layered
                ? try LayeredModelFile.read(path: destination).0 : try WeightsFile.read(path: destination).config
        } catch {
            throw .output(
                "\(destination): exists and cannot be read as \(layered ? "a layered model" : "a weights file") "
                    + "(\(error)); refusing to replace it")
        }
        if let key = existing.differingKeys(from: config, ignoring: ["epochs"]).first {
            throw .output(
                "\(destination): holds the weights of another run (its \(key) differs); refusing to replace it (move "
                    + "it away or choose another --out)")
        }
    }
}
