import Parallel

/// One shard's per-batch state and W2ᵀ block as buffer pointers, for the per-sample relaxation loop: it touches
/// every shard 13 times per sample, and going through the class references cost an atomic retain/release pair
/// per access, on reference counts shared by both threads (4% of two-thread training time in `perf record`;
/// docs/performance.md, "Final build").
///
/// A view exists only inside `Trainer.withShardViews`, which keeps the buffers alive; it must not escape that
/// scope. Its accessors check the sample slot with `assert` and slice with `extracting` (both checked in debug
/// builds only), as swift-collections' `_UnsafeHandle` does.
struct ShardView {
    let width: Int
    /// Sample slots in each per-batch buffer.
    private let capacity: Int
    private let drive: UnsafeMutableBufferPointer<Float>
    private let free: UnsafeMutableBufferPointer<Float>
    private let nudged: UnsafeMutableBufferPointer<Float>
    /// The update's operands, `2 · capacity × width` (`ShardState.deltas`).
    let deltas: UnsafeMutableBufferPointer<Float>
    /// The shard's W2ᵀ block, `outputs × width`.
    let feedback: UnsafeMutableBufferPointer<Float>

    init(
        width: Int, drive: UnsafeMutableBufferPointer<Float>, free: UnsafeMutableBufferPointer<Float>,
        nudged: UnsafeMutableBufferPointer<Float>, deltas: UnsafeMutableBufferPointer<Float>,
        feedback: UnsafeMutableBufferPointer<Float>
    ) {
        self.width = width
        capacity = drive.count / max(1, width)
        precondition(
            free.count >= capacity * width && nudged.count >= capacity * width && deltas.count >= 2 * capacity * width,
            "shard state buffers disagree on the batch capacity")
        self.drive = drive
        self.free = free
        self.nudged = nudged
        self.deltas = deltas
        self.feedback = feedback
    }

    /// Sample `b`'s `width` drives Σ_t I_h / T.
    func drive(sample b: Int) -> UnsafeMutableBufferPointer<Float> { slot(drive, b) }

    /// Sample `b`'s `width` free-phase potentials.
    func free(sample b: Int) -> UnsafeMutableBufferPointer<Float> { slot(free, b) }

    /// Sample `b`'s `width` nudged potentials.
    func nudged(sample b: Int) -> UnsafeMutableBufferPointer<Float> { slot(nudged, b) }

    /// The drives of the first `batch` samples, `batch × width`, sample-major.
    func drives(batch: Int) -> UnsafeMutableBufferPointer<Float> { drive.extracting(0..<(batch * width)) }

    /// The free (`nudged: false`) or nudged potentials of the first `batch` samples, `batch × width`.
    func potentials(batch: Int, nudged isNudged: Bool) -> UnsafeMutableBufferPointer<Float> {
        (isNudged ? nudged : free).extracting(0..<(batch * width))
    }

    private func slot(_ buffer: UnsafeMutableBufferPointer<Float>, _ b: Int) -> UnsafeMutableBufferPointer<Float> {
        assert(b >= 0 && b < capacity, "sample slot \(b) out of 0..<\(capacity)")
        return buffer.extracting((b * width)..<((b + 1) * width))
    }
}
