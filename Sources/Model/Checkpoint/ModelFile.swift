/// A file `ptrain eval` accepts: a checkpoint (`latest.ckpt`, `best.ckpt`, `epoch-0003.ckpt`) or a weights
/// file (`weights.bin`), told apart by their magic bytes.
public enum ModelFile {
    /// Reads the file at `path` and returns the configuration it was trained with and a network holding its
    /// weights, plus the checkpoint when it is one.
    public static func read(path: String) throws(ModelFileError) -> (
        config: RunConfig, network: Network, checkpoint: Checkpoint?
    ) {
        let bytes: [UInt8]
        do {
            bytes = try Checkpoint.readBytes(path: path)
        } catch {
            throw .checkpoint(error)
        }
        if bytes.starts(with: WeightsFile.magic) {
            do {
                let (config, network) = try WeightsFile.decode(bytes, path: path)
                return (config, network, nil)
            } catch {
                throw .weights(error)
            }
        }
        do {
            let checkpoint = try Checkpoint.decode(bytes, path: path, weights: .load)
            // `decode` with `.load` always fills in the parameters.
            return (checkpoint.config, checkpoint.makeNetwork()!, checkpoint)
        } catch {
            throw .checkpoint(error)
        }
    }
}

/// Why a checkpoint or weights file could not be read.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    case checkpoint(CheckpointError)
    case weights(WeightsFileError)

    public var description: String {
        switch self {
        case .checkpoint(let error): return error.description
        case .weights(let error): return error.description
        }
    }
}
