import Parallel

/// Why a session may not use its run directory. Nothing in the directory was changed when one is thrown.
///
/// The descriptions state the facts; the command line adds what to do (`--resume`, `--out`, `--overwrite`).
public enum RunDirectoryError: Error, Equatable, CustomStringConvertible {
    /// Another process holds the directory's lock.
    case locked(DirectoryLockError)
    /// A new run was asked for, but the directory holds a run (`summary` says which).
    case holdsAnotherRun(directory: String, summary: String)
    /// A new run was asked for, but the directory holds files that are not a ptrain run.
    case notEmpty(directory: String, example: String)
    /// The path exists and is not a directory.
    case notADirectory(path: String)
    case cannotCreate(directory: String, reason: String)
    /// Overwriting: the old run could not be moved aside (`rename` failed).
    case cannotMoveAside(directory: String, failure: SystemError)
    /// `run.json` cannot be read or is not a run identity file.
    case unreadableIdentity(path: String, reason: String)
    /// The run to continue is not the one the directory holds.
    case notThisRun(directory: String, reason: String)
    /// `latest.ckpt` changed between the moment it was read and the moment the directory was locked.
    case changedMeanwhile(path: String)
    /// `metrics.csv` records epochs that the checkpoint does not: continuing would truncate it.
    case metricsAhead(path: String, reason: String)
    /// A file the run would replace is of another kind (a directory named `best.ckpt`, text in `weights.bin`).
    case wrongKind(FileReplaceError)

    public var description: String {
        switch self {
        case .locked(let error): return error.description
        case .holdsAnotherRun(let directory, let summary): return "\(directory): holds another run (\(summary))"
        case .notEmpty(let directory, let example):
            return "\(directory): is not empty and holds no ptrain run (it has '\(example)')"
        case .notADirectory(let path): return "\(path): exists and is not a directory"
        case .cannotCreate(let directory, let reason): return "\(directory): cannot create the run directory: \(reason)"
        case .cannotMoveAside(let directory, let failure):
            return "\(directory): cannot move the old run aside: \(failure)"
        case .unreadableIdentity(let path, let reason): return "\(path): \(reason)"
        case .notThisRun(let directory, let reason): return "\(directory): \(reason)"
        case .changedMeanwhile(let path):
            return "\(path): changed while this command started (another process wrote it); nothing was changed"
        case .metricsAhead(let path, let reason): return "\(path): \(reason)"
        case .wrongKind(let error): return error.description
        }
    }
}
