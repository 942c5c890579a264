import Foundation
import Parallel

/// Options several subcommands share, so they read and check the same everywhere.
enum SharedOptions {
    /// Allowed `--threads`: at least one, and a bound far above any machine's cores that still catches typos.
    static let threadRange = 1...1024

    static let threads = OptionSpec(
        "threads", value: "N",
        "Worker threads, \(threadRange.lowerBound)...\(threadRange.upperBound); the count never changes a result",
        default: "the number of active processor cores")

    static let data = OptionSpec(
        "data", value: "DIR|FILE", "The data set: a directory of IDX files in MNIST's names, or one .npz file",
        default: "$PTRAIN_DATA, ../shared/data/mnist or ./data/mnist, the first that exists")

    static let scheduler = OptionSpec(
        "scheduler", value: "dispatch|pool",
        "Who runs the parallel steps: DispatchQueue.concurrentPerform or ptrain's own threads; never changes a "
            + "result", default: Scheduler.default.rawValue)

    /// `--scheduler`, or the built-in default. Reading it also makes it the default of every pool the command
    /// creates (`Scheduler.default`), so the training and evaluation code need not pass it along.
    @discardableResult
    static func scheduler(_ options: ParsedOptions) throws(UsageError) -> Scheduler {
        guard let text = try options.nonEmptyString(scheduler.name) else { return Scheduler.default }
        guard let value = Scheduler(rawValue: text) else {
            throw UsageError.invalidValue(
                value: text, option: "--\(scheduler.name)",
                reason: "must be " + Scheduler.allCases.map(\.rawValue).sorted().joined(separator: " or "))
        }
        Scheduler.default = value
        return value
    }

    /// `--threads`, or every active core (clamped into `threadRange`); for one rank of an MPI job
    /// (`distributed`) without `--threads`, the rank's share of the node's cores (`DistributedLaunch`).
    static func threads(_ options: ParsedOptions, distributed: Bool = false) throws(UsageError) -> Int {
        if distributed && !options.contains(threads.name) { return DistributedLaunch.defaultThreads() }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return try options.int(threads.name, in: threadRange)
            ?? min(max(cores, threadRange.lowerBound), threadRange.upperBound)
    }
}
