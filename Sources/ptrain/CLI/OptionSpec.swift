/// One option a command accepts: `--threads N`, or a flag such as `-h, --help`.
struct OptionSpec: Sendable {
    /// The long name without dashes (`threads`).
    let name: String
    /// A one-letter alias shown in help (`h` for `-h`), if any. The parser accepts only `-h`
    /// (`ArgumentParser.isHelp`); an alias given here is not parsed by itself.
    let short: Character?
    /// The value placeholder shown in help (`N`, `FILE`); `nil` for a flag that takes no value.
    let valueName: String?
    /// One line of help, without a final period (a default is appended as `(default: …)`).
    let summary: String
    /// What applies when the option is absent, shown as `(default: …)`.
    let defaultText: String?

    init(
        _ name: String, short: Character? = nil, value valueName: String?, _ summary: String,
        default defaultText: String? = nil
    ) {
        self.name = name
        self.short = short
        self.valueName = valueName
        self.summary = summary
        self.defaultText = defaultText
    }

    /// `--threads`.
    var flag: String { "--" + name }

    /// How the option is written in help and error messages: `--threads N`, `-h, --help`.
    var synopsis: String {
        let long = valueName.map { "\(flag) \($0)" } ?? flag
        return short.map { "-\($0), \(long)" } ?? long
    }

    /// `-h, --help`, the flag every command accepts.
    static let help = OptionSpec("help", short: "h", value: nil, "Show this help and exit")
}

/// Options shown together under one heading in help.
struct OptionGroup: Sendable {
    /// The heading, e.g. `RUN OPTIONS`.
    let title: String
    /// A short paragraph printed under the heading, if any.
    let note: String?
    let options: [OptionSpec]

    init(_ title: String, note: String? = nil, _ options: [OptionSpec]) {
        self.title = title
        self.note = note
        self.options = options
    }
}
