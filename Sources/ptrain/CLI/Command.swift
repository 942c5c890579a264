/// A subcommand, run in swift-argument-parser's three steps: `ArgumentParser.parse` splits the words
/// against `spec` (parse), `init(options:)` turns them into typed, range-checked values (validate), and
/// `run()` does the work. Usage errors can only come from the first two, runtime errors only from the last.
protocol Command {
    static var spec: CommandSpec { get }
    init(options: ParsedOptions) throws(UsageError)
    func run() throws(RuntimeError)
}
