import FuzzSupport
import Model

// The command line's parse and validate steps on arbitrary arguments. The `ptrain` sources are compiled into
// this target through the `ptrain` symlink (all but `main.swift`), because the parser is internal to the
// executable and an executable target cannot be imported by another one.

/// The input is the arguments after the program name, each ended by a 0 byte, as in `/proc/PID/cmdline`
/// (a final argument without its 0 byte counts too). A real argument cannot contain a 0 byte but can contain
/// anything else, newlines included. Bytes that are not UTF-8 are repaired, as `CommandLine.arguments` does.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = LibFuzzer.bytes(data, size)
    var words = bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    if bytes.last == 0 || bytes.isEmpty { words.removeLast() }
    parseAndValidate(words)
    return 0
}

/// `Ptrain.dispatch` up to, and never including, `Command.run()`: the same routing, then
/// `ArgumentParser.parse` (parse) and `Command.init(options:)` (validate). Help text and error messages are
/// rendered but not printed. Every failure must be a `UsageError`, which typed throws guarantee; what the
/// fuzzer looks for is a trap or a hang.
func parseAndValidate(_ arguments: [String]) {
    guard let first = arguments.first else { return }
    if ArgumentParser.isOption(first) {
        let (option, _) = ArgumentParser.split(first)
        _ = closestName(to: String(option.drop { $0 == "-" }), among: ["version", "help"])
        _ = HelpFormatter.rootHelp(commands: Ptrain.specs)
        return
    }
    let rest = Array(arguments.dropFirst())
    if first == "help" {
        if let word = rest.first, let command = Ptrain.commands.first(where: { $0.spec.name == word }) {
            _ = HelpFormatter.help(for: command.spec)
        } else if let word = rest.first {
            _ = Ptrain.suggestion(forSubcommand: word)
        }
        return
    }
    guard let command = Ptrain.commands.first(where: { $0.spec.name == first }) else {
        _ = Ptrain.suggestion(forSubcommand: first)
        return
    }
    do {
        switch try ArgumentParser.parse(rest, for: command.spec) {
        case .help:
            _ = HelpFormatter.help(for: command.spec)
        case .options(let options):
            _ = try command.init(options: options)
        }
    } catch {
        fuzzCheck(!error.description.isEmpty, "empty usage error message")
    }
}

@_cdecl("FuzzCommandLine_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc: argc, argv: argv, testOneInput: testOneInput)
}
