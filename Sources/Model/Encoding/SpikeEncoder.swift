import Parallel

/// Bernoulli rate coding of one image (spec, step 1): at each time step t, input i spikes with probability
/// x_i = pixel_i / 255, drawn from `CounterRNG` keyed by (seed, stream, epoch, sample, t).
///
/// The spike trains are written as changes per time step — the inputs that start spiking (`added`) and
/// those that stop (`removed`) relative to the step before (at t = 0: all active inputs) — which is what the
/// event-driven drive kernel consumes, plus the rate r_x = Σ_t s_x / T per input (the presynaptic
/// activity of Eq. 15).
public struct SpikeEncoder: Sendable {
    public let seed: UInt64
    public let timeSteps: Int
    public let inputs: Int

    public init(seed: UInt64, timeSteps: Int, inputs: Int) {
        precondition(inputs <= Int(Kernels.RowIndex.max) + 1, "inputs must fit 32-bit row indices")
        self.seed = seed
        self.timeSteps = timeSteps
        self.inputs = inputs
    }

    /// Where one sample's encoding goes: slices of the caller's buffers (`SpikeTrainBuffers.withUnsafeSamples`),
    /// valid only inside the scope that made them; an `Output` must not outlive it. Its accessors check the
    /// step in debug builds, as swift-collections' `_UnsafeHandle` does.
    public struct Output {
        public let timeSteps: Int
        public let inputs: Int
        /// `timeSteps` lists of `inputs` slots: inputs that spike at t but not at t − 1 (list t at `t · inputs`).
        let added: UnsafeMutableBufferPointer<Kernels.RowIndex>
        /// Inputs that spiked at t − 1 but not at t, same layout.
        let removed: UnsafeMutableBufferPointer<Kernels.RowIndex>
        /// Lengths of the lists: `addedCounts[t]`, `removedCounts[t]`.
        let addedCounts: UnsafeMutableBufferPointer<Int32>
        let removedCounts: UnsafeMutableBufferPointer<Int32>
        /// r_x, `inputs` floats.
        let rateBuffer: UnsafeMutableBufferPointer<Float>
        /// Scratch: `inputs` spike counters and `inputs` bytes of previous-step spikes.
        let counts: UnsafeMutableBufferPointer<Int32>
        let previous: UnsafeMutableBufferPointer<UInt8>

        init(
            timeSteps: Int, inputs: Int, added: UnsafeMutableBufferPointer<Kernels.RowIndex>,
            removed: UnsafeMutableBufferPointer<Kernels.RowIndex>, addedCounts: UnsafeMutableBufferPointer<Int32>,
            removedCounts: UnsafeMutableBufferPointer<Int32>, rates: UnsafeMutableBufferPointer<Float>,
            counts: UnsafeMutableBufferPointer<Int32>, previous: UnsafeMutableBufferPointer<UInt8>
        ) {
            precondition(
                added.count == timeSteps * inputs && removed.count == timeSteps * inputs
                    && addedCounts.count == timeSteps && removedCounts.count == timeSteps && rates.count == inputs
                    && counts.count == inputs && previous.count == inputs,
                "spike train buffers do not hold \(timeSteps) steps of \(inputs) inputs")
            self.timeSteps = timeSteps
            self.inputs = inputs
            self.added = added
            self.removed = removed
            self.addedCounts = addedCounts
            self.removedCounts = removedCounts
            self.rateBuffer = rates
            self.counts = counts
            self.previous = previous
        }

        /// The inputs switched on at step `t` (the first `addedCount(step: t)` of `inputs` slots).
        public func added(step t: Int) -> UnsafePointer<Kernels.RowIndex> {
            assert(t >= 0 && t < timeSteps, "step \(t) out of 0..<\(timeSteps)")
            return UnsafePointer(added.pointer(at: t * inputs, count: inputs))
        }

        /// The inputs switched off at step `t` (the first `removedCount(step: t)` slots).
        public func removed(step t: Int) -> UnsafePointer<Kernels.RowIndex> {
            assert(t >= 0 && t < timeSteps, "step \(t) out of 0..<\(timeSteps)")
            return UnsafePointer(removed.pointer(at: t * inputs, count: inputs))
        }

        public func addedCount(step t: Int) -> Int { Int(addedCounts[t]) }

        public func removedCount(step t: Int) -> Int { Int(removedCounts[t]) }

        /// r_x = Σ_t s_x / T, one rate per input.
        public var rates: UnsafeBufferPointer<Float> { UnsafeBufferPointer(rateBuffer) }
    }

    /// Encodes `pixels` (`inputs` bytes, intensity p/255) into `output`.
    ///
    /// Input i spikes at step t iff u < p/255 for a uniform u = (32 random bits)/2³², tested exactly in
    /// integers as `UInt64(u32) < τ` with the per-input threshold τ = ⌈p·2³²/255⌉. This is the same test as
    /// the earlier u32 · 255 < p · 2³², so the spikes are bit-identical: for an integer u and a real r,
    /// u < r ⇔ u < ⌈r⌉ (if u < r then u < r ≤ ⌈r⌉; if u < ⌈r⌉ then u ≤ ⌈r⌉ − 1 < r), hence
    /// u·255 < p·2³² ⇔ u < p·2³²/255 ⇔ u < ⌈p·2³²/255⌉. One 64-bit counter-based number serves two steps:
    /// its high half for step 2k, its low half for step 2k + 1, keyed by (seed, stream, epoch, sample, k, i).
    /// Pixels that are 0 (τ = 0) never spike and are skipped (MNIST: ~150 of 784 are not 0). Each step's
    /// changes are listed by `Kernels.listChanges`.
    public func encode(
        pixels: UnsafeBufferPointer<UInt8>, stream: CounterRNG.Stream, epoch: UInt64, sample: UInt64,
        into output: Output
    ) {
        precondition(
            pixels.count == inputs && output.inputs == inputs && output.timeSteps == timeSteps,
            "encode: \(pixels.count) pixels and \(output.timeSteps) × \(output.inputs) buffers for "
                + "\(timeSteps) × \(inputs)"
        )
        encode(stream: stream, epoch: epoch, sample: sample, into: output) { i in Self.threshold(byte: pixels[i]) }
    }

