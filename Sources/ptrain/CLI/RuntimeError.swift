import Model

/// Why a well-formed command failed while running. Printed as `Error: <description>`, exit status 1.
enum RuntimeError: Error, CustomStringConvertible {
    /// The configuration file is unreadable, malformed or out of range (the message names the file and key).
    case config(ConfigError)
    /// MNIST could not be found or read.
    case data(DataError)
    /// MNIST could not be downloaded.
    case fetch(FetchError)
    /// A file the command needs does not exist; `role` says what it is (`checkpoint`).
    case missingFile(path: String, role: String)
    /// The training engine stopped with an error (divergence, I/O).
    case training(any Error)
    /// A result file could not be written.
    case output(String)
    /// Evaluating a weights file failed.
    case evaluation(path: String, any Error)
    /// A checkpoint or weights file is missing, unreadable or corrupt (the message names the file and section).
    case checkpoint(ModelFileError)
    /// `--resume` cannot continue the run as asked.
    case resume(String)
    /// Training stopped on SIGINT or SIGTERM after saving a checkpoint; the message says how to resume.
    /// Printed as is (no `Error: `), exit status 130.
    case interrupted(String)

    var description: String {
        switch self {
        case .config(let error): return error.description
        case .data(let error): return ErrorHints.message(error)
        case .fetch(let error): return ErrorHints.message(error)
        case .missingFile(let path, let role): return "\(path): no such \(role) file"
        case .training(let error): return "training stopped: \(error)"
        case .output(let message): return message
        case .evaluation(let path, let error): return "\(path): evaluation failed: \(error)"
        case .checkpoint(let error): return ErrorHints.message(error)
        case .resume(let message): return message
        case .interrupted(let message): return message
        }
    }
}

/// Runs a data step, turning its `DataError` into a `RuntimeError`.
func wrapData<T>(_ body: () throws(DataError) -> T) throws(RuntimeError) -> T {
    do {
        return try body()
    } catch {
        throw .data(error)
    }
}

/// `test` as the network from `modelPath` classifies it (`Dataset.fitted`), its mismatch as a checkpoint error.
func fit(_ test: Dataset, to network: Network, modelPath: String) throws(RuntimeError) -> Dataset {
    do {
        return try test.fitted(to: network, modelPath: modelPath)
    } catch {
        throw .checkpoint(.checkpoint(error))
    }
}

/// `test` as the layered network from `modelPath` classifies it (`Dataset.fitted`), its mismatch as a checkpoint
/// error.
func fit(_ test: Dataset, to network: LayeredNetwork, modelPath: String) throws(RuntimeError) -> Dataset {
    do {
        return try test.fitted(inputs: network.inputs, outputs: network.outputs, modelPath: modelPath)
    } catch {
        throw .checkpoint(.checkpoint(error))
    }
}

/// The layered model file or checkpoint at `path` (`LayeredModel.read`, with `averaged` its running weight
/// average), its failure as a runtime error: `readModel` for a layered network (issue #15).
func readLayeredModel(_ path: String, averaged: Bool = false) throws(RuntimeError) -> (
    config: RunConfig, network: LayeredNetwork, checkpoint: Checkpoint?
) {
    do {
        return try LayeredModel.read(path: path, averaged: averaged)
    } catch {
        throw .checkpoint(error)
    }
}

/// The checkpoint or weights file at `path` (`ModelFile.read`, with `averaged` its running weight average), its
/// failure as a runtime error: what `eval`, `predict`, `compare` and `export` read first.
func readModel(_ path: String, averaged: Bool = false) throws(RuntimeError) -> (
    config: RunConfig, network: Network, checkpoint: Checkpoint?
) {
    do {
        return try ModelFile.read(path: path, averaged: averaged)
    } catch {
        throw .checkpoint(error)
    }
}
