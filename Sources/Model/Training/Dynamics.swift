import Parallel

/// Per-sample neuron dynamics shared by training and evaluation, so both compute bit-identical states.
///
/// Hidden-layer functions work on one shard; output-layer functions combine the shards' partial sums in
/// ascending shard order (the fixed-order reduction that makes results independent of threads).
enum Dynamics {
    /// ρ, the hard sigmoid of the spec: `Kernels.unitClamp`, the one definition the kernels use too.
    @inline(__always)
    static func rho(_ v: Float) -> Float { Kernels.unitClamp(v) }

    /// Eq. 5, hidden layer, one shard, one sample: T LIF steps driven by I_h(t) = s_x(t)·W1 + b1.
    ///
    /// Writes `drive` (`width` floats) = Σ_t I_h(t) / T (= r_x·W1 + b1, the time-averaged drive; V^FF_h =
    /// ρ(drive)) and the shard's partial output drive `partial[t · outputWidth + k]` = Σ_{j spiking at t}
    /// W2[j, k] for every t (`partial` holds `timeSteps · outputWidth` floats, `outputWidth` =
    /// `Network.outputWidth(outputs: shard.outputs)`).
    static func hiddenFeedForward(
        shard: HiddenShard, spikes trains: SpikeEncoder.Output, timeSteps: Int, leak: Float, threshold: Float,
        reset: SpikeReset, scratch: NeuronScratch, drive: UnsafeMutableBufferPointer<Float>,
        partial: UnsafeMutableBufferPointer<Float>
    ) {
        let width = shard.width
        let outputWidth = Network.outputWidth(outputs: shard.outputs)
        precondition(scratch.capacity >= width && scratch.timeSteps >= timeSteps, "scratch smaller than shard")
        precondition(
            drive.count == width && partial.count == timeSteps * outputWidth,
            "hiddenFeedForward: \(drive.count) drives and \(partial.count) partials for \(width) neurons, "
                + "T = \(timeSteps)"
        )
        scratch.withUnsafeBuffers { potential, input, spikes in
            shard.withUnsafeWeights { weights in
                potential.extracting(0..<width).update(repeating: 0)
                drive.update(repeating: 0)
                // Column blocks of 64 run all T steps before the next block: the ~150 rows of W1 a sample can
                // touch then stay in L1 (150 × 256 B), instead of streaming the whole shard from L2 at every
                // step. Neurons are independent during Eq. 5, so the order of blocks does not change any result.
                var column = 0
                while column < width {
                    let block = min(Self.columnBlock, width - column)
                    for t in 0..<timeSteps {
                        // I_h(0) = b1 + Σ active rows;
                        // I_h(t) = I_h(t − 1) + Σ rows switched on − Σ rows switched off.
                        let out = input.pointer(at: column, count: block)
                        Kernels.accumulateRowChanges(
                            matrix: weights.inputWeights.pointer(
                                at: column, count: weights.inputWeights.count - column),
                            rowStride: width, width: block, added: trains.added(step: t),
                            addedCount: trains.addedCount(step: t), removed: trains.removed(step: t),
                            removedCount: trains.removedCount(step: t),
                            base: UnsafePointer(t == 0 ? weights.hiddenBias.pointer(at: column, count: block) : out),
                            out: out)
                        _ = Kernels.integrateAndFire(
                            potential: potential.pointer(at: column, count: block), input: out,
                            inputSum: drive.pointer(at: column, count: block), width: block, leak: leak,
                            threshold: threshold, reset: reset,
                            spikes: spikes.pointer(at: t * width + column, count: block))
                    }
                    column += block
                }
                for t in 0..<timeSteps {
                    Kernels.rowDots(
                        spikes.pointer(at: t * width, count: width),
                        weights: weights.outputWeightsTransposed.pointer(at: 0, count: shard.outputs * width),
                        rows: shard.outputs, width: width, clampInput: false,
                        out: partial.pointer(at: t * outputWidth, count: outputWidth))
                }
            }
        }
        let steps = Float(timeSteps)
        for j in 0..<width { drive[j] /= steps }
    }

