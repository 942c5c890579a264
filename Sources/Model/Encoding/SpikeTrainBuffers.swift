import Parallel

/// Encoded spike trains of up to `capacity` samples (see `SpikeEncoder.Output` for the layout of each), reached
/// through `withUnsafeSamples`.
/// `package`: the Benchmarks target encodes real batches with it.
///
/// The encoding step gives each task its own sample slot `b`: no two tasks write the same slot, and readers
/// run after the encoding step has joined.
package final class SpikeTrainBuffers: Sendable {
    package let capacity: Int
    package let timeSteps: Int
    package let inputs: Int
    package let added: AlignedBuffer<Kernels.RowIndex>
    package let removed: AlignedBuffer<Kernels.RowIndex>
    package let addedCounts: AlignedBuffer<Int32>
    package let removedCounts: AlignedBuffer<Int32>
    package let rates: AlignedBuffer<Float>
    private let counts: AlignedBuffer<Int32>
    private let previous: AlignedBuffer<UInt8>

    package init(capacity: Int, timeSteps: Int, inputs: Int) {
        self.capacity = capacity
        self.timeSteps = timeSteps
        self.inputs = inputs
        added = AlignedBuffer(count: capacity * timeSteps * inputs)
        removed = AlignedBuffer(count: capacity * timeSteps * inputs)
        addedCounts = AlignedBuffer(count: capacity * timeSteps)
        removedCounts = AlignedBuffer(count: capacity * timeSteps)
        rates = AlignedBuffer(count: capacity * inputs)
        counts = AlignedBuffer(count: capacity * inputs)
        previous = AlignedBuffer(count: capacity * inputs)
    }

    /// Calls `body` with a view of every sample slot, valid only inside `body` (the buffers are kept alive for
    /// the call); neither the view nor an `Output` it hands out may escape it.
    package func withUnsafeSamples<Result>(_ body: (Samples) -> Result) -> Result {
        added.withUnsafeMutableBufferPointer { added in
            removed.withUnsafeMutableBufferPointer { removed in
                addedCounts.withUnsafeMutableBufferPointer { addedCounts in
                    removedCounts.withUnsafeMutableBufferPointer { removedCounts in
                        rates.withUnsafeMutableBufferPointer { rates in
                            counts.withUnsafeMutableBufferPointer { counts in
                                previous.withUnsafeMutableBufferPointer { previous in
                                    body(
                                        Samples(
                                            capacity: capacity, timeSteps: timeSteps, inputs: inputs, added: added,
                                            removed: removed, addedCounts: addedCounts, removedCounts: removedCounts,
                                            rates: rates, counts: counts, previous: previous))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The buffers of every sample slot, inside `withUnsafeSamples` only (swift-collections' `_UnsafeHandle`):
    /// `samples[b]` is slot `b`'s `SpikeEncoder.Output`, its slices checked in debug builds.
    package struct Samples {
        let capacity: Int
        let timeSteps: Int
        let inputs: Int
        let added: UnsafeMutableBufferPointer<Kernels.RowIndex>
        let removed: UnsafeMutableBufferPointer<Kernels.RowIndex>
        let addedCounts: UnsafeMutableBufferPointer<Int32>
        let removedCounts: UnsafeMutableBufferPointer<Int32>
        let rates: UnsafeMutableBufferPointer<Float>
        let counts: UnsafeMutableBufferPointer<Int32>
        let previous: UnsafeMutableBufferPointer<UInt8>

        /// The encoder's output slots for sample slot `b`.
        package subscript(b: Int) -> SpikeEncoder.Output {
            precondition(b >= 0 && b < capacity, "sample slot \(b) out of 0..<\(capacity)")
            let lists = b * timeSteps * inputs
            return SpikeEncoder.Output(
                timeSteps: timeSteps, inputs: inputs,
                added: UnsafeMutableBufferPointer(rebasing: added[lists..<(lists + timeSteps * inputs)]),
                removed: UnsafeMutableBufferPointer(rebasing: removed[lists..<(lists + timeSteps * inputs)]),
                addedCounts: UnsafeMutableBufferPointer(rebasing: addedCounts[(b * timeSteps)..<((b + 1) * timeSteps)]),
                removedCounts: UnsafeMutableBufferPointer(
                    rebasing: removedCounts[(b * timeSteps)..<((b + 1) * timeSteps)]),
                rates: UnsafeMutableBufferPointer(rebasing: rates[(b * inputs)..<((b + 1) * inputs)]),
                counts: UnsafeMutableBufferPointer(rebasing: counts[(b * inputs)..<((b + 1) * inputs)]),
                previous: UnsafeMutableBufferPointer(rebasing: previous[(b * inputs)..<((b + 1) * inputs)]))
        }
    }
}
