import Foundation
import Model
import Testing

/// The checkpoint file format (docs/checkpoint-format.md): a round trip, and every way a file can be damaged,
/// each giving its own typed error with a message that names the file and the section. Synthetic networks,
/// fixed seeds, no MNIST.
@Suite("Checkpoint format")
struct CheckpointFormatTests {
    static let path = "run/latest.ckpt"

    /// A 16 × 20 × 10 network in 1 shard (20 neurons fit one 64-neuron block), trained (as far as the file can tell) 2 epochs and 3 batches.
    static func sample() -> Checkpoint {
        var config = RunConfig()
        config.name = "format-test"
        config.hidden = 20
        config.shards = 1
        config.epochs = 4
        config.seed = 7
        let network = Network(inputs: 16, hidden: 20, shards: 1, seed: 7)
        let records = [
            EpochRecord(
                epoch: 1, trainAccuracy: 0.5, testSpikeAccuracy: 0.625, testRelaxedAccuracy: 0.75, seconds: 1.25,
                samplesPerSecond: 800),
            EpochRecord(
                epoch: 2, trainAccuracy: 0.75, testSpikeAccuracy: 0.6, testRelaxedAccuracy: 0.7, seconds: 1.5,
                samplesPerSecond: 666.5),
        ]
        let cursor = TrainingCursor(
            epoch: 3, batchesDone: 3, samplesDone: 30, epochSamples: 95, correct: 17, trainSeconds: 0.375)
        return Checkpoint(network: network, config: config, cursor: cursor, records: records)
    }

    static let bytes = sample().encoded()
    static let layout = try! Checkpoint.layout(of: bytes, path: path)

    func decode(_ bytes: [UInt8]) throws(CheckpointError) -> Checkpoint {
        try Checkpoint.decode(bytes, path: Self.path)
    }