    /// τ of a byte p: ⌈p·2³²/255⌉ = (p·2³² + 254) / 255 in integers (p·2³² + 254 < 2⁴⁰: no overflow).
    @inline(__always)
    public static func threshold(byte p: UInt8) -> UInt64 { (UInt64(p) << 32 &+ 254) / 255 }

    /// τ of an intensity x in [0, 1]: ⌈x·2³²⌉, exact in Double.
    @inline(__always)
    public static func threshold(intensity x: Float) -> UInt64 { UInt64((Double(x) * 4_294_967_296).rounded(.up)) }

    /// Encodes `intensities` (`inputs` floats x in [0, 1]) into `output`: input i spikes at step t iff
    /// u < x, tested as `UInt64(u32) < τ` with τ = ⌈x·2³²⌉, exact in Double (x has a 24-bit significand, and
    /// multiplying by 2³² only shifts its exponent). x = 0 never spikes, x = 1 (τ = 2³²) always does — as the
    /// bytes 0 and 255 in `encode(pixels:…)`. The loaders refuse values outside [0, 1] and NaN before this.
    public func encode(
        intensities: UnsafeBufferPointer<Float>, stream: CounterRNG.Stream, epoch: UInt64, sample: UInt64,
        into output: Output
    ) {
        precondition(
            intensities.count == inputs && output.inputs == inputs && output.timeSteps == timeSteps,
            "encode: \(intensities.count) intensities and \(output.timeSteps) × \(output.inputs) buffers for "
                + "\(timeSteps) × \(inputs)"
        )
        encode(stream: stream, epoch: epoch, sample: sample, into: output) { i in
            let x = intensities[i]
            precondition(x >= 0 && x <= 1, "intensity \(x) at input \(i) is outside [0, 1]")
            return Self.threshold(intensity: x)
        }
    }

    /// The shared core: `threshold(i)` is input i's τ (0: never spikes, 2³²: always). It is called once per
    /// input, before the time loop, so the per-step loop stays the same vectorisable compare for bytes and
    /// floats.
    @inline(__always)
    private func encode(
        stream: CounterRNG.Stream, epoch: UInt64, sample: UInt64, into output: Output,
        threshold: (Int) -> UInt64
    ) {
        let key = CounterRNG.key(seed: seed, stream: stream, epoch: epoch, index: sample)
        output.counts.update(repeating: 0)
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: inputs) { candidates in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: inputs) { thresholds in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: inputs) { pair in
                    let lastSpike = output.previous
                    // Candidates: the inputs with τ > 0, in ascending order (candidateCount <= i < inputs at
                    // every store).
                    var candidateCount = 0
                    for i in 0..<inputs {
                        let tau = threshold(i)
                        candidates[candidateCount] = UInt32(i)
                        thresholds[candidateCount] = tau
                        candidateCount &+= tau == 0 ? 0 : 1
                    }
                    for c in 0..<candidateCount { lastSpike[c] = 0 }
                    var t = 0
                    while t < timeSteps {
                        let pairKey = CounterRNG.mix(key ^ UInt64(t / 2 + 1) &* 0xA076_1D64_78BD_642F)
                        // No stores at data-dependent positions, so this loop vectorises: one hash per candidate
                        // gives its spike at step t (bit 0, high half) and step t + 1 (bit 1, low half).
                        for c in 0..<candidateCount {
                            let random = CounterRNG.value(key: pairKey, counter: UInt64(candidates[c]))
                            let tau = thresholds[c]
                            let high: UInt8 = random >> 32 < tau ? 1 : 0
                            let low: UInt8 = random & 0xFFFF_FFFF < tau ? 2 : 0
                            pair[c] = high | low
                        }
                        for step in t..<min(t + 2, timeSteps) {
                            let lists = step * inputs
                            let changes = Kernels.listChanges(
                                bits: UnsafePointer(pair.pointer(at: 0, count: candidateCount)),
                                bit: UInt8(step - t), previous: lastSpike.pointer(at: 0, count: candidateCount),
                                labels: UnsafePointer(candidates.pointer(at: 0, count: candidateCount)),
                                count: candidateCount, added: output.added.pointer(at: lists, count: inputs),
                                removed: output.removed.pointer(at: lists, count: inputs),
                                totals: output.counts.pointer(at: 0, count: inputs))
                            output.addedCounts[step] = Int32(changes.added)
                            output.removedCounts[step] = Int32(changes.removed)
                        }
                        t += 2
                    }
                }
            }
        }
        let steps = Float(timeSteps)
        for i in 0..<inputs { output.rateBuffer[i] = Float(output.counts[i]) / steps }
    }
}
