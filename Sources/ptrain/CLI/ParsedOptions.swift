import Model

/// The options of one command line, as given (parse step). Typed access throws `UsageError` naming the
/// option, so a command's validate step is a few lines per option.
struct ParsedOptions {
    /// Each `--name value` in command-line order (`value` is `nil` for a flag).
    private(set) var occurrences: [(name: String, value: String?)] = []

    mutating func append(_ name: String, _ value: String?) {
        occurrences.append((name, value))
    }

    /// Whether the flag or option was given at all.
    func contains(_ name: String) -> Bool {
        occurrences.contains { $0.name == name }
    }

    /// The option's value; when it is given more than once the last one wins (as in swift-argument-parser).
    func string(_ name: String) -> String? {
        occurrences.last { $0.name == name }?.value
    }

    /// The value, which must not be empty (`--out=` is a mistake, not "the current directory").
    func nonEmptyString(_ name: String) throws(UsageError) -> String? {
        guard let text = string(name) else { return nil }
        guard !text.isEmpty else {
            throw .invalidValue(value: text, option: "--\(name)", reason: "must not be empty")
        }
        return text
    }

    /// An integer value in `range`, in decimal digits (`DecimalNumber.integer`: no `+`, no hex, no spaces).
    func int(_ name: String, in range: ClosedRange<Int>) throws(UsageError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = DecimalNumber.integer(text) else {
            throw .invalidValue(value: text, option: "--\(name)", reason: "must be an integer")
        }
        guard range.contains(value) else {
            let allowed =
                range.upperBound == Int.max
                ? "\(range.lowerBound) or more" : "in \(range.lowerBound)...\(range.upperBound)"
            throw .invalidValue(value: text, option: "--\(name)", reason: "must be \(allowed)")
        }
        return value
    }
}
