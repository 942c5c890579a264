import Foundation
import Model

/// `ptrain report RUN_DIR`: figures of one run — the learning curve, the confusion matrix and the learned input
/// weights of a sample of hidden neurons.
struct ReportCommand: Command {
    static let spec = CommandSpec(
        name: "report",
        abstract: "Draw a run's learning curve, confusion matrix and learned weights",
        discussion: """
            Reads RUN_DIR/metrics.csv and RUN_DIR/weights.bin and writes, into RUN_DIR (or --out): \
            learning-curve.svg (train and test accuracy per epoch), confusion.txt and confusion.svg (the spike \
            readout on the test set; one line per class beyond 20 classes) and, when a sample is one \
            grey-level image (28×28, 8×8, …), weights.png: for the first --tiles hidden neurons, what training \
            changed in their input weights (W1 minus its seeded initial value; grey = no change, white = grew, \
            black = shrank), which shows the learned receptive fields without the initial noise. A layered \
            run's (issue #15) RUN_DIR/model.bin is read instead, and weights.png shows its first layer: a conv \
            layer's kernels, a local layer's at its central position, an fc layer's units.
            """,
        synopsis: "RUN_DIR [--out DIR] [--tiles N] [--data DIR|FILE.npz] [--threads N]",
        groups: [
            OptionGroup(
                "OPTIONS",
                [
                    OptionSpec("run", value: "DIR", "The run directory (also accepted as a bare word)"),
                    OptionSpec("out", value: "DIR", "Where to write the figures", default: "RUN_DIR"),
                    OptionSpec(
                        "tiles", value: "N",
                        "Hidden neurons (a layered run's first-layer kernels) drawn in weights.png, "
                            + "1...1024", default: "64"),
                    OptionSpec(
                        "averaged", value: nil,
                        "Draw the confusion matrix and weights of RUN_DIR/averaged.bin (averaged-model.bin of a layered run; "
                            + "a run with averageFrom)"),
                    SharedOptions.data,
                    SharedOptions.threads,
                ])
        ],
        positionals: ["run"])

    let runDirectory: String
    let out: String
    let tiles: Int
    let data: String?
    let threads: Int
    let averaged: Bool

    init(options: ParsedOptions) throws(UsageError) {
        guard let directory = try options.nonEmptyString("run") else { throw .missingOption("RUN_DIR") }
        averaged = options.contains("averaged")
        runDirectory = directory
        out = try options.nonEmptyString("out") ?? directory
        tiles = try options.int("tiles", in: 1...1024) ?? 64
        data = try options.nonEmptyString(SharedOptions.data.name)
        threads = try SharedOptions.threads(options)
    }

