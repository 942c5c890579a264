import Parallel

/// Per-sample neuron dynamics of a layered network (issue #15), shared by training and evaluation so that both
/// compute bit-identical states: the spiking feed-forward pass through every layer (Eq. 5) and the synchronous
/// relaxation steps of Eqs. 6–10 (with the teaching term of Eqs. 12–14 on the output layer) on the layered
/// energy E = ½Σρ(V)² − Σ_l ρ(V_{l−1})ᵀW_lρ(V_l) − Σ b·ρ(V), whose step for layer l is
///
///     A_l = W_l ρ(V_{l−1}) + b_l + W_{l+1}ᵀ ρ(V_{l+1})      (V_0 = the input rates r_x, fixed)
///     V_l ← clamp(V_l + ε(−V_l + ρ'(V_l)·A_l), 0, 1)
///
/// (docs/algorithm.md, "Layered networks"). Every layer's potentials stay in [0, 1], where ρ(V) = V, so the
/// states are passed to the kernels as they are.
enum LayeredDynamics {
    /// Eq. 5 through every layer for sample `b`: T LIF steps; at step t the input spikes s_x(t) drive layer 1,
    /// whose spikes drive layer 2, …, up to the output. Writes each layer's averaged drive (`drive`), the free
    /// state's start V = ρ(drive) (`free`) and the output spike counts. Returns false if an output drive was not
    /// finite. `observe`, when given, sees every layer's spikes of every step (layer, its stored spikes), after
    /// that layer fired (what `ptrain export --spikes` records); it changes nothing.
    static func feedForward(
        layers: [LayeredNetwork.LayerView], state: LayeredState.View, sample b: Int, trains: SpikeEncoder.Output,
        config: RunConfig, observe: ((_ layer: Int, _ spikes: UnsafePointer<Float>) -> Void)? = nil
    ) -> Bool {
        let input = state.inputSpikes(sample: b)
        input.update(repeating: 0, count: state.state.inputs)
        for l in layers.indices {
            let width = state.state.widths[l]
            state.pointer(.potential, layer: l, sample: b).update(repeating: 0, count: width)
            state.pointer(.drive, layer: l, sample: b).update(repeating: 0, count: width)
        }
        let counts = state.counts(sample: b)
        counts.update(repeating: 0)
        let last = layers.count - 1
        for t in 0..<config.timeSteps {
            let added = trains.added(step: t)
            for i in 0..<trains.addedCount(step: t) { input[Int(added[i])] = 1 }
            let removed = trains.removed(step: t)
            for i in 0..<trains.removedCount(step: t) { input[Int(removed[i])] = 0 }
            var below = UnsafePointer(input)
            for (l, view) in layers.enumerated() {
                let current = state.pointer(.current, layer: l, sample: b)
                let spikes = state.pointer(.spikes, layer: l, sample: b)
                Kernels.convolutionForward(
                    input: below, weights: view.weights.start, bias: view.bias.start,
                    biasPerPosition: view.layer.biasPerPosition, geometry: view.layer.geometry, out: current)
                _ = Kernels.integrateAndFire(
                    potential: state.pointer(.potential, layer: l, sample: b), input: current,
                    inputSum: state.pointer(.drive, layer: l, sample: b), width: state.state.widths[l],
                    leak: config.leak, threshold: config.theta, reset: config.reset, spikes: spikes)
                observe?(l, UnsafePointer(spikes))
                below = UnsafePointer(spikes)
            }
            let outputSpikes = state.pointer(.spikes, layer: last, sample: b)
            for k in 0..<layers[last].layer.units where outputSpikes[k] != 0 { counts[k] += 1 }
        }
        let steps = Float(config.timeSteps)
        for l in layers.indices {
            let width = state.state.widths[l]
            let drive = state.pointer(.drive, layer: l, sample: b)
            for j in 0..<width { drive[j] /= steps }
            Kernels.unitClamp(drive, into: state.pointer(.free, layer: l, sample: b), count: width)
        }
        return Kernels.allFinite(state.pointer(.drive, layer: last, sample: b), count: state.state.widths[last])
    }

    /// One synchronous relaxation step of sample `b`'s states in `field` (`.free` or `.nudged`): every layer's
    /// total input from the old states first, then every layer's Euler step. The output layer is nudged toward
    /// the one-hot `target` with strength `beta` (0: free), or held where it is (`holdOutput`, the nudged phase of
    /// `nudge = direct`).
    static func relax(
        layers: [LayeredNetwork.LayerView], state: LayeredState.View, sample b: Int, field: LayeredState.Field,
        eps: Float, beta: Float, target: Int, holdOutput: Bool
    ) {
        let last = layers.count - 1
        for l in 0..<last {
            let above = layers[l + 1]
            let total = state.pointer(.total, layer: l, sample: b)
            // Top-down: the synapses into layer l + 1, transposed, carry ρ(V_{l+1}) back (symmetric feedback).
            let signal = state.pointer(field, layer: l + 1, sample: b)
            if let columns = above.feedbackColumns {
                let geometry = above.layer.geometry
                Kernels.fullyConnectedFeedback(
                    signal: signal, columns: columns, inputs: geometry.inputChannels,
                    channels: geometry.outputChannels, out: total)
            } else {
                Kernels.convolutionTranspose(
                    signal: signal, weights: above.weights.start, geometry: above.layer.geometry, out: total)
            }
            // Bottom-up: layer 1's drive r_x·W_1 + b_1 is fixed (the time-averaged feed-forward drive); a deeper
            // layer's comes from the relaxing layer below.
            let bottomUp: UnsafePointer<Float>
            if l == 0 {
                bottomUp = UnsafePointer(state.pointer(.drive, layer: 0, sample: b))
            } else {
                let current = state.pointer(.current, layer: l, sample: b)
                Kernels.convolutionForward(
                    input: state.pointer(field, layer: l - 1, sample: b), weights: layers[l].weights.start,
                    bias: layers[l].bias.start, biasPerPosition: layers[l].layer.biasPerPosition,
                    geometry: layers[l].layer.geometry, out: current)
                bottomUp = UnsafePointer(current)
            }
            for j in 0..<state.state.widths[l] { total[j] = bottomUp[j] + total[j] }
        }
        if !holdOutput {
            Kernels.convolutionForward(
                input: state.pointer(field, layer: last - 1, sample: b), weights: layers[last].weights.start,
                bias: layers[last].bias.start, biasPerPosition: false, geometry: layers[last].layer.geometry,
                out: state.pointer(.total, layer: last, sample: b))
        }
        for l in 0..<last {
            Kernels.relaxTotal(
                potential: state.pointer(field, layer: l, sample: b), total: state.pointer(.total, layer: l, sample: b),
                eps: eps, width: state.state.widths[l])
        }
        if !holdOutput {
            Kernels.relaxTotal(
                potential: state.pointer(field, layer: last, sample: b),
                total: state.pointer(.total, layer: last, sample: b), eps: eps, beta: beta, target: target,
                width: state.state.widths[last])
        }
    }
}
