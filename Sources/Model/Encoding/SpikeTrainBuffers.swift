import Parallel

/// Encoded spike trains of up to `capacity` samples (see `SpikeEncoder.Output` for the layout of each).
/// `package`: the Benchmarks target encodes real batches with it.
///
/// The encoding step gives each task its own sample slot `b`: no two tasks write the same slot, and readers
/// run after the encoding step has joined.
package final class SpikeTrainBuffers: Sendable {
    package let capacity: Int
    package let timeSteps: Int
    package let inputs: Int
    package let added: AlignedBuffer<UInt16>
    package let removed: AlignedBuffer<UInt16>
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

    /// The encoder's output slots for sample slot `b`.
    package func output(_ b: Int) -> SpikeEncoder.Output {
        precondition(b >= 0 && b < capacity, "sample slot \(b) out of 0..<\(capacity)")
        let lists = b * timeSteps * inputs
        return SpikeEncoder.Output(
            added: added.pointer + lists, removed: removed.pointer + lists,
            addedCounts: addedCounts.pointer + b * timeSteps, removedCounts: removedCounts.pointer + b * timeSteps,
            rates: rates.pointer + b * inputs, counts: counts.pointer + b * inputs,
            previous: previous.pointer + b * inputs)
    }
}
