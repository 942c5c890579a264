import Parallel

/// The per-batch state of one hidden shard: the drive and potentials of its neurons for every sample of the
/// batch, and its partial sums for the output layer. Only the task running the shard writes it.
///
/// `@unchecked Sendable` for its three `var` flags. This is safe to send, because the buffers are `let`s written by one task at a time (the shard's task, or
/// sample b's task for sample b's slice), and the flags (`finite`, `driveViolation`, `violation`) are written
/// only by the shard's own task and read by the calling thread after `WorkerPool.run` has joined it, whose
/// completion is an acquire of every task's writes.
final class ShardState: @unchecked Sendable {
    let shard: HiddenShard
    /// Σ_t I_h / T per sample, `batch × width` (Eq. 5; V^FF_h = ρ(drive)).
    let drive: AlignedBuffer<Float>
    /// Free-phase potentials V_h (relaxation, then the free continuation V_h⁰), `batch × width`.
    let free: AlignedBuffer<Float>
    /// Nudged potentials V_h¹, `batch × width`.
    let nudged: AlignedBuffer<Float>
    /// Update operands, `2·batch × width` (Eq. 15).
    let deltas: AlignedBuffer<Float>
    let scratch: NeuronScratch
    /// Set by the shard's task: false when its drive or weight update held NaN or ±∞ (divergence check).
    var finite = true
    /// Set by the shard's task after the feed-forward: the first finite drive beyond `ParameterBound.limit`.
    var driveViolation: ParameterViolation?
    /// Set by the shard's task after every update: the first of its parameters b1, W2 beyond
    /// `ParameterBound.limit` (or NaN), or nil.
    var violation: ParameterViolation?

    init(shard: HiddenShard, batch: Int, timeSteps: Int) {
        self.shard = shard
        drive = AlignedBuffer(count: batch * shard.width)
        free = AlignedBuffer(count: batch * shard.width)
        nudged = AlignedBuffer(count: batch * shard.width)
        deltas = AlignedBuffer(count: 2 * batch * shard.width)
        scratch = NeuronScratch(capacity: shard.width, timeSteps: timeSteps)
    }
}
