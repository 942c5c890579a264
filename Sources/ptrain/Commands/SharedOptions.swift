import Foundation

/// Options several subcommands share, so they read and check the same everywhere.
enum SharedOptions {
    /// Allowed `--threads`: at least one, and a bound far above any machine's cores that still catches typos.
    static let threadRange = 1...1024

    static let threads = OptionSpec(
        "threads", value: "N",
        "Worker threads, \(threadRange.lowerBound)...\(threadRange.upperBound); the count never changes a result",
        default: "the number of active processor cores")

    static let data = OptionSpec(
        "data", value: "DIR", "Directory holding the four MNIST .gz files",
        default: "$PTRAIN_DATA, ../shared/data/mnist or ./data/mnist, the first that exists")

    /// `--threads`, or every active core (clamped into `threadRange`).
    static func threads(_ options: ParsedOptions) throws(UsageError) -> Int {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return try options.int(threads.name, in: threadRange)
            ?? min(max(cores, threadRange.lowerBound), threadRange.upperBound)
    }
}