    /// The error `decode` throws, or nil.
    func error(_ bytes: [UInt8]) -> CheckpointError? {
        do {
            _ = try decode(bytes)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Round trip

    @Test("a checkpoint reads back to the same configuration, cursor, metrics and weights, and re-encodes identically")
    func roundTrip() throws {
        let original = Self.sample()
        let read = try decode(Self.bytes)
        #expect(read.config == original.config)
        #expect(read.cursor == original.cursor)
        #expect(read.records == original.records)
        #expect(read.best == BestAccuracy(epoch: 1, testSpikeAccuracy: 0.625, testRelaxedAccuracy: 0.75))
        #expect(read.parameters!.map(\.bitPattern) == original.parameters!.map(\.bitPattern))
        #expect((read.inputs, read.hidden, read.outputs, read.shards) == (16, 20, 10, 1))
        #expect(read.encoded() == Self.bytes)
        #expect(read.makeNetwork(shards: 1)!.canonicalParameters() == original.parameters!)
        #expect(read.makeNetwork(shards: 99)!.shards.count == 1, "clamped to what 20 neurons allow")
    }

    @Test("version 1.1 layout: a 48-byte header, then CONF CURS METR BEST TIME WGHT (no dATA), each with its CRC")
    func layoutOfVersion1() throws {
        let layout = Self.layout
        #expect(Array(Self.bytes.prefix(8)) == Array("PTRAINCK".utf8))
        #expect((layout.major, layout.minor, layout.headerLength) == (1, 1, 48))
        #expect(layout.sections.map(\.tag) == ["CONF", "CURS", "METR", "BEST", "TIME", "WGHT"])
        #expect(layout.sections.allSatisfy { $0.known })
        #expect(layout.sections[0].offset == 48)
        for (section, next) in zip(layout.sections, layout.sections.dropFirst()) {
            #expect(section.bytes.upperBound == next.offset)
        }
        #expect(layout.sections.last!.bytes.upperBound == Self.bytes.count)
        let weights = layout.sections.last!
        #expect(weights.length == (16 * 20 + 20 + 20 * 10 + 10) * 4)
        #expect(layout.configurationHash == FNV1a.hash64(Self.sample().config.jsonText().utf8))
        // Little-endian Float32 in canonical order: the first weight is W1[0, 0].
        let first = Self.bytes[weights.payload.lowerBound..<(weights.payload.lowerBound + 4)]
        let bits = first.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(bits == Self.sample().parameters![0].bitPattern)
    }

    @Test("reading without weights checks every CRC but leaves the parameters out")
    func inspectSkipsTheWeights() throws {
        let read = try Checkpoint.decode(Self.bytes, path: Self.path, weights: .skip)
        #expect(read.parameters == nil)
        #expect(read.cursor == Self.sample().cursor)
        var damaged = Self.bytes
        damaged[damaged.count - 10] ^= 0x40
        #expect(throws: CheckpointError.checksumMismatch(path: Self.path, part: "section WGHT")) {
            try Checkpoint.decode(damaged, path: Self.path, weights: .skip)
        }
    }

    // MARK: Truncation

    /// What a file cut to `length` bytes must report.
    func expectedTruncation(at length: Int) -> CheckpointError {
        if length == 0 { return .empty(path: Self.path) }
        if length < 48 { return .truncated(path: Self.path, part: "the header", needed: 48, available: length) }
        let sections = Self.layout.sections
        let index = sections.lastIndex { $0.offset <= length }!
        let section = sections[index]
        let left = length - section.offset
        if left < 12 {
            return .truncated(
                path: Self.path, part: "section \(index + 1) of \(sections.count)", needed: 16, available: left)
        }
        return .truncated(path: Self.path, part: "section \(section.tag)", needed: section.length + 16, available: left)
    }

    @Test("a file cut at any byte, section boundaries included, is reported as truncated, naming the section")
    func truncationAtEveryOffset() {
        for length in 0..<Self.bytes.count {
            let error = error(Array(Self.bytes.prefix(length)))
            #expect(error == expectedTruncation(at: length), "cut at \(length)")
        }
    }

    @Test("truncation messages")
    func truncationMessages() {
        let boundary = Self.layout.sections[5].offset
        #expect(
            error(Array(Self.bytes.prefix(boundary)))?.description
                == "run/latest.ckpt: truncated checkpoint: section 6 of 6 needs 16 bytes, only 0 left")
        #expect(
            error(Array(Self.bytes.prefix(boundary + 100)))?.description
                == "run/latest.ckpt: truncated checkpoint: section WGHT needs 2216 bytes, only 100 left")
        #expect(
            error(Array(Self.bytes.prefix(20)))?.description
                == "run/latest.ckpt: truncated checkpoint: the header needs 48 bytes, only 20 left")
        #expect(error([])?.description == "run/latest.ckpt: empty file, not a ptrain checkpoint")
    }

    // MARK: Damaged bytes

    @Test("every single-byte change anywhere in the file is detected")
    func everyByteFlipIsDetected() {
        let sections = Self.layout.sections
        for offset in 0..<Self.bytes.count {
            var damaged = Self.bytes
            damaged[offset] ^= 0x5A
            guard let error = error(damaged) else {
                Issue.record("a change at byte \(offset) was not detected")
                continue
            }
            switch offset {
            case 0..<8: #expect(error == .badMagic(path: Self.path), "byte \(offset)")
            case 8..<10: #expect(error.isUnsupportedVersion, "byte \(offset): \(error)")
            case 12..<16: #expect(error.part == "the header", "byte \(offset): \(error)")
            case 10..<48: #expect(error == .checksumMismatch(path: Self.path, part: "the header"), "byte \(offset)")
            default:
                let section = sections.last { $0.offset <= offset }!
                if section.payload.contains(offset) || offset >= section.payload.upperBound {
                    // The payload or the CRC itself.
                    #expect(
                        error == .checksumMismatch(path: Self.path, part: "section \(section.tag)"), "byte \(offset)")
                } else if offset < section.offset + 4 {
                    // The tag: the CRC covers it, so the section fails under its damaged name.
                    #expect(
                        error.isChecksumMismatch && error.part != "section \(section.tag)", "byte \(offset): \(error)")
                } else {
                    // The length: too long is a truncation, shorter leaves the CRC elsewhere.
                    #expect(error.isChecksumMismatch || error.isTruncated, "byte \(offset): \(error)")
                }
            }
        }
    }

    @Test("messages of damaged files name the file and the section")
    func damageMessages() {
        var damaged = Self.bytes
        damaged[Self.layout.sections[1].payload.lowerBound] ^= 1
        #expect(
            error(damaged)?.description
                == "run/latest.ckpt: CRC32 mismatch in section CURS: the checkpoint is corrupted")
        var header = Self.bytes
        header[20] ^= 1
        #expect(
            error(header)?.description == "run/latest.ckpt: CRC32 mismatch in the header: the checkpoint is corrupted")
        var magic = Self.bytes
        magic[7] = UInt8(ascii: "X")
        #expect(error(magic)?.description == "run/latest.ckpt: not a ptrain checkpoint (bad magic)")
        #expect(
            error(Array("PTRW".utf8) + [1, 0, 0, 0])?.description
                == "run/latest.ckpt: not a ptrain checkpoint (bad magic)")
    }

    // MARK: Versions

    @Test("a future or past major version is refused before anything else is read")
    func otherMajorVersionsAreRefused() {
        for major: UInt16 in [0, 2, 0x0100] {
            var header = Builder(Self.bytes)
            header.major = major
            let bytes = header.build()
            #expect(error(bytes) == .unsupportedVersion(path: Self.path, major: major, minor: 1))
            // Even truncated just after the version: the version decides first.
            #expect(error(Array(bytes.prefix(12))) == .unsupportedVersion(path: Self.path, major: major, minor: 1))
        }
        var future = Builder(Self.bytes)
        future.major = 2
        future.minor = 3
        #expect(
            error(future.build())?.description
                == "run/latest.ckpt: checkpoint format 2.3 is not supported (this ptrain reads 1.x)")
    }

    @Test("a newer minor version's additions are skipped: unknown sections, a longer header, longer payloads")
    func newerMinorVersionIsRead() throws {
        var builder = Builder(Self.bytes)
        builder.minor = 7
        builder.headerExtra = [1, 2, 3, 4, 5, 6, 7, 8]
        // Ancillary (lowercase first letter): an unknown critical one is refused (CheckpointSectionTests).
        builder.sections.insert(("xTRA", Array("a field of version 1.7".utf8)), at: 2)
        builder.sections[1].payload += [9, 9, 9, 9]  // a field appended to CURS
        builder.sections.append(("zZZZ", []))
        let read = try decode(builder.build())
        #expect(read.cursor == Self.sample().cursor)
        #expect(read.records == Self.sample().records)
        #expect(read.parameters == Self.sample().parameters)
        #expect(read.layout!.headerLength == 56)
        #expect(read.layout!.sections.filter { !$0.known }.map(\.tag) == ["xTRA", "zZZZ"])

        // Skipped, but still checked.
        var bytes = builder.build()
        let extra = try Checkpoint.layout(of: bytes, path: Self.path).sections[2]
        bytes[extra.payload.lowerBound] ^= 1
        #expect(error(bytes) == .checksumMismatch(path: Self.path, part: "section xTRA"))
    }

    @Test("in a file of this reader's own version, a payload longer than its fields is malformed")
    func sameMinorIsStrict() {
        var builder = Builder(Self.bytes)
        builder.sections[1].payload += [0, 0, 0, 0]
        #expect(error(builder.build())?.description == "run/latest.ckpt: malformed section CURS: 60 bytes, 56 expected")
        var header = Builder(Self.bytes)
        header.headerExtra = [0, 0, 0, 0]
        #expect(error(header.build())?.part == "the header")
    }

    // MARK: Structure and contents

    @Test("a missing, duplicated or extra section")
    func sectionStructure() {
        for tag in ["CONF", "CURS", "METR", "BEST", "TIME", "WGHT"] {
            var builder = Builder(Self.bytes)
            builder.sections.removeAll { $0.tag == tag }
            #expect(error(builder.build()) == .missingSection(path: Self.path, tag: tag))
        }
        #expect(
            error(
                {
                    var b = Builder(Self.bytes)
                    b.sections.removeAll { $0.tag == "CURS" }
                    return b.build()
                }())?
                .description == "run/latest.ckpt: checkpoint has no CURS section")
        var duplicated = Builder(Self.bytes)
        duplicated.sections.append(duplicated.sections[3])
        #expect(
            error(duplicated.build()) == .malformed(path: Self.path, part: "section BEST", reason: "it appears twice"))
        #expect(
            error(Self.bytes + [0, 0, 0])
                == .malformed(path: Self.path, part: "the file", reason: "3 bytes after the last of its 6 sections"))
    }

    @Test("lengths and counts near the top of their range are truncations, not traps or huge allocations")
    func hugeLengths() {
        var hugeCount = Builder(Self.bytes)
        hugeCount.sectionCount = UInt32.max
        #expect(
            error(hugeCount.build())
                == .truncated(path: Self.path, part: "section 7 of 4294967295", needed: 16, available: 0))
        for length in [UInt64.max, UInt64(Int.max), 1 << 40] {
            var bytes = Self.bytes
            let weights = Self.layout.sections[5]
            for index in 0..<8 { bytes[weights.offset + 4 + index] = UInt8(truncatingIfNeeded: length >> (8 * index)) }
            let left = bytes.count - weights.offset
            let needed = length > UInt64(Int.max - 16) ? Int.max : Int(length) + 16
            #expect(error(bytes) == .truncated(path: Self.path, part: "section WGHT", needed: needed, available: left))
        }
        var hugeHeader = Builder(Self.bytes)
        hugeHeader.minor = CheckpointFormat.minor + 1
        hugeHeader.declaredHeaderLength = UInt32.max
        #expect(error(hugeHeader.build())?.isTruncated == true)
    }

    @Test("sections that pass their CRC but disagree with the header or each other")
    func inconsistentContents() {
        var shape = Builder(Self.bytes)
        shape.hidden = 21
        #expect(
            error(shape.build())?.description
                == "run/latest.ckpt: shape mismatch: the header says 21 hidden neurons, the configuration 20")
        var shards = Builder(Self.bytes)
        shards.shards = 2
        #expect(
            error(shards.build())
                == .shapeMismatch(path: Self.path, reason: "the header says 2 shards, the configuration 1"))
        var weights = Builder(Self.bytes)
        weights.sections[5].payload.removeLast(4)
        #expect(
            error(weights.build())
                == .shapeMismatch(
                    path: Self.path, reason: "section WGHT holds 2196 bytes, a 16×20×10 network needs 2200"))
        var implausible = Builder(Self.bytes)
        implausible.outputs = 17
        #expect(error(implausible.build())?.isShapeMismatch == true)

        var hash = Builder(Self.bytes)
        hash.configurationHash ^= 1
        #expect(error(hash.build())?.part == "the header")

        var json = Builder(Self.bytes)
        json.sections[0].payload = Array(#"{ "hiden": 20 }"#.utf8)
        json.configurationHash = FNV1a.hash64(json.sections[0].payload)
        #expect(
            error(json.build())?.description
                == "run/latest.ckpt: malformed section CONF: configuration: unknown key 'hiden'. Did you mean 'hidden'?"
        )
        var notJSON = Builder(Self.bytes)
        notJSON.sections[0].payload = [0xFF, 0xFE, 0x00]
        notJSON.configurationHash = FNV1a.hash64(notJSON.sections[0].payload)
        #expect(error(notJSON.build())?.part == "section CONF")

        // The cursor: epoch 0, samples beyond the epoch, more correct than done, another seed.
        for (offset, value) in [(0, 0), (16, 96), (32, 31), (40, 8)] {
            var cursor = Builder(Self.bytes)
            cursor.sections[1].payload.replaceSubrange(offset..<(offset + 4), with: Builder.le32(UInt32(value)))
            #expect(error(cursor.build())?.part == "section CURS", "field at \(offset)")
        }
        var epochs = Builder(Self.bytes)
        epochs.sections[2].payload.replaceSubrange(0..<4, with: Builder.le32(1))
        #expect(
            error(epochs.build())
                == .malformed(
                    path: Self.path, part: "section METR", reason: "1 epochs recorded, the cursor is at epoch 3"))
        var accuracy = Builder(Self.bytes)
        accuracy.sections[2].payload.replaceSubrange(8..<16, with: Builder.le64(Double.nan.bitPattern))
        #expect(error(accuracy.build())?.part == "section METR")
        var best = Builder(Self.bytes)
        best.sections[3].payload.replaceSubrange(0..<4, with: Builder.le32(2))
        #expect(error(best.build())?.part == "section BEST")
        var timing = Builder(Self.bytes)
        timing.sections[4].payload.replaceSubrange(0..<8, with: Builder.le64((-1.0).bitPattern))
        #expect(error(timing.build())?.part == "section TIME")
    }

    // MARK: Files

    @Test("files that are not checkpoints: missing, a directory, a FIFO, empty")
    func unreadableFiles() throws {
        try TestData.withTemporaryDirectory { directory in
            #expect(
                throws: CheckpointError.unreadable(path: directory + "/none.ckpt", reason: "no such file")
            ) { try Checkpoint.read(path: directory + "/none.ckpt") }
            #expect(throws: CheckpointError.unreadable(path: directory, reason: "is a directory")) {
                try Checkpoint.read(path: directory)
            }
            #expect(mkfifo(directory + "/fifo", 0o644) == 0)
            #expect(throws: CheckpointError.unreadable(path: directory + "/fifo", reason: "not a regular file")) {
                try Checkpoint.read(path: directory + "/fifo")
            }
            #expect(FileManager.default.createFile(atPath: directory + "/empty.ckpt", contents: Data()))
            #expect(throws: CheckpointError.empty(path: directory + "/empty.ckpt")) {
                try Checkpoint.read(path: directory + "/empty.ckpt")
            }
            try Self.sample().write(to: directory + "/good.ckpt")
            #expect(try Checkpoint.read(path: directory + "/good.ckpt").encoded() == Self.bytes)
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == [
                    "empty.ckpt", "fifo", "good.ckpt",
                ])
        }
    }

    @Test("eval's reader takes checkpoints and weights.bin alike")
    func modelFileReadsBothFormats() throws {
        try TestData.withTemporaryDirectory { directory in
            let sample = Self.sample()
            try sample.write(to: directory + "/a.ckpt")
            let network = sample.makeNetwork()!
            try WeightsFile.write(network: network, config: sample.config, to: directory + "/weights.bin")
            let fromCheckpoint = try ModelFile.read(path: directory + "/a.ckpt")
            let fromWeights = try ModelFile.read(path: directory + "/weights.bin")
            #expect(fromCheckpoint.network.canonicalParameters() == sample.parameters!)
            #expect(fromWeights.network.canonicalParameters() == sample.parameters!)
            #expect(fromCheckpoint.config == fromWeights.config)
            #expect(fromCheckpoint.checkpoint != nil && fromWeights.checkpoint == nil)
        }
    }

    /// `PTRAIN_TIMING=1 swift test -c release --filter CheckpointFormatTests`: encode and write an H = 4500
    /// checkpoint (the paper's network, 14.2 MB) five times and print the times. A figure, not a pass/fail test.
    @Test(
        "time to write an H = 4500 checkpoint",
        .enabled(if: ProcessInfo.processInfo.environment["PTRAIN_TIMING"] != nil))
    func writeTimeAtPaperSize() throws {
        var config = RunConfig()
        config.hidden = 4500
        config.shards = config.resolvedShards
        let network = Network(inputs: 784, hidden: 4500, shards: config.shards, seed: 1)
        let cursor = TrainingCursor.start(epoch: 1, epochSamples: 60_000)
        try TestData.withTemporaryDirectory { directory in
            var lines: [String] = []
            for _ in 0..<5 {
                let t0 = DispatchTime.now().uptimeNanoseconds
                let checkpoint = Checkpoint(network: network, config: config, cursor: cursor, records: [])
                let t1 = DispatchTime.now().uptimeNanoseconds
                let bytes = checkpoint.encoded()
                let t2 = DispatchTime.now().uptimeNanoseconds
                try AtomicFile.write(bytes, to: directory + "/latest.ckpt")
                let t3 = DispatchTime.now().uptimeNanoseconds
                let read = try Checkpoint.read(path: directory + "/latest.ckpt")
                let t4 = DispatchTime.now().uptimeNanoseconds
                #expect(read.parameters!.count == network.parameterCount)
                func ms(_ a: UInt64, _ b: UInt64) -> String { String(format: "%.1f", Double(b - a) / 1e6) }
                lines.append(
                    "H=4500 checkpoint \(bytes.count) bytes: gather \(ms(t0, t1)) ms, encode+CRC \(ms(t1, t2)) ms, "
                        + "write+fsync+rename \(ms(t2, t3)) ms, total write \(ms(t0, t3)) ms; read+verify \(ms(t3, t4)) ms"
                )
            }
            print(lines.joined(separator: "\n"))
        }
    }
}

