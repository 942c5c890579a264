import Model

/// The command line's names for the configuration keys: each flag is derived from the key's JSON name by the
/// CLI, in kebab case (`timeSteps` → `time-steps`, `lr1` → `lr1`), so the model holds key names and ranges and
/// knows nothing of flags.
extension ConfigKey {
    /// The flag without its dashes, e.g. `time-steps`.
    public var flag: String { Self.kebabCase(name) }

    /// `timeSteps` → `time-steps`: a dash before every upper-case letter, which becomes lower case.
    static func kebabCase(_ name: String) -> String {
        var flag = ""
        for character in name {
            if character.isUppercase {
                flag += "-" + character.lowercased()
            } else {
                flag.append(character)
            }
        }
        return flag
    }
}

extension RunConfig {
    /// The key whose flag is `flag` (without dashes), if any.
    static func key(flag: String) -> ConfigKey? {
        keys.first { $0.flag == flag }
    }

    /// Applies one `--flag value` override; errors name the flag (`--hidden`), or the unknown flag with the
    /// closest known one.
    mutating func override(flag: String, value: String) throws(ConfigError) {
        guard let key = RunConfig.key(flag: flag) else {
            throw .unknownKey(
                path: "command line", key: flag, suggestion: closestName(to: flag, among: RunConfig.keys.map(\.flag)))
        }
        try override(key: key.name, value: value, source: "--\(key.flag)")
    }
}
