/// The process exit status. Only `Ptrain.main` turns errors into one of these.
///
/// 64 is `EX_USAGE` from `<sysexits.h>`, what swift-argument-parser uses for validation errors.
enum ExitCode: Int32, Sendable {
    /// The command did what was asked (also `--help`, `--version`).
    case success = 0
    /// A runtime error: unreadable configuration, missing data, failed training.
    case failure = 1
    /// Training diverged: a potential, drive or weight became NaN or infinite. The files of the last finished
    /// epoch (checkpoints, weights, metrics) are left as they were.
    case diverged = 3
    /// The command line itself is wrong: unknown option, missing or invalid value, unknown subcommand.
    case usage = 64
    /// Stopped by SIGINT or SIGTERM after saving a checkpoint (128 + SIGINT, the shell's convention).
    case interrupted = 130
}
