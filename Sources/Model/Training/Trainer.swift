import Parallel

/// Trains a `Network` one minibatch at a time by the five steps of the spec, spread over a `WorkerPool`.
///
/// Each parallel step runs one task per hidden shard (or per sample, for encoding); between steps the
/// calling thread does the output layer's few operations, summing shard partials in shard order. The
/// result depends only on the configuration and the data, never on the pool's thread count.
public final class Trainer: @unchecked Sendable {
    public let config: RunConfig
    public let network: Network
    let pool: WorkerPool
    let batchCapacity: Int
    let encoder: SpikeEncoder
    let shardStates: [ShardState]
    /// The shards' buffers as plain pointers: the per-sample relaxation loop touches every shard 13 times per
    /// sample, and going through the class references cost an atomic retain/release pair per access, on
    /// reference counts shared by both threads (4% of two-thread training time in perf).
    let shardViews: [ShardView]

    // Input encoding of the batch.
    let trains: SpikeTrainBuffers
    // Rows of W1 with non-zero presynaptic activity in the batch, and their coefficients (Eq. 15).
    let activeRows: AlignedBuffer<UInt16>
    let rowCoefficients: AlignedBuffer<Float>
    var activeRowCount = 0
    // Output-layer partial sums from every shard: feed-forward [S][B][T][16], relaxation [S][B][16].
    let feedForwardPartials: AlignedBuffer<Float>
    let freePartials: AlignedBuffer<Float>
    let nudgedPartials: AlignedBuffer<Float>
    // Output-layer state, [B][16] each.
    let outputFeedForward: AlignedBuffer<Float>
    let outputFree: AlignedBuffer<Float>
    let outputNudged: AlignedBuffer<Float>
    let outputFreeRho: AlignedBuffer<Float>
    let outputNudgedRho: AlignedBuffer<Float>
    let outputSpikeCounts: AlignedBuffer<Int32>
    let outputCoefficients: AlignedBuffer<Float>
    let outputRows: AlignedBuffer<UInt16>
    /// Per sample of the batch: 1 correct, 0 wrong, −1 non-finite output drive.
    let sampleOutcome: AlignedBuffer<Int32>

    public init(config: RunConfig, network: Network, pool: WorkerPool) {
        precondition(network.hidden == config.hidden, "network and configuration disagree on the hidden size")
        self.config = config
        self.network = network
        self.pool = pool
        let batch = config.batch
        let steps = config.timeSteps
        let inputs = network.inputs
        let shardCount = network.shards.count
        batchCapacity = batch
        encoder = SpikeEncoder(seed: config.seed, timeSteps: steps, inputs: inputs)
        shardStates = network.shards.map { ShardState(shard: $0, batch: batch, timeSteps: steps) }
        shardViews = shardStates.map(ShardView.init)
        trains = SpikeTrainBuffers(capacity: batch, timeSteps: steps, inputs: inputs)
        activeRows = AlignedBuffer(count: inputs)
        rowCoefficients = AlignedBuffer(count: inputs * batch)
        feedForwardPartials = AlignedBuffer(count: shardCount * batch * steps * 16)
        freePartials = AlignedBuffer(count: shardCount * batch * 16)
        nudgedPartials = AlignedBuffer(count: shardCount * batch * 16)
        outputFeedForward = AlignedBuffer(count: batch * 16)
        outputFree = AlignedBuffer(count: batch * 16)
        outputNudged = AlignedBuffer(count: batch * 16)
        outputFreeRho = AlignedBuffer(count: batch * 16)
        outputNudgedRho = AlignedBuffer(count: batch * 16)
        outputSpikeCounts = AlignedBuffer(count: batch * 16)
        outputCoefficients = AlignedBuffer(count: 16 * 2 * batch)
        outputRows = AlignedBuffer(count: 16)
        sampleOutcome = AlignedBuffer(count: batch)
        for k in 0..<16 { outputRows[k] = UInt16(k) }
    }

    /// Trains on one minibatch: `samples` are indices into `dataset`. Returns how many samples the spike
    /// readout (step 1, before the update) classified correctly.
    /// - Throws: `TrainingError.diverged` when a drive becomes NaN or infinite.
    public func trainBatch(samples: ArraySlice<Int>, dataset: Dataset, epoch: Int) throws(TrainingError) -> Int {
        let batch = samples.count
        precondition(batch >= 1 && batch <= batchCapacity, "batch of \(batch) exceeds capacity \(batchCapacity)")
        let sampleIndices = Array(samples)
        let labels = sampleIndices.map { Int(dataset.labels[$0]) }
        encode(sampleIndices, dataset: dataset, epoch: epoch)
        collectActiveRows(batch: batch)
        feedForwardHidden(batch: batch)
        try checkFinite("hidden feed-forward drive", samples: sampleIndices)
        let correct = try settle(samples: sampleIndices, labels: labels)
        updateWeights(batch: batch, epoch: epoch)
        try checkFinite("hidden-layer weight update", samples: sampleIndices)
        guard Dynamics.allFinite(network.outputBias.pointer, count: 16) else {
            throw .diverged(quantity: "output bias b2")
        }
        return correct
    }

