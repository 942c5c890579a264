/// Why a configuration file or override was rejected. Every case names the key (and the file, when there is one).
public enum ConfigError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformedJSON(path: String, reason: String)
    case unknownKey(path: String, key: String, suggestion: String?)
    case wrongType(path: String, key: String, expected: String)
    case outOfRange(path: String, key: String, value: String, allowed: String)
    /// The `layers` list does not describe layers: `reason` is the `LayerError`'s text, less a leading
    /// `layers: ` (the description writes the key once), e.g. `layer 1: unknown type 'cnv'. Did you mean 'conv'?`.
    case badLayers(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot read configuration: \(reason)"
        case .malformedJSON(let path, let reason):
            return "\(path): malformed JSON: \(reason)"
        case .unknownKey(let path, let key, let suggestion):
            let hint = suggestion.map { " Did you mean '\($0)'?" } ?? ""
            return "\(path): unknown key '\(key)'.\(hint)"
        case .wrongType(let path, let key, let expected):
            return "\(path): key '\(key)' must be \(expected)"
        case .outOfRange(let path, let key, let value, let allowed):
            return "\(path): key '\(key)' = \(value) is out of range (allowed: \(allowed))"
        case .badLayers(let path, let reason):
            return "\(path): layers: \(reason)"
        }
    }
}
