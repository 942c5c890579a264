import Foundation

/// Decoding (docs/checkpoint-format.md), in two passes over bytes already in memory:
/// 1. `layout(of:path:)` checks the magic, the major version, the header and its CRC, then walks the sections,
///    checking each length against the bytes left before touching the payload, and each CRC.
/// 2. `decode` refuses unknown critical sections, reads the known sections' payloads and cross-checks them
///    (configuration hash, shapes, cursor against metrics, best against metrics, data fingerprint against the
///    network's inputs).
/// Every failure is a `CheckpointError`; no input makes the reader trap or allocate more than the file's size.
extension Checkpoint {
    /// What to do with the WGHT payload.
    public enum WeightsHandling: Sendable {
        /// Decode the parameters (to train or evaluate).
        case load
        /// Check the section's CRC and size only (to inspect): `parameters` stays nil.
        case skip
    }

    /// Reads and validates the checkpoint file at `path`.
    public static func read(path: String, weights: WeightsHandling = .load) throws(CheckpointError) -> Checkpoint {
        try decode(readBytes(path: path), path: path, weights: weights)
    }

    /// The file's bytes; a missing file, a directory or anything but a regular file is `.unreadable`.
    public static func readBytes(path: String) throws(CheckpointError) -> [UInt8] {
        do {
            return try FileContents.bytes(atPath: path)
        } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
    }

    /// Decodes checkpoint bytes; `path` names the file in errors.
    public static func decode(_ bytes: [UInt8], path: String, weights: WeightsHandling = .load) throws(CheckpointError)
        -> Checkpoint
    {
        let layout = try Self.layout(of: bytes, path: path)
        let decoder = SectionDecoder(bytes: bytes, path: path, layout: layout)
        return try decoder.checkpoint(weights: weights)
    }

    /// Pass 1: header and section table, every CRC verified.
    public static func layout(of bytes: [UInt8], path: String) throws(CheckpointError) -> CheckpointLayout {
        let magic = CheckpointFormat.magic
        let minimum = CheckpointFormat.headerLength
        guard !bytes.isEmpty else { throw .empty(path: path) }
        guard bytes.prefix(magic.count).elementsEqual(magic.prefix(bytes.count)) else { throw .badMagic(path: path) }
        var reader = ByteReader(bytes: bytes, offset: magic.count)
        guard let major = reader.uint16(), let minor = reader.uint16() else {
            throw .truncated(path: path, part: "the header", needed: minimum, available: bytes.count)
        }
        guard major == CheckpointFormat.major else {
            throw .unsupportedVersion(path: path, major: major, minor: minor)
        }
        guard let declaredLength = reader.uint32() else {
            throw .truncated(path: path, part: "the header", needed: minimum, available: bytes.count)
        }
        // A newer minor version may extend the header; this one's is exactly `minimum` bytes.
        let headerLength = Int(declaredLength)
        guard headerLength == minimum || (minor > CheckpointFormat.minor && headerLength > minimum) else {
            throw .malformed(
                path: path, part: "the header",
                reason: "header length \(headerLength) (format \(major).\(minor) headers are \(minimum) bytes)")
        }
        guard headerLength <= bytes.count else {
            throw .truncated(path: path, part: "the header", needed: headerLength, available: bytes.count)
        }
        var crcReader = ByteReader(bytes: bytes, offset: headerLength - 4)
        guard CRC32.checksum(bytes[0..<(headerLength - 4)]) == crcReader.uint32()! else {
            throw .checksumMismatch(path: path, part: "the header")
        }
        // The CRC held, so the fixed fields are there (headerLength >= minimum).
        reader.offset = 32
        let configurationHash = reader.uint64()!
        let sectionCount = Int(reader.uint32()!)

        var sections: [CheckpointSection] = []
        var offset = headerLength
        for index in 0..<sectionCount {
            let left = bytes.count - offset
            guard left >= 12 else {
                throw .truncated(
                    path: path, part: "section \(index + 1) of \(sectionCount)",
                    needed: CheckpointFormat.sectionOverhead, available: left)
            }
            var sectionReader = ByteReader(bytes: bytes, offset: offset + 4)
            let tagBytes = bytes[offset..<(offset + 4)]
            let name = "section \(CheckpointFormat.displayName(tagBytes))"
            let length = sectionReader.uint64()!
            // Compared as UInt64 before any conversion: a length near 2⁶⁴ must not overflow an Int.
            guard left >= CheckpointFormat.sectionOverhead, length <= UInt64(left - CheckpointFormat.sectionOverhead)
            else {
                throw .truncated(
                    path: path, part: name, needed: saturatingAdd(length, CheckpointFormat.sectionOverhead),
                    available: left)
            }
            let payloadLength = Int(length)
            let end = offset + 12 + payloadLength
            sectionReader.offset = end
            let stored = sectionReader.uint32()!
            guard CRC32.checksum(bytes[offset..<end]) == stored else {
                throw .checksumMismatch(path: path, part: name)
            }
            let known = CheckpointFormat.Tag(rawValue: String(decoding: tagBytes, as: UTF8.self)) != nil
            sections.append(
                CheckpointSection(
                    tag: CheckpointFormat.displayName(tagBytes), offset: offset, length: payloadLength, crc: stored,
                    known: known))
            offset = end + 4
        }
        guard offset == bytes.count else {
            throw .malformed(
                path: path, part: "the file",
                reason: "\(bytes.count - offset) bytes after the last of its \(sectionCount) sections")
        }
        return CheckpointLayout(
            major: major, minor: minor, headerLength: headerLength, configurationHash: configurationHash,
            sections: sections, size: bytes.count)
    }
}

