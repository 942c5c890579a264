import Foundation
import Model
import Parallel
import TestSupport
import Testing

/// The export formats byte by byte (docs/export.md): NPY headers as NumPy writes them, the zip container read
/// back through its central directory, lookup3 and HDF5 checksums against published and library-made values,
/// and the NIR layout as a reader finds it.
@Suite("Export formats")
struct ExportFormatTests {
    static func hex(_ text: String) -> [UInt8] {
        stride(from: 0, to: text.count, by: 2).map {
            let start = text.index(text.startIndex, offsetBy: $0)
            return UInt8(text[start..<text.index(start, offsetBy: 2)], radix: 16)!
        }
    }

    /// `numpy.lib.format.write_array(f, a, version=(1, 0))`'s bytes for `a` (NumPy 2.4): the magic, version
    /// 1.0, a header length of 118, the dictionary padded with spaces to byte 127 and a newline, the data.
    static func numpyFile(_ dictionary: String, data: String) -> [UInt8] {
        let padded = dictionary + String(repeating: " ", count: 117 - dictionary.count) + "\n"
        return [0x93] + Array("NUMPY".utf8) + [1, 0, 118, 0] + Array(padded.utf8) + hex(data)
    }

    @Test("NPY files are the bytes numpy.save writes")
    func npyHeaders() {
        #expect(
            NPYArray(shape: [2, 3], .float32([0, 1, 2, 3, 4, 5])).encoded()
                == Self.numpyFile(
                    "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                    data: "000000000000803f0000004000004040000080400000a040"))
        #expect(
            NPYArray.scalar("héllo").encoded()
                == Self.numpyFile(
                    "{'descr': '<U5', 'fortran_order': False, 'shape': (), }",
                    data: "68000000e90000006c0000006c0000006f000000"))
        #expect(
            NPYArray(shape: [3], .uint8([1, 2, 3])).encoded()
                == Self.numpyFile("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", data: "010203"))
        #expect(
            NPYArray(shape: [2, 0, 3], .int32([])).encoded()
                == Self.numpyFile("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 0, 3), }", data: ""))
        // Every header ends at a multiple of 64 bytes, however long the shape.
        let long = NPYArray(shape: [123_456_789, 0, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7], .float32([])).encoded()
        #expect(long.count % 64 == 0 && long.last == UInt8(ascii: "\n"))
    }

    @Test("the zip archive reads back through its central directory; stored and deflated members")
    func zipRoundTrip() throws {
        var random = SplitMix64(seed: 9)
        let noise = (0..<3000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let repetitive = [UInt8](repeating: 7, count: 5000) + Array("tail".utf8)
        let entries = [
            ZipArchive.Entry(name: "noise.npy", bytes: noise),
            ZipArchive.Entry(name: "repetitive.npy", bytes: repetitive),
            ZipArchive.Entry(name: "empty.npy", bytes: []),
        ]
        let archive = try ZipArchive(entries: entries).encoded()
        let members = try #require(ExportReaders.zipMembers(archive))
        #expect(members.map(\.name) == entries.map(\.name))
        #expect(members.map(\.contents) == entries.map(\.bytes))
        #expect(members.map(\.crc) == entries.map { CRC32.checksum($0.bytes) })
        // Random bytes do not deflate, so they are stored; 5,000 equal bytes deflate to a few.
        #expect(members.map(\.method) == [0, 8, 0])
        #expect(archive.count < noise.count + 200 + 400)
        // The same entries always give the same bytes (fixed times).
        #expect(try ZipArchive(entries: entries).encoded() == archive)
        #expect(try ZipArchive().encoded() == [0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 18))
        #expect(FileKind.identify(archive[...]) == .zip)
    }

    @Test("lookup3 hashlittle: Jenkins' published values")
    func lookup3() {
        // From lookup3.c's driver5: hashlittle("", 0, 0), ("", 0, deadbeef), the Lincoln quote with 0 and 1.
        #expect(Lookup3.hashLittle([]) == 0xDEAD_BEEF)
        #expect(Lookup3.hashLittle([], initial: 0xDEAD_BEEF) == 0xBD5B_7DDE)
        let quote = Array("Four score and seven years ago".utf8)
        #expect(Lookup3.hashLittle(quote) == 0x1777_0551)
        #expect(Lookup3.hashLittle(quote, initial: 1) == 0xCD62_8161)
    }

    @Test("lookup3 gives the checksums the HDF5 library wrote (h5py 3.16, HDF5 1.14, libver='latest')")
    func hdf5LibraryChecksums() {
        // `h5py.File(path, 'w', libver='latest').create_dataset('x', data=np.int64(7))`: the superblock
        // (version 3) and the root group's version 2 object header, each ending in its checksum.
        let superblock = Self.hex(
            "894844460d0a1a0a030808000000000000000000ffffffffffffffff08080000000000003000000000000000421321d5")
        #expect(Lookup3.hashLittle(Array(superblock.prefix(44))) == 0xD521_1342)
        let header = Self.hex(
            "4f484452020078021200000000ffffffffffffffffffffffffffffffff0a0200010000060c000001000178b300000000"
                + "000000004800000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                + "0000000000000000000000000000000000000000000000000000000000000069f91c7c")
        #expect(header.count == 131)
        #expect(Lookup3.hashLittle(Array(header.dropLast(4))) == 0x7C1C_F969)
    }

    @Test("an HDF5 file: superblock version 2 with its checksum, groups and datasets found by their links")
    func hdf5Layout() throws {
        let file = HDF5File.encode(root: [
            HDF5Link("x", .dataset(.int64(7))),
            HDF5Link("g", .group([HDF5Link("w", .dataset(.float32([1, -2, 3, 0.5, 6, 7], shape: [2, 3])))])),
            HDF5Link("s", .dataset(.strings(["ab", "c"], shape: [2]))),
        ])
        #expect(Array(file.prefix(12)) == HDF5File.signature + [2, 8, 8, 0])
        #expect(ExportReaders.integer(file, 12, 8) == 0)  // base address
        #expect(ExportReaders.integer(file, 20, 8) == -1)  // no superblock extension: all bits set
        #expect(ExportReaders.integer(file, 28, 8) == file.count)  // end of file
        #expect(Lookup3.hashLittle(Array(file.prefix(44))) == UInt32(ExportReaders.integer(file, 44, 4)))
        #expect(ExportReaders.hdf5Names(file, path: "") == ["g", "s", "x"])
        #expect(
            ExportReaders.hdf5Object(file, path: "x")
                == .dataset(shape: [], typeClass: 0, elementSize: 8, bytes: [7, 0, 0, 0, 0, 0, 0, 0]))
        let w = try #require(ExportReaders.hdf5Floats(file, path: "g/w"))
        #expect(w.shape == [2, 3] && w.values == [1, -2, 3, 0.5, 6, 7])
        #expect(
            ExportReaders.hdf5Object(file, path: "s")
                == .dataset(shape: [2], typeClass: 3, elementSize: 2, bytes: Array("ab".utf8) + [UInt8(ascii: "c"), 0]))
        #expect(FileKind.identify(file[...]) == .hdf5)
        // A corrupted header fails its checksum.
        var corrupt = file
        corrupt[file.count - 10] ^= 1
        #expect(ExportReaders.hdf5Names(corrupt, path: "") == nil)
    }

    static func network(seed: UInt64 = 3) -> (Network, RunConfig) {
        var config = RunConfig()
        config.hidden = 70
        config.shards = 2
        config.timeSteps = 8
        config.seed = seed
        return (Network(inputs: 12, hidden: 70, outputs: 3, shards: 2, seed: seed), config)
    }

    @Test("the NIR graph: nodes, exactly NIR's datasets in each, W1ᵀ and W2ᵀ, no v_reset, metadata")
    func nirLayout() throws {
        let (network, config) = Self.network()
        let exported = ExportedNetwork(network: network, config: config)
        let file = NIRExport.file(exported, producerVersion: "9.9.9")
        #expect(ExportReaders.hdf5String(file, path: "version") == "1.0.4")
        #expect(ExportReaders.hdf5String(file, path: "node/type") == "NIRGraph")
        #expect(ExportReaders.hdf5Names(file, path: "node") == ["edges", "metadata", "nodes", "type"])
        #expect(ExportReaders.hdf5Names(file, path: "node/nodes") == NIRExport.nodeNames.sorted())
        let expected: [String: [String]] = [
            "input": ["shape", "type"], "fc1": ["bias", "type", "weight"], "hidden": ["r", "type", "v_threshold"],
            "fc2": ["bias", "type", "weight"], "out": ["r", "type", "v_threshold"], "output": ["shape", "type"],
        ]
        for (name, keys) in expected {
            #expect(ExportReaders.hdf5Names(file, path: "node/nodes/\(name)") == keys, "\(name)")
        }
        let fc1 = try #require(ExportReaders.hdf5Floats(file, path: "node/nodes/fc1/weight"))
        #expect(fc1.shape == [70, 12])
        for i in 0..<12 {
            for j in 0..<70 { #expect(fc1.values[j * 12 + i] == exported.w1[i * 70 + j]) }
        }
        let fc2 = try #require(ExportReaders.hdf5Floats(file, path: "node/nodes/fc2/weight"))
        #expect(fc2.shape == [3, 70] && fc2.values == exported.w2Transposed)
        #expect(ExportReaders.hdf5Floats(file, path: "node/nodes/fc2/bias")?.values == exported.b2)
        #expect(ExportReaders.hdf5Floats(file, path: "node/nodes/hidden/r")?.values == [Float](repeating: 1, count: 70))
        #expect(ExportReaders.hdf5Floats(file, path: "node/nodes/out/v_threshold")?.values == [1, 1, 1])
        #expect(
            ExportReaders.hdf5Object(file, path: "node/nodes/output/shape")
                == .dataset(shape: [1], typeClass: 0, elementSize: 8, bytes: [3, 0, 0, 0, 0, 0, 0, 0]))
        #expect(
            ExportReaders.hdf5Object(file, path: "node/edges")
                == .dataset(
                    shape: [5, 2], typeClass: 3, elementSize: 6,
                    bytes: ["input", "fc1", "fc1", "hidden", "hidden", "fc2", "fc2", "out", "out", "output"].flatMap {
                        Array($0.utf8) + [UInt8](repeating: 0, count: 6 - $0.utf8.count)
                    }))
        #expect(ExportReaders.hdf5Names(file, path: "node/metadata") == NIRExport.metadataKeys.sorted())
        #expect(ExportReaders.hdf5String(file, path: "node/metadata/reset_mode") == "subtract")
        #expect(ExportReaders.hdf5String(file, path: "node/metadata/threshold_comparison") == ">=")
        #expect(ExportReaders.hdf5String(file, path: "node/metadata/config") == config.jsonText())
        #expect(ExportReaders.hdf5String(file, path: "node/metadata/producer") == "ptrain 9.9.9")
        #expect(
            ExportReaders.hdf5Object(file, path: "node/metadata/time_steps")
                == .dataset(shape: [], typeClass: 0, elementSize: 8, bytes: [8, 0, 0, 0, 0, 0, 0, 0]))

        // With a leak τ_m the neurons are LIF: τ = R = 1/(1 − λ), v_leak = 0.
        var leaky = config
        leaky.tauM = 10
        let lif = NIRExport.file(ExportedNetwork(network: network, config: leaky), producerVersion: "9.9.9")
        #expect(ExportReaders.hdf5String(lif, path: "node/nodes/hidden/type") == "LIF")
        #expect(
            ExportReaders.hdf5Names(lif, path: "node/nodes/out") == ["r", "tau", "type", "v_leak", "v_threshold"])
        guard case .dataset([70], 1, 8, let tauBytes) = ExportReaders.hdf5Object(lif, path: "node/nodes/hidden/tau")
        else {
            Issue.record("hidden/tau is not 70 float64 values")
            return
        }
        let tau = Double(bitPattern: UInt64(bitPattern: Int64(ExportReaders.integer(tauBytes, 0, 8))))
        #expect(tau == 1 / (1 - Double(leaky.leak)))
        #expect(Float(1 - 1 / tau) == leaky.leak)
    }

    @Test("npz export: W1, b1, W2, b2 and config, the network's canonical weights")
    func npzExport() throws {
        let (network, config) = Self.network()
        let exported = ExportedNetwork(network: network, config: config)
        let members = try #require(ExportReaders.zipMembers(try NPZExport.archive(exported).encoded()))
        #expect(members.map(\.name) == ["W1.npy", "b1.npy", "W2.npy", "b2.npy", "config.npy"])
        #expect(members[0].contents == NPYArray(shape: [12, 70], .float32(exported.w1)).encoded())
        #expect(members[3].contents == NPYArray(shape: [3], .float32(exported.b2)).encoded())
        #expect(members[4].contents == NPYArray.scalar(config.jsonText()).encoded())
        #expect(exported.w1 + exported.b1 + exported.w2 + exported.b2 == network.canonicalParameters())
    }

    @Test("the spike recording is what evaluation computes: its classes are Evaluator's spike readout")
    func spikeRecording() throws {
        let (network, config) = Self.network(seed: 5)
        var random = SplitMix64(seed: 21)
        let count = 40
        let pixels = (0..<(count * 12)).map { _ in UInt8(truncatingIfNeeded: random.next() >> 56) }
        let labels = (0..<count).map { _ in UInt8(random.next() % 3) }
        let dataset = Dataset(name: "synthetic", rows: 3, columns: 4, pixels: pixels, labels: labels)
        let recording = try SpikeRecording(network: network, config: config, dataset: dataset, images: 30)
        let evaluated = Evaluator(config: config, network: network, pool: WorkerPool(threadCount: 2)).predictions(
            on: dataset)
        #expect(recording.images == 30)
        #expect(recording.predictions.map(Int.init) == Array(evaluated.spike.prefix(30)))
        #expect(recording.labels == labels.prefix(30).map(Int32.init))
        #expect(recording.inputSpikes.count == 30 * 8 * 12 && recording.outputCounts.count == 30 * 3)
        #expect(recording.hiddenCounts.contains { $0 > 0 } && recording.outputCounts.allSatisfy { $0 <= 8 })
        // A pixel of 0 never spikes, one of 255 at every step.
        for sample in 0..<30 {
            for i in 0..<12 where pixels[sample * 12 + i] == 0 || pixels[sample * 12 + i] == 255 {
                let train = (0..<8).map { recording.inputSpikes[(sample * 8 + $0) * 12 + i] }
                #expect(train == [UInt8](repeating: pixels[sample * 12 + i] == 0 ? 0 : 1, count: 8))
            }
        }
        #expect(throws: ExportError.self) {
            try SpikeRecording(
                network: network, config: config,
                dataset: Dataset(name: "small", rows: 2, columns: 2, pixels: [0, 0, 0, 0], labels: [0]), images: 1)
        }
    }
}
