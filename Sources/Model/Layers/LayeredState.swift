import Parallel

/// The neuron states of a layered network for up to `capacity` samples (issue #15): for every layer (the hidden
/// layers, then the output layer) and every `Field`, a block of `capacity × width` floats, sample-major, so the
/// update step reads one layer's states of the whole batch as one matrix.
///
/// During the feed-forward pass and relaxation each task writes only its own sample's slices; the update step
/// reads them after the join. Evaluation gives each worker its own one-sample state.
final class LayeredState: Sendable {
    /// What a block holds.
    enum Field: Int, CaseIterable {
        /// The LIF membrane potential of Eq. 5.
        case potential
        /// The drive of one time step (Eq. 5), or a bottom-up drive in relaxation.
        case current
        /// The spikes of the current time step (1 or 0).
        case spikes
        /// Σ_t I(t) / T: the time-averaged feed-forward drive, V^FF = ρ(drive) (Eq. 5).
        case drive
        /// The free state V⁰ (steps 2–4).
        case free
        /// The nudged state V¹ (step 4).
        case nudged
        /// The total input A of one relaxation step (Eqs. 6–10).
        case total
        /// The update's postsynaptic factor, rate · (ρ(V¹) − ρ(V⁰)) (Eq. 15).
        case delta
    }

    let capacity: Int
    /// Stored neurons of each layer (a multiple of 16).
    let widths: [Int]
    /// Floats of one input sample.
    let inputs: Int
    /// offsets[field][layer]: where the block starts in `floats`.
    let offsets: [[Int]]
    /// Where the dense input spikes (`capacity × inputStride`) start.
    let inputOffset: Int
    let inputStride: Int
    let floats: AlignedBuffer<Float>
    /// Output spike counts of each sample, `capacity × outputWidth`.
    let spikeCounts: AlignedBuffer<Int32>
    /// Per sample: 1 if the spike readout was right during training, 0 if wrong, −1 if a drive was not finite.
    let outcome: AlignedBuffer<Int32>

    init(network: LayeredNetwork, capacity: Int) {
        self.capacity = capacity
        widths = network.layers.map(\.width)
        inputs = network.inputs
        inputStride = Kernels.paddedWidth(network.inputs)
        var offsets: [[Int]] = []
        var next = 0
        for _ in Field.allCases {
            offsets.append(
                widths.map { width in
                    defer { next += capacity * width }
                    return next
                })
        }
        self.offsets = offsets
        inputOffset = next
        floats = AlignedBuffer(count: next + capacity * inputStride)
        spikeCounts = AlignedBuffer(count: capacity * network.outputWidth)
        outcome = AlignedBuffer(count: capacity)
    }

    /// Calls `body` with a view of every block, valid only inside it.
    func withView<Result>(_ body: (View) -> Result) -> Result {
        floats.withUnsafeMutableBufferPointer { floats in
            spikeCounts.withUnsafeMutableBufferPointer { counts in
                outcome.withUnsafeMutableBufferPointer { outcome in
                    body(View(state: self, floats: floats, spikeCounts: counts, outcome: outcome))
                }
            }
        }
    }

    /// The blocks as pointers, inside `withView` only.
    struct View {
        let state: LayeredState
        let floats: UnsafeMutableBufferPointer<Float>
        let spikeCounts: UnsafeMutableBufferPointer<Int32>
        let outcome: UnsafeMutableBufferPointer<Int32>

        /// Sample `b`'s `width` floats of `field` in `layer`.
        @inline(__always)
        func pointer(_ field: Field, layer: Int, sample b: Int) -> UnsafeMutablePointer<Float> {
            let width = state.widths[layer]
            return floats.pointer(at: state.offsets[field.rawValue][layer] + b * width, count: width)
        }

        /// The whole batch's block of `field` in `layer`: `count` samples of `width` floats.
        func block(_ field: Field, layer: Int, count: Int) -> UnsafeMutablePointer<Float> {
            floats.pointer(at: state.offsets[field.rawValue][layer], count: count * state.widths[layer])
        }

        /// Sample `b`'s dense input spikes (`inputs` floats).
        func inputSpikes(sample b: Int) -> UnsafeMutablePointer<Float> {
            floats.pointer(at: state.inputOffset + b * state.inputStride, count: state.inputs)
        }

        /// Sample `b`'s output spike counts (`outputWidth` entries).
        func counts(sample b: Int) -> UnsafeMutableBufferPointer<Int32> {
            let width = state.widths[state.widths.count - 1]
            return spikeCounts.extracting((b * width)..<((b + 1) * width))
        }
    }
}
