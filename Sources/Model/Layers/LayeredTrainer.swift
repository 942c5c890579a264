import Parallel

/// Trains a `LayeredNetwork` one minibatch at a time by the spec's five steps, generalised to any number of
/// layers (issue #15; docs/algorithm.md, "Layered networks"):
///
/// 1. the spiking feed-forward pass through every layer (Eq. 5), its output spike counts the training readout;
/// 2. K_free steps of free relaxation of every layer (Eqs. 6–10);
/// 3. the Eq. 11 mix V = α·V^FF + (1 − α)·V^ES;
/// 4. K_pos steps of the free continuation and the nudged relaxation (Eqs. 12–14; `nudge` beta, direct or
///    centered as in the three-layer network);
/// 5. the local update of every layer (Eq. 15): ΔW_l = η·s·pre_lᵀ(ρ(V_l¹) − ρ(V_l⁰)), with the input rates r_x as
///    layer 1's presynaptic activity and ρ(V_{l−1}⁰) as a deeper layer's (the three-layer network's W2 rule),
///    summed over a shared kernel's positions (`Kernels.convolutionWeightCorrelation`). No gradient is computed
///    anywhere: each synapse changes by its own presynaptic activity times its postsynaptic neuron's change.
///
/// Steps 1–4 are one task per sample (samples are independent until the update, and each reads the weights
/// only); step 5 is one task per fixed range of weight rows of every layer (`LayerWeights.updateShards`), each
/// weight's sum over the batch in sample order. So the result depends only on the configuration and the data,
/// never on the pool's thread count.
///
/// In a group of ranks (`Distribution(dataParallel:)`, docs/distributed.md) each rank runs steps 1–4 for its
/// contiguous share of the batch (`Distribution.shares`), the ranks all-gather every sample's free and nudged
/// states, input rates and outcome, and every rank runs the whole of step 5 — the same sums in the same order
/// as one process, so the weights are bit-identical at any rank count and every rank holds all of them.
///
/// `@unchecked Sendable`: the pool's tasks write disjoint slices (a sample's states, a range of weight rows);
/// biases are updated by the calling thread after the join; `trainBatch` is never called concurrently.
public final class LayeredTrainer: @unchecked Sendable {
    public let config: RunConfig
    public let network: LayeredNetwork
    let pool: WorkerPool
    let encoder: SpikeEncoder
    let trains: SpikeTrainBuffers
    let state: LayeredState
    /// One flag per update task: 1 when the rows it updated are finite.
    let finiteRows: AlignedBuffer<Int32>
    /// (layer, shard) of every update task.
    let updateTasks: [(layer: Int, rows: Range<Int>)]
    /// The group that shares every batch's samples; nil in a single process.
    let distribution: Distribution?

    public init(config: RunConfig, network: LayeredNetwork, pool: WorkerPool, distribution: Distribution? = nil) {
        self.config = config
        self.network = network
        self.pool = pool
        self.distribution = distribution
        encoder = SpikeEncoder(seed: config.seed, timeSteps: config.timeSteps, inputs: network.inputs)
        trains = SpikeTrainBuffers(capacity: config.batch, timeSteps: config.timeSteps, inputs: network.inputs)
        state = LayeredState(network: network, capacity: config.batch)
        updateTasks = network.layers.enumerated().flatMap { l, layer in
            layer.updateShards.ranges.map { (layer: l, rows: $0) }
        }
        finiteRows = AlignedBuffer(count: updateTasks.count)
    }

