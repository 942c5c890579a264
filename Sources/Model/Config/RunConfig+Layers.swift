import Foundation

/// The `layers` key (issue #15): a network given as a list of layers instead of `hidden`. A configuration file
/// holds it as a JSON list of objects, the command line (`--layers`) as the same list in JSON text; both go
/// through `RunConfig.layerSpecifications(_:source:)`, so they give equal configurations. `config.json` writes it
/// only when the list is not empty, as `LayerSpecification.jsonText(_:)` renders it (one line, keys in a fixed
/// order, `stride` and `padding` always written), which decodes back to the same list.
extension RunConfig {
    /// What `wrongType` says a `layers` value that is not a list must be.
    static let layerListExpected = #"a JSON list of layers, e.g. [{"type": "fc", "units": 1000}]"#

    /// The layers of a decoded JSON list; `source` names the file or flag in errors. An empty list is refused
    /// (`LayerError.empty`): a configuration without layers leaves the key out.
    public static func layerSpecifications(
        _ items: [LayerJSON], source: String
    ) throws(ConfigError) -> [LayerSpecification] {
        do throws(LayerError) {
            guard !items.isEmpty else { throw .empty }
            var layers: [LayerSpecification] = []
            for (index, item) in items.enumerated() { layers.append(try LayerSpecification.parse(item, layer: index)) }
            return layers
        } catch {
            let text = error.description
            let prefix = "layers: "
            throw .badLayers(path: source, reason: text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text)
        }
    }

    /// The layers of a JSON list given as text (the command line's `--layers`), as a file's list decodes.
    public static func layerSpecifications(
        jsonText text: String, source: String
    ) throws(ConfigError) -> [LayerSpecification] {
        guard let items = try? JSONDecoder().decode([LayerJSON].self, from: Data(text.utf8)) else {
            throw .wrongType(path: source, key: "layers", expected: layerListExpected)
        }
        return try layerSpecifications(items, source: source)
    }
}

extension ConfigKey {
    /// The `layers` key: a list of `LayerSpecification`, empty by default (the classic network of `hidden`).
    static func layers(
        _ name: String, _ summary: String, _ path: WritableKeyPath<RunConfig, [LayerSpecification]> & Sendable
    ) -> ConfigKey {
        ConfigKey(
            name: name, valueName: "JSON", summary: summary,
            fileValue: .layerList { config, items, source throws(ConfigError) in
                config[keyPath: path] = try RunConfig.layerSpecifications(items, source: source)
            },
            assign: { config, text, source throws(ConfigError) in
                config[keyPath: path] = try RunConfig.layerSpecifications(jsonText: text, source: source)
            },
            render: { LayerSpecification.jsonText($0[keyPath: path]) },
            check: { config in
                config[keyPath: path].allSatisfy(sizesInRange)
                    ? nil : "layers whose sizes are 1...\(LayerSpecification.maximumSize) (padding from 0)"
            })
    }
}

/// Whether every size of `layer` is one `LayerSpecification.parse` accepts (a list built in code, not parsed,
/// may hold others).
private func sizesInRange(_ layer: LayerSpecification) -> Bool {
    let sizes = 1...LayerSpecification.maximumSize
    switch layer {
    case .fullyConnected(let units):
        return sizes.contains(units)
    case .locallyConnected(let channels, let kernel, let stride, let padding),
        .convolution(let channels, let kernel, let stride, let padding):
        return sizes.contains(channels) && sizes.contains(kernel) && sizes.contains(stride)
            && (0...LayerSpecification.maximumSize).contains(padding)
    }
}
