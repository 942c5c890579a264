import Parallel

/// Floats per sample in every output-layer buffer (`Network.outputLanes`): the output layer is one vector.
private var outputLanes: Int { Network.outputLanes }

/// Trains a `Network` one minibatch at a time by the five steps of the spec, spread over a `WorkerPool`.
///
/// A batch is four parallel steps: encoding (one task per sample), the hidden feed-forward (one per shard),
/// settling (one per sample: the output layer, relaxation and teaching, shard partials summed in shard order)
/// and the update (one per shard). Between steps the calling thread only lists the active inputs, checks bounds
/// and updates b2 (`ptrain bench`, table "steps of one batch", row "serial"). The result depends only on the
/// configuration and the data, never on the pool's thread count or scheduler.
///
/// With a `Distribution` the trainer runs on one rank of a group and computes only the shards that rank owns;
/// after each step that produces output-layer partials (the feed-forward, every relaxation step) the ranks
/// all-gather them, and every rank runs the output layer itself from the same partials in the same shard
/// order. The weights of the shards a rank owns are therefore bit-identical to a single-process run's.
///
/// `@unchecked Sendable` for the one `var`. This is safe to send, because the one `var` (`activeRowCount`) and the output-layer buffers are written
/// only by the thread that calls `trainBatch` between parallel steps, and the pool's tasks write disjoint
/// slices (one shard's, or one sample's) of the other buffers; `trainBatch` is never called concurrently.
public final class Trainer: @unchecked Sendable {
    public let config: RunConfig
    public let network: Network
    let pool: WorkerPool
    /// The group this trainer is one rank of; nil in a single process.
    public let distribution: Distribution?
    /// The shards this trainer computes and updates: all of them in a single process.
    public let ownedShards: Range<Int>
    let batchCapacity: Int
    let encoder: SpikeEncoder
    let shardStates: [ShardState]

    // Input encoding of the batch.
    let trains: SpikeTrainBuffers
    // Rows of W1 with non-zero presynaptic activity in the batch, and their coefficients (Eq. 15).
    let activeRows: AlignedBuffer<UInt16>
    let rowCoefficients: AlignedBuffer<Float>
    var activeRowCount = 0
    // Output-layer partial sums from every shard: feed-forward [S][B][T][outputLanes], relaxation [S][B][outputLanes].
    let feedForwardPartials: AlignedBuffer<Float>
    /// Relaxation partials, [S][2][B][outputLanes]: per shard the free phase's B × outputLanes, then the nudged phase's, so one
    /// exchange per relaxation step carries both.
    let relaxPartials: AlignedBuffer<Float>
    // Output-layer state, [B][outputLanes] each.
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

    public init(config: RunConfig, network: Network, pool: WorkerPool, distribution: Distribution? = nil) {
        precondition(network.hidden == config.hidden, "network and configuration disagree on the hidden size")
        self.config = config
        self.network = network
        self.pool = pool
        self.distribution = distribution
        ownedShards = distribution?.ownedShards ?? 0..<network.shards.count
        precondition(
            ownedShards.lowerBound >= 0 && ownedShards.upperBound <= network.shards.count,
            "owned shards \(ownedShards) outside the network's \(network.shards.count)")
        let batch = config.batch
        let steps = config.timeSteps
        let inputs = network.inputs
        let shardCount = network.shards.count
        batchCapacity = batch
        encoder = SpikeEncoder(seed: config.seed, timeSteps: steps, inputs: inputs)
        shardStates = network.shards.map { ShardState(shard: $0, batch: batch, timeSteps: steps) }
        trains = SpikeTrainBuffers(capacity: batch, timeSteps: steps, inputs: inputs)
        activeRows = AlignedBuffer(count: inputs)
        rowCoefficients = AlignedBuffer(count: inputs * batch)
        feedForwardPartials = AlignedBuffer(count: shardCount * batch * steps * outputLanes)
        relaxPartials = AlignedBuffer(count: shardCount * 2 * batch * outputLanes)
        outputFeedForward = AlignedBuffer(count: batch * outputLanes)
        outputFree = AlignedBuffer(count: batch * outputLanes)
        outputNudged = AlignedBuffer(count: batch * outputLanes)
        outputFreeRho = AlignedBuffer(count: batch * outputLanes)
        outputNudgedRho = AlignedBuffer(count: batch * outputLanes)
        outputSpikeCounts = AlignedBuffer(count: batch * outputLanes)
        outputCoefficients = AlignedBuffer(count: outputLanes * 2 * batch)
        outputRows = AlignedBuffer(count: outputLanes)
        sampleOutcome = AlignedBuffer(count: batch)
        for k in 0..<outputLanes { outputRows[k] = UInt16(k) }
    }

