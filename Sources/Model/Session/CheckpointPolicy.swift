/// When a session writes checkpoints besides the one at the end of every epoch, and how many per-epoch
/// files it keeps.
public struct CheckpointPolicy: Sendable, Equatable {
    /// How often `latest.ckpt` is rewritten inside an epoch.
    public enum Interval: Sendable, Equatable {
        /// After every `n`-th batch of an epoch (counted from the epoch's start, so a resumed run keeps the
        /// same schedule).
        case batches(Int)
        /// When at least this many wall seconds passed since the last checkpoint.
        case seconds(Double)
    }

    /// `epoch-XXXX.ckpt` files kept by default.
    public static let defaultKeep = 3

    /// Mid-epoch checkpoints; nil writes checkpoints only at the end of each epoch.
    public var every: Interval?
    /// The `epoch-XXXX.ckpt` files of the last `keep` epochs are kept; 0 writes none.
    public var keep: Int

    public init(every: Interval? = nil, keep: Int = CheckpointPolicy.defaultKeep) {
        precondition(keep >= 0, "keep must not be negative")
        if case .batches(let n) = every { precondition(n >= 1, "checkpoint interval must be at least one batch") }
        if case .seconds(let s) = every { precondition(s > 0, "checkpoint interval must be positive") }
        self.every = every
        self.keep = keep
    }

    /// Whether a mid-epoch checkpoint is due after `batchesDone` batches of the epoch, `secondsSinceLast` after
    /// the previous checkpoint.
    public func isDue(batchesDone: Int, secondsSinceLast: Double) -> Bool {
        switch every {
        case nil: return false
        case .batches(let n): return batchesDone % n == 0
        case .seconds(let s): return secondsSinceLast >= s
        }
    }
}
