import Foundation
import Model
import Parallel
import Synchronization
import Testing

/// Format 1.1 (docs/checkpoint-format.md): the ancillary dATA section with the data fingerprint, PNG's
/// critical/ancillary rule for tags, and 1.0 files, which still read. Synthetic networks, no MNIST.
@Suite("Checkpoint sections: dATA, critical and ancillary")
struct CheckpointSectionTests {
    static let path = "run/latest.ckpt"

    /// A fingerprint of 4 × 4 images, as the 16-input sample network takes.
    static let data = DataFingerprint(
        train: DataFingerprint.Part(count: 95, rows: 4, columns: 4, imagesCRC: 0x1234_5678, labelsCRC: 0x9abc_def0),
        test: DataFingerprint.Part(count: 40, rows: 4, columns: 4, imagesCRC: 0x0bad_cafe, labelsCRC: 7))

    static func sample(data: DataFingerprint? = Self.data) -> Checkpoint {
        let base = CheckpointFormatTests.sample()
        return Checkpoint(
            network: base.makeNetwork()!, config: base.config, cursor: base.cursor, records: base.records, data: data)
    }

    static let bytes = sample().encoded()

    func error(_ bytes: [UInt8]) -> CheckpointError? {
        do {
            _ = try Checkpoint.decode(bytes, path: Self.path)
            return nil
        } catch {
            return error
        }
    }

    @Test("the fingerprint reads back from a dATA section between TIME and WGHT, and re-encodes identically")
    func roundTrip() throws {
        let read = try Checkpoint.decode(Self.bytes, path: Self.path)
        #expect(read.data == Self.data)
        #expect(read.encoded() == Self.bytes)
        let layout = try #require(read.layout)
        #expect((layout.major, layout.minor, layout.headerLength) == (1, 1, 48))
        #expect(layout.sections.map(\.tag) == ["CONF", "CURS", "METR", "BEST", "TIME", "dATA", "WGHT"])
        #expect(layout.sections.allSatisfy { $0.known })
        let section = layout.sections[5]
        #expect(section.length == 48)
        // Little-endian: the training part's count u64, rows u32, columns u32, images CRC, labels CRC, then the test part's.
        var expected = Builder.le64(95) + Builder.le32(4) + Builder.le32(4) + Builder.le32(0x1234_5678)
        expected += Builder.le32(0x9abc_def0) + Builder.le64(40) + Builder.le32(4) + Builder.le32(4)
        expected += Builder.le32(0x0bad_cafe) + Builder.le32(7)
        #expect(Array(Self.bytes[section.payload]) == expected)
        // Also when read without the weights.
        #expect(try Checkpoint.decode(Self.bytes, path: Self.path, weights: .skip).data == Self.data)
    }

    @Test("without a fingerprint: six sections, data nil; the sections are the bytes 1.0 wrote")
    func withoutFingerprint() throws {
        let bytes = Self.sample(data: nil).encoded()
        #expect(bytes == CheckpointFormatTests.bytes)
        let read = try Checkpoint.decode(bytes, path: Self.path)
        #expect(read.data == nil)
        #expect(read.layout!.sections.map(\.tag) == ["CONF", "CURS", "METR", "BEST", "TIME", "WGHT"])
        // With the fingerprint: the same bytes plus the dATA section, one more in the count.
        let withData = Self.bytes
        let dataSection = try Checkpoint.layout(of: withData, path: Self.path).sections[5]
        var cut = Array(withData[..<dataSection.bytes.lowerBound] + withData[dataSection.bytes.upperBound...])
        cut[40] -= 1
        #expect(Array(cut[48...]) == Array(bytes[48...]))
        #expect(Array(cut[..<44]) == Array(bytes[..<44]))
    }

    @Test("a file of format 1.0 (the fuzz seed, written by ptrain 1.0) reads, with no fingerprint")
    func version10FileReads() throws {
        let url = FuzzInputs.root.appendingPathComponent("Corpus/FuzzCheckpoint/valid-h16-2-epochs.ckpt")
        let old = [UInt8](try Data(contentsOf: url))
        let read = try Checkpoint.decode(old, path: "old.ckpt")
        #expect((read.layout!.major, read.layout!.minor) == (1, 0))
        #expect(read.data == nil)
        #expect(read.records.count == 2)
        // Written again, only the minor version and the header CRC change: every section keeps its bytes.
        let again = read.encoded()
        #expect(again.count == old.count)
        #expect(Array(again[10..<12]) == [1, 0])
        #expect(Array(again[..<10]) == Array(old[..<10]) && Array(again[12..<44]) == Array(old[12..<44]))
        #expect(Array(again[48...]) == Array(old[48...]))
        // A 1.0 file built from today's bytes (the minor set back) reads too.
        var builder = Builder(Self.bytes)
        builder.minor = 0
        #expect(try Checkpoint.decode(builder.build(), path: Self.path).data == Self.data)
    }

