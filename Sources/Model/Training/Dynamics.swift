import Parallel

/// Per-sample neuron dynamics shared by training and evaluation, so both compute bit-identical states.
///
/// Hidden-layer functions work on one shard; output-layer functions combine the shards' partial sums in
/// ascending shard order (the fixed-order reduction that makes results independent of threads).
enum Dynamics {
    /// ρ(v) = clamp(v, 0, 1), the hard sigmoid of the spec.
    @inline(__always)
    static func rho(_ v: Float) -> Float { min(max(v, 0), 1) }

    /// ρ'(v) = 1 on [0, 1], else 0.
    @inline(__always)
    static func rhoDerivative(_ v: Float) -> Float { v >= 0 && v <= 1 ? 1 : 0 }

    /// Eq. 5, hidden layer, one shard, one sample: T LIF steps driven by I_h(t) = s_x(t)·W1 + b1.
    ///
    /// Writes `drive` = Σ_t I_h(t) / T (= r_x·W1 + b1, the time-averaged drive; V^FF_h = ρ(drive)) and the
    /// shard's partial output drive `partial[t · 16 + k]` = Σ_{j spiking at t} W2[j, k] for every t.
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
                width: width, clampInput: false, out: partial + t * 16)
        }
        let steps = Float(timeSteps)
        for j in 0..<width { drive[j] /= steps }
    }

    /// Columns per cache block of the hidden feed-forward.
    static let columnBlock = 64

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

    /// Eq. 5, output layer, one sample: T LIF steps driven by I_y(t) = Σ_s partial_s(t) + b2.
    ///
    /// `partials` points at shard 0's `T × 16` block of this sample; shard s's block starts `shardStride`
    /// floats further. Writes V^FF_y = ρ(Σ_t I_y / T) to `feedForward` and spike counts to `spikeCounts`
    /// (16 entries each; entries ≥ `outputs` are zero). Returns false if a drive was not finite.
    static func outputFeedForward(
        partials: UnsafePointer<Float>, shardCount: Int, shardStride: Int, bias: UnsafePointer<Float>,
        outputs: Int, timeSteps: Int, leak: Float, threshold: Float,
        feedForward: UnsafeMutablePointer<Float>, spikeCounts: UnsafeMutablePointer<Int32>
    ) -> Bool {
        var potential = SIMD16<Float>()
        var driveSum = SIMD16<Float>()
        var counts = SIMD16<Int32>()
        let b2 = SIMD16<Float>(UnsafeBufferPointer(start: bias, count: 16))
        for t in 0..<timeSteps {
            var total = SIMD16<Float>()
            for s in 0..<shardCount {
                total += SIMD16<Float>(UnsafeBufferPointer(start: partials + s * shardStride + t * 16, count: 16))
            }
            let drive = total + b2
            potential = leak * potential + drive
            driveSum += drive
            let fired = potential .>= threshold
            potential.replace(with: potential - threshold, where: fired)
            counts &+= SIMD16<Int32>(repeating: 0).replacing(with: 1, where: fired)
        }
        let averaged = driveSum / Float(timeSteps)
        var finite = true
        for k in 0..<16 {
            let real = k < outputs
            feedForward[k] = real ? rho(averaged[k]) : 0
            spikeCounts[k] = real ? counts[k] : 0
            finite = finite && averaged[k].isFinite
        }
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

    /// True when none of `count` floats is NaN or ±∞: Σ (x − x) is 0 for finite x and NaN otherwise.
    static func allFinite(_ values: UnsafePointer<Float>, count: Int) -> Bool {
        var sum: Float = 0
        for i in 0..<count { sum += values[i] - values[i] }
        return sum == 0
    }

    /// Argmax of relaxed potentials (lower class on ties).
    static func argmax(_ values: UnsafePointer<Float>, count: Int) -> Int {
        var best = 0
        for k in 1..<count where values[k] > values[best] { best = k }
        return best
    }

    /// One Euler step of the output layer (Eqs. 6–10, plus the teaching term of Eq. 12–14 when `beta ≠ 0`):
    /// A_y = Σ_s Q_s + b2, V_y ← clamp(V_y + ε(−V_y + ρ'(V_y)·A_y + β(V_T − V_y)), 0, 1), with V_T one-hot
    /// of `target`. `partials` points at shard 0's 16 floats; shard s's are `shardStride` further.
    static func relaxOutput(
        potential: UnsafeMutablePointer<Float>, partials: UnsafePointer<Float>, shardCount: Int, shardStride: Int,
        bias: UnsafePointer<Float>, outputs: Int, eps: Float, beta: Float, target: Int
    ) {
        for k in 0..<outputs {
            var total: Float = 0
            for s in 0..<shardCount { total += partials[s * shardStride + k] }
            let drive = total + bias[k]
            let v = potential[k]
            var derivative = -v + rhoDerivative(v) * drive
            if beta != 0 { derivative += beta * ((k == target ? 1 : 0) - v) }
            potential[k] = rho(v + eps * derivative)
        }
    }

    /// ρ of the first `outputs` entries of `potential` into `out` (16 entries, rest zero).
    static func rhoOutputs(_ potential: UnsafePointer<Float>, outputs: Int, into out: UnsafeMutablePointer<Float>) {
        for k in 0..<16 { out[k] = k < outputs ? rho(potential[k]) : 0 }
    }
}

/// Per-thread scratch for one shard's LIF simulation (potentials, input drive, spikes of every step).
final class NeuronScratch: @unchecked Sendable {
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
