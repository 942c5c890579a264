/// A data set's values as a buffer pointer, inside `Dataset.withUnsafeSamples` only: what the spike encoder
/// reads, one sample (`inputs` values) at a time, bytes or float intensities as the data set stores them.
public struct SampleValues {
    enum Storage {
        case bytes(UnsafeBufferPointer<UInt8>)
        case intensities(UnsafeBufferPointer<Float>)
    }

    let storage: Storage
    /// Values per sample.
    public let inputs: Int
    /// Number of samples.
    public let count: Int
}

extension Dataset {
    /// Calls `body` with the values of every sample; they are valid only inside `body` (the array is kept alive
    /// for the call) and must not escape it.
    public func withUnsafeSamples<Result>(_ body: (SampleValues) -> Result) -> Result {
        let inputs = inputsPerSample
        switch values {
        case .bytes(let all):
            return all.withUnsafeBufferPointer { body(SampleValues(storage: .bytes($0), inputs: inputs, count: count)) }
        case .intensities(let all):
            return all.withUnsafeBufferPointer {
                body(SampleValues(storage: .intensities($0), inputs: inputs, count: count))
            }
        }
    }
}

extension SpikeEncoder {
    /// Encodes sample `index` of `samples` into `output`, keyed by that index: `encode(pixels:…)` for bytes,
    /// `encode(intensities:…)` for floats. With a `shift`, the sample is first moved by its offset for
    /// (`epoch`, `index`) (`ImageShift.move`), then encoded with the same key.
    /// - Precondition: `index` is in `0..<samples.count`, `samples.inputs` is the encoder's input count (and
    ///   the shift's).
    public func encode(
        sample index: Int, of samples: SampleValues, stream: CounterRNG.Stream, epoch: UInt64,
        shift: ImageShift? = nil, into output: Output
    ) {
        precondition(index >= 0 && index < samples.count, "sample \(index) of \(samples.count)")
        let range = (index * samples.inputs)..<((index + 1) * samples.inputs)
        let offset = shift?.offset(epoch: epoch, sample: UInt64(index)) ?? (0, 0)
        guard let shift, offset != (0, 0) else {
            switch samples.storage {
            case .bytes(let all):
                encode(pixels: all.extracting(range), stream: stream, epoch: epoch, sample: UInt64(index), into: output)
            case .intensities(let all):
                encode(
                    intensities: all.extracting(range), stream: stream, epoch: epoch, sample: UInt64(index),
                    into: output)
            }
            return
        }
        precondition(shift.inputs == samples.inputs, "a shift of \(shift.inputs) values for \(samples.inputs)")
        switch samples.storage {
        case .bytes(let all):
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: samples.inputs) { moved in
                shift.move(all.extracting(range), by: offset, into: moved, zero: 0)
                encode(
                    pixels: UnsafeBufferPointer(moved), stream: stream, epoch: epoch, sample: UInt64(index),
                    into: output)
            }
        case .intensities(let all):
            withUnsafeTemporaryAllocation(of: Float.self, capacity: samples.inputs) { moved in
                shift.move(all.extracting(range), by: offset, into: moved, zero: 0)
                encode(
                    intensities: UnsafeBufferPointer(moved), stream: stream, epoch: epoch, sample: UInt64(index),
                    into: output)
            }
        }
    }
}
