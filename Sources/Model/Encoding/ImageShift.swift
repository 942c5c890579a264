import Parallel

/// A random translation of a training image before it is rate-coded (the `shift` key: data augmentation).
///
/// Each training sample is moved, in each epoch, by (dy, dx) drawn uniformly from −m…m for the maximum m:
/// the moved image's pixel (r, c) is the original's (r − dy, c − dx), and pixels moved in from outside the
/// image are 0 (no intensity: they never spike). The offsets come from `CounterRNG` keyed by (seed, epoch,
/// sample), so they depend on neither the thread nor the rank that encodes the sample, and a resumed epoch
/// moves its images as the uninterrupted one did. Only training images move; validation and test images are
/// encoded as they are.
///
/// Not in the paper (whose network sees each image as it is); translation augmentation is the oldest of the
/// standard ones for MNIST (Simard et al. 2003). Every result trained with it says so (docs/results.md).
public struct ImageShift: Sendable, Equatable {
    /// The largest move m in pixels, each way, along each side (≥ 1).
    public let maximum: Int
    public let seed: UInt64
    /// The image's layout: rows × columns × channels, channels last (`LayeredSession.inputShape(of:)`).
    public let rows: Int
    public let columns: Int
    public let channels: Int

    /// nil when `maximum` is 0 (no augmentation).
    /// - Precondition: `image` is an image (`isImage`) with more than `maximum` rows and columns
    ///   (`SessionData` refuses other data with a message first).
    public init?(maximum: Int, seed: UInt64, image: ActivationShape) {
        guard maximum > 0 else { return nil }
        precondition(
            image.isImage && maximum < image.rows && maximum < image.columns,
            "a shift of \(maximum) needs an image larger than \(maximum) × \(maximum), not \(image)")
        self.maximum = maximum
        self.seed = seed
        rows = image.rows
        columns = image.columns
        channels = image.channels
    }

    /// Values per image.
    public var inputs: Int { rows * columns * channels }

    /// The move (dy, dx) of `sample` in `epoch`, each in −maximum…maximum: the high and low halves of one
    /// 64-bit number mapped by multiply-shift (bias below 2⁻²⁸ for a maximum under 8).
    public func offset(epoch: UInt64, sample: UInt64) -> (dy: Int, dx: Int) {
        let random = CounterRNG.value(
            key: CounterRNG.key(seed: seed, stream: .imageShift, epoch: epoch, index: sample), counter: 0)
        let choices = UInt64(2 * maximum + 1)
        let dy = Int(((random >> 32) &* choices) >> 32) - maximum
        let dx = Int(((random & 0xFFFF_FFFF) &* choices) >> 32) - maximum
        return (dy, dx)
    }

    /// Writes `image` moved by (dy, dx) into `moved` (`inputs` values each): row r of `moved` is row r − dy of
    /// `image` shifted by dx columns, with `zero` where that falls outside.
    /// - Precondition: both hold `inputs` values; |dy| < rows and |dx| < columns.
    public func move<Value>(
        _ image: UnsafeBufferPointer<Value>, by offset: (dy: Int, dx: Int),
        into moved: UnsafeMutableBufferPointer<Value>,
        zero: Value
    ) {
        precondition(
            image.count == inputs && moved.count == inputs,
            "move: \(image.count) and \(moved.count) values for \(inputs)")
        precondition(abs(offset.dy) < rows && abs(offset.dx) < columns, "move by \(offset) on \(rows) × \(columns)")
        moved.update(repeating: zero)
        let rowLength = columns * channels
        // Columns c with 0 ≤ c − dx < columns, as a range of values within a row (channels last).
        let firstColumn = max(0, offset.dx)
        let lastColumn = min(columns, columns + offset.dx)
        let count = (lastColumn - firstColumn) * channels
        for r in max(0, offset.dy)..<min(rows, rows + offset.dy) {
            let target = r * rowLength + firstColumn * channels
            let source = (r - offset.dy) * rowLength + (firstColumn - offset.dx) * channels
            // This is safe because both ranges lie inside one row of their `inputs`-value buffers (checked above).
            for k in 0..<count { moved[target + k] = image[source + k] }
        }
    }
}
