/// Renders `--help` text: usage line, description paragraph, options under their headings with the
/// summaries in one column, everything wrapped at `TextLayout.width`.
enum HelpFormatter {
    /// Summaries start in this column; an option written wider than the name column gets its summary on the
    /// next line instead.
    static let summaryColumn = 24

    /// Help for one subcommand.
    static func help(for command: CommandSpec) -> String {
        var lines = ["USAGE: \(command.usage)", ""]
        lines += TextLayout.wrap(command.discussion)
        for (index, group) in command.groups.enumerated() {
            lines += ["", "\(group.title):"]
            if let note = group.note {
                lines += TextLayout.wrap(note, indent: 2) + [""]
            }
            var options = group.options
            if index == 0 { options.append(.help) }
            for option in options {
                let summary = option.summary + (option.defaultText.map { " (default: \($0))" } ?? "")
                lines += entry(option.synopsis, summary)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Help for `ptrain` itself: what it is, the subcommands, the global options.
    static func rootHelp(commands: [CommandSpec]) -> String {
        var lines = ["USAGE: \(Ptrain.name) <subcommand> [options]", ""]
        lines += TextLayout.wrap(Ptrain.discussion)
        lines += ["", "SUBCOMMANDS:"]
        for command in commands {
            lines += entry(command.name, command.abstract)
        }
        lines += entry("help [SUBCOMMAND]", "Show the help of a subcommand, or this help")
        lines += ["", "OPTIONS:"]
        lines += entry("--version", "Print the version and exit")
        lines += entry(OptionSpec.help.synopsis, OptionSpec.help.summary)
        lines += ["", "See '\(Ptrain.name) <subcommand> --help' for the options of a subcommand."]
        return lines.joined(separator: "\n") + "\n"
    }

    /// `  --threads N          Worker threads …`, the summary wrapped under itself.
    static func entry(_ name: String, _ summary: String) -> [String] {
        let head = "  " + name
        let fitsBeside = head.count + 2 <= summaryColumn
        let wrapped = TextLayout.wrap(summary, indent: summaryColumn, firstIndent: fitsBeside ? summaryColumn : nil)
        guard fitsBeside, let first = wrapped.first else { return [head] + wrapped }
        return [head + first.dropFirst(head.count)] + wrapped.dropFirst()
    }
}