    /// Columns per cache block of the hidden feed-forward: one kernel block (`Kernels.blockWidth`), so the
    /// blocks are the ones `accumulateRowChanges` walks and shard boundaries (`Network.shardGranularity`) fall
    /// on them.
    static let columnBlock = Kernels.blockWidth

    /// One synchronous relaxation step of one shard's hidden neurons for one sample (Eqs. 6–10): first the
    /// shard's partial A_y = ρ(V_h)·W2 from the old potentials into `partial` (skipped when nil, for the held
    /// output of `nudge = direct`), then the Euler step of V_h with the old ρ(V_y) as feedback. Training and
    /// evaluation both call this, so their relaxed states are bit-identical.
    @inline(__always)
    static func relaxHiddenShard(
        potential: UnsafeMutablePointer<Float>, drive: UnsafePointer<Float>, feedback: UnsafePointer<Float>,
        outputs: Int, width: Int, outputRho: UnsafePointer<Float>, eps: Float, partial: UnsafeMutablePointer<Float>?
    ) {
        if let partial {
            Kernels.rowDots(potential, weights: feedback, rows: outputs, width: width, clampInput: true, out: partial)
        }
        Kernels.relaxStep(
            potential: potential, drive: drive, feedback: feedback, feedbackRows: outputs, feedbackScale: outputRho,
            eps: eps, width: width)
    }

    /// Eq. 5, output layer, one sample: T LIF steps driven by I_y(t) = Σ_s partial_s(t) + b2
    /// (`Kernels.integrateAndFireSummed`).
    ///
    /// `partials` points at shard 0's `T × outputWidth` block of this sample (`outputWidth` =
    /// `Network.outputWidth(outputs:)`); shard s's block starts `shardStride` floats further. Writes V^FF_y =
    /// ρ(Σ_t I_y / T) to `feedForward` and spike counts to `spikeCounts` (`outputWidth` entries each; entries
    /// ≥ `outputs` are zero), and, when given, the averaged drive before ρ to `unclampedDrive` (`outputWidth`
    /// floats: the spike readout's tie-break in evaluation). Returns false if a drive was not finite.
    static func outputFeedForward(
        partials: UnsafePointer<Float>, shardCount: Int, shardStride: Int, bias: UnsafePointer<Float>,
        outputs: Int, timeSteps: Int, leak: Float, threshold: Float, reset: SpikeReset,
        feedForward: UnsafeMutableBufferPointer<Float>, spikeCounts: UnsafeMutableBufferPointer<Int32>,
        unclampedDrive: UnsafeMutableBufferPointer<Float>? = nil
    ) -> Bool {
        precondition(outputs >= 1, "outputFeedForward: \(outputs) outputs")
        let outputWidth = Network.outputWidth(outputs: outputs)
        precondition(
            feedForward.count == outputWidth && spikeCounts.count == outputWidth
                && (unclampedDrive?.count ?? outputWidth) == outputWidth,
            "outputFeedForward: output buffers must hold \(outputWidth) entries")
        Kernels.integrateAndFireSummed(
            partials: partials, partialCount: shardCount, partialStride: shardStride, bias: bias,
            width: outputWidth, timeSteps: timeSteps, leak: leak, threshold: threshold, reset: reset,
            averageDrive: feedForward.pointer(at: 0, count: outputWidth),
            spikeCounts: spikeCounts.pointer(at: 0, count: outputWidth))
        if let unclampedDrive { _ = unclampedDrive.update(fromContentsOf: feedForward) }
        let finite = Kernels.allFinite(feedForward.pointer(at: 0, count: outputWidth), count: outputWidth)
        let clamped = feedForward.pointer(at: 0, count: outputs)
        Kernels.unitClamp(clamped, into: clamped, count: outputs)
        feedForward.extracting(outputs...).update(repeating: 0)
        spikeCounts.extracting(outputs...).update(repeating: 0)
        return finite
    }

