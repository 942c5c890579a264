/// One configuration key: its JSON name, how to set it from text, and its range.
///
/// The table `RunConfig.keys` is the single source for JSON decoding, command-line overrides, help text and
/// validation, so they can never disagree about which keys exist. The command line derives each key's flag
/// from its name (`timeSteps` → `--time-steps`, Sources/ptrain/CLI/ConfigFlags.swift); the model knows none.
public struct ConfigKey: Sendable {
    /// The JSON key, e.g. `timeSteps`.
    public let name: String
    /// Placeholder for help, e.g. `N`.
    public let valueName: String
    /// One line of help.
    public let summary: String
    /// What a configuration file holds for the key.
    let fileValue: FileValue
    /// Sets the key from command-line text or a JSON scalar rendered as text; throws `ConfigError`.
    let assign: @Sendable (inout RunConfig, _ text: String, _ source: String) throws(ConfigError) -> Void
    /// The key's current value rendered as JSON.
    let render: @Sendable (RunConfig) -> String
    /// Checks the key's range; returns the allowed range text on failure.
    let check: @Sendable (RunConfig) -> String?

    /// The key's value in `config` as JSON text.
    public func jsonValue(in config: RunConfig) -> String { render(config) }

    /// The JSON value a configuration file gives a key, and how decoding passes it on.
    enum FileValue: Sendable {
        /// A string, passed to `assign` as it is.
        case text
        /// A number or null, passed to `assign` as its decimal text (`null` for null).
        case number
        /// A JSON list (`layers`, `lrLayers`), passed to the closure as decoded items; `assign` takes the same
        /// list as JSON text. `expected` is what `wrongType` says a value that is not a list must be.
        case list(
            expected: String, @Sendable (inout RunConfig, [LayerJSON], _ source: String) throws(ConfigError) -> Void)
    }
}

extension RunConfig {
    /// Every key, in the order they are written to `config.json` and listed in help.
    public static let keys: [ConfigKey] = [
        .string(
            "name", "NAME", "run name (run directory runs/<name>-h<H>-s<seed>, with layers <name>-s<seed>)", \.name),
        .int("hidden", "hidden LIF neurons H", \.hidden, 1...1_000_000),
        .layers("layers", "network as a JSON list of layers (fc | local | conv), replacing hidden", \.layers),
        .int("batch", "minibatch (patch) size B", \.batch, 1...100_000),
        .int("epochs", "passes over the training set", \.epochs, 1...100_000),
        .int("timeSteps", "spiking time steps T per sample", \.timeSteps, 1...10_000),
        .float("theta", "firing threshold θ", \.theta, positive: true),
        .optionalFloat("tauM", "membrane time constant τ_m (null: no leak)", \.tauM),
        .float("dt", "time step dt in λ = exp(−dt/τ_m)", \.dt, positive: true),
        .choice("reset", "potential after a spike: subtract (v − θ) | zero", \.reset),
        .int("kFree", "free relaxation steps K_free", \.kFree, 0...100_000),
        .int("kPos", "teaching relaxation steps K_pos", \.kPos, 1...100_000),
        .unitFloat("eps", "relaxation Euler step ε", \.eps, allowZero: false),
        .choice("nudge", "teaching signal: beta | direct | centered", \.nudge),
        .nonZeroFloat("beta", "nudge strength β (nudge = beta); negative nudges away", \.beta),
        .unitFloat("etaC", "direct teaching rate η_c (nudge = direct)", \.etaC, allowZero: false),
        .choice("rule", "synaptic rule: stdp | eqprop", \.rule),
        .float("lr1", "learning rate η1 of W1, b1", \.lr1, positive: false),
        .float("lr2", "learning rate η2 of W2, b2", \.lr2, positive: false),
        .rateList(
            "lrLayers", "learning rate of each layer of layers (replacing lr1; lr2 stays the output's)", \.lrLayers),
        .unitFloat(
            "lrDecay", "learning-rate factor per epoch: lr · lrDecay^(epoch − 1)", \.lrDecay,
            allowZero: false),
        .unitFloat("alpha", "Eq. 11 mix α of V^FF and V^ES", \.alpha, allowZero: true),
        .seed("seed", "seed of everything random", \.seed),
        .int("shards", "logical hidden shards (0: automatic)", \.shards, 0...RunConfig.maximumShards),
        .optionalInt("trainLimit", "use only the first N training images", \.trainLimit),
        .optionalInt("testLimit", "use only the first N test images", \.testLimit),
        .int(
            "validation", "hold out the last N training images to select epochs (0: none)", \.validation,
            0...100_000_000),
        .choice("validationSplit", "images validation holds out: last | random (drawn by the seed)", \.validationSplit),
        .int(
            "averageFrom", "also evaluate the mean weights of epochs N… (0: off)",
            \.averageFrom, 0...100_000),
        .choice("averageEvery", "when the average takes the weights in: epoch | batch", \.averageEvery),
        .int(
            "shift", "move each training image by up to N pixels each way, per sample and epoch (0: off)", \.shift,
            0...1_000),
    ]

