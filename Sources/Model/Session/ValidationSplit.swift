/// The validation split of the `validation` key: N images of the training set as used (after `trainLimit`)
/// are held out, never trained on, and evaluated after every epoch to choose the best epoch; training shuffles
/// and visits only the other `count − N`, in their original order.
///
/// Which N is `validationSplit`'s choice. `last` (the default): the last N images, a pure function of the data
/// and N, so every run with the same N holds out the same images whatever its seed (MNIST's last 10,000 training
/// images are the classic held-out set). `random`: N images drawn by the run's `seed` — the first N of a
/// Fisher–Yates permutation of the image indices from the `CounterRNG` stream `.validationSplit`, which no epoch
/// shuffle uses — kept in their original order; seeds then differ in their held-out images too, so a spread over
/// seeds includes the choice of split.
public enum ValidationSplit {
    /// `set` split into the images trained on and the `holdOut` held out, both in their order in `set`; nil
    /// validation when `holdOut` is 0.
    /// - Precondition: 0 ≤ holdOut ≤ set.count.
    public static func split(
        _ set: Dataset, holdOut: Int, images: RunConfig.ValidationImages = .last, seed: UInt64 = 0
    ) -> (train: Dataset, validation: Dataset?) {
        precondition(holdOut >= 0 && holdOut <= set.count, "hold out 0...\(set.count) images, not \(holdOut)")
        guard holdOut > 0 else { return (set, nil) }
        let held = heldOut(count: set.count, holdOut: holdOut, images: images, seed: seed)
        var isHeld = [Bool](repeating: false, count: set.count)
        for index in held { isHeld[index] = true }
        let kept = (0..<set.count).filter { !isHeld[$0] }
        return (
            set.gathering(kept, name: set.name), set.gathering(held, name: set.name + " (validation)")
        )
    }

    /// The split a run of `config` uses: `min(validation, set.count)` images chosen by `validationSplit` and
    /// `seed` (a `validation` that leaves no training image is the session's error to report).
    public static func split(_ set: Dataset, for config: RunConfig) -> (train: Dataset, validation: Dataset?) {
        split(set, holdOut: min(config.validation, set.count), images: config.validationSplit, seed: config.seed)
    }

    /// The indices of the held-out images, ascending.
    public static func heldOut(count: Int, holdOut: Int, images: RunConfig.ValidationImages, seed: UInt64) -> [Int] {
        switch images {
        case .last:
            return Array((count - holdOut)..<count)
        case .random:
            let key = CounterRNG.key(seed: seed, stream: .validationSplit)
            return EpochOrder.permutation(count: count, key: key).prefix(holdOut).sorted()
        }
    }
}
