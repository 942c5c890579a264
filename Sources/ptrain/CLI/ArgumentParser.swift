import Model

/// Splits a subcommand's arguments into options, with swift-argument-parser's conventions:
/// `--threads 8` and `--threads=8`, `-h`/`--help` anywhere wins, the last of a repeated option wins,
/// `--` ends the options. A command may take bare words as the values of some of its options, in order
/// (`CommandSpec.positionals`). A word that looks like a negative number (`-3`, `-0.5`) is a value, not an
/// option, so `--beta -0.5` works.
enum ArgumentParser {
    /// What the command line asked for.
    enum Outcome {
        case help
        case options(ParsedOptions)
    }

    static func parse(_ arguments: [String], for command: CommandSpec) throws(UsageError) -> Outcome {
        let beforeTerminator = arguments.prefix { $0 != "--" }
        if beforeTerminator.contains(where: isHelp) { return .help }

        var parsed = ParsedOptions()
        var positionalsTaken = 0
        func appendPositional(_ word: String) throws(UsageError) {
            guard positionalsTaken < command.positionals.count else { throw .unexpectedArgument(word) }
            parsed.append(command.positionals[positionalsTaken], word)
            positionalsTaken += 1
        }
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let word = arguments[index]
            index += 1
            if word == "--" {
                // After `--` only positional arguments may follow (`ptrain inspect -- -odd-name.ckpt`).
                for rest in arguments[index...] { try appendPositional(rest) }
                break
            }
            guard isOption(word) else {
                try appendPositional(word)
                continue
            }

            let (written, inlineValue) = split(word)
            guard written.hasPrefix("--"), let option = command.option(named: String(written.dropFirst(2))) else {
                throw .unknownOption(written, suggestion: suggestion(for: written, in: command))
            }
            if option.valueName == nil {
                if let inlineValue { throw .unexpectedValue(option: option.flag, value: inlineValue) }
                parsed.append(option.name, nil)
            } else if let inlineValue {
                parsed.append(option.name, inlineValue)
            } else if index < arguments.endIndex, !isOption(arguments[index]) {
                parsed.append(option.name, arguments[index])
                index += 1
            } else {
                throw .missingValue(option: option.flag)
            }
        }
        return .options(parsed)
    }

    /// `-h` or `--help`.
    static func isHelp(_ word: String) -> Bool { word == "-h" || word == "--help" }

    /// Whether `word` is an option rather than a value: it starts with a dash and is not a number.
    static func isOption(_ word: String) -> Bool {
        word.hasPrefix("-") && word != "-" && Double(word) == nil
    }

    /// `--threads=8` → (`--threads`, `8`); `--threads` → (`--threads`, nil). Only long options take `=`.
    static func split(_ word: String) -> (option: String, value: String?) {
        guard word.hasPrefix("--"), let equals = word.firstIndex(of: "=") else { return (word, nil) }
        return (String(word[..<equals]), String(word[word.index(after: equals)...]))
    }

    /// The command's option closest to a mistyped one, with dashes: `--thread` and `-threads` both
    /// suggest `--threads`.
    static func suggestion(for written: String, in command: CommandSpec) -> String? {
        let bare = String(written.drop { $0 == "-" })
        guard bare.count >= 2 else { return nil }  // `-x` is close to every two-letter name

        return closestName(to: bare, among: command.options.map(\.name)).map { "--" + $0 }
    }
}
