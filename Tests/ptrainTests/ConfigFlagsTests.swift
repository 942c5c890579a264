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
                "name", "hidden", "batch", "epochs", "time-steps", "theta", "tau-m", "dt", "reset", "k-free", "k-pos",
                "eps", "nudge", "beta", "eta-c", "rule", "lr1", "lr2", "lr-decay", "alpha", "seed", "shards",
                "train-limit", "test-limit", "validation", "validation-split", "average-from",
                "average-every",
            ])
    }
}