    /// The paper's readout: argmax of output spike counts (the first `outputs`), ties broken by `tieBreak`,
    /// then by the lower class. Training breaks ties by V^FF_y, evaluation by the unclamped averaged drive
    /// (`outputFeedForward`'s `unclampedDrive`).
    static func spikePrediction(
        spikeCounts: UnsafeBufferPointer<Int32>, tieBreak: UnsafeBufferPointer<Float>, outputs: Int
    ) -> Int {
        precondition(
            outputs >= 1 && outputs <= spikeCounts.count && outputs <= tieBreak.count,
            "spikePrediction: \(outputs) outputs")
        var best = 0
        for k in 1..<outputs {
            if spikeCounts[k] > spikeCounts[best]
                || (spikeCounts[k] == spikeCounts[best] && tieBreak[k] > tieBreak[best])
            {
                best = k
            }
        }
        return best
    }

    /// Argmax of the first `count` relaxed potentials (lower class on ties).
    static func argmax(_ values: UnsafeBufferPointer<Float>, count: Int) -> Int {
        precondition(count >= 1 && count <= values.count, "argmax: \(count) of \(values.count) values")
        var best = 0
        for k in 1..<count where values[k] > values[best] { best = k }
        return best
    }

    /// One Euler step of the output layer (Eqs. 6–10, plus the teaching term of Eq. 12–14 when `beta ≠ 0`):
    /// A_y = Σ_s Q_s + b2, V_y ← clamp(V_y + ε(−V_y + ρ'(V_y)·A_y + β(V_T − V_y)), 0, 1), with V_T one-hot
    /// of `target` (`Kernels.relaxSummed`). `partials` points at shard 0's `outputs` floats; shard s's are
    /// `shardStride` further.
    static func relaxOutput(
        potential: UnsafeMutablePointer<Float>, partials: UnsafePointer<Float>, shardCount: Int, shardStride: Int,
        bias: UnsafePointer<Float>, outputs: Int, eps: Float, beta: Float, target: Int
    ) {
        Kernels.relaxSummed(
            potential: potential, partials: partials, partialCount: shardCount, partialStride: shardStride,
            bias: bias, count: outputs, eps: eps, beta: beta, target: target)
    }

    /// ρ of the first `outputs` entries of `potential` into `out` (`Network.outputWidth(outputs:)` entries, rest
    /// zero).
    static func rhoOutputs(_ potential: UnsafePointer<Float>, outputs: Int, into out: UnsafeMutableBufferPointer<Float>)
    {
        precondition(
            outputs >= 1 && out.count == Network.outputWidth(outputs: outputs),
            "rhoOutputs: \(out.count) entries for \(outputs) outputs")
        Kernels.unitClamp(potential, into: out.pointer(at: 0, count: outputs), count: outputs)
        out.extracting(outputs...).update(repeating: 0)
    }
}

/// Per-thread scratch for one shard's LIF simulation (potentials, input drive, spikes of every step). The
/// buffers are written only by the one task that holds the scratch during a `WorkerPool.run` (one scratch per
/// shard or per worker).
final class NeuronScratch: Sendable {
    let capacity: Int
    let timeSteps: Int
    let potential: AlignedBuffer<Float>
    let input: AlignedBuffer<Float>
    let spikes: AlignedBuffer<Float>

    init(capacity: Int, timeSteps: Int) {
        self.capacity = capacity
        self.timeSteps = timeSteps
        potential = AlignedBuffer(count: capacity)
        input = AlignedBuffer(count: capacity)
        spikes = AlignedBuffer(count: capacity * timeSteps)
    }
}

extension NeuronScratch {
    /// Calls `body` with the potentials, the input drive and the spikes of every step, valid only inside it.
    func withUnsafeBuffers<Result>(
        _ body: (
            _ potential: UnsafeMutableBufferPointer<Float>, _ input: UnsafeMutableBufferPointer<Float>,
            _ spikes: UnsafeMutableBufferPointer<Float>
        ) -> Result
    ) -> Result {
        potential.withUnsafeMutableBufferPointer { potential in
            input.withUnsafeMutableBufferPointer { input in
                spikes.withUnsafeMutableBufferPointer { spikes in body(potential, input, spikes) }
            }
        }
    }
}