    /// Trains on one minibatch (`samples` index `dataset`); returns how many samples the spike readout of step 1
    /// classified correctly (before the update).
    /// - Throws: `TrainingError.diverged` when an output drive or an updated weight or bias is not finite.
    public func trainBatch(samples: ArraySlice<Int>, dataset: Dataset, epoch: Int) throws(TrainingError) -> Int {
        let batch = samples.count
        precondition(batch >= 1 && batch <= config.batch, "batch of \(batch) exceeds capacity \(config.batch)")
        precondition(dataset.inputsPerSample == network.inputs, "dataset and network disagree on the inputs")
        let indices = Array(samples)
        let outputs = network.outputs
        let last = network.layers.count - 1
        let mine = distribution.map { $0.shares(of: batch)[$0.rank] } ?? 0..<batch
        let shift = config.imageShift(image: LayeredSession.inputShape(of: dataset))
        network.withUnsafeLayers(feedback: true) { layers in
            state.withView { view in
                dataset.withUnsafeSamples { values in
                    trains.withUnsafeSamples { trains in
                        pool.run(tasks: mine.count) { task, _ in
                            let b = mine.lowerBound + task
                            // This is safe because task b writes only sample b's encoding and states.
                            encoder.encode(
                                sample: indices[b], of: values, stream: .trainingSpikes, epoch: UInt64(epoch),
                                shift: shift, into: trains[b])
                            guard
                                LayeredDynamics.feedForward(
                                    layers: layers, state: view, sample: b, trains: trains[b], config: config)
                            else {
                                view.outcome[b] = -1
                                return
                            }
                            let label = Int(dataset.labels[indices[b]])
                            let predicted = Dynamics.spikePrediction(
                                spikeCounts: UnsafeBufferPointer(view.counts(sample: b)),
                                tieBreak: UnsafeBufferPointer(
                                    start: view.pointer(.free, layer: last, sample: b), count: outputs),
                                outputs: outputs)
                            view.outcome[b] = predicted == label ? 1 : 0
                            settle(layers: layers, view: view, sample: b, label: label)
                        }
                    }
                }
            }
        }
        if let distribution { shareSettledSamples(batch: batch, distribution: distribution) }
        var correct = 0
        for b in 0..<batch {
            let outcome = state.outcome.withUnsafeBufferPointer { $0[b] }
            guard outcome >= 0 else { throw .diverged(quantity: "output feed-forward drive (sample \(indices[b]))") }
            correct += Int(outcome)
        }
        try update(batch: batch, epoch: epoch, samples: indices)
        return correct
    }

    /// Copies every rank's share of steps 1–4 to every rank: per layer the free and nudged states, then the input
    /// rates and the outcomes — all that step 5 reads (`update`), each a contiguous byte range per rank because
    /// every block is sample-major.
    private func shareSettledSamples(batch: Int, distribution: Distribution) {
        let shares = distribution.shares(of: batch)
        let communicator = distribution.communicator
        func gather<Element>(_ buffer: AlignedBuffer<Element>, start: Int, width: Int) {
            let size = MemoryLayout<Element>.stride
            let ranges = shares.map {
                ((start + $0.lowerBound * width) * size)..<((start + $0.upperBound * width) * size)
            }
            buffer.withUnsafeMutableBytes { raw in communicator.allGather(raw.baseAddress!, ranges: ranges) }
        }
        for l in state.widths.indices {
            for field in [LayeredState.Field.free, .nudged] {
                gather(state.floats, start: state.offsets[field.rawValue][l], width: state.widths[l])
            }
        }
        gather(trains.rates, start: 0, width: network.inputs)
        gather(state.outcome, start: 0, width: 1)
    }

    /// Steps 2–4 for sample `b`.
    private func settle(layers: [LayeredNetwork.LayerView], view: LayeredState.View, sample b: Int, label: Int) {
        let eps = config.eps
        for _ in 0..<config.kFree {
            LayeredDynamics.relax(
                layers: layers, state: view, sample: b, field: .free, eps: eps, beta: 0, target: label,
                holdOutput: false)
        }
        // Eq. 11 in every layer: V = α·ρ(drive) + (1 − α)·V^ES; both step-4 states start from it.
        for l in layers.indices {
            Kernels.mixUnitClamped(
                view.pointer(.drive, layer: l, sample: b), view.pointer(.free, layer: l, sample: b),
                alpha: config.alpha, into: view.pointer(.free, layer: l, sample: b),
                and: view.pointer(.nudged, layer: l, sample: b), count: view.state.widths[l])
        }
        let direct = config.nudge == .direct
        if direct {
            let output = view.pointer(.nudged, layer: layers.count - 1, sample: b)
            Kernels.stepTowardOneHot(output, rate: config.etaC, target: label, into: output, count: network.outputs)
        }
        let freeBeta: Float = config.nudge == .centered ? -config.beta : 0
        for _ in 0..<config.kPos {
            LayeredDynamics.relax(
                layers: layers, state: view, sample: b, field: .free, eps: eps, beta: freeBeta, target: label,
                holdOutput: false)
            LayeredDynamics.relax(
                layers: layers, state: view, sample: b, field: .nudged, eps: eps, beta: config.beta, target: label,
                holdOutput: direct)
        }
    }