    /// Trains on one minibatch: `samples` are indices into `dataset`. Returns how many samples the spike
    /// readout (step 1, before the update) classified correctly.
    /// - Throws: `TrainingError.diverged` when a drive becomes NaN or infinite; `TrainingError.exceeded` when a
    ///   hidden drive, or after the update b1, W2 or b2, is beyond `ParameterBound.limit` in magnitude.
    public func trainBatch(samples: ArraySlice<Int>, dataset: Dataset, epoch: Int) throws(TrainingError) -> Int {
        let batch = samples.count
        precondition(batch >= 1 && batch <= batchCapacity, "batch of \(batch) exceeds capacity \(batchCapacity)")
        let sampleIndices = Array(samples)
        let labels = sampleIndices.map { Int(dataset.labels[$0]) }
        encode(sampleIndices, dataset: dataset, epoch: epoch)
        collectActiveRows(batch: batch)
        feedForwardHidden(batch: batch)
        try check("hidden feed-forward drive", violation: \.driveViolation, samples: sampleIndices)
        exchange(feedForwardPartials, floatsPerShard: batchCapacity * config.timeSteps * outputLanes)
        let correct =
            distribution == nil
            ? try settle(samples: sampleIndices, labels: labels)
            : try settleStepwise(samples: sampleIndices, labels: labels)
        updateWeights(batch: batch, epoch: epoch)
        try check("hidden-layer weight update", violation: \.violation, samples: sampleIndices)
        guard Kernels.allFinite(network.outputBias.pointer, count: outputLanes) else {
            throw .diverged(quantity: "output bias b2")
        }
        if let k = ParameterBound.firstViolation(network.outputBias.pointer, count: network.outputs) {
            throw ParameterViolation(parameter: .outputBias, row: k, neuron: 0, value: network.outputBias.pointer[k])
                .error(samples: sampleIndices)
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
        activeRowCount = Kernels.nonZeroColumns(
            trains.rates.pointer, rows: batch, width: network.inputs, columns: activeRows.pointer,
            values: rowCoefficients.pointer)
    }

    /// Throws if any owned shard's task flagged a non-finite value (`finite`, one flag per shard, read after the
    /// join), naming `quantity`; else for the first shard whose task found a value outside
    /// `ParameterBound.limit` (`violation`). In a group one all-reduce agrees on both for every rank, naming the
    /// same shard everywhere; the violation itself is sent by its owner only when training stops.
    private func check(
        _ quantity: String, violation: KeyPath<ShardState, ParameterViolation?>, samples: [Int]
    ) throws(TrainingError) {
        let none = shardStates.count
        var bad = [
            ownedShards.first(where: { !shardStates[$0].finite }) ?? none,
            ownedShards.first(where: { shardStates[$0][keyPath: violation] != nil }) ?? none,
        ]
        if let distribution {
            bad = distribution.communicator.allReduceMinimum(bad.map { Int64($0) }).map { Int($0) }
        }
        if bad[0] < none {
            let neurons = shardStates[bad[0]].shard.neurons
            throw .diverged(
                quantity:
                    "\(quantity) (hidden neurons \(neurons.lowerBound)..<\(neurons.upperBound), samples \(samples.first!)…)"
            )
        }
        guard bad[1] < none else { return }
        var packed = shardStates[bad[1]][keyPath: violation]?.packed ?? [Int64.max, Int64.max, Int64.max]
        if let distribution { packed = distribution.communicator.allReduceMinimum(packed) }
        throw ParameterViolation(packed: packed).error(samples: samples)
    }

    /// The first parameter of `shard` outside `ParameterBound.limit` after an update: b1, then the W2ᵀ block.
    /// W1 is checked through the drive it produces (`hiddenDriveViolation`): scanning the W1 rows an update
    /// changed would read as many floats as the update kernel itself, the drive is scanned anyway. In `perf
    /// record` of a 1-epoch, 5,000-image H = 800 run with 1 thread, `ParameterBound.firstViolation` took 0.08%
    /// of the cycles and `check`, `violation(in:)` 0.02% each.
    private func violation(in shard: HiddenShard) -> ParameterViolation? {
        let width = shard.width
        let first = shard.neurons.lowerBound
        if let j = ParameterBound.firstViolation(shard.hiddenBias.pointer, count: width) {
            return ParameterViolation(
                parameter: .hiddenBias, row: 0, neuron: first + j, value: shard.hiddenBias.pointer[j])
        }
        let block = shard.outputWeightsTransposed.pointer
        if let index = ParameterBound.firstViolation(block, count: network.outputs * width) {
            return ParameterViolation(
                parameter: .outputWeight, row: index / width, neuron: first + index % width, value: block[index])
        }
        return nil
    }

    /// The first hidden drive r_x·W1 + b1 of the batch (`batch × width`, sample-major) outside
    /// `ParameterBound.limit`; `row` is the sample's position in the batch.
    private func hiddenDriveViolation(_ state: ShardState, batch: Int) -> ParameterViolation? {
        let width = state.shard.width
        guard let index = ParameterBound.firstViolation(state.drive.pointer, count: batch * width) else { return nil }
        return ParameterViolation(
            parameter: .hiddenDrive, row: index / width, neuron: state.shard.neurons.lowerBound + index % width,
            value: state.drive.pointer[index])
    }

    /// In a group: all-gathers the output-layer partials of a buffer laid out shard by shard,
    /// `floatsPerShard` each, so every rank holds every shard's. Nothing to do in a single process.
    private func exchange(_ partials: AlignedBuffer<Float>, floatsPerShard: Int) {
        guard let distribution else { return }
        let bytesPerShard = floatsPerShard * MemoryLayout<Float>.stride
        distribution.communicator.allGather(
            UnsafeMutableRawPointer(partials.pointer),
            ranges: distribution.shardsByRank.map { ($0.lowerBound * bytesPerShard)..<($0.upperBound * bytesPerShard) })
    }

    private func feedForwardHidden(batch: Int) {
        let steps = config.timeSteps
        let leak = config.leak
        let threshold = config.theta
        let first = ownedShards.lowerBound
        pool.run(tasks: ownedShards.count) { task, _ in
            let s = first + task
            let state = shardStates[s]
            let width = state.shard.width
            for b in 0..<batch {
                Dynamics.hiddenFeedForward(
                    shard: state.shard, spikes: trains.output(b), timeSteps: steps, leak: leak,
                    threshold: threshold, scratch: state.scratch, drive: state.drive.pointer + b * width,
                    partial: feedForwardPartials.pointer + (s * batchCapacity + b) * steps * outputLanes)
                // V_h starts from V^FF_h = ρ(drive) (step 2 starts from the feed-forward state).
                Kernels.unitClamp(
                    state.drive.pointer + b * width, into: state.free.pointer + b * width, count: width)
            }
            // One scan for both checks: NaN and ±∞ fail the bound too, and are reported as not finite.
            let violation = hiddenDriveViolation(state, batch: batch)
            state.finite = violation?.value.isFinite ?? true
            state.driveViolation = violation?.value.isFinite == true ? violation : nil
        }
    }

    // MARK: Steps 1 (output layer) to 4

    /// The output layer's feed-forward (Eq. 5), the free relaxation (Eqs. 6–10), the integration (Eq. 11)
    /// and the teaching phase (Eqs. 12–14), for every sample of the batch — one task per sample.
    ///
    /// Samples are independent from here until the update, and relaxation touches only W2 (H×10), so each
    /// sample is one task that runs all its steps across all shards in shard order: one parallel step for
    /// the whole phase instead of one per relaxation step (13 barriers per batch fewer), with exactly the
    /// arithmetic — and the bits — of a shard-parallel schedule.
    private func settle(samples: [Int], labels: [Int]) throws(TrainingError) -> Int {
        let batch = samples.count
        withShardViews { views in
            pool.run(tasks: batch) { b, _ in
                // This is safe because task b writes only sample b's slices of the shard and output states.
                guard outputFeedForward(sample: b, label: labels[b]) else { return }
                for _ in 0..<config.kFree {
                    relaxHidden(sample: b, phase: .free, views: views)
                    relaxOutputs(sample: b, label: labels[b], phase: .free)
                }
                integrateAndStartTeaching(sample: b, label: labels[b], views: views)
                for _ in 0..<config.kPos {
                    relaxHidden(sample: b, phase: .teaching, views: views)
                    relaxOutputs(sample: b, label: labels[b], phase: .teaching)
                }
            }
        }
        return try correctCount(samples: samples)
    }

    /// The same steps as `settle`, one relaxation step at a time for the whole batch, with the ranks
    /// exchanging the partial output drives after each: every step's hidden part runs per sample over the
    /// owned shards, then the partials of all shards are gathered and every rank runs the output layer.
    /// Each sample's arithmetic is exactly `settle`'s, so a group computes a single process's bits.
    private func settleStepwise(samples: [Int], labels: [Int]) throws(TrainingError) -> Int {
        let batch = samples.count
        pool.run(tasks: batch) { b, _ in _ = outputFeedForward(sample: b, label: labels[b]) }
        let correct = try correctCount(samples: samples)
        func step(_ phase: Phase) {
            withShardViews { views in
                pool.run(tasks: batch) { b, _ in relaxHidden(sample: b, phase: phase, views: views) }
            }
            exchange(relaxPartials, floatsPerShard: 2 * batchCapacity * outputLanes)
            for b in 0..<batch { relaxOutputs(sample: b, label: labels[b], phase: phase) }
        }
        for _ in 0..<config.kFree { step(.free) }
        withShardViews { views in
            pool.run(tasks: batch) { b, _ in integrateAndStartTeaching(sample: b, label: labels[b], views: views) }
        }
        for _ in 0..<config.kPos { step(.teaching) }
        return correct
    }

    /// The spike readout of every sample (before the update); throws for the first sample whose output
    /// drive was not finite.
    private func correctCount(samples: [Int]) throws(TrainingError) -> Int {
        var correct = 0
        for b in 0..<samples.count {
            let outcome = sampleOutcome.pointer[b]
            guard outcome >= 0 else { throw .diverged(quantity: "output feed-forward drive (sample \(samples[b]))") }
            correct += Int(outcome)
        }
        return correct
    }

    /// Eq. 5 for the output layer of sample `b` from every shard's partials, the spike readout's verdict in
    /// `sampleOutcome`, and the free state's start V_y = V^FF_y. Returns false when the drive was not finite.
    private func outputFeedForward(sample b: Int, label: Int) -> Bool {
        let outputs = network.outputs
        let steps = config.timeSteps
        let finite = Dynamics.outputFeedForward(
            partials: feedForwardPartials.pointer + b * steps * outputLanes, shardCount: shardStates.count,
            shardStride: batchCapacity * steps * outputLanes, bias: network.outputBias.pointer, outputs: outputs,
            timeSteps: steps, leak: config.leak, threshold: config.theta,
            feedForward: outputFeedForward.pointer + b * outputLanes,
            spikeCounts: outputSpikeCounts.pointer + b * outputLanes)
        let predicted = Dynamics.spikePrediction(
            spikeCounts: outputSpikeCounts.pointer + b * outputLanes,
            feedForward: outputFeedForward.pointer + b * outputLanes,
            outputs: outputs)
        sampleOutcome.pointer[b] = !finite ? -1 : (predicted == label ? 1 : 0)
        guard finite else { return false }
        (outputFree.pointer + b * outputLanes).update(
            from: outputFeedForward.pointer + b * outputLanes, count: outputLanes)
        return true
    }

    enum Phase { case free, teaching }

    /// The hidden half of one synchronous relaxation step of sample `b`, over the owned shards. `.free`: the
    /// free state only (step 2). `.teaching`: the free continuation and the nudged state together (step 4).
    /// Every shard computes its partial A_y from the old V_h before its V_h steps with the old V_y.
    private func relaxHidden(sample b: Int, phase: Phase, views: [ShardView]) {
        let outputs = network.outputs
        let eps = config.eps
        let teaching = phase == .teaching
        let direct = config.nudge == .direct
        let freeRho = outputFreeRho.pointer + b * outputLanes
        let nudgedRho = outputNudgedRho.pointer + b * outputLanes
        Dynamics.rhoOutputs(outputFree.pointer + b * outputLanes, outputs: outputs, into: freeRho)
        if teaching { Dynamics.rhoOutputs(outputNudged.pointer + b * outputLanes, outputs: outputs, into: nudgedRho) }
        for s in ownedShards {
            let view = views[s]
            let width = view.width
            let drive = view.drive(sample: b)
            let partials = relaxPartials.pointer + (s * 2 * batchCapacity + b) * outputLanes
            Dynamics.relaxHiddenShard(
                potential: view.free(sample: b), drive: drive, feedback: view.feedback, outputs: outputs,
                width: width, outputRho: freeRho, eps: eps, partial: partials)
            guard teaching else { continue }
            Dynamics.relaxHiddenShard(
                potential: view.nudged(sample: b), drive: drive, feedback: view.feedback, outputs: outputs,
                width: width, outputRho: nudgedRho, eps: eps,
                partial: direct ? nil : partials + batchCapacity * outputLanes)
        }
    }

    /// The output half of the relaxation step of sample `b`: the output layer adds every shard's partial
    /// in shard order and takes its Euler step.
    private func relaxOutputs(sample b: Int, label: Int, phase: Phase) {
        let outputs = network.outputs
        let teaching = phase == .teaching
        let stride = 2 * batchCapacity * outputLanes
        Dynamics.relaxOutput(
            potential: outputFree.pointer + b * outputLanes, partials: relaxPartials.pointer + b * outputLanes,
            shardCount: shardStates.count, shardStride: stride, bias: network.outputBias.pointer,
            outputs: outputs, eps: config.eps, beta: teaching && config.nudge == .centered ? -config.beta : 0,
            target: label)
        if teaching && config.nudge != .direct {
            Dynamics.relaxOutput(
                potential: outputNudged.pointer + b * outputLanes,
                partials: relaxPartials.pointer + (batchCapacity + b) * outputLanes,
                shardCount: shardStates.count, shardStride: stride, bias: network.outputBias.pointer,
                outputs: outputs, eps: config.eps, beta: config.beta, target: label)
        }
    }

    /// Step 3 (Eq. 11) for sample `b`: V = α·V^FF + (1 − α)·V^ES, for both layers (the hidden layer's owned
    /// shards); then the starting states of step 4: the free continuation and the nudged state both start
    /// from V; with `nudge = direct` the nudged output is set once to clamp(V_y + η_c(V_T − V_y)) and held.
    private func integrateAndStartTeaching(sample b: Int, label: Int, views: [ShardView]) {
        let alpha = config.alpha
        let outputs = network.outputs
        for s in ownedShards {
            let view = views[s]
            Kernels.mixUnitClamped(
                view.drive(sample: b), view.free(sample: b), alpha: alpha, into: view.free(sample: b),
                and: view.nudged(sample: b), count: view.width)
        }
        for k in 0..<outputLanes {
            let index = b * outputLanes + k
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
                let nudged = outputNudged.pointer[b * outputLanes + k]
                let free = outputFree.pointer[b * outputLanes + k]
                if eqprop {
                    outputCoefficients.pointer[k * columns + b] = outputRate * Dynamics.rho(nudged)
                    outputCoefficients.pointer[k * columns + batch + b] = -outputRate * Dynamics.rho(free)
                } else {
                    outputCoefficients.pointer[k * columns + b] = outputRate * (nudged - free)
                }
            }
        }
        let rowCount = activeRowCount
        let first = ownedShards.lowerBound
        pool.run(tasks: ownedShards.count) { task, _ in
            let state = shardStates[first + task]
            let shard = state.shard
            let width = shard.width
            let deltas = state.deltas.pointer
            // W1 and b1: Δ = η1·s·(ρ(V_h¹) − ρ(V_h⁰)) per sample (V_h is clamped, so ρ(V) = V: the stdp and
            // eqprop rules coincide for W1).
            Kernels.scaledUnitClampDifference(
                state.nudged.pointer, state.free.pointer, scale: inputRate, into: deltas, count: batch * width)
            Kernels.rankUpdate(
                matrix: shard.inputWeights.pointer, rowStride: width, width: width,
                rows: activeRows.pointer, rowCount: rowCount, coefficients: rowCoefficients.pointer,
                deltas: deltas, batch: batch)
            Kernels.addColumnSums(deltas, rows: batch, width: width, into: shard.hiddenBias.pointer)
            // W2 (transposed block): rows k, presynaptic operands ρ(V_h) per sample.
            Kernels.unitClamp(
                eqprop ? state.nudged.pointer : state.free.pointer, into: deltas, count: batch * width)
            if eqprop { Kernels.unitClamp(state.free.pointer, into: deltas + batch * width, count: batch * width) }
            // Every W2 coefficient is a difference of output potentials, almost never zero: the register-blocked
            // kernel (same bits on finite values); its speed on this shape is `ptrain bench`'s row "W2 rank-10
            // update H×10 (blocked)" (docs/performance.md).
            Kernels.denseRankUpdate(
                matrix: shard.outputWeightsTransposed.pointer, rowStride: width, width: width,
                rows: outputRows.pointer, rowCount: outputs, coefficients: outputCoefficients.pointer,
                deltas: deltas, batch: columns)
            state.finite =
                Kernels.allFinite(shard.hiddenBias.pointer, count: width)
                && Kernels.allFinite(deltas, count: columns * width)
            state.violation = violation(in: shard)
        }
        for k in 0..<outputs {
            var sum: Float = 0
            for b in 0..<batch {
                sum +=
                    outputRate
                    * (Dynamics.rho(outputNudged.pointer[b * outputLanes + k])
                        - Dynamics.rho(outputFree.pointer[b * outputLanes + k]))
            }
            network.outputBias.pointer[k] += sum
        }
    }
}

