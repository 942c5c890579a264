import Foundation

/// JSON decoding of a run configuration with `Codable`: keys missing from the file keep their defaults,
/// unknown keys are errors with the closest known key suggested, and values are range-checked.
extension RunConfig: Decodable {
    /// The name used in error messages while decoding (set through `userInfo[RunConfig.sourceKey]`).
    public static let sourceKey = CodingUserInfoKey(rawValue: "ptrain.configSource")!

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        let source = decoder.userInfo[RunConfig.sourceKey] as? String ?? "configuration"
        let container = try decoder.container(keyedBy: AnyKey.self)
        for codingKey in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
            let name = codingKey.stringValue
            guard let key = RunConfig.keys.first(where: { $0.name == name }) else {
                let suggestion = closestName(to: name, among: RunConfig.keys.map(\.name))
                throw ConfigError.unknownKey(path: source, key: name, suggestion: suggestion)
            }
            if case .list(let expected, let assign) = key.fileValue {
                guard let items = try? container.decode([LayerJSON].self, forKey: codingKey) else {
                    throw ConfigError.wrongType(path: source, key: name, expected: expected)
                }
                try assign(&self, items, source)
                continue
            }
            let text: String
            if case .text = key.fileValue {
                guard let value = try? container.decode(String.self, forKey: codingKey) else {
                    throw ConfigError.wrongType(path: source, key: name, expected: "a string")
                }
                text = value
            } else if try container.decodeNil(forKey: codingKey) {
                text = "null"
            } else if let value = try? container.decode(Int64.self, forKey: codingKey) {
                text = String(value)
            } else if let value = try? container.decode(UInt64.self, forKey: codingKey) {
                text = String(value)
            } else if let value = try? container.decode(Double.self, forKey: codingKey) {
                text = String(value)
            } else {
                throw ConfigError.wrongType(path: source, key: name, expected: "a number")
            }
            try key.assign(&self, text, source)
        }
        try validate(source: source)
    }

    /// Reads and validates a configuration file; every failure is a `ConfigError` naming the file.
    public static func load(path: String) throws(ConfigError) -> RunConfig {
        let data: Data
        do {
            data = try FileContents.data(atPath: path)
        } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        return try decode(data, source: path)
    }

    /// Decodes configuration JSON; `source` names it in errors.
    public static func decode(_ data: Data, source: String) throws(ConfigError) -> RunConfig {
        let decoder = JSONDecoder()
        decoder.userInfo[sourceKey] = source
        do {
            return try decoder.decode(RunConfig.self, from: data)
        } catch let error as ConfigError {
            throw error
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            throw .malformedJSON(path: source, reason: "the top level must be an object")
        } catch let DecodingError.dataCorrupted(context) {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            throw .malformedJSON(path: source, reason: underlying ?? context.debugDescription)
        } catch {
            throw .malformedJSON(path: source, reason: "\(error)")
        }
    }

    /// Sets the key with JSON name `key` from `value` (the command line's text for it), checking its type but not
    /// its range (`validate`); `source` names where the value came from in errors (the command line passes the
    /// flag, `--hidden`).
    public mutating func override(key name: String, value: String, source: String) throws(ConfigError) {
        guard let key = RunConfig.key(named: name) else {
            throw .unknownKey(
                path: source, key: name, suggestion: closestName(to: name, among: RunConfig.keys.map(\.name)))
        }
        try key.assign(&self, value, source)
    }
}