private func saturatingAdd(_ length: UInt64, _ overhead: Int) -> Int {
    length > UInt64(Int.max - overhead) ? Int.max : Int(length) + overhead
}

/// Pass 2: the payloads of the known sections, cross-checked.
private struct SectionDecoder {
    let bytes: [UInt8]
    let path: String
    let layout: CheckpointLayout
    /// A newer minor version may append fields to a payload: then bytes past the known fields are ignored.
    var lenient: Bool { layout.minor > CheckpointFormat.minor }

    init(bytes: [UInt8], path: String, layout: CheckpointLayout) {
        self.bytes = bytes
        self.path = path
        self.layout = layout
    }

    func checkpoint(weights: Checkpoint.WeightsHandling) throws(CheckpointError) -> Checkpoint {
        var found: [CheckpointFormat.Tag: CheckpointSection] = [:]
        for section in layout.sections {
            guard let tag = CheckpointFormat.Tag(rawValue: section.tag) else {
                // A newer writer's section: an ancillary one is skipped, a critical one changes what the file means.
                let tagBytes = bytes[section.offset..<(section.offset + 4)]
                if CheckpointFormat.isCritical(tagBytes) {
                    throw .unknownCriticalSection(path: path, tag: section.tag)
                }
                continue
            }
            guard found[tag] == nil else {
                throw .malformed(path: path, part: "section \(tag.rawValue)", reason: "it appears twice")
            }
            found[tag] = section
        }
        for tag in CheckpointFormat.Tag.allCases where tag.isRequired && found[tag] == nil {
            throw .missingSection(path: path, tag: tag.rawValue)
        }
        let layeredSection = found[.layers]
        let header = try self.header(layered: layeredSection != nil)
        let config = try configuration(found[.configuration]!)
        try checkShape(header, config: config)
        switch (config.layers.isEmpty, found[.weights], layeredSection) {
        case (true, _?, nil), (false, nil, _?): break
        case (true, nil, _): throw .missingSection(path: path, tag: CheckpointFormat.Tag.weights.rawValue)
        case (false, _, nil): throw .missingSection(path: path, tag: CheckpointFormat.Tag.layers.rawValue)
        case (_, _?, _?):
            throw .malformed(path: path, part: "the file", reason: "it holds both WGHT and LAYR (one network each)")
        }
        let cursor = try self.cursor(found[.cursor]!, config: config)
        var records = try metrics(found[.metrics]!, cursor: cursor)
        switch (config.validation > 0, found[.validation]) {
        case (true, let section?): try validation(section, records: &records)
        case (true, nil): throw .missingSection(path: path, tag: CheckpointFormat.Tag.validation.rawValue)
        case (false, _?):
            throw .malformed(path: path, part: "section VALD", reason: "the configuration has no validation split")
        case (false, nil): break
        }
        // The weights: WGHT of the three-layer shape, or LAYR of the layered network the configuration describes.
        let weightSection: CheckpointSection
        let count: Int
        let skip: Int
        var layeredInput: ActivationShape?
        if let layeredSection {
            let (shape, layeredCount) = try layered(layeredSection, header: header, config: config)
            (weightSection, count, skip, layeredInput) = (
                layeredSection, layeredCount, CheckpointFormat.layeredShapeLength, shape
            )
        } else {
            weightSection = found[.weights]!
            count = header.inputs * header.hidden + header.hidden + header.hidden * header.outputs + header.outputs
            skip = 0
            guard weightSection.length == count * 4 else {
                throw .shapeMismatch(
                    path: path,
                    reason: "section WGHT holds \(weightSection.length) bytes, a \(header.inputs)×\(header.hidden)×"
                        + "\(header.outputs) network needs \(count * 4)")
            }
        }
        var average: WeightAveraging?
        switch (config.averageFrom > 0, found[.average]) {
        case (true, let section?):
            average = try self.average(section, records: &records, config: config, parameterCount: count)
        case (true, nil): throw .missingSection(path: path, tag: CheckpointFormat.Tag.average.rawValue)
        case (false, _?):
            throw .malformed(path: path, part: "section AVRG", reason: "the configuration does not average weights")
        case (false, nil): break
        }
        let trainSeconds = try timing(found[.timing]!, records: &records)
        try checkBest(found[.best]!, records: records)
        let data = try found[.data].map { section throws(CheckpointError) in
            try self.data(section, inputs: header.inputs)
        }
        var timedCursor = cursor
        timedCursor.trainSeconds = trainSeconds
        return Checkpoint(
            inputs: header.inputs, hidden: header.hidden, outputs: header.outputs, shards: header.shards,
            config: config, cursor: timedCursor, records: records,
            parameters: weights == .load ? parameters(weightSection, count: count, skip: skip) : nil, layout: layout,
            data: data, average: average, layeredInput: layeredInput,
            layeredParameterCount: layeredInput == nil ? 0 : count)
    }

