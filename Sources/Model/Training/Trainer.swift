import Parallel

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
/// `@unchecked Sendable` for the one `var`. This is safe to send, because the one `var` (`activeRowCount`) and
/// the output-layer buffers are written only by the thread that calls `trainBatch` between parallel steps, and
/// the pool's tasks write disjoint slices (one shard's, or one sample's) of the other buffers; `trainBatch` is
/// never called concurrently.
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
    let activeRows: AlignedBuffer<Kernels.RowIndex>
    let rowCoefficients: AlignedBuffer<Float>
    var activeRowCount = 0
    /// The output layer's partials, potentials and update coefficients.
    let outputState: OutputState

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
        outputState = OutputState(
            capacity: batch, timeSteps: steps, shardCount: shardCount, width: network.outputWidth)
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
        exchange(
            outputState.feedForwardPartials, floatsPerShard: batchCapacity * config.timeSteps * network.outputWidth)
        let correct =
            distribution == nil
            ? try settle(samples: sampleIndices, labels: labels)
            : try settleStepwise(samples: sampleIndices, labels: labels)
        updateWeights(batch: batch, epoch: epoch)
        try check("hidden-layer weight update", violation: \.violation, samples: sampleIndices)
        try checkOutputBias(samples: sampleIndices)
        return correct
    }

    /// Throws when b2 is not finite, or for its first entry beyond `ParameterBound.limit`.
    private func checkOutputBias(samples: [Int]) throws(TrainingError) {
        let outputs = network.outputs
        let (finite, first, value) = network.outputBias.withUnsafeBufferPointer { b2 -> (Bool, Int?, Float) in
            let first = ParameterBound.firstViolation(b2.start, count: outputs)
            return (
                Kernels.allFinite(b2.pointer(at: 0, count: network.outputWidth), count: network.outputWidth), first,
                first.map { b2[$0] } ?? 0
            )
        }
        guard finite else { throw .diverged(quantity: "output bias b2") }
        if let first {
            throw ParameterViolation(parameter: .outputBias, row: first, neuron: 0, value: value).error(
                samples: samples)
        }
    }

    // MARK: Step 1 — encoding and spiking feed-forward (Eq. 5)

    private func encode(_ samples: [Int], dataset: Dataset, epoch: Int) {
        precondition(
            dataset.inputsPerSample == network.inputs,
            "dataset has \(dataset.inputsPerSample) inputs per sample, network \(network.inputs)")
        let shift = config.imageShift(image: LayeredSession.inputShape(of: dataset))
        dataset.withUnsafeSamples { values in
            trains.withUnsafeSamples { trains in
                pool.run(tasks: samples.count) { b, _ in
                    // This is safe because each task writes only sample b's slices of the encoding buffers.
                    encoder.encode(
                        sample: samples[b], of: values, stream: .trainingSpikes, epoch: UInt64(epoch), shift: shift,
                        into: trains[b])
                }
            }
        }
    }

    /// Lists the inputs with non-zero rate in any sample of the batch and gathers their rates as the
    /// coefficients of the W1 update (Eq. 15: presynaptic activity r_x).
    private func collectActiveRows(batch: Int) {
        let inputs = network.inputs
        activeRowCount = trains.rates.withUnsafeBufferPointer { rates in
            activeRows.withUnsafeMutableBufferPointer { rows in
                rowCoefficients.withUnsafeMutableBufferPointer { values in
                    Kernels.nonZeroColumns(
                        rates.pointer(at: 0, count: batch * inputs), rows: batch, width: inputs,
                        columns: rows.pointer(at: 0, count: inputs),
                        values: values.pointer(at: 0, count: batch * inputs))
                }
            }
        }
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
        let count = network.outputs * width
        return shard.withUnsafeWeights { weights in
            if let j = ParameterBound.firstViolation(weights.hiddenBias.pointer(at: 0, count: width), count: width) {
                return ParameterViolation(
                    parameter: .hiddenBias, row: 0, neuron: first + j, value: weights.hiddenBias[j])
            }
            let block = weights.outputWeightsTransposed
            if let index = ParameterBound.firstViolation(block.pointer(at: 0, count: count), count: count) {
                return ParameterViolation(
                    parameter: .outputWeight, row: index / width, neuron: first + index % width, value: block[index])
            }
            return nil
        }
    }

    /// The first hidden drive r_x·W1 + b1 of the batch (`batch × width`, sample-major) outside
    /// `ParameterBound.limit`; `row` is the sample's position in the batch.
    private func hiddenDriveViolation(_ view: ShardView, neurons: Range<Int>, batch: Int) -> ParameterViolation? {
        let drives = view.drives(batch: batch)
        guard let index = ParameterBound.firstViolation(drives.start, count: drives.count) else { return nil }
        return ParameterViolation(
            parameter: .hiddenDrive, row: index / view.width, neuron: neurons.lowerBound + index % view.width,
            value: drives[index])
    }

    /// In a group: all-gathers the output-layer partials of a buffer laid out shard by shard,
    /// `floatsPerShard` each, so every rank holds every shard's. Nothing to do in a single process.
    private func exchange(_ partials: AlignedBuffer<Float>, floatsPerShard: Int) {
        guard let distribution else { return }
        let bytesPerShard = floatsPerShard * MemoryLayout<Float>.stride
        let ranges = distribution.shardsByRank.map {
            ($0.lowerBound * bytesPerShard)..<($0.upperBound * bytesPerShard)
        }
        partials.withUnsafeMutableBytes { raw in distribution.communicator.allGather(raw.baseAddress!, ranges: ranges) }
    }

    private func feedForwardHidden(batch: Int) {
        let steps = config.timeSteps
        let leak = config.leak
        let threshold = config.theta
        let reset = config.reset
        let first = ownedShards.lowerBound
        withShardViews { views in
            trains.withUnsafeSamples { trains in
                outputState.withView(bias: network.outputBias) { output in
                    pool.run(tasks: ownedShards.count) { task, _ in
                        // This is safe because task s writes only shard s's state and partials.
                        let s = first + task
                        let state = shardStates[s]
                        let view = views[s]
                        for b in 0..<batch {
                            Dynamics.hiddenFeedForward(
                                shard: state.shard, spikes: trains[b], timeSteps: steps, leak: leak,
                                threshold: threshold, reset: reset, scratch: state.scratch,
                                drive: view.drive(sample: b),
                                partial: output.feedForwardPartial(shard: s, sample: b))
                            // V_h starts from V^FF_h = ρ(drive) (step 2 starts from the feed-forward state).
                            Kernels.unitClamp(
                                view.drive(sample: b).start, into: view.free(sample: b).start, count: view.width)
                        }
                        // One scan for both checks: NaN and ±∞ fail the bound too, and are reported as not finite.
                        let violation = hiddenDriveViolation(view, neurons: state.shard.neurons, batch: batch)
                        state.finite = violation?.value.isFinite ?? true
                        state.driveViolation = violation?.value.isFinite == true ? violation : nil
                    }
                }
            }
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
            outputState.withView(bias: network.outputBias) { output in
                pool.run(tasks: batch) { b, _ in
                    // This is safe because task b writes only sample b's slices of the shard and output states.
                    guard outputFeedForward(sample: b, label: labels[b], output: output) else { return }
                    for _ in 0..<config.kFree {
                        relaxHidden(sample: b, phase: .free, views: views, output: output)
                        relaxOutputs(sample: b, label: labels[b], phase: .free, output: output)
                    }
                    integrateAndStartTeaching(sample: b, label: labels[b], views: views, output: output)
                    for _ in 0..<config.kPos {
                        relaxHidden(sample: b, phase: .teaching, views: views, output: output)
                        relaxOutputs(sample: b, label: labels[b], phase: .teaching, output: output)
                    }
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
        let bias = network.outputBias
        outputState.withView(bias: bias) { output in
            pool.run(tasks: batch) { b, _ in _ = outputFeedForward(sample: b, label: labels[b], output: output) }
        }
        let correct = try correctCount(samples: samples)
        func step(_ phase: Phase) {
            withShardViews { views in
                outputState.withView(bias: bias) { output in
                    pool.run(tasks: batch) { b, _ in relaxHidden(sample: b, phase: phase, views: views, output: output)
                    }
                }
            }
            exchange(outputState.relaxPartials, floatsPerShard: 2 * batchCapacity * network.outputWidth)
            outputState.withView(bias: bias) { output in
                for b in 0..<batch { relaxOutputs(sample: b, label: labels[b], phase: phase, output: output) }
            }
        }
        for _ in 0..<config.kFree { step(.free) }
        withShardViews { views in
            outputState.withView(bias: bias) { output in
                pool.run(tasks: batch) { b, _ in
                    integrateAndStartTeaching(sample: b, label: labels[b], views: views, output: output)
                }
            }
        }
        for _ in 0..<config.kPos { step(.teaching) }
        return correct
    }

    /// The spike readout of every sample (before the update); throws for the first sample whose output
    /// drive was not finite.
    private func correctCount(samples: [Int]) throws(TrainingError) -> Int {
        var correct = 0
        for b in 0..<samples.count {
            let outcome = outputState.sampleOutcome[b]
            guard outcome >= 0 else { throw .diverged(quantity: "output feed-forward drive (sample \(samples[b]))") }
            correct += Int(outcome)
        }
        return correct
    }

    /// Eq. 5 for the output layer of sample `b` from every shard's partials, the spike readout's verdict in
    /// `sampleOutcome`, and the free state's start V_y = V^FF_y. Returns false when the drive was not finite.
    private func outputFeedForward(sample b: Int, label: Int, output: OutputView) -> Bool {
        let outputs = network.outputs
        let feedForward = output.sample(b, of: output.feedForward)
        let spikeCounts = output.sample(b, of: output.spikeCounts)
        let finite = Dynamics.outputFeedForward(
            partials: output.feedForwardPartials(sample: b), shardCount: output.shardCount,
            shardStride: output.feedForwardShardStride, bias: output.bias.start, outputs: outputs,
            timeSteps: config.timeSteps, leak: config.leak, threshold: config.theta, reset: config.reset,
            feedForward: feedForward,
            spikeCounts: spikeCounts)
        let predicted = Dynamics.spikePrediction(
            spikeCounts: UnsafeBufferPointer(spikeCounts), tieBreak: UnsafeBufferPointer(feedForward), outputs: outputs)
        output.sampleOutcome[b] = !finite ? -1 : (predicted == label ? 1 : 0)
        guard finite else { return false }
        _ = output.sample(b, of: output.free).update(fromContentsOf: feedForward)
        return true
    }

    enum Phase { case free, teaching }

    /// The hidden half of one synchronous relaxation step of sample `b`, over the owned shards. `.free`: the
    /// free state only (step 2). `.teaching`: the free continuation and the nudged state together (step 4).
    /// Every shard computes its partial A_y from the old V_h before its V_h steps with the old V_y.
    private func relaxHidden(sample b: Int, phase: Phase, views: [ShardView], output: OutputView) {
        let outputs = network.outputs
        let eps = config.eps
        let teaching = phase == .teaching
        let direct = config.nudge == .direct
        let freeRho = output.sample(b, of: output.freeRho)
        let nudgedRho = output.sample(b, of: output.nudgedRho)
        Dynamics.rhoOutputs(output.sample(b, of: output.free).start, outputs: outputs, into: freeRho)
        if teaching {
            Dynamics.rhoOutputs(output.sample(b, of: output.nudged).start, outputs: outputs, into: nudgedRho)
        }
        for s in ownedShards {
            let view = views[s]
            let width = view.width
            let drive = view.drive(sample: b).start
            Dynamics.relaxHiddenShard(
                potential: view.free(sample: b).start, drive: drive, feedback: view.feedback.start, outputs: outputs,
                width: width, outputRho: freeRho.start, eps: eps,
                partial: output.relaxPartial(shard: s, nudged: false, sample: b))
            guard teaching else { continue }
            Dynamics.relaxHiddenShard(
                potential: view.nudged(sample: b).start, drive: drive, feedback: view.feedback.start,
                outputs: outputs, width: width, outputRho: nudgedRho.start, eps: eps,
                partial: direct ? nil : output.relaxPartial(shard: s, nudged: true, sample: b))
        }
    }

    /// The output half of the relaxation step of sample `b`: the output layer adds every shard's partial
    /// in shard order and takes its Euler step.
    private func relaxOutputs(sample b: Int, label: Int, phase: Phase, output: OutputView) {
        let outputs = network.outputs
        let teaching = phase == .teaching
        Dynamics.relaxOutput(
            potential: output.sample(b, of: output.free).start,
            partials: output.relaxPartials(nudged: false, sample: b),
            shardCount: output.shardCount, shardStride: output.relaxShardStride, bias: output.bias.start,
            outputs: outputs, eps: config.eps, beta: teaching && config.nudge == .centered ? -config.beta : 0,
            target: label)
        if teaching && config.nudge != .direct {
            Dynamics.relaxOutput(
                potential: output.sample(b, of: output.nudged).start,
                partials: output.relaxPartials(nudged: true, sample: b), shardCount: output.shardCount,
                shardStride: output.relaxShardStride, bias: output.bias.start, outputs: outputs, eps: config.eps,
                beta: config.beta, target: label)
        }
    }

    /// Step 3 (Eq. 11) for sample `b`: V = α·V^FF + (1 − α)·V^ES, for both layers (the hidden layer's owned
    /// shards); then the starting states of step 4: the free continuation and the nudged state both start
    /// from V; with `nudge = direct` the nudged output is set once to clamp(V_y + η_c(V_T − V_y)) and held.
    private func integrateAndStartTeaching(sample b: Int, label: Int, views: [ShardView], output: OutputView) {
        let alpha = config.alpha
        let outputs = network.outputs
        for s in ownedShards {
            let view = views[s]
            Kernels.mixUnitClamped(
                view.drive(sample: b).start, view.free(sample: b).start, alpha: alpha, into: view.free(sample: b).start,
                and: view.nudged(sample: b).start, count: view.width)
        }
        // The output layer's V^FF_y is already ρ of its drive, and ρ is the identity on [0, 1] bit for bit
        // (V^FF_y is finite here: a non-finite drive stopped the sample), so the same kernel computes
        // α·V^FF_y + (1 − α)·V_y.
        let free = output.sample(b, of: output.free)
        let nudged = output.sample(b, of: output.nudged)
        Kernels.mixUnitClamped(
            output.sample(b, of: output.feedForward).start, free.start, alpha: alpha, into: free.start,
            and: nudged.start, count: outputs)
        free.extracting(outputs...).update(repeating: 0)
        nudged.extracting(outputs...).update(repeating: 0)
        if config.nudge == .direct {
            Kernels.stepTowardOneHot(nudged.start, rate: config.etaC, target: label, into: nudged.start, count: outputs)
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
        let rowCount = activeRowCount
        let first = ownedShards.lowerBound
        withShardViews { views in
            outputState.withView(bias: network.outputBias) { output in
                // Coefficients of the W2 update, [k][2B]: stdp uses ρ(V_h⁰) as presynaptic activity and
                // ΔV_y = V_y¹ − V_y⁰; eqprop uses ρ(V_h¹)ρ(V_y¹) − ρ(V_h⁰)ρ(V_y⁰).
                let columns = eqprop ? 2 * batch : batch
                let coefficients = output.coefficients.pointer(at: 0, count: outputs * columns)
                if eqprop {
                    Kernels.scaledUnitClampTransposed(
                        output.nudged.start, rows: batch, rowStride: network.outputWidth, columns: outputs,
                        scale: outputRate,
                        into: coefficients, outStride: columns)
                    Kernels.scaledUnitClampTransposed(
                        output.free.start, rows: batch, rowStride: network.outputWidth, columns: outputs,
                        scale: -outputRate,
                        into: coefficients + batch, outStride: columns)
                } else {
                    Kernels.scaledDifferenceTransposed(
                        output.nudged.start, output.free.start, rows: batch, rowStride: network.outputWidth,
                        columns: outputs,
                        scale: outputRate, into: coefficients, outStride: columns)
                }
                activeRows.withUnsafeBufferPointer { activeRows in
                    rowCoefficients.withUnsafeBufferPointer { rowCoefficients in
                        pool.run(tasks: ownedShards.count) { task, _ in
                            // This is safe because task s writes only shard s's weights, deltas and flags.
                            let state = shardStates[first + task]
                            let view = views[first + task]
                            let width = view.width
                            let free = view.potentials(batch: batch, nudged: false).start
                            let nudged = view.potentials(batch: batch, nudged: true).start
                            let deltas = view.deltas.start
                            state.shard.withUnsafeWeights { weights in
                                // W1 and b1: Δ = η1·s·(ρ(V_h¹) − ρ(V_h⁰)) per sample (V_h is clamped, so
                                // ρ(V) = V: the stdp and eqprop rules coincide for W1).
                                Kernels.scaledUnitClampDifference(
                                    nudged, free, scale: inputRate, into: deltas, count: batch * width)
                                Kernels.rankUpdate(
                                    matrix: weights.inputWeights.start, rowStride: width, width: width,
                                    rows: activeRows.start, rowCount: rowCount, coefficients: rowCoefficients.start,
                                    deltas: deltas, batch: batch)
                                Kernels.addColumnSums(deltas, rows: batch, width: width, into: weights.hiddenBias.start)
                                // W2 (transposed block): rows k, presynaptic operands ρ(V_h) per sample.
                                Kernels.unitClamp(eqprop ? nudged : free, into: deltas, count: batch * width)
                                if eqprop {
                                    Kernels.unitClamp(
                                        free, into: view.deltas.pointer(at: batch * width, count: batch * width),
                                        count: batch * width)
                                }
                                // Every W2 coefficient is a difference of output potentials, almost never zero: the
                                // register-blocked kernel (same bits on finite values); its speed on this shape is
                                // `ptrain bench`'s row "W2 rank-10 update H×10 (blocked)" (docs/performance.md).
                                Kernels.denseRankUpdate(
                                    matrix: view.feedback.start, rowStride: width, width: width,
                                    rows: output.rows.start,
                                    rowCount: outputs, coefficients: coefficients, deltas: deltas, batch: columns)
                                state.finite =
                                    Kernels.allFinite(weights.hiddenBias.start, count: width)
                                    && Kernels.allFinite(deltas, count: columns * width)
                            }
                            state.violation = violation(in: state.shard)
                        }
                    }
                }
                // b2: Σ_b η2·s·(ρ(V_y¹) − ρ(V_y⁰)) (Eq. 15), summed over the batch as b1 is.
                Kernels.scaledUnitClampDifference(
                    output.nudged.start, output.free.start, scale: outputRate, into: output.biasDeltas.start,
                    count: batch * network.outputWidth)
                Kernels.addColumnSums(
                    output.biasDeltas.start, rows: batch, width: outputs, rowStride: network.outputWidth,
                    into: output.bias.start)
            }
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

extension Trainer {
    /// Calls `body` with a view of every shard (indexed by shard); the views' pointers are valid only inside
    /// `body`, which must not let them escape: the shard states that own the buffers are kept alive until it
    /// returns.
    fileprivate func withShardViews<Result>(_ body: ([ShardView]) -> Result) -> Result {
        let buffers = shardStates.flatMap {
            [$0.drive, $0.free, $0.nudged, $0.deltas, $0.shard.outputWeightsTransposed]
        }
        return AlignedBuffer.withUnsafeMutableBufferPointers(buffers) { p in
            body(
                shardStates.indices.map { s in
                    ShardView(
                        width: shardStates[s].shard.width, drive: p[5 * s], free: p[5 * s + 1], nudged: p[5 * s + 2],
                        deltas: p[5 * s + 3], feedback: p[5 * s + 4])
                })
        }
    }
}