    /// Keys that `config.json` leaves out while they hold their default value (added after 1.1 checkpoints: a
    /// configuration that does not use them keeps the bytes, and the configuration hash, it always had).
    static let writtenOnlyWhenSet: Set<String> = [
        "layers", "lrLayers", "reset", "validation", "validationSplit", "averageFrom", "averageEvery",
        "shift",
    ]

    /// The most logical shards any configuration may ask for.
    public static let maximumShards = 65_536

    /// The key with this JSON name, if any.
    public static func key(named name: String) -> ConfigKey? {
        keys.first { $0.name == name }
    }

    /// Checks every key's range; throws the first violation, naming the key and `source`. Then, unless
    /// `combinations` is false (a check of one key's value alone), the ranges that depend on another key:
    /// `shards` may be at most `Network.maximumShards(hidden:)`, one shard per `Network.shardGranularity`
    /// hidden neurons; a larger count is refused, naming the range for that hidden size, never clamped.
    public func validate(source: String, combinations: Bool = true) throws(ConfigError) {
        for key in RunConfig.keys {
            if let allowed = key.check(self) {
                throw .outOfRange(path: source, key: key.name, value: key.render(self), allowed: allowed)
            }
        }
        guard combinations else { return }
        if !lrLayers.isEmpty && lrLayers.count != layers.count {
            throw .outOfRange(
                path: source, key: "lrLayers", value: RunConfig.key(named: "lrLayers")!.render(self),
                allowed: layers.isEmpty
                    ? "[] without layers (the network of hidden has lr1 and lr2)"
                    : "one rate per layer of layers (\(layers.count))")
        }
        let maximum = Network.maximumShards(hidden: hidden)
        if shards > maximum {
            throw .outOfRange(
                path: source, key: "shards", value: String(shards),
                allowed: "0...\(maximum) for \(hidden) hidden \(hidden == 1 ? "neuron" : "neurons")")
        }
    }

    /// The configuration as pretty JSON with keys in table order (what `config.json` holds).
    public func jsonText() -> String {
        let defaults = RunConfig()
        let written = RunConfig.keys.filter {
            !RunConfig.writtenOnlyWhenSet.contains($0.name) || $0.render(self) != $0.render(defaults)
        }
        let lines = written.map { "  \"\($0.name)\": \($0.render(self))" }
        return "{\n" + lines.joined(separator: ",\n") + "\n}\n"
    }
}

// MARK: - Key constructors

extension ConfigKey {
    static func int(
        _ name: String, _ summary: String, _ path: WritableKeyPath<RunConfig, Int> & Sendable,
        _ range: ClosedRange<Int>
    ) -> ConfigKey {
        ConfigKey(
            name: name, valueName: "N", summary: summary, fileValue: .number,
            assign: { config, text, source throws(ConfigError) in
                guard let value = DecimalNumber.integer(text) else {
                    throw .wrongType(path: source, key: name, expected: "an integer")
                }
                config[keyPath: path] = value
            },
            render: { String($0[keyPath: path]) },
            check: { range.contains($0[keyPath: path]) ? nil : "\(range.lowerBound)...\(range.upperBound)" })
    }

    static func optionalInt(
        _ name: String, _ summary: String, _ path: WritableKeyPath<RunConfig, Int?> & Sendable
    ) -> ConfigKey {
        ConfigKey(
            name: name, valueName: "N", summary: summary, fileValue: .number,
            assign: { config, text, source throws(ConfigError) in
                if text == "null" || text == "all" {
                    config[keyPath: path] = nil
                    return
                }
                guard let value = DecimalNumber.integer(text) else {
                    throw .wrongType(path: source, key: name, expected: "an integer or null")
                }
                config[keyPath: path] = value
            },
            render: { $0[keyPath: path].map(String.init) ?? "null" },
            check: { config in
                guard let value = config[keyPath: path] else { return nil }
                return value >= 1 ? nil : "1 or more, or null"
            })
    }

    /// A Float key whose range is decided by `allowed`: nil when the value is acceptable, else the allowed
    /// range as text for the error message.
    static func float(
        _ name: String, _ summary: String, _ path: WritableKeyPath<RunConfig, Float> & Sendable,
        allowed: @escaping @Sendable (Float) -> String?
    ) -> ConfigKey {
        ConfigKey(
            name: name, valueName: "X", summary: summary, fileValue: .number,
            assign: { config, text, source throws(ConfigError) in
                config[keyPath: path] = try parseFloat(text, key: name, source: source)
            },
            render: { renderFloat($0[keyPath: path]) },
            check: { allowed($0[keyPath: path]) })
    }