    @Test("an unknown ancillary section (lowercase first letter) is skipped after its CRC is checked")
    func unknownAncillaryIsSkipped() throws {
        for minor: UInt16 in [1, 9] {
            var builder = Builder(Self.bytes)
            builder.minor = minor
            builder.sections.insert(("tEXT", Array("a note by a newer ptrain".utf8)), at: 1)
            builder.sections.append(("zzzz", []))
            let bytes = builder.build()
            let read = try Checkpoint.decode(bytes, path: Self.path)
            #expect(read.data == Self.data)
            #expect(read.cursor == Self.sample().cursor)
            #expect(read.layout!.sections.filter { !$0.known }.map(\.tag) == ["tEXT", "zzzz"])
            var damaged = bytes
            let note = try Checkpoint.layout(of: bytes, path: Self.path).sections[1]
            damaged[note.payload.lowerBound] ^= 1
            #expect(error(damaged) == .checksumMismatch(path: Self.path, part: "section tEXT"))
        }
        // dATA itself may be absent (it is ancillary) but not twice.
        var twice = Builder(Self.bytes)
        twice.sections.insert(twice.sections[5], at: 0)
        #expect(error(twice.build()) == .malformed(path: Self.path, part: "section dATA", reason: "it appears twice"))
    }

    @Test("an unknown critical section (uppercase first letter, or no letter) is refused, naming it")
    func unknownCriticalIsRefused() {
        for minor: UInt16 in [0, 1, 9] {
            var builder = Builder(Self.bytes)
            builder.minor = minor
            builder.sections.insert(("XYZW", [1, 2, 3]), at: 2)
            #expect(
                error(builder.build())?.description
                    == "run/latest.ckpt: unknown critical section 'XYZW' (written by a newer ptrain); this reader "
                    + "cannot use the file")
        }
        // Only the first letter's case counts, as in PNG; a first byte that is no letter is critical.
        var lowerRest = Builder(Self.bytes)
        lowerRest.sections.append(("Data", []))
        #expect(error(lowerRest.build()) == .unknownCriticalSection(path: Self.path, tag: "Data"))
        var digit = Builder(Self.bytes)
        digit.sections.append(("1abc", []))
        #expect(error(digit.build()) == .unknownCriticalSection(path: Self.path, tag: "1abc"))
        var binary = Builder(Self.bytes)
        binary.sections.append(("\u{0}abc", []))
        #expect(error(binary.build()) == .unknownCriticalSection(path: Self.path, tag: "\\x00abc"))
        // A known critical section with its first letter lowered is unknown and ancillary, so the file then
        // lacks that critical section.
        var lowered = Builder(Self.bytes)
        lowered.sections[1].tag = "cURS"
        #expect(error(lowered.build()) == .missingSection(path: Self.path, tag: "CURS"))
    }

    @Test("a dATA section of the wrong size, or of images that do not fit the network, is malformed")
    func malformedData() throws {
        var short = Builder(Self.bytes)
        short.sections[5].payload.removeLast()
        #expect(
            error(short.build())?.description
                == "run/latest.ckpt: malformed section dATA: 47 bytes, at least 48 expected")
        var long = Builder(Self.bytes)
        long.sections[5].payload += [0, 0, 0, 0]
        #expect(
            error(long.build())?.description == "run/latest.ckpt: malformed section dATA: 52 bytes, 48 expected")
        var tiny = Builder(Self.bytes)
        tiny.sections[5].payload = [0]
        #expect(
            error(tiny.build())?.description
                == "run/latest.ckpt: malformed section dATA: 1 bytes, at least 48 expected")
        // A newer minor version may append fields.
        var newer = Builder(Self.bytes)
        newer.minor = CheckpointFormat.minor + 1  // 3 since 1.2 added VALD
        newer.sections[5].payload += [1, 2, 3, 4]
        #expect(try Checkpoint.decode(newer.build(), path: Self.path).data == Self.data)

        var shape = Builder(Self.bytes)
        shape.sections[5].payload.replaceSubrange(32..<36, with: Builder.le32(5))
        #expect(
            error(shape.build())?.description
                == "run/latest.ckpt: malformed section dATA: the test part has 40 images of 5×4 pixels for a network "
                + "of 16 inputs")
        for (offset, value) in [(8, 0), (12, UInt32.max), (8, 1 << 16)] {
            var bad = Builder(Self.bytes)
            bad.sections[5].payload.replaceSubrange(offset..<(offset + 4), with: Builder.le32(UInt32(value)))
            #expect(error(bad.build())?.part == "section dATA", "field at \(offset) = \(value)")
        }
        var huge = Builder(Self.bytes)
        huge.sections[5].payload.replaceSubrange(0..<8, with: Builder.le64(UInt64.max))
        #expect(
            error(huge.build())?.description
                == "run/latest.ckpt: malformed section dATA: the training part has 18446744073709551615 images of "
                + "4×4 pixels for a network of 16 inputs")
    }

    @Test("ranks writing together write the same dATA section: the file equals a single process's")
    func writtenTogether() throws {
        let config = {
            var config = RunConfig()
            config.hidden = 300
            config.shards = 5
            return config
        }()
        let cursor = TrainingCursor.start(epoch: 1, epochSamples: 605)
        let part = DataFingerprint.Part(count: 605, rows: 28, columns: 28, imagesCRC: 1, labelsCRC: 2)
        let data = DataFingerprint(train: part, test: part)
        try TestData.withTemporaryDirectory { directory in
            let path = directory + "/latest.ckpt"
            let failures = Mutex<[String]>([])
            ThreadGroup.run(size: 2) { communicator in
                do {
                    let network = Network(inputs: 784, hidden: 300, shards: 5, seed: 1)
                    let distribution = try Distribution(communicator: communicator, shardCount: 5)
                    try Checkpoint.writeTogether(
                        network: network, config: config, cursor: cursor, records: [], distribution: distribution,
                        path: path, data: data)
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            #expect(failures.withLock { $0 } == [])
            let network = Network(inputs: 784, hidden: 300, shards: 5, seed: 1)
            let single = Checkpoint(network: network, config: config, cursor: cursor, records: [], data: data)
            let written = try Checkpoint.readBytes(path: path)
            #expect(written == single.encoded())
            let read = try Checkpoint.read(path: path)
            #expect(read.data == data)
        }
    }

    /// FuzzCheckpoint's seeds (docs/reliability.md) are named for what the reader does with them: the 1.0 file,
    /// 1.1 files with dATA and with an unknown ancillary section parse, and so does a layered 1.4 file with a
    /// running average; an unknown critical section, a dATA of another shape, a truncated file and a bare magic
    /// are refused.
    @Test("the FuzzCheckpoint seed corpus: valid- seeds read, invalid- seeds are refused")
    func fuzzCorpus() throws {
        let seeds = FuzzInputs.corpus("FuzzCheckpoint")
        #expect(seeds.count == 8)
        for seed in seeds {
            let result = Result { () throws(CheckpointError) in try Checkpoint.decode(seed.bytes, path: seed.name) }
            switch result {
            case .success: #expect(seed.isValidSeed, "\(seed.testDescription) reads but is named invalid-")
            case .failure(let error): #expect(!seed.isValidSeed, "\(seed.testDescription): \(error)")
            }
        }
        func seed(_ name: String) throws -> [UInt8] {
            try #require(seeds.first { $0.fileName == name }).bytes
        }
        let data = try Checkpoint.decode(seed("valid-16x16-1.1-data.ckpt"), path: "x").data
        #expect(
            data?.description
                == "train 100×4×4 images crc 1234abcd labels crc 55aa55aa; test 50×4×4 images crc deadbeef labels crc "
                + "00000007")
        #expect(try Checkpoint.decode(seed("valid-16x16-1.1-ancillary.ckpt"), path: "x").data == data)
        #expect(
            error(try seed("invalid-16x16-unknown-critical.ckpt"))
                == .unknownCriticalSection(path: Self.path, tag: "NEWS"))
        #expect(error(try seed("invalid-16x16-data-shape.ckpt"))?.part == "section dATA")
        let layered = try Checkpoint.decode(seed("valid-6x6-conv-1.4-average.ckpt"), path: "x")
        #expect(layered.layeredInput == ActivationShape(rows: 6, columns: 6, channels: 1))
        #expect(layered.layout.map { [$0.major, $0.minor] } == [1, 4])
        #expect(layered.average?.count == 1)
    }
}
