/// Counter-based random numbers: every number is a pure function of a key and a counter, so any thread can
/// draw the numbers of any sample at any time and get the same values (spec, step 1: "drawn from a
/// counter-based RNG keyed by (seed, epoch, sample index, t)"). The mixer is SplitMix64's finaliser, a
/// bijection of 64-bit words with full avalanche.
public enum CounterRNG {
    /// What the numbers are for; part of every key so that no two uses share a stream.
    public enum Stream: UInt64, Sendable {
        case initialWeightsInput = 1
        case initialWeightsOutput = 2
        case shuffle = 3
        case trainingSpikes = 4
        case testSpikes = 5
        /// The images a `validationSplit = random` run holds out (drawn once per run, epoch 0).
        case validationSplit = 6
        /// The initial weights of a layered network (issue #15), one stream per layer (`index`).
        case layerWeights = 7
        /// The translation of each training image (`shift`, `ImageShift`): one number per (epoch, sample).
        case imageShift = 8
    }

    /// SplitMix64 finaliser.
    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The key of one stream of numbers: (seed, stream, epoch, index) → 64 bits.
    @inline(__always)
    public static func key(seed: UInt64, stream: Stream, epoch: UInt64 = 0, index: UInt64 = 0) -> UInt64 {
        var k = mix(seed ^ 0x5054_5241_494E_0000)  // "PTRAIN"
        k = mix(k ^ stream.rawValue)
        k = mix(k ^ epoch)
        return mix(k ^ index)
    }

    /// The `counter`-th 64-bit number of the stream `key`.
    @inline(__always)
    public static func value(key: UInt64, counter: UInt64) -> UInt64 {
        mix(key &+ counter &* 0xD1B5_4A32_D192_ED03)
    }

    /// A float uniform in [0, 1) with 24 random bits.
    @inline(__always)
    public static func unitFloat(key: UInt64, counter: UInt64) -> Float {
        Float(value(key: key, counter: counter) >> 40) * 0x1p-24
    }
}