    // MARK: Header fields and shape

    struct Header {
        var inputs: Int
        var hidden: Int
        var outputs: Int
        var shards: Int
    }

    /// The header's shape: a three-layer network's, or (`layered`, a file with LAYR) hidden and shards 0.
    func header(layered: Bool) throws(CheckpointError) -> Header {
        var reader = ByteReader(bytes: bytes, offset: 16)
        // The header passed its CRC and is at least 48 bytes long, so these reads succeed.
        let header = Header(
            inputs: Int(reader.uint32()!), hidden: Int(reader.uint32()!), outputs: Int(reader.uint32()!),
            shards: Int(reader.uint32()!))
        let plausibleLayers =
            layered ? header.hidden == 0 && header.shards == 0 : header.hidden >= 1 && header.shards >= 1
        guard (1...(layered ? Int(Int32.max) : Network.maximumInputs)).contains(header.inputs),
            (1...Network.maximumOutputs).contains(header.outputs), plausibleLayers
        else {
            throw .shapeMismatch(
                path: path,
                reason:
                    "implausible network \(header.inputs)×\(header.hidden)×\(header.outputs) in \(header.shards) shards"
            )
        }
        return header
    }

    func checkShape(_ header: Header, config: RunConfig) throws(CheckpointError) {
        // A layered network's shape is its configuration's `layers` (checked against LAYR in `layered`).
        guard config.layers.isEmpty else { return }
        guard header.hidden == config.hidden else {
            throw .shapeMismatch(
                path: path,
                reason: "the header says \(header.hidden) hidden neurons, the configuration \(config.hidden)")
        }
        guard header.shards == config.resolvedShards else {
            throw .shapeMismatch(
                path: path,
                reason: "the header says \(header.shards) shards, the configuration \(config.resolvedShards)")
        }
    }

