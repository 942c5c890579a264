/// The validation split of the `validation` key: the **last** N images of the training set as used (after
/// `trainLimit`) are held out, never trained on, and evaluated after every epoch to choose the best epoch;
/// training shuffles and visits only the first `count − N`. The split is a pure function of the data and N (no
/// seed), so every run with the same N holds out the same images and the test set stays untouched until it
/// is reported. MNIST's last 10,000 training images are the classic held-out set.
public enum ValidationSplit {
    /// `set` split into its first `set.count − holdOut` images and its last `holdOut`; nil validation when
    /// `holdOut` is 0.
    /// - Precondition: 0 ≤ holdOut ≤ set.count.
    public static func split(_ set: Dataset, holdOut: Int) -> (train: Dataset, validation: Dataset?) {
        precondition(holdOut >= 0 && holdOut <= set.count, "hold out 0...\(set.count) images, not \(holdOut)")
        guard holdOut > 0 else { return (set, nil) }
        let kept = set.count - holdOut
        let pixels = set.pixelsPerImage
        let train = Dataset(
            name: set.name, rows: set.rows, columns: set.columns, pixels: Array(set.pixels[0..<(kept * pixels)]),
            labels: Array(set.labels[0..<kept]))
        let validation = Dataset(
            name: set.name + " (validation)", rows: set.rows, columns: set.columns,
            pixels: Array(set.pixels[(kept * pixels)...]), labels: Array(set.labels[kept...]))
        return (train, validation)
    }
}