    /// A Float that must be > 0 (`positive`) or >= 0.
    static func float(
        _ name: String, _ summary: String, _ path: WritableKeyPath<RunConfig, Float> & Sendable,
        positive: Bool
    ) -> ConfigKey {
        float(name, summary, path) { value in
            if positive { return value.isFinite && value > 0 ? nil : "a finite number > 0" }
            return value.isFinite && value >= 0 ? nil : "a finite number >= 0"
        }
    }

    /// A Float in -100...100 other than 0 (β: its sign is meaningful, zero would divide by zero).
    static func nonZeroFloat(
        _ name: String, _ summary: String, _ path: WritableKeyPath<RunConfig, Float> & Sendable
    ) -> ConfigKey {
        float(name, summary, path) { value in
            value.isFinite && value != 0 && abs(value) <= 100 ? nil : "a finite non-zero number in -100...100"
        }
    }

    /// A Float in 0...1, or in (0, 1] when zero is not allowed.
    static func unitFloat(
        _ name: String, _ summary: String, _ path: WritableKeyPath<RunConfig, Float> & Sendable,
        allowZero: Bool
    ) -> ConfigKey {
        float(name, summary, path) { value in
            let ok = allowZero ? (value >= 0 && value <= 1) : (value > 0 && value <= 1)
            return ok ? nil : (allowZero ? "0...1" : "greater than 0, at most 1")
        }
    }

    static func optionalFloat(
        _ name: String, _ summary: String, _ path: WritableKeyPath<RunConfig, Float?> & Sendable
    ) -> ConfigKey {
        ConfigKey(
            name: name, valueName: "X", summary: summary, fileValue: .number,
            assign: { config, text, source throws(ConfigError) in
                if text == "null" || text == "none" {
                    config[keyPath: path] = nil
                    return
                }
                config[keyPath: path] = try parseFloat(text, key: name, source: source)
            },
            render: { $0[keyPath: path].map(renderFloat) ?? "null" },
            check: { config in
                guard let value = config[keyPath: path] else { return nil }
                return value.isFinite && value > 0 ? nil : "a finite number > 0, or null"
            })
    }

    static func string(
        _ name: String, _ valueName: String, _ summary: String,
        _ path: WritableKeyPath<RunConfig, String> & Sendable
    ) -> ConfigKey {
        ConfigKey(
            name: name, valueName: valueName, summary: summary, fileValue: .text,
            assign: { config, text, _ in config[keyPath: path] = text },
            render: { jsonString($0[keyPath: path]) },
            check: { config in
                let value = config[keyPath: path]
                let allowed = value.unicodeScalars.allSatisfy(isNameCharacter)
                return !value.isEmpty && value.count <= 100 && allowed ? nil : "1-100 characters of A-Z a-z 0-9 - _ ."
            })
    }

    static func choice<Choice: RawRepresentable & CaseIterable & Sendable>(
        _ name: String, _ summary: String, _ path: WritableKeyPath<RunConfig, Choice> & Sendable
    ) -> ConfigKey where Choice.RawValue == String {
        let names = Choice.allCases.map(\.rawValue).joined(separator: " | ")
        return ConfigKey(
            name: name, valueName: "NAME", summary: summary, fileValue: .text,
            assign: { config, text, source throws(ConfigError) in
                guard let value = Choice(rawValue: text) else {
                    throw .outOfRange(path: source, key: name, value: jsonString(text), allowed: names)
                }
                config[keyPath: path] = value
            },
            render: { jsonString($0[keyPath: path].rawValue) },
            check: { _ in nil })
    }

    static func seed(
        _ name: String, _ summary: String, _ path: WritableKeyPath<RunConfig, UInt64> & Sendable
    ) -> ConfigKey {
        ConfigKey(
            name: name, valueName: "N", summary: summary, fileValue: .number,
            assign: { config, text, source throws(ConfigError) in
                guard let value = DecimalNumber.unsignedInteger(text) else {
                    throw .wrongType(path: source, key: name, expected: "a non-negative integer")
                }
                config[keyPath: path] = value
            },
            render: { String($0[keyPath: path]) },
            check: { _ in nil })
    }
}

/// A decimal number (`DecimalNumber.float`): hex floats, `nan`, `inf`, a leading `+` and values beyond Float's
/// range are refused, never read as something else.
private func parseFloat(_ text: String, key: String, source: String) throws(ConfigError) -> Float {
    guard let value = DecimalNumber.float(text) else {
        throw .wrongType(path: source, key: key, expected: "a finite decimal number within Float's range")
    }
    return value
}

/// Shortest text that reads back as the same Float (Swift's description is round-trip exact).
private func renderFloat(_ value: Float) -> String { value.description }

/// A JSON string literal with the characters JSON requires escaped.
func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                let padding = String(repeating: "0", count: 4 - hex.count)
                out += "\\u" + padding + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

/// Characters allowed in a run name: it becomes part of a directory name.
private func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": return true
    default: return false
    }
}
