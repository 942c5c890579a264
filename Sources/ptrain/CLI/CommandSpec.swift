/// What a subcommand accepts and how it is described: the single source for parsing, help and usage lines.
struct CommandSpec: Sendable {
    /// The subcommand's name (`train`).
    let name: String
    /// One line for the top-level subcommand list.
    let abstract: String
    /// The help paragraph.
    let discussion: String
    /// The synopsis after `ptrain <name> ` (`[--config FILE] [--threads N]`).
    let synopsis: String
    /// Options by heading, in help order. `-h, --help` is accepted by every command and listed in the first.
    let groups: [OptionGroup]
    /// The names of the options that may also be given as bare words, in order (`ptrain inspect FILE` for
    /// `--checkpoint FILE`, `ptrain compare A B` for `--a A --b B`).
    let positionals: [String]

    init(
        name: String, abstract: String, discussion: String, synopsis: String, groups: [OptionGroup],
        positionals: [String] = []
    ) {
        let names = groups.flatMap(\.options).map(\.name) + [OptionSpec.help.name]
        precondition(positionals.allSatisfy(names.contains), "\(name): a positional option is not declared")
        precondition(Set(names).count == names.count, "\(name): two options share a name")
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.synopsis = synopsis
        self.groups = groups
        self.positionals = positionals
    }

    /// Every option the command accepts, `--help` included.
    var options: [OptionSpec] { groups.flatMap(\.options) + [OptionSpec.help] }

    /// `ptrain train [--config FILE] …`.
    var usage: String { "\(Ptrain.name) \(name) \(synopsis)" }

    /// The option with this long name (without dashes). One-letter aliases are not looked up: the only one,
    /// `-h`, is recognised by `ArgumentParser.isHelp`.
    func option(named name: String) -> OptionSpec? {
        options.first { $0.name == name }
    }
}
