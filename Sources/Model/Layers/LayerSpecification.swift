/// One layer of a layered network (issue #15) between the spiking input and the K-class output, as a
/// configuration's `layers` list gives it:
///
///     {"type": "fc", "units": 1000}
///     {"type": "local", "channels": 8, "kernel": 5, "stride": 2}
///     {"type": "conv", "channels": 16, "kernel": 5, "stride": 1, "padding": 2}
///
/// `stride` defaults to 1 and `padding` to 0. A `local` layer has unshared k × k receptive fields (a kernel per
/// output position), a `conv` layer one kernel shared by all positions (`ConvolutionGeometry.Sharing`).
public enum LayerSpecification: Sendable, Equatable {
    case fullyConnected(units: Int)
    case locallyConnected(channels: Int, kernel: Int, stride: Int, padding: Int)
    case convolution(channels: Int, kernel: Int, stride: Int, padding: Int)

    /// The `type` names, in the order error messages list them.
    public static let typeNames = ["fc", "local", "conv"]

    /// The largest value of every size key: far above any network this machine trains, small enough that the
    /// size arithmetic stays inside `Int`.
    public static let maximumSize = 1 << 20

    public var typeName: String {
        switch self {
        case .fullyConnected: return "fc"
        case .locallyConnected: return "local"
        case .convolution: return "conv"
        }
    }

    /// Layer `index` of a decoded JSON list.
    public static func parse(_ item: LayerJSON, layer index: Int) throws(LayerError) -> LayerSpecification {
        guard case .object(let fields) = item else { throw .notAnObject(layer: index) }
        guard case .text(let type)? = fields["type"] else { throw .missingKey(layer: index, type: "?", key: "type") }
        let keys: [String]
        switch type {
        case "fc": keys = ["type", "units"]
        case "local", "conv": keys = ["type", "channels", "kernel", "stride", "padding"]
        default: throw .unknownType(layer: index, type: type, suggestion: closestName(to: type, among: typeNames))
        }
        for key in fields.keys.sorted() where !keys.contains(key) {
            throw .unknownKey(layer: index, type: type, key: key, suggestion: closestName(to: key, among: keys))
        }
        func integer(_ key: String, default value: Int? = nil, minimum: Int = 1) throws(LayerError) -> Int {
            guard let raw = fields[key] else {
                guard let value else { throw .missingKey(layer: index, type: type, key: key) }
                return value
            }
            guard case .integer(let integer) = raw, (Int64(minimum)...Int64(maximumSize)).contains(integer) else {
                throw .badValue(layer: index, key: key, value: raw.description, allowed: "\(minimum)...\(maximumSize)")
            }
            return Int(integer)
        }
        switch type {
        case "fc":
            return .fullyConnected(units: try integer("units"))
        case "local":
            return .locallyConnected(
                channels: try integer("channels"), kernel: try integer("kernel"),
                stride: try integer("stride", default: 1), padding: try integer("padding", default: 0, minimum: 0))
        default:
            return .convolution(
                channels: try integer("channels"), kernel: try integer("kernel"),
                stride: try integer("stride", default: 1), padding: try integer("padding", default: 0, minimum: 0))
        }
    }
}

/// A JSON value of a layer list, as much of it as the layers need: objects of strings and numbers.
public enum LayerJSON: Decodable, Sendable, Equatable, CustomStringConvertible {
    case object([String: LayerJSON])
    case text(String)
    case integer(Int64)
    case number(Double)
    /// Anything else (a list, a Boolean, null): refused where a layer or a size is expected.
    case other(String)

    public init(from decoder: any Decoder) throws {
        if let fields = try? decoder.container(keyedBy: AnyLayerKey.self) {
            var object: [String: LayerJSON] = [:]
            for key in fields.allKeys { object[key.stringValue] = try fields.decode(LayerJSON.self, forKey: key) }
            self = .object(object)
            return
        }
        let value = try decoder.singleValueContainer()
        if let flag = try? value.decode(Bool.self) {
            self = .other(String(flag))
        } else if let integer = try? value.decode(Int64.self) {
            self = .integer(integer)
        } else if let number = try? value.decode(Double.self) {
            self = .number(number)
        } else if let text = try? value.decode(String.self) {
            self = .text(text)
        } else if value.decodeNil() {
            self = .other("null")
        } else {
            self = .other("a list")
        }
    }

    public var description: String {
        switch self {
        case .object: return "an object"
        case .text(let text): return "'\(text)'"
        case .integer(let integer): return String(integer)
        case .number(let number): return String(number)
        case .other(let text): return text
        }
    }
}

/// Any string key.
private struct AnyLayerKey: CodingKey {
    let stringValue: String
    init?(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}
