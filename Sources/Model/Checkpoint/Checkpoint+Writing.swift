/// Encoding (docs/checkpoint-format.md). The bytes are a pure function of the checkpoint, so two runs that
/// reach the same cursor write identical files except for the TIME section.
extension Checkpoint {
    /// The file's bytes.
    /// - Precondition: the checkpoint holds its parameters (it was made from a network, or read with weights).
    public func encoded() -> [UInt8] {
        guard let parameters else { preconditionFailure("a checkpoint read without weights cannot be written") }
        precondition(
            parameters.count == parameterCount, "\(parameters.count) parameters for a shape of \(parameterCount)")
        var bytes = encodedPrefix()
        let sectionStart = bytes.count - 12 - (isLayered ? CheckpointFormat.layeredShapeLength : 0)
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: parameters.count * 4))
        bytes.withUnsafeMutableBytes { raw in
            parameters.withUnsafeBufferPointer { values in
                // This is safe because `raw` has 4 · values.count bytes from `start`.
                for index in values.indices {
                    raw.storeBytes(
                        of: values[index].bitPattern.littleEndian, toByteOffset: start + 4 * index, as: UInt32.self)
                }
            }
        }
        bytes.appendLittleEndian(CRC32.checksum(bytes[sectionStart...]))
        return bytes
    }

    /// Everything before the WGHT payload: the header, the other sections (VALD with a validation split, dATA
    /// when the fingerprint is known, AVRG with a weight average), and the WGHT section's tag and length (for a
    /// layered network LAYR's tag, length and input shape). It does
    /// not depend on the current weights, so every rank of a group can compute it (every rank keeps the same
    /// average; only the TIME values differ between ranks, not the length).
    func encodedPrefix() -> [UInt8] {
        let configuration = Array(config.jsonText().utf8)
        let weightBytes = parameterCount * 4
        var bytes: [UInt8] = []
        bytes.reserveCapacity(
            CheckpointFormat.headerLength + 7 * CheckpointFormat.sectionOverhead + configuration.count + weightBytes
                + CheckpointFormat.dataLength + 64 * (records.count + 4))

        bytes += CheckpointFormat.magic
        bytes.appendLittleEndian(CheckpointFormat.major)
        let hasValidation = config.validation > 0
        let minor =
            isLayered
            ? CheckpointFormat.minor
            : average != nil
                ? CheckpointFormat.minorWithAverage
                : hasValidation ? CheckpointFormat.minorWithValidation : CheckpointFormat.minorWithoutNewSections
        bytes.appendLittleEndian(minor)
        bytes.appendLittleEndian(UInt32(CheckpointFormat.headerLength))
        bytes.appendLittleEndian(UInt32(inputs))
        bytes.appendLittleEndian(UInt32(hidden))
        bytes.appendLittleEndian(UInt32(outputs))
        bytes.appendLittleEndian(UInt32(shards))
        bytes.appendLittleEndian(FNV1a.hash64(configuration))
        let required = CheckpointFormat.Tag.allCases.filter(\.isRequired).count
        bytes.appendLittleEndian(
            UInt32(required + 1 + (data == nil ? 0 : 1) + (hasValidation ? 1 : 0) + (average == nil ? 0 : 1)))
        bytes.appendLittleEndian(CRC32.checksum(bytes))

        bytes.appendSection(.configuration) { $0 += configuration }
        bytes.appendSection(.cursor) { out in
            out.appendLittleEndian(UInt32(cursor.epoch))
            out.appendLittleEndian(UInt32(config.batch))
            out.appendLittleEndian(UInt64(cursor.batchesDone))
            out.appendLittleEndian(UInt64(cursor.samplesDone))
            out.appendLittleEndian(UInt64(cursor.epochSamples))
            out.appendLittleEndian(UInt64(cursor.correct))
            out.appendLittleEndian(config.seed)
            out.appendLittleEndian(UInt32(cursor.epoch))
            out.appendLittleEndian(CheckpointFormat.randomScheme)
        }
        bytes.appendSection(.metrics) { out in
            out.appendLittleEndian(UInt32(records.count))
            for record in records {
                out.appendLittleEndian(UInt32(record.epoch))
                out.appendLittleEndian(record.trainAccuracy)
                out.appendLittleEndian(record.testSpikeAccuracy)
                out.appendLittleEndian(record.testRelaxedAccuracy)
            }
        }
        if hasValidation {
            bytes.appendSection(.validation) { out in
                out.appendLittleEndian(UInt32(records.count))
                for record in records {
                    precondition(
                        record.validation != nil, "epoch \(record.epoch) of a validation run has no validation")
                    out.appendLittleEndian(UInt32(record.epoch))
                    out.appendLittleEndian(record.validation!.spike)
                    out.appendLittleEndian(record.validation!.relaxed)
                }
            }
        }
        bytes.appendSection(.best) { out in
            out.appendLittleEndian(UInt32(best?.epoch ?? 0))
            out.appendLittleEndian(best?.testSpikeAccuracy ?? 0)
            out.appendLittleEndian(best?.testRelaxedAccuracy ?? 0)
        }
        bytes.appendSection(.timing) { out in
            out.appendLittleEndian(cursor.trainSeconds)
            out.appendLittleEndian(UInt32(records.count))
            for record in records {
                out.appendLittleEndian(record.seconds)
                out.appendLittleEndian(record.samplesPerSecond)
            }
        }
        if let data {
            bytes.appendSection(.data) { out in
                for part in [data.train, data.test] {
                    out.appendLittleEndian(UInt64(part.count))
                    out.appendLittleEndian(UInt32(part.rows))
                    out.appendLittleEndian(UInt32(part.columns))
                    out.appendLittleEndian(part.imagesCRC)
                    out.appendLittleEndian(part.labelsCRC)
                }
            }
        }
        if let average { bytes.appendAverage(average, records: records, perBatch: config.averageEvery == .batch) }
        if let layeredInput {
            bytes += CheckpointFormat.Tag.layers.bytes
            bytes.appendLittleEndian(UInt64(CheckpointFormat.layeredShapeLength + weightBytes))
            for value in [layeredInput.rows, layeredInput.columns, layeredInput.channels, layeredInput.isImage ? 1 : 0]
            {
                bytes.appendLittleEndian(UInt32(value))
            }
            return bytes
        }
        bytes += CheckpointFormat.Tag.weights.bytes
        bytes.appendLittleEndian(UInt64(weightBytes))
        return bytes
    }

    /// Writes the checkpoint atomically (temporary file, `fsync`, `rename`, `fsync` of the directory): a crash
    /// at any instant leaves the previous file or the new one.
    public func write(to path: String) throws(FileWriteError) {
        try AtomicFile.write(encoded(), to: path)
    }
}