    // MARK: Sections

    func configuration(_ section: CheckpointSection) throws(CheckpointError) -> RunConfig {
        let json = bytes[section.payload]
        let hash = FNV1a.hash64(json)
        guard hash == layout.configurationHash else {
            throw .malformed(
                path: path, part: "the header",
                reason: "its configuration hash \(hex(layout.configurationHash)) is not that of section CONF "
                    + "(\(hex(hash)))")
        }
        do {
            return try RunConfig.decode(Data(json), source: "configuration")
        } catch {
            throw .malformed(path: path, part: "section CONF", reason: error.description)
        }
    }

    func cursor(_ section: CheckpointSection, config: RunConfig) throws(CheckpointError) -> TrainingCursor {
        let part = "section CURS"
        var reader = try payloadReader(section, minimum: CheckpointFormat.cursorLength)
        let epoch = Int(reader.uint32()!)
        let batch = Int(reader.uint32()!)
        let counts = [reader.uint64()!, reader.uint64()!, reader.uint64()!, reader.uint64()!]
        let seed = reader.uint64()!
        let shuffleEpoch = Int(reader.uint32()!)
        let scheme = reader.uint32()!
        func fail(_ reason: String) -> CheckpointError { .malformed(path: path, part: part, reason: reason) }
        // 2⁴⁰ samples is far beyond any data set and keeps every product below Int.max.
        let limit: UInt64 = 1 << 40
        guard counts.allSatisfy({ $0 <= limit }) else { throw fail("a sample or batch count exceeds 2^40") }
        let (batchesDone, samplesDone, epochSamples, correct) = (
            Int(counts[0]), Int(counts[1]), Int(counts[2]), Int(counts[3])
        )
        guard scheme == CheckpointFormat.randomScheme else {
            throw fail(
                "random number scheme \(scheme) is unknown to this ptrain (it knows \(CheckpointFormat.randomScheme))")
        }
        guard epoch >= 1, epoch <= config.epochs + 1 else {
            throw fail("epoch \(epoch) is outside 1...\(config.epochs + 1) for a run of \(config.epochs) epochs")
        }
        guard batch == config.batch else { throw fail("batch size \(batch), the configuration says \(config.batch)") }
        guard seed == config.seed, shuffleEpoch == epoch else {
            throw fail(
                "shuffle key (seed \(seed), epoch \(shuffleEpoch)) is not the run's (seed \(config.seed), epoch \(epoch))"
            )
        }
        guard epochSamples >= 1, samplesDone <= epochSamples,
            samplesDone == min(batchesDone * batch, epochSamples),
            batchesDone <= TrainingCursor.batchesPerEpoch(samples: epochSamples, batch: batch), correct <= samplesDone
        else {
            throw fail(
                "inconsistent position: \(batchesDone) batches, \(samplesDone) of \(epochSamples) samples, \(correct) correct"
            )
        }
        return TrainingCursor(
            epoch: epoch, batchesDone: batchesDone, samplesDone: samplesDone, epochSamples: epochSamples,
            correct: correct, trainSeconds: 0)
    }

