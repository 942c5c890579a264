/// How a training session takes its run directory (docs/reliability.md, "Run directories").
public struct RunSetup: Sendable {
    public enum Mode: Sendable, Equatable {
        /// A new run: the directory must be new or empty (or, with `overwrite`, its old contents move aside).
        case fresh
        /// The directory's own run continues from its `latest.ckpt`.
        case continuing
        /// A new run that starts from another run's checkpoint (older, or with changed keys), in a new
        /// directory; `run.json` records the parent.
        case fork(RunIdentity.Parent)
    }

    public var mode: Mode
    /// With `fresh` or `fork`: move a directory that holds anything to `<dir>.replaced-N` instead of refusing.
    public var overwrite: Bool
    /// The command line, recorded in `run.json`.
    public var command: [String]
    /// The checkpoint interval as the user gave it, recorded in `run.json`.
    public var checkpointEvery: String

    public init(mode: Mode, overwrite: Bool = false, command: [String] = [], checkpointEvery: String = "10m") {
        self.mode = mode
        self.overwrite = overwrite
        self.command = command
        self.checkpointEvery = checkpointEvery
    }
}