    // MARK: Step 1 — encoding and spiking feed-forward (Eq. 5)

    private func encode(_ samples: [Int], dataset: Dataset, epoch: Int) {
        let inputs = network.inputs
        precondition(
            dataset.pixelsPerImage == inputs,
            "dataset has \(dataset.pixelsPerImage) pixels per image, network \(inputs) inputs")
        dataset.pixels.withUnsafeBufferPointer { pixels in
            pool.run(tasks: samples.count) { b, _ in
                // This is safe because each task writes only sample b's slices of the encoding buffers.
                encoder.encode(
                    pixels: pixels.baseAddress! + samples[b] * inputs, stream: .trainingSpikes,
                    epoch: UInt64(epoch), sample: UInt64(samples[b]), into: trains.output(b))
            }
        }
    }

    /// Lists the inputs with non-zero rate in any sample of the batch and gathers their rates as the
    /// coefficients of the W1 update (Eq. 15: presynaptic activity r_x).
    private func collectActiveRows(batch: Int) {
        let inputs = network.inputs
        var count = 0
        for i in 0..<inputs {
            var any = false
            for b in 0..<batch where trains.rates.pointer[b * inputs + i] != 0 { any = true }
            guard any else { continue }
            activeRows.pointer[count] = UInt16(i)
            for b in 0..<batch { rowCoefficients.pointer[count * batch + b] = trains.rates.pointer[b * inputs + i] }
            count += 1
        }
        activeRowCount = count
    }

    /// Throws if any shard's task flagged a non-finite value (one flag per shard, read after the join).
    private func checkFinite(_ quantity: String, samples: [Int]) throws(TrainingError) {
        guard let bad = shardStates.firstIndex(where: { !$0.finite }) else { return }
        let neurons = shardStates[bad].shard.neurons
        throw .diverged(
            quantity:
                "\(quantity) (hidden neurons \(neurons.lowerBound)..<\(neurons.upperBound), samples \(samples.first!)…)"
        )
    }

    private func feedForwardHidden(batch: Int) {
        let steps = config.timeSteps
        let leak = config.leak
        let threshold = config.theta
        pool.run(tasks: shardStates.count) { s, _ in
            let state = shardStates[s]
            let width = state.shard.width
            for b in 0..<batch {
                Dynamics.hiddenFeedForward(
                    shard: state.shard, spikes: trains.output(b), timeSteps: steps, leak: leak,
                    threshold: threshold, scratch: state.scratch, drive: state.drive.pointer + b * width,
                    partial: feedForwardPartials.pointer + (s * batchCapacity + b) * steps * 16)
                // V_h starts from V^FF_h = ρ(drive) (step 2 starts from the feed-forward state).
                for j in 0..<width {
                    state.free.pointer[b * width + j] = Dynamics.rho(state.drive.pointer[b * width + j])
                }
            }
            state.finite = Dynamics.allFinite(state.drive.pointer, count: batch * width)
        }
    }

    // MARK: Steps 1 (output layer) to 4 — one task per sample

    /// The output layer's feed-forward (Eq. 5), the free relaxation (Eqs. 6–10), the integration (Eq. 11)
    /// and the teaching phase (Eqs. 12–14), for every sample of the batch.
    ///
    /// Samples are independent from here until the update, and relaxation touches only W2 (H×10), so each
    /// sample is one task that runs all its steps across all shards in shard order: one parallel step for
    /// the whole phase instead of one per relaxation step (13 barriers per batch fewer), with exactly the
    /// arithmetic — and the bits — of a shard-parallel schedule.
    private func settle(samples: [Int], labels: [Int]) throws(TrainingError) -> Int {
        let batch = samples.count
        let outputs = network.outputs
        let steps = config.timeSteps
        pool.run(tasks: batch) { b, _ in
            // This is safe because task b writes only sample b's slices of the shard and output states.
            let finite = Dynamics.outputFeedForward(
                partials: feedForwardPartials.pointer + b * steps * 16, shardCount: shardStates.count,
                shardStride: batchCapacity * steps * 16, bias: network.outputBias.pointer, outputs: outputs,
                timeSteps: steps, leak: config.leak, threshold: config.theta,
                feedForward: outputFeedForward.pointer + b * 16, spikeCounts: outputSpikeCounts.pointer + b * 16)
            let predicted = Dynamics.spikePrediction(
                spikeCounts: outputSpikeCounts.pointer + b * 16, feedForward: outputFeedForward.pointer + b * 16,
                outputs: outputs)
            sampleOutcome.pointer[b] = !finite ? -1 : (predicted == labels[b] ? 1 : 0)
            guard finite else { return }
            (outputFree.pointer + b * 16).update(from: outputFeedForward.pointer + b * 16, count: 16)
            for _ in 0..<config.kFree { relaxStep(sample: b, label: labels[b], phase: .free) }
            integrateAndStartTeaching(sample: b, label: labels[b])
            for _ in 0..<config.kPos { relaxStep(sample: b, label: labels[b], phase: .teaching) }
        }
        var correct = 0
        for b in 0..<batch {
            let outcome = sampleOutcome.pointer[b]
            guard outcome >= 0 else { throw .diverged(quantity: "output feed-forward drive (sample \(samples[b]))") }
            correct += Int(outcome)
        }
        return correct
    }

