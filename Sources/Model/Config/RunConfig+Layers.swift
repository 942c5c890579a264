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
            fileValue: .list(expected: RunConfig.layerListExpected) { config, items, source throws(ConfigError) in
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

extension RunConfig {
    /// What `wrongType` says an `lrLayers` value that is not a list of numbers must be.
    static let rateListExpected = "a JSON list of learning rates, e.g. [0.2, 0.05]"

    /// The learning rate of hidden layer `index` (0 the first) of a layered network: `lrLayers[index]` where
    /// given, else `lr1`. (The output layer's is `lr2`.)
    ///
    /// - Precondition: `lrLayers` is empty or holds `index` (`validate` checks one rate per layer).
    public func hiddenLearningRate(layer index: Int) -> Float {
        lrLayers.isEmpty ? lr1 : lrLayers[index]
    }
}

extension ConfigKey {
    /// A list of learning rates (`lrLayers`): a JSON list of numbers in a file, the same list or the numbers
    /// separated by commas on the command line (`--lr-layers 0.2,0.05`); empty by default.
    static func rateList(
        _ name: String, _ summary: String, _ path: WritableKeyPath<RunConfig, [Float]> & Sendable
    ) -> ConfigKey {
        @Sendable func rates(_ texts: [String], source: String) throws(ConfigError) -> [Float] {
            var rates: [Float] = []
            for text in texts {
                guard let value = DecimalNumber.float(text) else {
                    throw .wrongType(path: source, key: name, expected: RunConfig.rateListExpected)
                }
                rates.append(value)
            }
            return rates
        }
        return ConfigKey(
            name: name, valueName: "X,X…", summary: summary,
            fileValue: .list(expected: RunConfig.rateListExpected) { config, items, source throws(ConfigError) in
                var texts: [String] = []
                for item in items {
                    switch item {
                    case .integer(let value): texts.append(String(value))
                    case .number(let value): texts.append(String(value))
                    default: throw .wrongType(path: source, key: name, expected: RunConfig.rateListExpected)
                    }
                }
                config[keyPath: path] = try rates(texts, source: source)
            },
            assign: { config, text, source throws(ConfigError) in
                var body = Substring(text.trimmingCharacters(in: .whitespaces))
                if body.hasPrefix("[") && body.hasSuffix("]") { body = body.dropFirst().dropLast() }
                let texts = body.split(separator: ",", omittingEmptySubsequences: false).map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                config[keyPath: path] = body.isEmpty ? [] : try rates(texts, source: source)
            },
            render: { "[" + $0[keyPath: path].map(\.description).joined(separator: ", ") + "]" },
            check: { config in
                config[keyPath: path].allSatisfy { $0.isFinite && $0 >= 0 } ? nil : "finite numbers >= 0"
            })
    }
}