/// Why training stopped.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// A quantity became NaN or infinite.
    case diverged(quantity: String)
    /// A parameter stayed finite but its magnitude passed `ParameterBound.limit` (10^6): `quantity` is e.g.
    /// "W2 weight", `location` e.g. "hidden neuron 17, output 3".
    case exceeded(quantity: String, value: Float, location: String)

    public var description: String {
        switch self {
        case .diverged(let quantity):
            return "training diverged: \(quantity) is not finite (try smaller learning rates)"
        case .exceeded(let quantity, let value, let location):
            return
                "training diverged: \(quantity) \(scientific(value)) exceeds \(scientific(ParameterBound.limit)) in magnitude "
                + "at \(location) (try smaller learning rates)"
        }
    }
}

/// One shard's per-batch state and W2ᵀ block as raw pointers, for the per-sample relaxation loop: it touches
/// every shard 13 times per sample, and going through the class references cost an atomic retain/release pair
/// per access, on reference counts shared by both threads (4% of two-thread training time in perf).
///
/// A view exists only inside `Trainer.withShardViews`, which keeps the buffers alive; it must not escape that
/// scope. Its accessors check the sample slot with `assert` (debug builds), as swift-collections'
/// `_UnsafeHandle` does.
struct ShardView {
    let width: Int
    /// Sample slots in each per-batch buffer.
    private let capacity: Int
    private let drive: UnsafeMutablePointer<Float>
    private let free: UnsafeMutablePointer<Float>
    private let nudged: UnsafeMutablePointer<Float>
    /// The shard's W2ᵀ block, `outputs × width`.
    let feedback: UnsafeMutablePointer<Float>

