import Foundation
import Model

/// `ptrain eval`: a weights file against the MNIST test set.
struct EvalCommand: Command {
    static let spec = CommandSpec(
        name: "eval",
        abstract: "Evaluate a weights file on the MNIST test set",
        discussion: """
            Loads a weights file written by 'ptrain train' and classifies the MNIST test images with both \
            readouts: the spike readout (the digit whose output neuron fired most, as in the paper) and the \
            relaxed readout (the highest relaxed output potential). Prints both accuracies and the confusion \
            matrix of the spike readout.
            """,
        synopsis: "--checkpoint FILE [--data DIR] [--threads N] [--test-limit N]",
        groups: [
            OptionGroup(
                "OPTIONS",
                [
                    OptionSpec("checkpoint", value: "FILE", "Weights file to evaluate, a run's weights.bin (required)"),
                    SharedOptions.data,
                    SharedOptions.threads,
                    OptionSpec("test-limit", value: "N", "Evaluate only the first N test images", default: "all 10000"),
                ])
        ])

    let checkpoint: String
    let data: String?
    let threads: Int
    let testLimit: Int?

    init(options: ParsedOptions) throws(UsageError) {
        guard let checkpoint = try options.nonEmptyString("checkpoint") else {
            throw .missingOption("--checkpoint FILE")
        }
        self.checkpoint = checkpoint
        data = try options.nonEmptyString(SharedOptions.data.name)
        threads = try SharedOptions.threads(options)
        testLimit = try options.int("test-limit", in: 1...Int.max)
    }

    func run() throws(RuntimeError) {
        // Checked before MNIST is read (seconds) so a mistyped path fails at once.
        guard FileManager.default.fileExists(atPath: checkpoint) else {
            throw .missingFile(path: checkpoint, role: "checkpoint")
        }
        let directory = try wrapData { () throws(DataError) in try DataAccess.locate(explicit: data) }
        let mnist = try wrapData { () throws(DataError) in try DataAccess.load(directory: directory) }
        let evaluation: Evaluation
        do {
            evaluation = try evaluateWeightsFile(
                path: checkpoint, dataset: mnist.test.prefix(testLimit), threads: threads)
        } catch {
            throw .evaluation(path: checkpoint, error)
        }
        Console.out(EvaluationReport.render(evaluation, checkpoint: checkpoint))
    }
}
