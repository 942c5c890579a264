import Foundation
import Model
import Testing
import ptrain

@Suite("configuration flags")
struct ConfigFlagsTests {
    /// The flags the command line derives from the model's JSON key names: the same flags the key table listed
    /// when it held them.
    @Test("each flag is the key's JSON name in kebab case")
    func derivedFlags() {
        #expect(
            RunConfig.keys.map(\.flag) == [
                "name", "hidden", "layers", "batch", "epochs", "time-steps", "theta", "tau-m", "dt", "reset",
                "k-free", "k-pos", "eps", "nudge", "beta", "eta-c", "rule", "lr1", "lr2", "lr-layers", "lr-decay",
                "alpha",
                "seed",
                "shards", "train-limit", "test-limit", "validation", "validation-split", "average-from",
                "average-every", "shift",
            ])
    }

    /// `--layers` takes the list a configuration file holds, as JSON text, and gives the same configuration;
    /// a bad list is a usage error naming the flag and the layer.
    @Test("--layers: the file's JSON list as text")
    func layersFlag() throws {
        let list = #"[{"type": "conv", "channels": 32, "kernel": 5, "padding": 2}, {"type": "fc", "units": 1000}]"#
        let key = try #require(RunConfig.key(named: "layers"))
        #expect(key.flag == "layers" && key.valueName == "JSON")
        var overridden = RunConfig()
        try overridden.override(key: key.name, value: list, source: "--\(key.flag)")
        let file = try RunConfig.decode(Data(#"{"layers": \#(list)}"#.utf8), source: "x.json")
        #expect(overridden == file)
        #expect(overridden.jsonText() == file.jsonText())
        let result = try PtrainProcess.run("train", "--layers", #"[{"type": "fc", "units": 0}]"#)
        #expect(result.status == 64 && result.stdout == "")
        #expect(
            result.stderr.hasPrefix(
                #"Error: Invalid value '[{"type": "fc", "units": 0}]' for '--layers': layer 0: key 'units' = 0 "#
                    + "is out of range (allowed: 1...1048576).\n"), "\(result.stderr)")
    }
}
