import Model

/// The `ptrain` command: subcommand dispatch, `--version`, `--help`, and the one place where errors become
/// messages and exit statuses.
enum Ptrain {
    static let name = "ptrain"
    static let version = "0.1.0"

    static let discussion = """
        ptrain trains a three-layer spiking neural network (spike inputs, leaky integrate-and-fire hidden and \
        output neurons) on MNIST with VPSNN's voltage-driven, STDP-like plasticity, on every core of one \
        machine or, with MPI, of several. One seed determines a run: the thread and process counts never change \
        a number.
        """

    /// The subcommands, in help order (`help` is built in).
    static var commands: [any Command.Type] {
        [
            TrainCommand.self, EvalCommand.self, InspectCommand.self, SweepCommand.self, CompareCommand.self,
            ReportCommand.self, AverageCommand.self, ExportCommand.self, PredictCommand.self, FetchDataCommand.self,
            BenchCommand.self,
        ]
    }

    static var specs: [CommandSpec] { commands.map { $0.spec } }

    static let rootUsage = "\(name) <subcommand> [options]"

    /// Runs the process's own command line, refusing it when an argument is not valid UTF-8
    /// (`ProcessArguments`), and returns the exit status. SIGPIPE is ignored first (`Console`).
    static func main() -> ExitCode {
        Console.ignoreBrokenPipe()
        let arguments: [String]
        do {
            arguments = try ProcessArguments.decode(ProcessArguments.current())
        } catch {
            return report(.usage(error, usage: rootUsage, helpCommand: "\(name) --help"))
        }
        return main(arguments: arguments)
    }

    /// Runs the command line `arguments` (without the program name) and returns the exit status.
    static func main(arguments: [String]) -> ExitCode {
        do {
            try dispatch(arguments)
            return .success
        } catch {
            return report(error)
        }
    }

    /// Prints `failure` and returns its exit status.
    static func report(_ failure: Failure) -> ExitCode {
        switch failure {
        case .usage(let error, let usage, let helpCommand):
            Console.error("Error: \(error)\nUsage: \(usage)\n  See '\(helpCommand)' for more information.\n")
            return .usage
        case .runtime(.interrupted(let message)):
            Console.error(message)
            return .interrupted
        case .runtime(let error):
            Console.error("Error: \(error)\n")
            if case .training(let cause) = error, case SessionError.diverged = cause { return .diverged }
            return .failure
        }
    }

    /// A failure of either kind, with what `main` needs to print it.
    enum Failure: Error {
        /// `usage` is the usage line to print, `helpCommand` the command that shows full help.
        case usage(UsageError, usage: String, helpCommand: String)
        case runtime(RuntimeError)
    }

    static func dispatch(_ arguments: [String]) throws(Failure) {
        func usageFailure(_ error: UsageError) -> Failure {
            .usage(error, usage: rootUsage, helpCommand: "\(name) --help")
        }

        guard let first = arguments.first else { throw usageFailure(.missingSubcommand) }
        if ArgumentParser.isOption(first) {
            let (option, value) = ArgumentParser.split(first)
            switch option {
            case "--version", "-h", "--help":
                if let value { throw usageFailure(.unexpectedValue(option: option, value: value)) }
                Console.out(option == "--version" ? "\(name) \(version)\n" : HelpFormatter.rootHelp(commands: specs))
                return
            default:
                let bare = String(option.drop { $0 == "-" })
                let suggestion = closestName(to: bare, among: ["version", "help"]).map { "--" + $0 }
                throw usageFailure(.unknownOption(option, suggestion: suggestion))
            }
        }

        let rest = Array(arguments.dropFirst())
        if first == "help" {
            try help(rest, usageFailure: usageFailure)
            return
        }
        guard let command = commands.first(where: { $0.spec.name == first }) else {
            throw usageFailure(.unknownSubcommand(first, suggestion: suggestion(forSubcommand: first)))
        }
        try run(command, rest)
    }

    /// `ptrain help [SUBCOMMAND]`.
    static func help(_ arguments: [String], usageFailure: (UsageError) -> Failure) throws(Failure) {
        guard let word = arguments.first, !ArgumentParser.isHelp(word) else {
            Console.out(HelpFormatter.rootHelp(commands: specs))
            return
        }
        guard let command = commands.first(where: { $0.spec.name == word }) else {
            if ArgumentParser.isOption(word) {
                throw usageFailure(.unknownOption(word, suggestion: nil))
            }
            throw usageFailure(.unknownSubcommand(word, suggestion: suggestion(forSubcommand: word)))
        }
        if arguments.count > 1 { throw usageFailure(.unexpectedArgument(arguments[1])) }
        Console.out(HelpFormatter.help(for: command.spec))
    }

    /// Parse, validate, run.
    static func run(_ command: any Command.Type, _ arguments: [String]) throws(Failure) {
        let spec = command.spec
        let parsed: ParsedOptions
        let instance: any Command
        do {
            switch try ArgumentParser.parse(arguments, for: spec) {
            case .help:
                Console.out(HelpFormatter.help(for: spec))
                return
            case .options(let options):
                parsed = options
            }
            instance = try command.init(options: parsed)
        } catch {
            throw .usage(error, usage: spec.usage, helpCommand: "\(name) \(spec.name) --help")
        }
        do {
            try instance.run()
        } catch {
            throw .runtime(error)
        }
    }

    static func suggestion(forSubcommand word: String) -> String? {
        closestName(to: word, among: specs.map(\.name) + ["help"])
    }
}