    func run() throws(RuntimeError) {
        let metricsPath = (runDirectory as NSString).appendingPathComponent("metrics.csv")
        // A layered run (issue #15) has model.bin (averaged-model.bin) where a three-layer run has weights.bin.
        let layeredPath = (runDirectory as NSString).appendingPathComponent(
            averaged ? LayeredSession.averagedModel : LayeredSession.model)
        let threeLayerPath = (runDirectory as NSString).appendingPathComponent(
            averaged ? RunDirectory.averagedWeights : RunDirectory.weights)
        let isLayered =
            !FileManager.default.fileExists(atPath: threeLayerPath)
            && FileManager.default.fileExists(atPath: layeredPath)
        let weightsPath = isLayered ? layeredPath : threeLayerPath
        guard FileManager.default.fileExists(atPath: metricsPath) else {
            throw .missingFile(path: metricsPath, role: "metrics")
        }
        guard FileManager.default.fileExists(atPath: weightsPath) else {
            throw .missingFile(path: weightsPath, role: averaged ? "averaged weights" : "weights")
        }
        let records = try Self.readMetrics(metricsPath)
        // Checked before the evaluation: each figure may only replace a file of its own kind.
        do {
            for (name, kind) in Self.outputs { try kind.requireReplaceable(path(name)) }
        } catch {
            throw .output(error.description)
        }
        // Only the test files: evaluation never needs (or opens) the training set.
        let loadTestSet = { () throws(RuntimeError) -> Dataset in
            let directory = try wrapData { () throws(DataError) in try DataAccess.locateTestSet(explicit: data) }
            return try wrapData { () throws(DataError) in try DataAccess.loadTestSet(directory: directory) }
        }
        let config: RunConfig
        let test: Dataset
        let evaluation: Evaluation
        let tilesImage: PNGImage?
        if isLayered {
            let network: LayeredNetwork
            do {
                (config, network) = try LayeredModelFile.read(path: weightsPath)
            } catch {
                throw .output(error.description)
            }
            let testSet = try loadTestSet().prefix(config.testLimit)
            do {
                test = try testSet.fitted(inputs: network.inputs, outputs: network.outputs, modelPath: weightsPath)
            } catch {
                throw .checkpoint(.checkpoint(error))
            }
            evaluation = LayeredEvaluator.evaluate(network: network, config: config, dataset: test, threads: threads)
            // The first layer's kernels (or units), as learned from the initial weights of the run's seed.
            let initial = LayeredNetwork(stack: network.stack, outputs: network.outputs, seed: config.seed)
            tilesImage = WeightTiles.firstLayer(network, initial: initial, count: tiles)
        } else {
            let network: Network
            do {
                (config, network) = try WeightsFile.read(path: weightsPath)
            } catch {
                throw .evaluation(path: weightsPath, error)
            }
            test = try fit(loadTestSet().prefix(config.testLimit), to: network, modelPath: weightsPath)
            evaluation = evaluate(network: network, config: config, dataset: test, threads: threads)
            let initial = Network(
                inputs: network.inputs, hidden: network.hidden, outputs: network.outputs,
                shards: config.resolvedShards, seed: config.seed)
            // Receptive fields only where a sample is one grey image (`Dataset.imageSize`): a vector or a colour
            // image has no such picture.
            tilesImage = test.imageSize.map { size in
                WeightTiles.hiddenNeurons(
                    network, initial: initial, count: min(tiles, network.hidden), rows: size.rows,
                    columns: size.columns)
            }
        }

        let name = config.runDirectoryName
        let curve = LineChart(
            title: "\(name): accuracy per epoch", xTitle: "epoch", yTitle: "accuracy (%)",
            series: [
                .init(label: "test, spikes", points: records.map { (Double($0.epoch), 100 * $0.testSpikeAccuracy) }),
                .init(label: "test, relaxed", points: records.map { (Double($0.epoch), 100 * $0.testRelaxedAccuracy) }),
                .init(label: "train", points: records.map { (Double($0.epoch), 100 * $0.trainAccuracy) }),
            ] + Self.optionalSeries(records),
            xTicks: records.count <= 20 ? records.map { Double($0.epoch) } : nil)
        let confusionTitle =
            "\(name): spike readout, \(MetricsTable.fixed(100 * evaluation.spikeAccuracy, 2))% of \(evaluation.count)"
        let table = ConfusionMatrixChart.text(evaluation.confusion, names: test.classNames)
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try AtomicFile.write(text: curve.render(), to: path("learning-curve.svg"))
            try AtomicFile.write(
                text: ConfusionMatrixChart(title: confusionTitle, matrix: evaluation.confusion).render(),
                to: path("confusion.svg"))
            try AtomicFile.write(text: table, to: path("confusion.txt"))
            if let tilesImage { try AtomicFile.write(tilesImage.bytes, to: path("weights.png")) }
        } catch let error as FileWriteError {
            throw .output(error.description)
        } catch {
            throw .output("\(out): \(error.localizedDescription)")
        }
        Console.out(table)
        if tilesImage == nil {
            Console.out(
                "wrote learning-curve.svg, confusion.svg, confusion.txt to \(out) (no weights.png: samples of shape "
                    + "\(test.shape.map(String.init).joined(separator: "×")) are not one grey-level image)\n")
        } else {
            Console.out("wrote learning-curve.svg, confusion.svg, confusion.txt, weights.png to \(out)\n")
        }
    }

    private func path(_ name: String) -> String { (out as NSString).appendingPathComponent(name) }

    /// The files `report` writes, with their kinds.
    static let outputs: [(String, FileKind)] = [
        ("learning-curve.svg", .svg), ("confusion.svg", .svg), ("confusion.txt", .text), ("weights.png", .png),
    ]

    /// Reads and checks metrics.csv (`MetricsTable.read`): any problem is one line naming the file and line.
    static func readMetrics(_ path: String) throws(RuntimeError) -> [EpochRecord] {
        do {
            return try MetricsTable.read(path: path)
        } catch {
            throw .output(error.description)
        }
    }

    /// The validation and averaged-weights curves of runs that record them.
    static func optionalSeries(_ records: [EpochRecord]) -> [LineChart.Series] {
        let candidates: [(String, (EpochRecord) -> Double?)] = [
            ("validation, spikes", { $0.validation?.spike }),
            ("averaged weights, test, spikes", { $0.averagedTest?.spike }),
        ]
        return candidates.compactMap { label, value in
            let points = records.compactMap { record in value(record).map { (Double(record.epoch), 100 * $0) } }
            return points.isEmpty ? nil : LineChart.Series(label: label, points: points)
        }
    }
}