    func metrics(_ section: CheckpointSection, cursor: TrainingCursor) throws(CheckpointError) -> [EpochRecord] {
        let part = "section METR"
        var reader = try payloadReader(section, minimum: 4)
        let count = Int(reader.uint32()!)
        guard count == cursor.completedEpochs else {
            throw .malformed(
                path: path, part: part, reason: "\(count) epochs recorded, the cursor is at epoch \(cursor.epoch)")
        }
        let needed = count * CheckpointFormat.metricsRecordLength
        guard needed == reader.remaining || (lenient && needed < reader.remaining) else {
            throw .malformed(
                path: path, part: part, reason: "\(reader.remaining) bytes for \(count) epochs (needs \(needed))")
        }
        var records: [EpochRecord] = []
        records.reserveCapacity(count)
        for index in 0..<count {
            let epoch = Int(reader.uint32()!)
            let accuracies = [reader.float64()!, reader.float64()!, reader.float64()!]
            guard epoch == index + 1, accuracies.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
                throw .malformed(
                    path: path, part: part, reason: "record \(index + 1) (epoch \(epoch)) has accuracies \(accuracies)")
            }
            records.append(
                EpochRecord(
                    epoch: epoch, trainAccuracy: accuracies[0], testSpikeAccuracy: accuracies[1],
                    testRelaxedAccuracy: accuracies[2], seconds: 0, samplesPerSecond: 0))
        }
        return records
    }

    /// Fills in each record's validation accuracies (VALD: `count u32`, then per epoch `epoch u32`, spike and
    /// relaxed `f64`).
    func validation(_ section: CheckpointSection, records: inout [EpochRecord]) throws(CheckpointError) {
        let part = "section VALD"
        var reader = try payloadReader(section, minimum: 4)
        let count = Int(reader.uint32()!)
        let needed = count * CheckpointFormat.validationRecordLength
        guard count == records.count, needed == reader.remaining || (lenient && needed < reader.remaining) else {
            throw .malformed(
                path: path, part: part, reason: "validation for \(count) epochs, \(records.count) recorded")
        }
        for index in records.indices {
            let epoch = Int(reader.uint32()!)
            let spike = reader.float64()!
            let relaxed = reader.float64()!
            guard epoch == records[index].epoch, (0...1).contains(spike), (0...1).contains(relaxed) else {
                throw .malformed(
                    path: path, part: part,
                    reason: "record \(index + 1) (epoch \(epoch)) has accuracies \([spike, relaxed])")
            }
            records[index].validation = ReadoutAccuracy(spike: spike, relaxed: relaxed)
        }
    }

    /// The AVRG section (`CheckpointFormat.averageRecordLength`): the average's first epoch (the configuration's
    /// `averageFrom`) and count (one per finished epoch from it on; with `averageEvery: batch` one per batch, at
    /// least one per finished epoch), each averaged epoch's accuracies, filled
    /// into its record, and the sums: one finite f64 per parameter once the count is above 0.
    func average(
        _ section: CheckpointSection, records: inout [EpochRecord], config: RunConfig, parameterCount: Int
    ) throws(CheckpointError) -> WeightAveraging {
        let part = "section AVRG"
        func fail(_ reason: String) -> CheckpointError { .malformed(path: path, part: part, reason: reason) }
        var reader = try payloadReader(section, minimum: CheckpointFormat.averageHeaderLength)
        let firstEpoch = Int(reader.uint32()!)
        let count = Int(reader.uint32()!)
        let expected = WeightAveraging.count(firstEpoch: firstEpoch, completedEpochs: records.count)
        let perBatch = config.averageEvery == .batch
        guard firstEpoch == config.averageFrom, perBatch ? count >= expected : count == expected else {
            throw fail(
                "an average of \(count) \(perBatch ? "batches" : "epochs") from epoch \(firstEpoch); the "
                    + "configuration averages from epoch \(config.averageFrom) and \(records.count) epochs are finished"
            )
        }
        let sums = count == 0 ? 0 : parameterCount
        let needed = expected * CheckpointFormat.averageRecordLength + 8 * sums
        guard needed == reader.remaining else {
            throw fail("\(reader.remaining) bytes for an average of \(count) epochs (needs \(needed))")
        }
        for index in records.indices where records[index].epoch >= firstEpoch {
            let epoch = Int(reader.uint32()!)
            let values = (0..<4).map { _ in reader.float64()! }
            let hasValidation = config.validation > 0
            let checked = hasValidation ? values : Array(values.prefix(2))
            guard epoch == records[index].epoch, checked.allSatisfy({ (0...1).contains($0) }),
                hasValidation || values.suffix(2).allSatisfy(\.isNaN)
            else {
                throw fail("averaged record of epoch \(records[index].epoch) (epoch \(epoch)) has accuracies \(values)")
            }
            records[index].averagedTest = ReadoutAccuracy(spike: values[0], relaxed: values[1])
            if hasValidation {
                records[index].averagedValidation = ReadoutAccuracy(spike: values[2], relaxed: values[3])
            }
        }
        var values: [Double] = []
        values.reserveCapacity(sums)
        for _ in 0..<sums {
            let value = reader.float64()!
            guard value.isFinite else { throw fail("a sum is not finite") }
            values.append(value)
        }
        return WeightAveraging(firstEpoch: firstEpoch, count: count, sums: values)
    }

    /// Fills in each record's timing; returns the cursor's train seconds.
    func timing(_ section: CheckpointSection, records: inout [EpochRecord]) throws(CheckpointError) -> Double {
        let part = "section TIME"
        var reader = try payloadReader(section, minimum: 12)
        let trainSeconds = reader.float64()!
        let count = Int(reader.uint32()!)
        let needed = count * CheckpointFormat.timingRecordLength
        guard count == records.count, needed == reader.remaining || (lenient && needed < reader.remaining) else {
            throw .malformed(path: path, part: part, reason: "timing for \(count) epochs, \(records.count) recorded")
        }
        var values = [trainSeconds]
        for index in records.indices {
            records[index].seconds = reader.float64()!
            records[index].samplesPerSecond = reader.float64()!
            values += [records[index].seconds, records[index].samplesPerSecond]
        }
        guard values.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw .malformed(path: path, part: part, reason: "a duration or rate is negative or not finite")
        }
        return trainSeconds
    }

    func checkBest(_ section: CheckpointSection, records: [EpochRecord]) throws(CheckpointError) {
        var reader = try payloadReader(section, minimum: CheckpointFormat.bestLength)
        let epoch = Int(reader.uint32()!)
        let spike = reader.float64()!
        let relaxed = reader.float64()!
        let expected = BestAccuracy.of(records)
        let stored =
            epoch == 0 ? nil : BestAccuracy(epoch: epoch, testSpikeAccuracy: spike, testRelaxedAccuracy: relaxed)
        guard stored == expected else {
            throw .malformed(
                path: path, part: "section BEST",
                reason:
                    "best epoch \(epoch) does not match the metrics (\(expected.map { "epoch \($0.epoch)" } ?? "none"))"
            )
        }
    }

    /// The dATA section: two parts (training, test) of `count u64, rows u32, columns u32, images CRC32 u32,
    /// labels CRC32 u32`, each of images with `inputs` pixels.
    func data(_ section: CheckpointSection, inputs: Int) throws(CheckpointError) -> DataFingerprint {
        var reader = try payloadReader(section, minimum: CheckpointFormat.dataLength)
        var parts: [DataFingerprint.Part] = []
        for name in ["training", "test"] {
            let count = reader.uint64()!
            let rows = Int(reader.uint32()!)
            let columns = Int(reader.uint32()!)
            let imagesCRC = reader.uint32()!
            let labelsCRC = reader.uint32()!
            // 2⁴⁰ images is far beyond any data set and keeps the count an Int on every platform; rows and
            // columns are bounded by `inputs` (< 2³²) and multiplied with an overflow check.
            let product = rows.multipliedReportingOverflow(by: columns)
            guard count <= 1 << 40, (1...inputs).contains(rows), (1...inputs).contains(columns),
                !product.overflow, product.partialValue == inputs
            else {
                throw .malformed(
                    path: path, part: "section dATA",
                    reason: "the \(name) part has \(count) images of \(rows)×\(columns) pixels for a network of "
                        + "\(inputs) inputs")
            }
            parts.append(
                DataFingerprint.Part(
                    count: Int(count), rows: rows, columns: columns, imagesCRC: imagesCRC, labelsCRC: labelsCRC))
        }
        return DataFingerprint(train: parts[0], test: parts[1])
    }

    /// The LAYR section's input shape, checked with the configuration's layers and the header's sizes, and the
    /// number of parameters it must hold (its length checked before anything is allocated).
    func layered(_ section: CheckpointSection, header: Header, config: RunConfig) throws(CheckpointError) -> (
        ActivationShape, Int
    ) {
        var reader = try payloadReader(section, minimum: CheckpointFormat.layeredShapeLength)
        let (rows, columns, channels, isImage) = (
            Int(reader.uint32()!), Int(reader.uint32()!), Int(reader.uint32()!), reader.uint32()!
        )
        let shape = ActivationShape(rows: rows, columns: columns, channels: channels, isImage: isImage == 1)
        guard rows >= 1, columns >= 1, channels >= 1, isImage <= 1, shape.count == header.inputs else {
            throw .shapeMismatch(
                path: path,
                reason:
                    "section LAYR's input \(rows)×\(columns)×\(channels) is not the header's \(header.inputs) inputs")
        }
        let stack: LayerStack
        do {
            stack = try LayerStack(input: shape, layers: config.layers, outputs: header.outputs)
        } catch {
            throw .shapeMismatch(path: path, reason: "its layers do not fit its input \(shape): \(error.description)")
        }
        // The unpadded count bounds the padded one from below: a network larger than the section is refused before
        // its padded layout is computed (which could overflow for absurd layers).
        let floats = (section.length - CheckpointFormat.layeredShapeLength) / 4
        let count =
            stack.totalParameters <= floats
            ? LayeredNetwork.storedParameterCount(stack: stack, outputs: header.outputs) : Int.max
        guard count != Int.max, section.length == CheckpointFormat.layeredShapeLength + 4 * count else {
            throw .shapeMismatch(
                path: path,
                reason: "section LAYR holds \(section.length) bytes, its \(stack.layers.count)-layer network needs "
                    + "\(CheckpointFormat.layeredShapeLength) + 4 × "
                    + (count == Int.max ? "at least \(stack.totalParameters)" : "\(count)"))
        }
        return (shape, count)
    }

    func parameters(_ section: CheckpointSection, count: Int, skip: Int = 0) -> [Float] {
        let start = section.payload.lowerBound + skip
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                // This is safe because the layout pass checked that the payload's count · 4 bytes lie in the file.
                for index in 0..<count {
                    buffer[index] = Float(
                        bitPattern: UInt32(
                            littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * index, as: UInt32.self)))
                }
            }
            initialized = count
        }
    }

    /// A reader over the payload, which must hold `minimum` bytes, and exactly that many for fixed-size
    /// payloads of this reader's minor version.
    func payloadReader(_ section: CheckpointSection, minimum: Int) throws(CheckpointError) -> ByteReader {
        guard section.length >= minimum else {
            throw .malformed(
                path: path, part: "section \(section.tag)",
                reason: "\(section.length) bytes, at least \(minimum) expected")
        }
        let fixed: [String: Int] = [
            CheckpointFormat.Tag.cursor.rawValue: CheckpointFormat.cursorLength,
            CheckpointFormat.Tag.best.rawValue: CheckpointFormat.bestLength,
            CheckpointFormat.Tag.data.rawValue: CheckpointFormat.dataLength,
        ]
        if let size = fixed[section.tag], section.length != size, !lenient {
            throw .malformed(
                path: path, part: "section \(section.tag)", reason: "\(section.length) bytes, \(size) expected")
        }
        return ByteReader(bytes: bytes, offset: section.payload.lowerBound, end: section.payload.upperBound)
    }
}

private func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
}