extension CheckpointError {
    var part: String? {
        switch self {
        case .truncated(_, let part, _, _), .checksumMismatch(_, let part), .malformed(_, let part, _): return part
        default: return nil
        }
    }
    var isTruncated: Bool { if case .truncated = self { return true } else { return false } }
    var isChecksumMismatch: Bool { if case .checksumMismatch = self { return true } else { return false } }
    var isShapeMismatch: Bool { if case .shapeMismatch = self { return true } else { return false } }
    var isUnsupportedVersion: Bool { if case .unsupportedVersion = self { return true } else { return false } }
}

/// Takes a valid checkpoint apart into header fields and sections, and puts (possibly altered) parts back
/// together with correct CRCs, so each test damages exactly one thing.
struct Builder {
    var major: UInt16 = 1
    var minor: UInt16
    var inputs: UInt32
    var hidden: UInt32
    var outputs: UInt32
    var shards: UInt32
    var configurationHash: UInt64
    var sectionCount: UInt32?
    var declaredHeaderLength: UInt32?
    var headerExtra: [UInt8] = []
    var sections: [(tag: String, payload: [UInt8])]

    init(_ bytes: [UInt8]) {
        func u32(_ offset: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) } }
        func u64(_ offset: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) } }
        minor = UInt16(bytes[10]) | UInt16(bytes[11]) << 8
        inputs = u32(16)
        hidden = u32(20)
        outputs = u32(24)
        shards = u32(28)
        configurationHash = u64(32)
        sections = []
        var offset = 48
        while offset < bytes.count {
            let length = Int(u64(offset + 4))
            sections.append(
                (
                    String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self),
                    Array(bytes[(offset + 12)..<(offset + 12 + length)])
                ))
            offset += 16 + length
        }
    }

    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    static func le64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    func build() -> [UInt8] {
        var header = Array("PTRAINCK".utf8)
        header += [
            UInt8(truncatingIfNeeded: major), UInt8(major >> 8), UInt8(truncatingIfNeeded: minor), UInt8(minor >> 8),
        ]
        header += Self.le32(declaredHeaderLength ?? UInt32(48 + headerExtra.count))
        header += Self.le32(inputs) + Self.le32(hidden) + Self.le32(outputs) + Self.le32(shards)
        header += Self.le64(configurationHash) + Self.le32(sectionCount ?? UInt32(sections.count)) + headerExtra
        header += Self.le32(CRC32.checksum(header))
        var bytes = header
        for (tag, payload) in sections {
            let record = Array(tag.utf8) + Self.le64(UInt64(payload.count)) + payload
            bytes += record + Self.le32(CRC32.checksum(record))
        }
        return bytes
    }
}

/// CRC32 against known values and against the byte-at-a-time definition on every length and alignment.
@Suite("CRC32 and FNV-1a")
struct ChecksumTests {
    @Test func knownValues() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
        #expect(FNV1a.hash64([UInt8]()) == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a.hash64(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
    }

    /// The definition, one bit at a time.
    static func reference(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        }
        return ~crc
    }

    @Test("slicing-by-8 equals the bitwise definition for every length 0...40 and every start 0...7, and chains")
    func matchesDefinition() {
        var state: UInt64 = 3
        let bytes: [UInt8] = (0..<48).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        for start in 0..<8 {
            for length in 0...40 {
                let slice = bytes[start..<(start + length)]
                #expect(CRC32.checksum(slice) == Self.reference(slice), "start \(start), length \(length)")
                #expect(CRC32.checksum(AnySequence(slice)) == Self.reference(slice))
            }
        }
        let whole = CRC32.checksum(bytes)
        #expect(CRC32.checksum(bytes[20...], initial: CRC32.checksum(bytes[..<20])) == whole)
    }
}
