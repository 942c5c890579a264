import Parallel

/// The output layer's per-batch state in training: the shards' partial drives, the potentials of both phases
/// and the update's coefficients, `width` floats per sample (`Network.outputWidth`: K rounded up to whole
/// 16-lane vectors; entries from `outputs` on are zero).
/// The trainer reaches them only through `withView`.
///
/// The buffers are written by one sample's task for that sample's slots, or by the thread that calls
/// `Trainer.trainBatch` between parallel steps.
final class OutputState: Sendable {
    let capacity: Int
    let timeSteps: Int
    let shardCount: Int
    /// Partial sums from every shard: feed-forward [S][B][T][width].
    let feedForwardPartials: AlignedBuffer<Float>
    /// Relaxation partials, [S][2][B][width]: per shard the free phase's B × width, then the nudged
    /// phase's, so one exchange per relaxation step carries both.
    let relaxPartials: AlignedBuffer<Float>
    /// [B][width] each: V^FF_y, the free and nudged potentials, their ρ.
    let feedForward: AlignedBuffer<Float>
    let free: AlignedBuffer<Float>
    let nudged: AlignedBuffer<Float>
    let freeRho: AlignedBuffer<Float>
    let nudgedRho: AlignedBuffer<Float>
    let spikeCounts: AlignedBuffer<Int32>
    /// Coefficients of the W2 update, [width][2B] (Eq. 15), and the rows they update (0, 1, 2, …).
    let coefficients: AlignedBuffer<Float>
    let rows: AlignedBuffer<Kernels.RowIndex>
    /// b2's per-sample deltas, [B][width].
    let biasDeltas: AlignedBuffer<Float>
    /// Per sample of the batch: 1 correct, 0 wrong, −1 non-finite output drive.
    let sampleOutcome: AlignedBuffer<Int32>

    /// Floats per sample in each buffer: the network's `outputWidth`.
    let width: Int

    init(capacity batch: Int, timeSteps steps: Int, shardCount: Int, width lanes: Int) {
        precondition(lanes > 0 && lanes % Kernels.lanes == 0, "output width \(lanes) is not whole vectors")
        width = lanes
        capacity = batch
        timeSteps = steps
        self.shardCount = shardCount
        feedForwardPartials = AlignedBuffer(count: shardCount * batch * steps * lanes)
        relaxPartials = AlignedBuffer(count: shardCount * 2 * batch * lanes)
        feedForward = AlignedBuffer(count: batch * lanes)
        free = AlignedBuffer(count: batch * lanes)
        nudged = AlignedBuffer(count: batch * lanes)
        freeRho = AlignedBuffer(count: batch * lanes)
        nudgedRho = AlignedBuffer(count: batch * lanes)
        spikeCounts = AlignedBuffer(count: batch * lanes)
        coefficients = AlignedBuffer(count: lanes * 2 * batch)
        rows = AlignedBuffer(count: lanes)
        biasDeltas = AlignedBuffer(count: batch * lanes)
        sampleOutcome = AlignedBuffer(count: batch)
        for k in 0..<lanes { rows[k] = Kernels.RowIndex(k) }
    }

    /// Calls `body` with a view of every buffer and of `bias` (b2, `width` floats), valid only inside
    /// `body` (every buffer is kept alive for the call).
    func withView<Result>(bias: AlignedBuffer<Float>, _ body: (OutputView) -> Result) -> Result {
        let floats = [
            feedForwardPartials, relaxPartials, feedForward, free, nudged, freeRho, nudgedRho, coefficients,
            biasDeltas, bias,
        ]
        return AlignedBuffer.withUnsafeMutableBufferPointers(floats) { f in
            spikeCounts.withUnsafeMutableBufferPointer { spikeCounts in
                sampleOutcome.withUnsafeMutableBufferPointer { sampleOutcome in
                    rows.withUnsafeBufferPointer { rows in
                        body(
                            OutputView(
                                capacity: capacity, timeSteps: timeSteps, shardCount: shardCount, width: width,
                                feedForwardPartials: f[0], relaxPartials: f[1], feedForward: f[2], free: f[3],
                                nudged: f[4], freeRho: f[5], nudgedRho: f[6], coefficients: f[7], biasDeltas: f[8],
                                bias: f[9], spikeCounts: spikeCounts, sampleOutcome: sampleOutcome, rows: rows))
                    }
                }
            }
        }
    }
}

