/// The element-wise mean of the weights of several checkpoints of one run (stochastic weight averaging done
/// after the fact, Izmailov et al. 2018): late in a run the test accuracy wanders around a plateau from epoch to
/// epoch (±0.15 points at H = 4,500, docs/results.md), and the mean of the plateau's weights sits nearer its
/// centre than any one epoch's.
///
/// Every parameter is summed in Float64 in the order the files are given and divided once, then rounded to
/// Float32 (`WeightAveraging`, the same arithmetic as the `averageFrom` key inside a run): the result depends on
/// the files and their order only, and the epoch checkpoints E…N of a run give exactly the averaged weights the
/// run itself computed from epoch E, had it set `averageFrom` E.
public enum WeightAverage {
    /// The configuration (of the last file) and the network holding the mean of every file's parameters.
    /// - Throws: `ModelFileError` for a file that cannot be read; `.mismatch` for files whose network shape or
    ///   configuration (apart from `epochs`) differs from the first's, or whose data fingerprint differs from
    ///   that of the first file that records one (files without a fingerprint, written before ptrain recorded
    ///   it, are averaged with any).
    public static func average(_ paths: [String]) throws(WeightAverageError) -> (config: RunConfig, network: Network) {
        let (checkpoint, mean) = try mean(of: paths, layered: false)
        let network = Network(
            inputs: checkpoint.inputs, hidden: checkpoint.hidden, outputs: checkpoint.outputs,
            shards: checkpoint.config.resolvedShards)
        network.load(canonicalParameters: mean)
        return (checkpoint.config, network)
    }

    /// `average` of a layered run's checkpoints (issue #15): the same mean of every parameter, as a layered
    /// network (`LayeredModelFile` writes it; `eval`, `predict` and `export` read it).
    public static func averageLayered(
        _ paths: [String]
    ) throws(WeightAverageError) -> (config: RunConfig, network: LayeredNetwork) {
        let (checkpoint, mean) = try mean(of: paths, layered: true)
        guard let layeredInput = checkpoint.layeredInput,
            let stack = try? LayerStack(
                input: layeredInput, layers: checkpoint.config.layers, outputs: checkpoint.outputs)
        else { throw .mismatch(path: paths.last!, reason: "its layers do not fit its input") }
        let network = LayeredNetwork(stack: stack, outputs: checkpoint.outputs)
        network.load(parameters: mean)
        return (checkpoint.config, network)
    }

    /// The last checkpoint of `paths` and the mean of all their parameters; every file must hold a layered
    /// network when `layered`, a three-layer one otherwise.
    private static func mean(
        of paths: [String], layered: Bool
    ) throws(WeightAverageError) -> (last: Checkpoint, mean: [Float]) {
        guard let first = paths.first else { throw .noFiles }
        var average = WeightAveraging(firstEpoch: 1)
        var reference: Checkpoint?
        var last: Checkpoint?
        var recordedData: (path: String, data: DataFingerprint)?
        for path in paths {
            let checkpoint: Checkpoint
            do {
                checkpoint = try Checkpoint.read(path: path)
            } catch {
                throw .unreadable(.checkpoint(error))
            }
            if checkpoint.isLayered != layered {
                throw .mismatch(
                    path: path,
                    reason: layered
                        ? "it holds a three-layer network, not layers" : "it holds a layered network (not one run)")
            }
            guard let parameters = checkpoint.parameters else { throw .mismatch(path: path, reason: "no weights") }
            if let data = checkpoint.data {
                if let recordedData, recordedData.data != data {
                    throw .mismatch(
                        path: path,
                        reason: "it was recorded on other data than \(recordedData.path): it has \(data), "
                            + "\(recordedData.path) has \(recordedData.data)")
                }
                if recordedData == nil { recordedData = (path, data) }
            }
            if let reference {
                guard checkpoint.inputs == reference.inputs, checkpoint.hidden == reference.hidden,
                    checkpoint.outputs == reference.outputs, parameters.count == reference.parameters?.count
                else {
                    throw .mismatch(
                        path: path,
                        reason: "its network is \(checkpoint.inputs)×\(checkpoint.hidden)×\(checkpoint.outputs), "
                            + "\(first)'s \(reference.inputs)×\(reference.hidden)×\(reference.outputs)")
                }
                var mine = checkpoint.config
                mine.epochs = reference.config.epochs
                guard mine == reference.config else {
                    throw .mismatch(path: path, reason: "its configuration differs from \(first)'s (not one run)")
                }
            } else {
                reference = checkpoint
            }
            average.add(parameters)
            last = checkpoint
        }
        return (last!, average.mean!)
    }
}

/// Why checkpoints could not be averaged; the file is always named.
public enum WeightAverageError: Error, Equatable, CustomStringConvertible {
    case noFiles
    case unreadable(ModelFileError)
    case mismatch(path: String, reason: String)

    public var description: String {
        switch self {
        case .noFiles: return "no checkpoints to average"
        case .unreadable(let error): return error.description
        case .mismatch(let path, let reason): return "\(path): cannot be averaged with the others: \(reason)"
        }
    }
}
