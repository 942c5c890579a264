/// The test targets' one fixed-seed generator: SplitMix64 (Steele, Lea & Flood 2014, the seeding generator of
/// xoshiro), written here so test data never depends on the standard library's random algorithms. Fixed seeds
/// everywhere. A `RandomNumberGenerator`, so `Float.random(in:using:)` and `shuffled(using:)` take it too.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An integer in `range` (the modulo bias does not matter for test data).
    public mutating func int(in range: Range<Int>) -> Int {
        precondition(!range.isEmpty, "SplitMix64.int: empty range")
        return range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// A float in `range`, on a grid of 2^-24 of its length.
    public mutating func float(in range: Range<Float>) -> Float {
        let unit = Float(next() >> 40) * 0x1p-24
        return range.lowerBound + (range.upperBound - range.lowerBound) * unit
    }

    public mutating func floats(_ count: Int, in range: Range<Float>) -> [Float] {
        var values = [Float]()
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(float(in: range)) }
        return values
    }

    /// True with the given probability.
    public mutating func chance(_ probability: Double) -> Bool {
        Double(next() >> 11) * 0x1p-53 < probability
    }
}
