import Foundation
import Model
import Parallel

/// `ptrain predict`: a trained network's classes and output spike counts for every image of a data set, as CSV.
struct PredictCommand: Command {
    static let spec = CommandSpec(
        name: "predict",
        abstract: "Classify images with a trained network: classes and spike counts as CSV",
        discussion: """
            Loads a checkpoint or weights file and classifies the test images of --data (the two t10k files of \
            an IDX directory) with the spike readout (the class whose output neuron fired most, as in the paper; \
            ties by the summed output drive) and the relaxed readout. Writes one CSV row per image: its index, \
            its label, both readouts' classes and the spike count of every output neuron (count_0 … count_K-1), \
            to --out or to standard output. An existing --out is replaced only when it is a file this command \
            wrote (its header line); anything else is refused and left as it is.
            """,
        synopsis: "--checkpoint FILE [--averaged] [--data DIR] [--out FILE.csv] [--threads N] [--limit N]",
        groups: [
            OptionGroup(
                "OPTIONS",
                [
                    OptionSpec(
                        "checkpoint", value: "FILE",
                        "Checkpoint (a run's latest.ckpt, best.ckpt, epoch-XXXX.ckpt) or weights.bin (required)"),
                    OptionSpec(
                        "averaged", value: nil,
                        "Use the checkpoint's averaged weights (a run with averageFrom) instead of its own"),
                    SharedOptions.data,
                    OptionSpec("out", value: "FILE", "Where to write the CSV", default: "standard output"),
                    SharedOptions.threads,
                    SharedOptions.scheduler,
                    OptionSpec("limit", value: "N", "Classify only the first N images", default: "all"),
                ])
        ])

    /// The CSV's first columns, before the spike counts.
    static let headerPrefix = "index,label,spike_class,relaxed_class"

    let checkpoint: String
    let averaged: Bool
    let data: String?
    let out: String?
    let threads: Int
    let limit: Int?

    init(options: ParsedOptions) throws(UsageError) {
        guard let checkpoint = try options.nonEmptyString("checkpoint") else {
            throw .missingOption("--checkpoint FILE")
        }
        self.checkpoint = checkpoint
        averaged = options.contains("averaged")
        data = try options.nonEmptyString(SharedOptions.data.name)
        out = try options.nonEmptyString("out")
        threads = try SharedOptions.threads(options)
        try SharedOptions.scheduler(options)
        limit = try options.int("limit", in: 1...Int.max)
    }

    func run() throws(RuntimeError) {
        guard FileManager.default.fileExists(atPath: checkpoint) else {
            throw .missingFile(path: checkpoint, role: "checkpoint")
        }
        if let out { try Self.requireReplaceable(out) }
        let outputs: Evaluator.Outputs
        let images: Dataset
        let samples: (dataset: Dataset, labelled: Bool)
        if LayeredModel.isLayered(path: checkpoint) {
            // A layered network (issue #15): the same CSV from `LayeredEvaluator`.
            let model = try readLayeredModel(checkpoint, averaged: averaged)
            samples = try Self.testSamples(data)
            images = try fit(samples.dataset.prefix(limit), to: model.network, modelPath: checkpoint)
            outputs = LayeredEvaluator(
                config: model.config, network: model.network, pool: WorkerPool(threadCount: threads)
            ).outputs(on: images)
        } else {
            let model = try readModel(checkpoint, averaged: averaged)
            samples = try Self.testSamples(data)
            images = try fit(samples.dataset.prefix(limit), to: model.network, modelPath: checkpoint)
            outputs = Evaluator(
                config: model.config, network: model.network, pool: WorkerPool(threadCount: threads)
            ).outputs(on: images)
        }
        let text = Self.csv(outputs, labels: samples.labelled ? images.labels : nil)
        guard let out else {
            Console.out(text)
            return
        }
        do {
            try AtomicFile.write(text: text, to: out)
        } catch {
            throw .output(error.description)
        }
    }

    /// The test images of `--data` (or the default search), labelled or not.
    static func testSamples(_ data: String?) throws(RuntimeError) -> (dataset: Dataset, labelled: Bool) {
        let directory = try wrapData { () throws(DataError) in try DataAccess.locateTestSet(explicit: data) }
        return try wrapData { () throws(DataError) in try DataAccess.loadSamples(path: directory) }
    }

    /// The CSV text: a header, then one row per image; the label field is empty for unlabelled samples
    /// (`labels` nil: an `.npz` without `y_test`).
    static func csv(_ outputs: Evaluator.Outputs, labels: [Int32]?) -> String {
        var lines = [headerPrefix + (0..<outputs.classes).map { ",count_\($0)" }.joined()]
        lines.reserveCapacity(outputs.spike.count + 1)
        for index in outputs.spike.indices {
            let counts = outputs.counts(of: index).map { ",\($0)" }.joined()
            let label = labels.map { String($0[index]) } ?? ""
            lines.append("\(index),\(label),\(outputs.spike[index]),\(outputs.relaxed[index])\(counts)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Refuses to replace anything but an earlier `ptrain predict` CSV (a directory, a checkpoint, another file).
    static func requireReplaceable(_ path: String) throws(RuntimeError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        guard !isDirectory.boolValue else { throw .output("\(path): is a directory; --out names the CSV file") }
        let head = FileHandle(forReadingAtPath: path).map { handle in
            defer { try? handle.close() }
            return (try? handle.read(upToCount: headerPrefix.utf8.count)) ?? Data()
        }
        guard let head, head == Data(headerPrefix.utf8) else {
            throw .output("\(path): exists and is not a ptrain predict CSV; it is left as it is (choose another --out)")
        }
    }
}
