import Parallel

/// Per-sample neuron dynamics shared by training and evaluation, so both compute bit-identical states.
///
/// Hidden-layer functions work on one shard; output-layer functions combine the shards' partial sums in
/// ascending shard order (the fixed-order reduction that makes results independent of threads).
enum Dynamics {
    /// ρ, the hard sigmoid of the spec: `Kernels.unitClamp`, the one definition the kernels use too.
    @inline(__always)
    static func rho(_ v: Float) -> Float { Kernels.unitClamp(v) }

    /// Floats in one output-layer buffer: the output layer is one vector (`Network.outputLanes`).
    static var outputLanes: Int { Network.outputLanes }

    /// Eq. 5, hidden layer, one shard, one sample: T LIF steps driven by I_h(t) = s_x(t)·W1 + b1.
    ///
    /// Writes `drive` = Σ_t I_h(t) / T (= r_x·W1 + b1, the time-averaged drive; V^FF_h = ρ(drive)) and the
    /// shard's partial output drive `partial[t · outputLanes + k]` = Σ_{j spiking at t} W2[j, k] for every t.
    static func hiddenFeedForward(
        shard: HiddenShard, spikes trains: SpikeEncoder.Output, timeSteps: Int, leak: Float, threshold: Float,
        scratch: NeuronScratch,
        drive: UnsafeMutablePointer<Float>, partial: UnsafeMutablePointer<Float>
    ) {
        let width = shard.width
        precondition(scratch.capacity >= width && scratch.timeSteps >= timeSteps, "scratch smaller than shard")
        let potential = scratch.potential.pointer
        let input = scratch.input.pointer
        let spikes = scratch.spikes.pointer
        potential.update(repeating: 0, count: width)
        drive.update(repeating: 0, count: width)
        // Column blocks of 64 run all T steps before the next block: the ~150 rows of W1 a sample can touch
        // then stay in L1 (150 × 256 B), instead of streaming the whole shard from L2 at every step.
        // Neurons are independent during Eq. 5, so the order of blocks does not change any result.
        var column = 0
        while column < width {
            let block = min(Self.columnBlock, width - column)
            for t in 0..<timeSteps {
                // I_h(0) = b1 + Σ active rows; I_h(t) = I_h(t − 1) + Σ rows switched on − Σ rows switched off.
                Kernels.accumulateRowChanges(
                    matrix: shard.inputWeights.pointer + column, rowStride: width, width: block,
                    added: trains.added + t * shard.inputs, addedCount: Int(trains.addedCounts[t]),
                    removed: trains.removed + t * shard.inputs, removedCount: Int(trains.removedCounts[t]),
                    base: t == 0 ? UnsafePointer(shard.hiddenBias.pointer + column) : UnsafePointer(input + column),
                    out: input + column)
                _ = Kernels.integrateAndFire(
                    potential: potential + column, input: input + column, inputSum: drive + column, width: block,
                    leak: leak, threshold: threshold, spikes: spikes + t * width + column)
            }
            column += block
        }
        for t in 0..<timeSteps {
            Kernels.rowDots(
                spikes + t * width, weights: shard.outputWeightsTransposed.pointer, rows: shard.outputs,
                width: width, clampInput: false, out: partial + t * outputLanes)
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
    /// `partials` points at shard 0's `T × outputLanes` block of this sample; shard s's block starts
    /// `shardStride` floats further. Writes V^FF_y = ρ(Σ_t I_y / T) to `feedForward` and spike counts to
    /// `spikeCounts` (`outputLanes` entries each; entries ≥ `outputs` are zero). Returns false if a drive was
    /// not finite.
    static func outputFeedForward(
        partials: UnsafePointer<Float>, shardCount: Int, shardStride: Int, bias: UnsafePointer<Float>,
        outputs: Int, timeSteps: Int, leak: Float, threshold: Float,
        feedForward: UnsafeMutablePointer<Float>, spikeCounts: UnsafeMutablePointer<Int32>
    ) -> Bool {
        precondition(outputs >= 1 && outputs <= outputLanes, "outputs \(outputs) must be in 1...\(outputLanes)")
        Kernels.integrateAndFireSummed(
            partials: partials, partialCount: shardCount, partialStride: shardStride, bias: bias,
            timeSteps: timeSteps, leak: leak, threshold: threshold, averageDrive: feedForward,
            spikeCounts: spikeCounts)
        let finite = Kernels.allFinite(feedForward, count: outputLanes)
        Kernels.unitClamp(feedForward, into: feedForward, count: outputs)
        (feedForward + outputs).update(repeating: 0, count: outputLanes - outputs)
        (spikeCounts + outputs).update(repeating: 0, count: outputLanes - outputs)
        return finite
    }

    /// The paper's readout: argmax of output spike counts, ties broken by V^FF_y, then by the lower class.
    static func spikePrediction(spikeCounts: UnsafePointer<Int32>, feedForward: UnsafePointer<Float>, outputs: Int)
        -> Int
    {
        var best = 0
        for k in 1..<outputs {
            if spikeCounts[k] > spikeCounts[best]
                || (spikeCounts[k] == spikeCounts[best] && feedForward[k] > feedForward[best])
            {
                best = k
            }
        }
        return best
    }

    /// Argmax of relaxed potentials (lower class on ties).
    static func argmax(_ values: UnsafePointer<Float>, count: Int) -> Int {
        var best = 0
        for k in 1..<count where values[k] > values[best] { best = k }
        return best
    }

    /// One Euler step of the output layer (Eqs. 6–10, plus the teaching term of Eq. 12–14 when `beta ≠ 0`):
    /// A_y = Σ_s Q_s + b2, V_y ← clamp(V_y + ε(−V_y + ρ'(V_y)·A_y + β(V_T − V_y)), 0, 1), with V_T one-hot
    /// of `target` (`Kernels.relaxSummed`). `partials` points at shard 0's `outputLanes` floats; shard s's are
    /// `shardStride` further.
    static func relaxOutput(
        potential: UnsafeMutablePointer<Float>, partials: UnsafePointer<Float>, shardCount: Int, shardStride: Int,
        bias: UnsafePointer<Float>, outputs: Int, eps: Float, beta: Float, target: Int
    ) {
        Kernels.relaxSummed(
            potential: potential, partials: partials, partialCount: shardCount, partialStride: shardStride,
            bias: bias, count: outputs, eps: eps, beta: beta, target: target)
    }

    /// ρ of the first `outputs` entries of `potential` into `out` (`outputLanes` entries, rest zero).
    static func rhoOutputs(_ potential: UnsafePointer<Float>, outputs: Int, into out: UnsafeMutablePointer<Float>) {
        precondition(outputs >= 0 && outputs <= outputLanes, "outputs \(outputs) must be in 0...\(outputLanes)")
        Kernels.unitClamp(potential, into: out, count: outputs)
        (out + outputs).update(repeating: 0, count: outputLanes - outputs)
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
