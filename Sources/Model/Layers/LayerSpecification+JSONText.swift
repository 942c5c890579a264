/// The canonical JSON of a layer, as `config.json` writes it: one compact object on one line, `type` first, then
/// the type's keys in a fixed order with `stride` and `padding` always written (never left to their defaults),
/// `": "` after every key and `", "` between fields:
///
///     {"type": "fc", "units": 1000}
///     {"type": "local", "channels": 8, "kernel": 5, "stride": 2, "padding": 0}
///     {"type": "conv", "channels": 32, "kernel": 5, "stride": 1, "padding": 2}
///
/// `LayerSpecification.parse` reads it back as the same layer.
extension LayerSpecification {
    /// This layer as canonical JSON text.
    public var jsonText: String {
        switch self {
        case .fullyConnected(let units):
            return #"{"type": "fc", "units": \#(units)}"#
        case .locallyConnected(let channels, let kernel, let stride, let padding),
            .convolution(let channels, let kernel, let stride, let padding):
            return #"{"type": "\#(typeName)", "channels": \#(channels), "kernel": \#(kernel), "#
                + #""stride": \#(stride), "padding": \#(padding)}"#
        }
    }

    /// A list of layers as canonical JSON text: the layers' `jsonText` in order, joined by `", "`, in brackets
    /// (`[]` for none).
    public static func jsonText(_ layers: [LayerSpecification]) -> String {
        "[" + layers.map(\.jsonText).joined(separator: ", ") + "]"
    }
}
