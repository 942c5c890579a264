import FuzzSupport
import Model

/// `Checkpoint.decode` on arbitrary bytes, twice: as given, and with every CRC32 (the header's and each
/// section's, walking the sections as far as their lengths allow) recomputed, so that mutations reach the
/// payload parsers instead of stopping at the first checksum.
///
/// Each call must return a checkpoint that re-encodes to bytes that decode to the same configuration, cursor,
/// metrics, data fingerprint and parameters, or throw a `CheckpointError` that names the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = LibFuzzer.bytes(data, size)
    check(bytes)
    check(withChecksumsFixed(bytes))
    return 0
}

func littleEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> UInt64 {
    var value: UInt64 = 0
    for index in (0..<count).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
    return value
}

func store(_ crc: UInt32, into bytes: inout [UInt8], at offset: Int) {
    for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: crc >> (8 * index)) }
}

/// `bytes` with the header CRC (bytes 44..<48 over 0..<44) and every reachable section CRC recomputed.
func withChecksumsFixed(_ bytes: [UInt8]) -> [UInt8] {
    var fixed = bytes
    guard fixed.count >= 48 else { return fixed }
    store(CRC32.checksum(fixed[0..<44]), into: &fixed, at: 44)
    var offset = Int(littleEndian(fixed, 12, 4))
    while offset >= 48, offset + 12 <= fixed.count {
        let length = littleEndian(fixed, offset + 4, 8)
        guard length <= UInt64(fixed.count - offset - 12), fixed.count - offset - 12 - Int(length) >= 4 else { break }
        let end = offset + 12 + Int(length)
        store(CRC32.checksum(fixed[offset..<end]), into: &fixed, at: end)
        offset = end + 4
    }
    return fixed
}

func check(_ bytes: [UInt8]) {
    let path = "fuzz.ckpt"
    do {
        let checkpoint = try Checkpoint.decode(bytes, path: path)
        // A three-layer network (WGHT) or a layered one (LAYR, format 1.4), with the run's average when it has one.
        let encoded: [UInt8]
        if checkpoint.isLayered {
            guard let network = checkpoint.makeLayeredNetwork() else { fatalError("decoded layers but no network") }
            encoded = Checkpoint(
                network: network, config: checkpoint.config, cursor: checkpoint.cursor, records: checkpoint.records,
                data: checkpoint.data, average: checkpoint.average
            ).encoded()
        } else {
            guard let network = checkpoint.makeNetwork() else { fatalError("decoded with weights but no network") }
            encoded = Checkpoint(
                network: network, config: checkpoint.config, cursor: checkpoint.cursor, records: checkpoint.records,
                data: checkpoint.data, average: checkpoint.average
            ).encoded()
        }
        let again: Checkpoint
        do {
            again = try Checkpoint.decode(encoded, path: "round trip")
        } catch {
            fatalError("a decoded checkpoint does not read back: \(error)")
        }
        fuzzCheck(again.config == checkpoint.config, "round trip changed the configuration")
        fuzzCheck(again.cursor == checkpoint.cursor, "round trip changed the cursor")
        fuzzCheck(again.records == checkpoint.records, "round trip changed the metrics")
        fuzzCheck(again.data == checkpoint.data, "round trip changed the data fingerprint")
        fuzzCheck(again.average == checkpoint.average, "round trip changed the weight average")
        fuzzCheck(again.layeredInput == checkpoint.layeredInput, "round trip changed the layered input")
        fuzzCheck(
            again.parameters!.map(\.bitPattern) == checkpoint.parameters!.map(\.bitPattern),
            "round trip changed the parameters")
    } catch {
        fuzzCheck(error.description.hasPrefix(path + ":"), "bad error message: \(error.description)")
    }
}

@_cdecl("FuzzCheckpoint_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc: argc, argv: argv, testOneInput: testOneInput)
}
