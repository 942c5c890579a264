/// The order in which an epoch visits the training set: a Fisher–Yates permutation drawn from
/// `CounterRNG` keyed by (seed, epoch), so any epoch's order can be recomputed (for resuming) without
/// replaying the ones before it.
public enum EpochOrder {
    /// A permutation of `0..<count` for `epoch` (1-based epochs give different orders).
    public static func permutation(count: Int, seed: UInt64, epoch: Int) -> [Int] {
        permutation(count: count, key: CounterRNG.key(seed: seed, stream: .shuffle, epoch: UInt64(epoch)))
    }

    /// The Fisher–Yates permutation of `0..<count` drawn from the `CounterRNG` stream `key` (another stream
    /// than the epochs' gives another permutation: the random validation split draws its images this way).
    public static func permutation(count: Int, key: UInt64) -> [Int] {
        var order = Array(0..<count)
        guard count > 1 else { return order }
        for i in stride(from: count - 1, to: 0, by: -1) {
            // Multiply-shift maps 64 random bits to 0...i (bias below 2⁻³² for MNIST sizes).
            let random = CounterRNG.value(key: key, counter: UInt64(i))
            let j = Int(random.multipliedFullWidth(by: UInt64(i + 1)).high)
            order.swapAt(i, j)
        }
        return order
    }
}
