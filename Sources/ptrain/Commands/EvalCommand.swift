import Foundation
import Model

/// `ptrain eval`: a checkpoint or weights file against the MNIST test set.
struct EvalCommand: Command {
    static let spec = CommandSpec(
        name: "eval",
        abstract: "Evaluate a checkpoint or weights file on a test set (MNIST by default)",
        discussion: """
            Loads a checkpoint (latest.ckpt, best.ckpt, epoch-XXXX.ckpt) or weights file (weights.bin) written \
            by 'ptrain train' and classifies the MNIST test images with both readouts: the spike readout (the \
            digit whose output neuron fired most, as in the paper) and the relaxed readout (the highest relaxed \
            output potential). Prints both accuracies and the confusion matrix of the spike readout. The file is \
            verified (every section's CRC32) before any data is read.
            """,
        synopsis: "--checkpoint FILE [--averaged] [--data DIR] [--threads N] [--test-limit N] [--time-steps T]",
        groups: [
            OptionGroup(
                "OPTIONS",
                [
                    OptionSpec(
                        "checkpoint", value: "FILE",
                        "Checkpoint (a run's latest.ckpt, best.ckpt, epoch-XXXX.ckpt) or weights.bin (required)"),
                    OptionSpec(
                        "averaged", value: nil,
                        "Evaluate the checkpoint's averaged weights (a run with averageFrom) instead of its own"),
                    SharedOptions.data,
                    SharedOptions.threads,
                    SharedOptions.scheduler,
                    OptionSpec("test-limit", value: "N", "Evaluate only the first N test images", default: "all 10000"),
                    OptionSpec(
                        "time-steps", value: "T",
                        "Spiking time steps per test image (a longer spike train makes the spike counts less noisy)",
                        default: "the trained timeSteps"),
                    OptionSpec(
                        "allow-other-data", value: nil,
                        "Evaluate even when the checkpoint was recorded on other test images than these"),
                ])
        ])

    let checkpoint: String
    let data: String?
    let threads: Int
    let testLimit: Int?
    let timeSteps: Int?
    let allowOtherData: Bool
    let averaged: Bool

    init(options: ParsedOptions) throws(UsageError) {
        guard let checkpoint = try options.nonEmptyString("checkpoint") else {
            throw .missingOption("--checkpoint FILE")
        }
        self.checkpoint = checkpoint
        data = try options.nonEmptyString(SharedOptions.data.name)
        threads = try SharedOptions.threads(options)
        try SharedOptions.scheduler(options)
        testLimit = try options.int("test-limit", in: 1...Int.max)
        timeSteps = try options.int("time-steps", in: 1...10_000)
        allowOtherData = options.contains("allow-other-data")
        averaged = options.contains("averaged")
    }

    func run() throws(RuntimeError) {
        // Checked before MNIST is read (seconds) so a mistyped path or a corrupt file fails at once.
        guard FileManager.default.fileExists(atPath: checkpoint) else {
            throw .missingFile(path: checkpoint, role: "checkpoint")
        }
        if LayeredModel.isLayered(path: checkpoint) { return try evaluateLayered() }
        let model = try readModel(checkpoint, averaged: averaged)
        // Only the test files: evaluation never needs (or opens) the training set.
        let directory = try wrapData { () throws(DataError) in try DataAccess.locateTestSet(explicit: data) }
        let testSet = try wrapData { () throws(DataError) in try DataAccess.loadTestSet(directory: directory) }
        try requireSameData(model.checkpoint, config: model.config, testSet: testSet)
        let test = try fit(testSet.prefix(testLimit), to: model.network, modelPath: checkpoint)
        var config = model.config
        if let timeSteps { config.timeSteps = timeSteps }
        let evaluation = evaluate(network: model.network, config: config, dataset: test, threads: threads)
        Console.out(EvaluationReport.render(evaluation, checkpoint: checkpoint, classNames: test.classNames))
    }
}

extension EvalCommand {
    /// `run` for a layered network's model file or checkpoint (issue #15): the same checks and report, by
    /// `LayeredEvaluator`.
    func evaluateLayered() throws(RuntimeError) {
        let model = try readLayeredModel(checkpoint, averaged: averaged)
        let directory = try wrapData { () throws(DataError) in try DataAccess.locateTestSet(explicit: data) }
        let testSet = try wrapData { () throws(DataError) in try DataAccess.loadTestSet(directory: directory) }
        try requireSameData(model.checkpoint, config: model.config, testSet: testSet)
        let test = try fit(testSet.prefix(testLimit), to: model.network, modelPath: checkpoint)
        var config = model.config
        if let timeSteps { config.timeSteps = timeSteps }
        let evaluation = LayeredEvaluator.evaluate(
            network: model.network, config: config, dataset: test, threads: threads)
        Console.out(EvaluationReport.render(evaluation, checkpoint: checkpoint, classNames: test.classNames))
    }

    /// Refuses, unless `--allow-other-data`, test images other than those the checkpoint's run used (the run's
    /// `testLimit` prefix of `testSet`, whatever `--test-limit` says). A weights file or a checkpoint without a
    /// fingerprint is evaluated on any data.
    func requireSameData(_ checkpoint: Checkpoint?, config: RunConfig, testSet: Dataset) throws(RuntimeError) {
        guard !allowOtherData, let checkpoint, checkpoint.data != nil else { return }
        do {
            try DataFingerprint.requireTestMatch(
                recorded: checkpoint.data, actual: DataFingerprint.testPart(of: testSet, config: config),
                path: self.checkpoint)
        } catch {
            throw .checkpoint(.checkpoint(error))
        }
    }
}