/// `OutputState`'s buffers as buffer pointers, inside `OutputState.withView` only (swift-collections'
/// `_UnsafeHandle`): per-sample slices are checked in debug builds.
struct OutputView {
    let capacity: Int
    let timeSteps: Int
    let shardCount: Int
    /// Floats per sample in each buffer (`OutputState.width`).
    let width: Int
    let feedForwardPartials: UnsafeMutableBufferPointer<Float>
    let relaxPartials: UnsafeMutableBufferPointer<Float>
    /// [B][width] each.
    let feedForward: UnsafeMutableBufferPointer<Float>
    let free: UnsafeMutableBufferPointer<Float>
    let nudged: UnsafeMutableBufferPointer<Float>
    let freeRho: UnsafeMutableBufferPointer<Float>
    let nudgedRho: UnsafeMutableBufferPointer<Float>
    let coefficients: UnsafeMutableBufferPointer<Float>
    let biasDeltas: UnsafeMutableBufferPointer<Float>
    /// b2.
    let bias: UnsafeMutableBufferPointer<Float>
    let spikeCounts: UnsafeMutableBufferPointer<Int32>
    let sampleOutcome: UnsafeMutableBufferPointer<Int32>
    let rows: UnsafeBufferPointer<Kernels.RowIndex>

    /// Sample `b`'s `width` entries of a [B][width] buffer.
    func sample<Element>(_ b: Int, of buffer: UnsafeMutableBufferPointer<Element>) -> UnsafeMutableBufferPointer<
        Element
    > {
        assert(b >= 0 && b < capacity, "sample slot \(b) out of 0..<\(capacity)")
        return buffer.extracting((b * width)..<((b + 1) * width))
    }

    /// Floats between one shard's feed-forward partials of a sample and the next shard's.
    var feedForwardShardStride: Int { capacity * timeSteps * width }

    /// Shard `s`'s feed-forward partials of sample `b`, `timeSteps × width`.
    func feedForwardPartial(shard s: Int, sample b: Int) -> UnsafeMutableBufferPointer<Float> {
        assert(s >= 0 && s < shardCount && b >= 0 && b < capacity, "shard \(s), sample \(b) out of range")
        let start = (s * capacity + b) * timeSteps * width
        return feedForwardPartials.extracting(start..<(start + timeSteps * width))
    }

    /// Sample `b`'s feed-forward partials of every shard: shard 0's block, the others `feedForwardShardStride`
    /// floats apart.
    func feedForwardPartials(sample b: Int) -> UnsafePointer<Float> {
        assert(b >= 0 && b < capacity, "sample slot \(b) out of 0..<\(capacity)")
        let start = b * timeSteps * width
        return UnsafePointer(
            feedForwardPartials.pointer(at: start, count: (shardCount - 1) * feedForwardShardStride + timeSteps * width)
        )
    }

    /// Floats between one shard's relaxation partials and the next shard's.
    var relaxShardStride: Int { 2 * capacity * width }

    /// Shard `s`'s relaxation partial of sample `b` in the free (`nudged: false`) or nudged phase.
    func relaxPartial(shard s: Int, nudged: Bool, sample b: Int) -> UnsafeMutablePointer<Float> {
        assert(s >= 0 && s < shardCount && b >= 0 && b < capacity, "shard \(s), sample \(b) out of range")
        return relaxPartials.pointer(at: ((2 * s + (nudged ? 1 : 0)) * capacity + b) * width, count: width)
    }

    /// Sample `b`'s relaxation partials of one phase from every shard, `relaxShardStride` floats apart.
    func relaxPartials(nudged: Bool, sample b: Int) -> UnsafePointer<Float> {
        assert(b >= 0 && b < capacity, "sample slot \(b) out of 0..<\(capacity)")
        let start = ((nudged ? 1 : 0) * capacity + b) * width
        return UnsafePointer(relaxPartials.pointer(at: start, count: (shardCount - 1) * relaxShardStride + width))
    }
}