    enum Phase { case free, teaching }

    /// One synchronous relaxation step of sample `b`. `.free`: the free state only (step 2). `.teaching`:
    /// the free continuation and the nudged state together (step 4). Every shard computes its partial A_y
    /// from the old V_h before its V_h steps with the old V_y; the output layer then adds the partials in
    /// shard order.
    private func relaxStep(sample b: Int, label: Int, phase: Phase) {
        let outputs = network.outputs
        let eps = config.eps
        let teaching = phase == .teaching
        let direct = config.nudge == .direct
        let freeRho = outputFreeRho.pointer + b * 16
        let nudgedRho = outputNudgedRho.pointer + b * 16
        Dynamics.rhoOutputs(outputFree.pointer + b * 16, outputs: outputs, into: freeRho)
        if teaching { Dynamics.rhoOutputs(outputNudged.pointer + b * 16, outputs: outputs, into: nudgedRho) }
        for (s, view) in shardViews.enumerated() {
            let width = view.width
            let free = view.free + b * width
            let drive = view.drive + b * width
            Dynamics.relaxHiddenShard(
                potential: free, drive: drive, feedback: view.feedback, outputs: outputs, width: width,
                outputRho: freeRho, eps: eps, partial: freePartials.pointer + (s * batchCapacity + b) * 16)
            guard teaching else { continue }
            Dynamics.relaxHiddenShard(
                potential: view.nudged + b * width, drive: drive, feedback: view.feedback, outputs: outputs,
                width: width, outputRho: nudgedRho, eps: eps,
                partial: direct ? nil : nudgedPartials.pointer + (s * batchCapacity + b) * 16)
        }
        let stride = batchCapacity * 16
        Dynamics.relaxOutput(
            potential: outputFree.pointer + b * 16, partials: freePartials.pointer + b * 16,
            shardCount: shardStates.count, shardStride: stride, bias: network.outputBias.pointer,
            outputs: outputs, eps: eps, beta: teaching && config.nudge == .centered ? -config.beta : 0, target: label)
        if teaching && !direct {
            Dynamics.relaxOutput(
                potential: outputNudged.pointer + b * 16, partials: nudgedPartials.pointer + b * 16,
                shardCount: shardStates.count, shardStride: stride, bias: network.outputBias.pointer,
                outputs: outputs, eps: eps, beta: config.beta, target: label)
        }
    }

    /// Step 3 (Eq. 11) for sample `b`: V = α·V^FF + (1 − α)·V^ES, for both layers; then the starting
    /// states of step 4: the free continuation and the nudged state both start from V; with
    /// `nudge = direct` the nudged output is set once to clamp(V_y + η_c(V_T − V_y)) and held.
    private func integrateAndStartTeaching(sample b: Int, label: Int) {
        let alpha = config.alpha
        let outputs = network.outputs
        for view in shardViews {
            let width = view.width
            for index in (b * width)..<((b + 1) * width) {
                let feedForward = Dynamics.rho(view.drive[index])
                let mixed = alpha * feedForward + (1 - alpha) * view.free[index]
                view.free[index] = mixed
                view.nudged[index] = mixed
            }
        }
        for k in 0..<16 {
            let index = b * 16 + k
            let mixed =
                k < outputs ? alpha * outputFeedForward.pointer[index] + (1 - alpha) * outputFree.pointer[index] : 0
            outputFree.pointer[index] = mixed
            if config.nudge == .direct && k < outputs {
                let target: Float = k == label ? 1 : 0
                outputNudged.pointer[index] = Dynamics.rho(mixed + config.etaC * (target - mixed))
            } else {
                outputNudged.pointer[index] = mixed
            }
        }
    }