extension Array where Element == UInt8 {
    /// Appends the AVRG section: first epoch, count (of epochs, or of batches when `perBatch`), the averaged
    /// accuracies of the epochs from the first on (NaN validation without a split), and the sums.
    /// - Precondition: the records of those epochs hold averaged accuracies.
    fileprivate mutating func appendAverage(_ average: WeightAveraging, records: [EpochRecord], perBatch: Bool) {
        let averaged = records.filter { average.includes(epoch: $0.epoch) }
        precondition(
            perBatch ? averaged.count <= average.count : averaged.count == average.count,
            "\(averaged.count) averaged epochs, the average holds \(average.count)")
        reserveCapacity(count + 8 * average.sums.count + 64 * averaged.count + 64)
        appendSection(.average) { out in
            out.appendLittleEndian(UInt32(average.firstEpoch))
            out.appendLittleEndian(UInt32(average.count))
            for record in averaged {
                guard let test = record.averagedTest else {
                    preconditionFailure("epoch \(record.epoch) has no averaged accuracy")
                }
                out.appendLittleEndian(UInt32(record.epoch))
                out.appendLittleEndian(test.spike)
                out.appendLittleEndian(test.relaxed)
                out.appendLittleEndian(record.averagedValidation?.spike ?? .nan)
                out.appendLittleEndian(record.averagedValidation?.relaxed ?? .nan)
            }
            for sum in average.sums { out.appendLittleEndian(sum) }
        }
    }

    /// Appends `tag | length | payload | CRC32(tag, length, payload)`; `payload` appends the payload.
    fileprivate mutating func appendSection(_ tag: CheckpointFormat.Tag, _ payload: (inout [UInt8]) -> Void) {
        let start = count
        self += tag.bytes
        appendLittleEndian(UInt64(0))
        payload(&self)
        storeLittleEndian(UInt64(count - start - 12), at: start + 4)
        appendLittleEndian(CRC32.checksum(self[start...]))
    }
}
