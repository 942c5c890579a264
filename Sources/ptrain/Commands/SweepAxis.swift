import Model

/// What a sweep varies from run to run: the three-layer network's hidden size (`--hidden`), or the size of one
/// layer of a layered network (issue #15, `--layer I.KEY=LIST`: a `local` or `conv` layer's `channels`, an `fc`
/// layer's `units`; layers counted from 0 as in error messages).
enum SweepAxis: Equatable {
    case hidden
    case layer(index: Int, key: String)

    /// The column of results.csv and summary.csv: `hidden`, `layer0_channels`.
    var column: String {
        switch self {
        case .hidden: return "hidden"
        case .layer(let index, let key): return "layer\(index)_\(key)"
        }
    }

    /// The heading of results.md's tables and the x axis: `hidden`, `layer 0 channels`.
    var heading: String {
        switch self {
        case .hidden: return "hidden"
        case .layer(let index, let key): return "layer \(index) \(key)"
        }
    }

    /// A run directory's name before its seed: `h800`, `l0-channels32`.
    func label(_ size: Int) -> String {
        switch self {
        case .hidden: return "h\(size)"
        case .layer(let index, let key): return "l\(index)-\(key)\(size)"
        }
    }

    /// A series of accuracy-vs-epoch.svg: `H = 800`, `layer 0 channels = 32`.
    func seriesLabel(_ size: Int) -> String {
        switch self {
        case .hidden: return "H = \(size)"
        case .layer: return "\(heading) = \(size)"
        }
    }

    /// The figure of accuracy against the swept size.
    var figureName: String { self == .hidden ? "accuracy-vs-hidden.svg" : "accuracy-vs-size.svg" }

    /// Parses `--layer`'s `I.KEY=LIST` (`0.channels=8,16,32`).
    static func parseLayer(_ text: String) throws(UsageError) -> (SweepAxis, [Int]) {
        let invalid = UsageError.invalidValue(
            value: text, option: "--layer",
            reason: "must be LAYER.KEY=SIZES, a layer counted from 0, 'channels' or 'units', and sizes in 1...1048576 "
                + "separated by commas (0.channels=8,16,32)")
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw invalid }
        let target = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard target.count == 2, let index = Int(target[0]), index >= 0, ["channels", "units"].contains(target[1])
        else { throw invalid }
        var sizes: [Int] = []
        for item in parts[1].split(separator: ",", omittingEmptySubsequences: false) {
            guard let size = Int(item.trimmingCharacters(in: .whitespaces)),
                (1...LayerSpecification.maximumSize).contains(size)
            else { throw invalid }
            if !sizes.contains(size) { sizes.append(size) }
        }
        return (.layer(index: index, key: String(target[1])), sizes)
    }

    /// The axis a layered configuration is swept along by `--seeds` alone: its first layer's size.
    static func firstLayer(of config: RunConfig) -> SweepAxis {
        if case .fullyConnected? = config.layers.first { return .layer(index: 0, key: "units") }
        return .layer(index: 0, key: "channels")
    }

    /// Why this axis does not fit `config` (a layer it does not have, a key its type does not have); nil when it
    /// fits.
    func mismatch(with config: RunConfig) -> String? {
        switch self {
        case .hidden:
            return config.layers.isEmpty
                ? nil
                : "a layered network ('layers') has no hidden size to sweep: vary a layer with --layer I.KEY=LIST "
                    + "(0.channels=8,16,32), or give --seeds alone"
        case .layer(let index, let key):
            guard !config.layers.isEmpty else {
                return "--layer sweeps a layer of a layered network ('layers'); this configuration has none: vary "
                    + "its hidden size with --hidden"
            }
            guard index < config.layers.count else {
                return "--layer \(index).\(key): the network has layers 0...\(config.layers.count - 1)"
            }
            let expected: String
            if case .fullyConnected = config.layers[index] { expected = "units" } else { expected = "channels" }
            guard key == expected else {
                return "--layer \(index).\(key): layer \(index) is '\(config.layers[index].typeName)', whose size is "
                    + "'\(expected)'"
            }
            return nil
        }
    }

    /// The swept size of `config`.
    /// - Precondition: `mismatch(with: config)` is nil.
    func size(of config: RunConfig) -> Int {
        switch self {
        case .hidden: return config.hidden
        case .layer(let index, _):
            switch config.layers[index] {
            case .fullyConnected(let units): return units
            case .locallyConnected(let channels, _, _, _), .convolution(let channels, _, _, _): return channels
            }
        }
    }

    /// `config` with the swept size set to `size`.
    /// - Precondition: `mismatch(with: config)` is nil.
    func applying(_ size: Int, to config: RunConfig) -> RunConfig {
        var changed = config
        switch self {
        case .hidden: changed.hidden = size
        case .layer(let index, _):
            switch config.layers[index] {
            case .fullyConnected: changed.layers[index] = .fullyConnected(units: size)
            case .locallyConnected(_, let kernel, let stride, let padding):
                changed.layers[index] = .locallyConnected(
                    channels: size, kernel: kernel, stride: stride, padding: padding)
            case .convolution(_, let kernel, let stride, let padding):
                changed.layers[index] = .convolution(channels: size, kernel: kernel, stride: stride, padding: padding)
            }
        }
        return changed
    }
}
