import Foundation
import Model
import Testing

@Suite("Run configuration: JSON, overrides, validation")
struct RunConfigTests {
    static let configsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("configs").path

    func decode(_ json: String) throws(ConfigError) -> RunConfig {
        try RunConfig.decode(Data(json.utf8), source: "test.json")
    }

    @Test("the shipped configurations load with the values they promise")
    func shippedConfigurations() throws {
        let standard = try RunConfig.load(path: Self.configsDirectory + "/mnist-800.json")
        #expect(standard.hidden == 800 && standard.epochs == 20 && standard.batch == 10 && standard.seed == 1)
        let paper = try RunConfig.load(path: Self.configsDirectory + "/paper-4500.json")
        #expect(
            paper.hidden == 4500 && paper.epochs == 100 && paper.batch == 10 && paper.lr1 == 0.05 && paper.lr2 == 0.05)
        // Configurations used for results hold out 10,000 training images to select epochs (issue #13).
        #expect(paper.validation == 10_000)
        // The paper's own one-step teaching signal (Eq. 13), not ptrain's default centered nudging.
        #expect(paper.nudge == .direct && paper.etaC == 0.5)
        let beyond = try RunConfig.load(path: Self.configsDirectory + "/beyond-4500.json")
        #expect(beyond.validation == 10_000 && beyond.averageFrom == 6)
        // The augmented configurations are the runs of docs/results.md made by flags: `beyond-4500.json --shift 1
        // --epochs 20` and `conv-32.json --shift 1`, only the name differs (a run's name never enters its arithmetic).
        var shifted = beyond
        shifted.shift = 1
        shifted.epochs = 20
        shifted.name = "shift-4500"
        #expect(try RunConfig.load(path: Self.configsDirectory + "/shift-4500.json") == shifted)
        var conv = try RunConfig.load(path: Self.configsDirectory + "/conv-32.json")
        conv.shift = 1
        conv.name = "conv-32-shift"
        #expect(try RunConfig.load(path: Self.configsDirectory + "/conv-32-shift.json") == conv)
        #expect(standard.validation == 0)
        let smoke = try RunConfig.load(path: Self.configsDirectory + "/smoke.json")
        #expect(smoke.hidden == 100 && smoke.trainLimit == 3000 && smoke.testLimit == 1000)
    }

    @Test("config.json round trip: jsonText decodes to the same configuration")
    func roundTrip() throws {
        var config = RunConfig()
        config.hidden = 1234
        config.tauM = 20
        config.nudge = .centered
        config.lrDecay = 0.7
        config.beta = -0.25
        config.trainLimit = 500
        #expect(try decode(config.jsonText()) == config)
        // validation is written only when set, so other configurations keep their bytes.
        #expect(!config.jsonText().contains("validation"))
        config.validation = 10_000
        #expect(config.jsonText().contains("\"validation\": 10000"))
        #expect(!config.jsonText().contains("validationSplit"))
        #expect(try decode(config.jsonText()) == config)
        config.validationSplit = .random
        #expect(config.jsonText().hasSuffix("  \"validation\": 10000,\n  \"validationSplit\": \"random\"\n}\n"))
        #expect(try decode(config.jsonText()) == config)
    }

    @Test("validationSplit: last (the default, left out of config.json, hashes unchanged) or random; others refused")
    func validationSplitKey() throws {
        // The configuration of `ptrain train --hidden 300 --epochs 2 --train-limit 5000 --test-limit 1000`, whose
        // hash run.json recorded before the key existed.
        var config = RunConfig()
        config.hidden = 300
        config.shards = 2
        config.trainLimit = 5000
        config.testLimit = 1000
        #expect(RunIdentity.configurationHash(config) == "fnv1a64:78e7dae9bd908831")
        #expect(try decode(#"{"validationSplit": "last"}"#).validationSplit == .last)
        #expect(try decode(#"{"validationSplit": "random"}"#).validationSplit == .random)
        #expect(
            throws: ConfigError.outOfRange(
                path: "test.json", key: "validationSplit", value: "\"middle\"", allowed: "last | random")
        ) { try decode(#"{"validationSplit": "middle"}"#) }
        #expect(
            ConfigError.outOfRange(
                path: "c.json", key: "validationSplit", value: "\"middle\"", allowed: "last | random"
            )
            .description == "c.json: key 'validationSplit' = \"middle\" is out of range (allowed: last | random)")
    }

    @Test("unknown keys name the key and suggest the closest")
    func unknownKey() {
        #expect(throws: ConfigError.unknownKey(path: "test.json", key: "hiden", suggestion: "hidden")) {
            try decode(#"{"hiden": 10}"#)
        }
        #expect(throws: ConfigError.self) { try decode(#"{"zzzzzzzz": 1}"#) }
    }

    @Test(
        "out-of-range and mistyped values name the key",
        arguments: [
            (#"{"eps": 2}"#, "test.json: key 'eps' = 2.0 is out of range (allowed: greater than 0, at most 1)"),
            (#"{"hidden": 0}"#, "test.json: key 'hidden' = 0 is out of range (allowed: 1...1000000)"),
            (#"{"hidden": "many"}"#, "test.json: key 'hidden' must be a number"),
            (
                #"{"nudge": "up"}"#,
                "test.json: key 'nudge' = \"up\" is out of range (allowed: beta | direct | centered)"
            ),
            (#"{"lrDecay": 0}"#, "test.json: key 'lrDecay' = 0.0 is out of range (allowed: greater than 0, at most 1)"),
            (#"[1, 2]"#, "test.json: malformed JSON: the top level must be an object"),
            (
                #"{"hidden": 100, "shards": 3}"#,
                "test.json: key 'shards' = 3 is out of range (allowed: 0...2 for 100 hidden neurons)"
            ),
            (#"{"lr1": 1e999}"#, "test.json: key 'lr1' must be a number"),
            (#"{"lr1": 1e-60}"#, "test.json: key 'lr1' must be a finite decimal number within Float's range"),
            (#"{"lr1": 0x10}"#, "test.json: malformed JSON: The given data was not valid JSON."),
            (#"{"seed": -1}"#, "test.json: key 'seed' must be a non-negative integer"),
        ])
    func badValues(json: String, message: String) {
        do {
            _ = try decode(json)
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("overrides from text use the JSON key names")
    func overrides() throws {
        var config = RunConfig()
        try config.override(key: "timeSteps", value: "12", source: "test")
        try config.override(key: "tauM", value: "null", source: "test")
        try config.override(key: "lrDecay", value: "0.5", source: "test")
        #expect(config.timeSteps == 12 && config.tauM == nil && config.lrDecay == 0.5)
        #expect(throws: ConfigError.self) { try config.override(key: "hidden", value: "1.5", source: "test") }
    }

    @Test("learning-rate decay and automatic shard counts")
    func derivedValues() {
        var config = RunConfig()
        #expect(config.learningRateFactor(epoch: 5) == 1)
        config.lrDecay = 0.5
        #expect(config.learningRateFactor(epoch: 1) == 1)
        #expect(config.learningRateFactor(epoch: 3) == 0.25)
        #expect([100, 500, 800, 1000, 4500].map { RunConfig.automaticShardCount(hidden: $0) } == [1, 3, 8, 8, 32])
        config.hidden = 200
        config.shards = 10
        #expect(config.resolvedShards == 4)  // 200 neurons are 4 blocks of 64
        config.tauM = 20
        #expect(abs(config.leak - Float(exp(-1.0 / 20))) < 1e-7)
    }

    @Test(
        "a number is decimal digits: hex, nan, inf, a leading '+', spaces and values beyond Float are refused",
        arguments: [
            ("lr1", "0x1p-3", "a finite decimal number within Float's range"),
            ("lr1", "nan", "a finite decimal number within Float's range"),
            ("lr1", "inf", "a finite decimal number within Float's range"),
            ("lr1", "infinity", "a finite decimal number within Float's range"),
            ("lr1", "1e999", "a finite decimal number within Float's range"),
            ("lr1", "1e-50", "a finite decimal number within Float's range"),
            ("lr1", "+0.1", "a finite decimal number within Float's range"),
            ("lr1", " 0.1", "a finite decimal number within Float's range"),
            ("lr1", "0.1 ", "a finite decimal number within Float's range"),
            ("lr1", "1e", "a finite decimal number within Float's range"),
            ("lr1", ".", "a finite decimal number within Float's range"),
            ("seed", "0x10", "a non-negative integer"),
            ("seed", "+5", "a non-negative integer"),
            ("hidden", "+100", "an integer"),
            ("hidden", "1e3", "an integer"),
            ("hidden", " 100", "an integer"),
            ("tauM", "inf", "a finite decimal number within Float's range"),
            ("trainLimit", "0x10", "an integer or null"),
        ])
    func nonDecimalNumbers(name: String, text: String, expected: String) {
        var config = RunConfig()
        #expect(throws: ConfigError.wrongType(path: "test", key: name, expected: expected)) {
            try config.override(key: name, value: text, source: "test")
        }
    }

    @Test("decimal numbers in every accepted form")
    func decimalNumbers() throws {
        #expect(DecimalNumber.float("0.125") == 0.125)
        #expect(DecimalNumber.float("-2") == -2)
        #expect(DecimalNumber.float(".5") == 0.5)
        #expect(DecimalNumber.float("5.") == 5)
        #expect(DecimalNumber.float("1e-05") == 1e-5)
        #expect(DecimalNumber.float("2.5E+3") == 2500)
        #expect(DecimalNumber.float("0.0e7") == 0)
        #expect(DecimalNumber.float("1e-40") == Float("1e-40"))  // subnormal, not zero: kept
        #expect(DecimalNumber.integer("-3") == -3)
        #expect(DecimalNumber.integer("007") == 7)
        #expect(DecimalNumber.integer("99999999999999999999") == nil)
        #expect(DecimalNumber.unsignedInteger("18446744073709551615") == UInt64.max)
        #expect(DecimalNumber.unsignedInteger("-0") == nil)
    }

    @Test("shards above one per 64 hidden neurons are refused, naming the range for that size")
    func shardsBeyondTheHiddenSize() throws {
        var config = RunConfig()
        config.hidden = 200
        config.shards = 4
        try config.validate(source: "x")
        config.shards = 5
        #expect(
            throws: ConfigError.outOfRange(
                path: "x", key: "shards", value: "5", allowed: "0...4 for 200 hidden neurons")
        ) { try config.validate(source: "x") }
        try config.validate(source: "x", combinations: false)  // one key's own range: 0...65536
    }
}

/// The `layers` key (issue #15): a JSON list in a file and on the command line, one canonical line in
/// `config.json`, one-line errors naming the source, the layer and the key.
extension RunConfigTests {
    static let twoLayers =
        #"[{"type": "conv", "channels": 32, "kernel": 5, "stride": 1, "padding": 2}, "#
        + #"{"type": "fc", "units": 1000}]"#
    static let twoLayerList: [LayerSpecification] = [
        .convolution(channels: 32, kernel: 5, stride: 1, padding: 2), .fullyConnected(units: 1000),
    ]

    func decodeFile(_ json: String, source: String = "configs/x.json") throws(ConfigError) -> RunConfig {
        try RunConfig.decode(Data(json.utf8), source: source)
    }

    @Test("a file's two-layer list decodes to those layers, stride and padding defaulted")
    func decodesAList() throws {
        let config = try decodeFile(
            """
            {"name": "conv", "layers": [{"type": "conv", "channels": 32, "kernel": 5, "padding": 2},
                                        {"units": 1000, "type": "fc"}]}
            """)
        #expect(config.layers == Self.twoLayerList)
        var expected = RunConfig()
        expected.name = "conv"
        expected.layers = Self.twoLayerList
        #expect(config == expected)
        #expect(
            try decodeFile(#"{"layers": [{"type": "local", "channels": 8, "kernel": 5, "stride": 2}]}"#).layers == [
                .locallyConnected(channels: 8, kernel: 5, stride: 2, padding: 0)
            ])
    }

    @Test("config.json writes the list on one line after hidden, and reads it back equal")
    func rendersAndRoundTrips() throws {
        var config = RunConfig()
        config.layers = Self.twoLayerList
        #expect(RunConfig.key(named: "layers")?.jsonValue(in: config) == Self.twoLayers)
        #expect(config.jsonText().contains("  \"hidden\": 800,\n  \"layers\": \(Self.twoLayers),\n  \"batch\": 10,\n"))
        #expect(try decodeFile(config.jsonText()) == config)
        config.layers = [
            .fullyConnected(units: 1), .locallyConnected(channels: 8, kernel: 5, stride: 2, padding: 0),
            .convolution(channels: 1_048_576, kernel: 3, stride: 3, padding: 1),
        ]
        #expect(
            LayerSpecification.jsonText(config.layers)
                == #"[{"type": "fc", "units": 1}, {"type": "local", "channels": 8, "kernel": 5, "stride": 2, "#
                + #""padding": 0}, {"type": "conv", "channels": 1048576, "kernel": 3, "stride": 3, "padding": 1}]"#)
        #expect(try decodeFile(config.jsonText()) == config)
        #expect(LayerSpecification.jsonText([]) == "[]")
    }

    @Test("a configuration without layers keeps config.json's bytes and hash")
    func withoutLayersUnchanged() {
        let expected = """
            {
              "name": "mnist-800",
              "hidden": 800,
              "batch": 10,
              "epochs": 100,
              "timeSteps": 20,
              "theta": 1.0,
              "tauM": null,
              "dt": 1.0,
              "kFree": 5,
              "kPos": 4,
              "eps": 0.5,
              "nudge": "centered",
              "beta": 0.5,
              "etaC": 0.5,
              "rule": "stdp",
              "lr1": 0.05,
              "lr2": 0.05,
              "lrDecay": 1.0,
              "alpha": 0.0,
              "seed": 1,
              "shards": 0,
              "trainLimit": null,
              "testLimit": null
            }

            """
        #expect(RunConfig().jsonText() == expected)
        var config = RunConfig()
        config.hidden = 300
        config.shards = 2
        config.trainLimit = 5000
        config.testLimit = 1000
        #expect(RunIdentity.configurationHash(config) == "fnv1a64:78e7dae9bd908831")
    }

    @Test("--layers takes the same list as text and gives the same configuration as the file")
    func overrideEqualsFile() throws {
        var overridden = RunConfig()
        try overridden.override(key: "layers", value: Self.twoLayers, source: "--layers")
        #expect(overridden == (try decodeFile(#"{"layers": \#(Self.twoLayers)}"#)))
        #expect(overridden.layers == Self.twoLayerList)
    }

    @Test(
        "a bad list names the source, the layer and the key",
        arguments: [
            (
                #"{"layers": 5}"#,
                #"configs/x.json: key 'layers' must be a JSON list of layers, e.g. "#
                    + #"[{"type": "fc", "units": 1000}]"#
            ),
            (
                #"{"layers": {"type": "fc"}}"#,
                #"configs/x.json: key 'layers' must be a JSON list of layers, e.g. "#
                    + #"[{"type": "fc", "units": 1000}]"#
            ),
            (
                #"{"layers": []}"#,
                "configs/x.json: layers: the list is empty (give at least one layer, or use 'hidden')"
            ),
            (
                #"{"layers": [{"type": "fc", "units": 10}, {"type": "cnv", "channels": 4, "kernel": 3}]}"#,
                "configs/x.json: layers: layer 1: unknown type 'cnv'. Did you mean 'conv'?"
            ),
            (
                #"{"layers": [{"type": "fc", "unit": 10}]}"#,
                "configs/x.json: layers: layer 0 (fc): unknown key 'unit'. Did you mean 'units'?"
            ),
            (
                #"{"layers": [{"type": "fc", "units": 2.5}]}"#,
                "configs/x.json: layers: layer 0: key 'units' = 2.5 is out of range (allowed: 1...1048576)"
            ),
            (
                #"{"layers": [{"type": "conv", "channels": "8", "kernel": 3}]}"#,
                "configs/x.json: layers: layer 0: key 'channels' = '8' is out of range (allowed: 1...1048576)"
            ),
            (#"{"layers": [[1]]}"#, #"configs/x.json: layers: layer 0: not an object (write {"type": "conv", …})"#),
            (#"{"layers": [{"type": "fc"}]}"#, "configs/x.json: layers: layer 0 (fc): missing key 'units'"),
        ])
    func badLists(json: String, message: String) {
        do {
            _ = try decodeFile(json)
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("the command line reports the same errors, naming --layers")
    func badOverrides() {
        var config = RunConfig()
        #expect(
            throws: ConfigError.badLayers(path: "--layers", reason: "layer 0: unknown type 'cnv'. Did you mean 'conv'?")
        ) { try config.override(key: "layers", value: #"[{"type": "cnv"}]"#, source: "--layers") }
        #expect(
            throws: ConfigError.badLayers(
                path: "--layers", reason: "the list is empty (give at least one layer, or use 'hidden')")
        ) { try config.override(key: "layers", value: "[]", source: "--layers") }
        for text in ["fc", "5", #"{"type": "fc", "units": 10}"#, "[{"] {
            #expect(
                throws: ConfigError.wrongType(
                    path: "--layers", key: "layers",
                    expected: #"a JSON list of layers, e.g. [{"type": "fc", "units": 1000}]"#)
            ) { try config.override(key: "layers", value: text, source: "--layers") }
        }
        #expect(config.layers.isEmpty)
        #expect(
            ConfigError.badLayers(path: "configs/x.json", reason: "layer 1: unknown type 'cnv'. Did you mean 'conv'?")
                .description == "configs/x.json: layers: layer 1: unknown type 'cnv'. Did you mean 'conv'?")
    }

    @Test("a layered configuration's run directory leaves out the hidden size")
    func runDirectoryName() {
        var config = RunConfig()
        config.name = "conv"
        config.seed = 3
        #expect(config.runDirectoryName == "conv-h800-s3")
        config.layers = Self.twoLayerList
        #expect(config.runDirectoryName == "conv-s3")
    }

    @Test("validate refuses a list built in code with sizes parse would refuse")
    func validatesSizes() throws {
        var config = RunConfig()
        config.layers = [.fullyConnected(units: 10)]
        try config.validate(source: "x")
        config.layers = [.fullyConnected(units: 0)]
        #expect(
            throws: ConfigError.outOfRange(
                path: "x", key: "layers", value: #"[{"type": "fc", "units": 0}]"#,
                allowed: "layers whose sizes are 1...1048576 (padding from 0)")
        ) { try config.validate(source: "x") }
    }
}

/// The `lrLayers` key (issue #15): one learning rate per layer of `layers`, a JSON list in a file, the same list or
/// comma-separated numbers on the command line, written to `config.json` only when given.
extension RunConfigTests {
    @Test("lrLayers: a file's list, --lr-layers as a list or as commas, the same configuration; written only when set")
    func layerRates() throws {
        let file = try decodeFile(#"{"layers": \#(Self.twoLayers), "lrLayers": [0.2, 0.05]}"#)
        #expect(file.lrLayers == [0.2, 0.05])
        #expect(file.hiddenLearningRate(layer: 0) == 0.2 && file.hiddenLearningRate(layer: 1) == 0.05)
        for text in ["0.2,0.05", "[0.2, 0.05]", " 0.2 , 0.05 "] {
            var overridden = RunConfig()
            overridden.layers = Self.twoLayerList
            try overridden.override(key: "lrLayers", value: text, source: "--lr-layers")
            #expect(overridden == file, "\(text)")
        }
        #expect(file.jsonText().contains("  \"lr2\": 0.05,\n  \"lrLayers\": [0.2, 0.05],\n  \"lrDecay\": 1.0,\n"))
        var plain = file
        plain.lrLayers = []
        #expect(!plain.jsonText().contains("lrLayers"))
        #expect(plain.hiddenLearningRate(layer: 1) == plain.lr1)
        #expect(try decodeFile(#"{"layers": \#(Self.twoLayers), "lrLayers": [1, 0]}"#).lrLayers == [1, 0])
    }

    @Test(
        "lrLayers: a bad value names the source and the key",
        arguments: [
            (
                #"{"layers": [{"type": "fc", "units": 10}], "lrLayers": [0.1, 0.2]}"#,
                "configs/x.json: key 'lrLayers' = [0.1, 0.2] is out of range (allowed: one rate per layer of layers (1))"
            ),
            (
                #"{"lrLayers": [0.1]}"#,
                "configs/x.json: key 'lrLayers' = [0.1] is out of range "
                    + "(allowed: [] without layers (the network of hidden has lr1 and lr2))"
            ),
            (
                #"{"layers": [{"type": "fc", "units": 10}], "lrLayers": [-0.1]}"#,
                "configs/x.json: key 'lrLayers' = [-0.1] is out of range (allowed: finite numbers >= 0)"
            ),
            (
                #"{"layers": [{"type": "fc", "units": 10}], "lrLayers": 0.1}"#,
                "configs/x.json: key 'lrLayers' must be a JSON list of learning rates, e.g. [0.2, 0.05]"
            ),
            (
                #"{"layers": [{"type": "fc", "units": 10}], "lrLayers": ["0.1"]}"#,
                "configs/x.json: key 'lrLayers' must be a JSON list of learning rates, e.g. [0.2, 0.05]"
            ),
        ])
    func badLayerRates(json: String, message: String) {
        do {
            _ = try decodeFile(json)
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("--lr-layers refuses text that is not numbers, naming the flag")
    func badLayerRateOverrides() {
        var config = RunConfig()
        for text in ["fast", "0.1,,0.2", "0x1p-3", "0.1;0.2"] {
            #expect(
                throws: ConfigError.wrongType(
                    path: "--lr-layers", key: "lrLayers", expected: "a JSON list of learning rates, e.g. [0.2, 0.05]")
            ) { try config.override(key: "lrLayers", value: text, source: "--lr-layers") }
        }
        #expect(config.lrLayers.isEmpty)
    }
}
