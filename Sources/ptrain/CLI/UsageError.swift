/// Why a command line was rejected before anything ran. Printed as `Error: <description>` followed by the
/// command's usage line, exit status 64.
enum UsageError: Error, Equatable, CustomStringConvertible {
    /// `--thread` given; `suggestion` is the closest known option with its dashes (`--threads`).
    case unknownOption(String, suggestion: String?)
    /// `ptrain trian`; `suggestion` is the closest subcommand.
    case unknownSubcommand(String, suggestion: String?)
    /// `ptrain` alone.
    case missingSubcommand
    /// `--hidden` at the end of the line or followed by another option.
    case missingValue(option: String)
    /// `--help=yes`: a flag given a value.
    case unexpectedValue(option: String, value: String)
    /// `--threads 0`; `reason` completes "must be …" style sentences, without the final period.
    case invalidValue(value: String, option: String, reason: String)
    /// A required option is absent (`eval` without `--checkpoint`); `option` is shown with its value name.
    case missingOption(String)
    /// A word where an option was expected (`ptrain train fast`).
    case unexpectedArgument(String)
    /// Two options that cannot be combined (`--hidden` with `--resume`); `reason` is a sentence without the
    /// final period.
    case conflictingOptions(option: String, other: String, reason: String)
    /// An option that only means something together with another (`--force` without `--resume`).
    case requiresOption(option: String, required: String)
    /// Argument `index` of `argv` (the program name is 0) is not valid UTF-8; `escaped` shows it with every byte
    /// outside printable ASCII as `\xHH`.
    case invalidUTF8(index: Int, escaped: String)

    var description: String {
        switch self {
        case .unknownOption(let name, let suggestion):
            return "Unknown option '\(name)'." + (suggestion.map { " Did you mean '\($0)'?" } ?? "")
        case .unknownSubcommand(let name, let suggestion):
            return "Unknown subcommand '\(name)'." + (suggestion.map { " Did you mean '\($0)'?" } ?? "")
        case .missingSubcommand:
            return "Missing subcommand."
        case .missingValue(let option):
            return "Missing value for '\(option)'."
        case .unexpectedValue(let option, let value):
            return "Option '\(option)' takes no value (got '\(value)')."
        case .invalidValue(let value, let option, let reason):
            return "Invalid value '\(value)' for '\(option)': \(reason)."
        case .missingOption(let option):
            return "Missing required option '\(option)'."
        case .unexpectedArgument(let argument):
            return "Unexpected argument '\(argument)'."
        case .conflictingOptions(let option, let other, let reason):
            return "Option '\(option)' cannot be used with '\(other)': \(reason)."
        case .requiresOption(let option, let required):
            return "Option '\(option)' requires '\(required)'."
        case .invalidUTF8(let index, let escaped):
            return "Argument \(index) is not valid UTF-8 ('\(escaped)'): ptrain takes paths and values in UTF-8 only."
        }
    }
}