    /// Step 5 (Eq. 15) for every layer: the postsynaptic factors of every sample, then the weights (one task per
    /// fixed range of rows), then the biases (Σ over the batch, and over the positions of a shared kernel).
    private func update(batch: Int, epoch: Int, samples: [Int]) throws(TrainingError) {
        let strength: Float
        switch config.nudge {
        case .beta: strength = config.beta
        case .direct: strength = config.etaC
        case .centered: strength = 2 * config.beta
        }
        let scale = config.learningRateFactor(epoch: epoch) / (strength * Float(batch))
        let last = network.layers.count - 1
        let eqprop = config.rule == .eqprop
        let rates = network.layers.indices.map {
            ($0 == last ? config.lr2 : config.hiddenLearningRate(layer: $0)) * scale
        }
        network.withUnsafeLayers { layers in
            state.withView { view in
                trains.rates.withUnsafeBufferPointer { inputRates in
                    for l in layers.indices {
                        let count = batch * view.state.widths[l]
                        let free = view.block(.free, layer: l, count: batch)
                        let nudged = view.block(.nudged, layer: l, count: batch)
                        if eqprop && l > 0 {
                            // ρ(pre¹)ᵀρ(post¹) − ρ(pre⁰)ᵀρ(post⁰): the post factors of both phases.
                            Kernels.unitClamp(nudged, into: view.block(.delta, layer: l, count: batch), count: count)
                            let negative = view.block(.current, layer: l, count: batch)
                            for j in 0..<count { negative[j] = -Kernels.unitClamp(free[j]) }
                        } else {
                            Kernels.scaledUnitClampDifference(
                                nudged, free, scale: 1, into: view.block(.delta, layer: l, count: batch), count: count)
                        }
                    }
                    finiteRows.withUnsafeMutableBufferPointer { finite in
                        pool.run(tasks: updateTasks.count) { task, _ in
                            // This is safe because task `task` writes only its own rows of one layer's weights.
                            let (l, rows) = updateTasks[task]
                            let geometry = layers[l].layer.geometry
                            let weights = layers[l].weights.start
                            let delta = view.block(.delta, layer: l, count: batch)
                            if eqprop && l > 0 {
                                // ρ(pre¹)ᵀρ(post¹), then ρ(pre⁰)ᵀ(−ρ(post⁰)), each weight's chain in that order.
                                Kernels.convolutionWeightCorrelation(
                                    pre: view.block(.nudged, layer: l - 1, count: batch), post: delta, batch: batch,
                                    scale: rates[l], geometry: geometry, weights: weights, weightRows: rows)
                                Kernels.convolutionWeightCorrelation(
                                    pre: view.block(.free, layer: l - 1, count: batch),
                                    post: view.block(.current, layer: l, count: batch), batch: batch,
                                    scale: rates[l], geometry: geometry, weights: weights, weightRows: rows)
                            } else {
                                let pre =
                                    l == 0
                                    ? inputRates.start : UnsafePointer(view.block(.free, layer: l - 1, count: batch))
                                Kernels.convolutionWeightCorrelation(
                                    pre: pre, post: delta, batch: batch, scale: rates[l], geometry: geometry,
                                    weights: weights, weightRows: rows)
                            }
                            let channels = geometry.outputChannels
                            finite[task] =
                                Kernels.allFinite(
                                    weights + rows.lowerBound * channels, count: rows.count * channels) ? 1 : 0
                        }
                    }
                    for l in layers.indices {
                        let layer = layers[l].layer
                        let geometry = layer.geometry
                        let positions = geometry.outputRows * geometry.outputColumns
                        let delta = view.block(.delta, layer: l, count: batch)
                        let width = view.state.widths[l]
                        // Σ_b rate·(ρ(V¹) − ρ(V⁰)), per channel summed over positions too when the bias is shared.
                        if eqprop && l > 0 {
                            let negative = view.block(.current, layer: l, count: batch)
                            for j in 0..<(batch * width) { delta[j] = rates[l] * (delta[j] + negative[j]) }
                        } else {
                            for j in 0..<(batch * width) { delta[j] *= rates[l] }
                        }
                        if layer.biasPerPosition {
                            Kernels.addColumnSums(delta, rows: batch, width: width, into: layers[l].bias.start)
                        } else {
                            Kernels.addColumnSums(
                                delta, rows: batch * positions, width: geometry.outputChannels,
                                into: layers[l].bias.start)
                        }
                    }
                }
            }
        }
        try checkFinite(samples: samples)
    }

    private func checkFinite(samples: [Int]) throws(TrainingError) {
        let badTask = finiteRows.withUnsafeBufferPointer { flags in (0..<updateTasks.count).first { flags[$0] == 0 } }
        if let badTask {
            throw .diverged(quantity: "layer \(updateTasks[badTask].layer) weights (samples \(samples[0])…)")
        }
        for (l, layer) in network.layers.enumerated() {
            let finite = layer.bias.withUnsafeBufferPointer { Kernels.allFinite($0.start, count: $0.count) }
            guard finite else { throw .diverged(quantity: "layer \(l) biases (samples \(samples[0])…)") }
        }
    }
}
