import Foundation
import Model

/// `ptrain train`: configuration → data → run directory → `TrainingSession`, with progress and a summary.
struct TrainCommand: Command {
    /// Loaded when `--config` is absent and it exists (relative to the current directory).
    static let defaultConfigPath = "configs/mnist-800.json"

    static let spec = CommandSpec(
        name: "train",
        abstract: "Train a network on MNIST and write a run directory",
        discussion: """
            Trains the spiking network on the MNIST training set, evaluates the test set after every epoch with \
            both readouts (output spike counts and relaxed output potentials), and writes config.json, \
            metrics.csv and weights.bin to the run directory. The configuration is read from --config, or from \
            \(defaultConfigPath) when that file exists, else the built-in defaults; every key can then be \
            overridden with the options below. Progress is a live line on a terminal and one line per epoch \
            otherwise; a table of all epochs ends the run.
            """,
        synopsis: "[--config FILE] [--KEY VALUE ...] [--threads N] [--out DIR] [--data DIR]",
        groups: [
            OptionGroup(
                "RUN OPTIONS",
                [
                    OptionSpec(
                        "config", value: "FILE", "JSON configuration file",
                        default: "\(defaultConfigPath) if it exists, else the built-in values"),
                    SharedOptions.threads,
                    OptionSpec(
                        "out", value: "DIR", "Run directory for config.json, metrics.csv and weights.bin",
                        default: "runs/<name>-h<hidden>-s<seed>"),
                    SharedOptions.data,
                ]),
            OptionGroup(
                "CONFIGURATION OVERRIDES",
                note: """
                    Each key of the configuration file, applied over the file's value. Defaults shown are the \
                    built-in ones.
                    """,
                RunConfig.keys.map { key in
                    OptionSpec(
                        key.flag, value: key.valueName, sentence(key.summary), default: key.jsonValue(in: RunConfig()))
                }),
        ])

    let configPath: String?
    /// `(key, text)` for each override, in command-line order.
    let overrides: [(key: ConfigKey, value: String)]
    let threads: Int
    let out: String?
    let data: String?

    init(options: ParsedOptions) throws(UsageError) {
        configPath = try options.nonEmptyString("config")
        threads = try SharedOptions.threads(options)
        out = try options.nonEmptyString("out")
        data = try options.nonEmptyString(SharedOptions.data.name)
        var overrides: [(key: ConfigKey, value: String)] = []
        for (name, value) in options.occurrences {
            guard let key = RunConfig.keys.first(where: { $0.flag == name }), let value else { continue }
            try Self.check(key, value)
            overrides.append((key, value))
        }
        self.overrides = overrides
    }

    /// Rejects an override's value as a usage error before anything is loaded. Every key's range check looks
    /// at that key alone, so trying the value on the built-in defaults decides it for any configuration.
    static func check(_ key: ConfigKey, _ value: String) throws(UsageError) {
        var probe = RunConfig()
        do {
            try probe.override(flag: key.flag, value: value)
            try probe.validate(source: "--\(key.flag)")
        } catch {
            throw .invalidValue(value: value, option: "--\(key.flag)", reason: reason(error))
        }
    }

    /// `must be an integer`, `must be in 1...1000000`, `must be one of beta | direct`.
    static func reason(_ error: ConfigError) -> String {
        switch error {
        case .wrongType(_, _, let expected):
            return "must be \(expected)"
        case .outOfRange(_, _, _, let allowed):
            if allowed.contains(" | ") { return "must be one of \(allowed)" }
            let isRange = allowed.wholeMatch(of: /-?[0-9]+\.\.\.-?[0-9]+/) != nil
            return "must be \(isRange ? "in " : "")\(allowed)"
        case .unreadable, .malformedJSON, .unknownKey:
            return error.description
        }
    }

    func run() throws(RuntimeError) {
        let config = try loadConfig()
        let directory = try wrapData { () throws(DataError) in try DataAccess.locate(explicit: data) }
        let mnist = try wrapData { () throws(DataError) in try DataAccess.load(directory: directory) }
        let limited = MNIST(train: mnist.train.prefix(config.trainLimit), test: mnist.test.prefix(config.testLimit))
        let runDirectory = out ?? "runs/\(config.runDirectoryName)"

        let style: TrainingProgressPrinter.Style = Console.outputIsTerminal ? .terminal : .plain
        let progress = TrainingProgressPrinter(style: style, write: Console.out)
        let session = TrainingSession(config: config, data: limited, threads: threads, runDirectory: runDirectory)
        let records: [EpochRecord]
        do {
            records = try session.run(observer: progress)
        } catch {
            progress.finishLine()
            throw .training(error)
        }
        let table = ProgressFormat.summaryTable(records)
        if !table.isEmpty { Console.out("\n" + table.joined(separator: "\n") + "\n") }
    }

    /// The configuration file (or the built-in defaults) with the overrides applied and validated.
    func loadConfig() throws(RuntimeError) -> RunConfig {
        let path =
            configPath
            ?? (FileManager.default.fileExists(atPath: Self.defaultConfigPath) ? Self.defaultConfigPath : nil)
        do {
            var config = try path.map { path throws(ConfigError) in try RunConfig.load(path: path) } ?? RunConfig()
            for (key, value) in overrides {
                try config.override(flag: key.flag, value: value)
            }
            try config.validate(source: path ?? "built-in configuration")
            return config
        } catch {
            throw .config(error)
        }
    }

    /// "hidden LIF neurons H" → "Hidden LIF neurons H", to read like the other help entries.
    static func sentence(_ summary: String) -> String {
        summary.prefix(1).uppercased() + summary.dropFirst()
    }
}