    // MARK: Step 5 — passive STDP update (Eq. 15)

    private func updateWeights(batch: Int, epoch: Int) {
        let outputs = network.outputs
        let strength: Float
        switch config.nudge {
        case .beta: strength = config.beta
        case .direct: strength = config.etaC
        case .centered: strength = 2 * config.beta
        }
        let scale = 1 / (strength * Float(batch))
        let decay = config.learningRateFactor(epoch: epoch)
        let inputRate = config.lr1 * decay * scale
        let outputRate = config.lr2 * decay * scale
        let eqprop = config.rule == .eqprop
        // Coefficients of the W2 update, [k][2B]: stdp uses ρ(V_h⁰) as presynaptic activity and
        // ΔV_y = V_y¹ − V_y⁰; eqprop uses ρ(V_h¹)ρ(V_y¹) − ρ(V_h⁰)ρ(V_y⁰).
        let columns = eqprop ? 2 * batch : batch
        for k in 0..<outputs {
            for b in 0..<batch {
                let nudged = outputNudged.pointer[b * 16 + k]
                let free = outputFree.pointer[b * 16 + k]
                if eqprop {
                    outputCoefficients.pointer[k * columns + b] = outputRate * Dynamics.rho(nudged)
                    outputCoefficients.pointer[k * columns + batch + b] = -outputRate * Dynamics.rho(free)
                } else {
                    outputCoefficients.pointer[k * columns + b] = outputRate * (nudged - free)
                }
            }
        }
        let rowCount = activeRowCount
        pool.run(tasks: shardStates.count) { s, _ in
            let state = shardStates[s]
            let shard = state.shard
            let width = shard.width
            let deltas = state.deltas.pointer
            // W1 and b1: Δ = η1·s·(ρ(V_h¹) − ρ(V_h⁰)) per sample (V_h is clamped, so ρ(V) = V: the stdp and
            // eqprop rules coincide for W1).
            for index in 0..<(batch * width) {
                deltas[index] =
                    inputRate * (Dynamics.rho(state.nudged.pointer[index]) - Dynamics.rho(state.free.pointer[index]))
            }
            Kernels.rankUpdate(
                matrix: shard.inputWeights.pointer, rowStride: width, width: width,
                rows: activeRows.pointer, rowCount: rowCount, coefficients: rowCoefficients.pointer,
                deltas: deltas, batch: batch)
            for j in 0..<width {
                var sum: Float = 0
                for b in 0..<batch { sum += deltas[b * width + j] }
                shard.hiddenBias.pointer[j] += sum
            }
            // W2 (transposed block): rows k, presynaptic operands ρ(V_h) per sample.
            for index in 0..<(batch * width) {
                deltas[index] = Dynamics.rho(eqprop ? state.nudged.pointer[index] : state.free.pointer[index])
            }
            if eqprop {
                for index in 0..<(batch * width) {
                    deltas[batch * width + index] = Dynamics.rho(state.free.pointer[index])
                }
            }
            Kernels.rankUpdate(
                matrix: shard.outputWeightsTransposed.pointer, rowStride: width, width: width,
                rows: outputRows.pointer, rowCount: outputs, coefficients: outputCoefficients.pointer,
                deltas: deltas, batch: columns)
            state.finite =
                Dynamics.allFinite(shard.hiddenBias.pointer, count: width)
                && Dynamics.allFinite(deltas, count: columns * width)
        }
        for k in 0..<outputs {
            var sum: Float = 0
            for b in 0..<batch {
                sum +=
                    outputRate
                    * (Dynamics.rho(outputNudged.pointer[b * 16 + k]) - Dynamics.rho(outputFree.pointer[b * 16 + k]))
            }
            network.outputBias.pointer[k] += sum
        }
    }
}

/// Why training stopped.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// A quantity became NaN or infinite.
    case diverged(quantity: String)

    public var description: String {
        switch self {
        case .diverged(let quantity):
            return "training diverged: \(quantity) is not finite (try smaller learning rates)"
        }
    }
}

/// One shard's per-batch state and W2ᵀ block as raw pointers (valid while the trainer lives: the trainer
/// holds the `ShardState`s that own the buffers).
struct ShardView {
    let width: Int
    let drive: UnsafeMutablePointer<Float>
    let free: UnsafeMutablePointer<Float>
    let nudged: UnsafeMutablePointer<Float>
    let feedback: UnsafeMutablePointer<Float>

    init(_ state: ShardState) {
        width = state.shard.width
        drive = state.drive.pointer
        free = state.free.pointer
        nudged = state.nudged.pointer
        feedback = state.shard.outputWeightsTransposed.pointer
    }
}