    fileprivate init(_ state: ShardState) {
        width = state.shard.width
        capacity = state.drive.count / max(1, width)
        precondition(
            state.free.count >= capacity * width && state.nudged.count >= capacity * width,
            "shard state buffers disagree on the batch capacity")
        drive = state.drive.pointer
        free = state.free.pointer
        nudged = state.nudged.pointer
        feedback = state.shard.outputWeightsTransposed.pointer
    }

    /// Sample `b`'s `width` drives Σ_t I_h / T.
    func drive(sample b: Int) -> UnsafeMutablePointer<Float> {
        assert(b >= 0 && b < capacity, "sample slot \(b) out of 0..<\(capacity)")
        return drive + b * width
    }

    /// Sample `b`'s `width` free-phase potentials.
    func free(sample b: Int) -> UnsafeMutablePointer<Float> {
        assert(b >= 0 && b < capacity, "sample slot \(b) out of 0..<\(capacity)")
        return free + b * width
    }

    /// Sample `b`'s `width` nudged potentials.
    func nudged(sample b: Int) -> UnsafeMutablePointer<Float> {
        assert(b >= 0 && b < capacity, "sample slot \(b) out of 0..<\(capacity)")
        return nudged + b * width
    }
}

extension Trainer {
    /// Calls `body` with a view of every shard (indexed by shard); the views' pointers are valid only inside
    /// `body`, which must not let them escape: the shard states that own the buffers are kept alive until it
    /// returns.
    fileprivate func withShardViews<Result>(_ body: ([ShardView]) -> Result) -> Result {
        let views = shardStates.map(ShardView.init)
        return withExtendedLifetime(shardStates) { body(views) }
    }
}
