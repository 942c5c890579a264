/// A file `ptrain eval` accepts: a checkpoint (`latest.ckpt`, `best.ckpt`, `epoch-0003.ckpt`) or a weights
/// file (`weights.bin`), told apart by their magic bytes.
public enum ModelFile {
    /// Reads the file at `path` and returns the configuration it was trained with and a network holding its
    /// weights (with `averaged`, the checkpoint's running weight average instead), plus the checkpoint when it
    /// is one.
    /// - Throws: `.noAverage` when `averaged` is asked of a weights file or of a checkpoint without an average.
    public static func read(path: String, averaged: Bool = false) throws(ModelFileError) -> (
        config: RunConfig, network: Network, checkpoint: Checkpoint?
    ) {
        let bytes: [UInt8]
        do {
            bytes = try Checkpoint.readBytes(path: path)
        } catch {
            throw .checkpoint(error)
        }
        if bytes.starts(with: LayeredModelFile.magic) {
            throw .layered(path: path)
        }
        if bytes.starts(with: WeightsFile.magic) {
            if averaged {
                throw .noAverage(path: path, reason: "a weights file holds one set of weights; evaluate it as it is")
            }
            do {
                let (config, network) = try WeightsFile.decode(bytes, path: path)
                return (config, network, nil)
            } catch {
                throw .weights(error)
            }
        }
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.decode(bytes, path: path, weights: .load)
        } catch {
            throw .checkpoint(error)
        }
        if checkpoint.isLayered { throw .layered(path: path) }
        guard averaged else {
            // `decode` with `.load` always fills in the parameters.
            return (checkpoint.config, checkpoint.makeNetwork()!, checkpoint)
        }
        guard let average = checkpoint.average else {
            throw .noAverage(path: path, reason: "the run does not average weights (averageFrom is 0)")
        }
        guard let network = checkpoint.makeAveragedNetwork() else {
            throw .noAverage(
                path: path,
                reason: "the average starts after epoch \(average.firstEpoch - 1), and the checkpoint is after epoch "
                    + "\(checkpoint.cursor.completedEpochs)")
        }
        return (checkpoint.config, network, checkpoint)
    }
}

/// Why a checkpoint or weights file could not be read.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    case checkpoint(CheckpointError)
    case weights(WeightsFileError)
    /// The averaged weights were asked for and the file has none.
    case noAverage(path: String, reason: String)
    /// A layered network's model file or checkpoint where a three-layer network was expected (every command
    /// that reads models reads `LayeredModel` first; this reader is the three-layer one).
    case layered(path: String)
    /// A layered model file that cannot be read.
    case layeredModel(LayeredModelError)

    public var description: String {
        switch self {
        case .noAverage(let path, let reason): return "\(path): no averaged weights: \(reason)"
        case .layered(let path):
            return "\(path): a layered model (a 'layers' run's, issue #15), where a three-layer network was expected"
        case .checkpoint(let error): return error.description
        case .weights(let error): return error.description
        case .layeredModel(let error): return error.description
        }
    }
}

/// A file that holds a layered network (issue #15): a layered run's `model.bin`, `best-model.bin` or
/// `averaged-model.bin` (`LayeredModelFile`), or one of its checkpoints (format 1.4 with LAYR).
public enum LayeredModel {
    /// Whether the file at `path` holds a layered network (false for anything else, unreadable files included:
    /// those are the three-layer reader's to report).
    public static func isLayered(path: String) -> Bool {
        guard let bytes = try? Checkpoint.readBytes(path: path) else { return false }
        if bytes.starts(with: LayeredModelFile.magic) { return true }
        guard let layout = try? Checkpoint.layout(of: bytes, path: path) else { return false }
        return layout.sections.contains { $0.tag == CheckpointFormat.Tag.layers.rawValue }
    }

    /// The configuration and network of the file at `path` (with `averaged`, a checkpoint's running weight
    /// average instead), and the checkpoint when it is one.
    public static func read(path: String, averaged: Bool = false) throws(ModelFileError) -> (
        config: RunConfig, network: LayeredNetwork, checkpoint: Checkpoint?
    ) {
        let bytes: [UInt8]
        do {
            bytes = try Checkpoint.readBytes(path: path)
        } catch {
            throw .checkpoint(error)
        }
        if bytes.starts(with: LayeredModelFile.magic) {
            if averaged {
                throw .noAverage(
                    path: path,
                    reason: "a model file holds one set of weights; evaluate it as it is (averaged-model.bin holds "
                        + "the average)")
            }
            do {
                let (config, network) = try LayeredModelFile.decode(bytes, path: path)
                return (config, network, nil)
            } catch {
                throw .layeredModel(error)
            }
        }
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.decode(bytes, path: path, weights: .load)
        } catch {
            throw .checkpoint(error)
        }
        guard checkpoint.isLayered else {
            throw .checkpoint(.shapeMismatch(path: path, reason: "it holds a three-layer network, not layers"))
        }
        if averaged {
            guard let average = checkpoint.average else {
                throw .noAverage(path: path, reason: "the run does not average weights (averageFrom is 0)")
            }
            guard let network = checkpoint.makeLayeredNetwork(averaged: true) else {
                throw .noAverage(
                    path: path,
                    reason: "the average starts after epoch \(average.firstEpoch - 1), and the checkpoint is after "
                        + "epoch \(checkpoint.cursor.completedEpochs)")
            }
            return (checkpoint.config, network, checkpoint)
        }
        // `decode` with `.load` fills in the parameters, and the reader checked the layers against them.
        return (checkpoint.config, checkpoint.makeLayeredNetwork()!, checkpoint)
    }
}
