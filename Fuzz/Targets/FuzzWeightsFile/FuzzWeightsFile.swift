import FuzzSupport
import Model

/// `WeightsFile.decode` on arbitrary bytes, twice: as given, and with the last four bytes replaced by the CRC32
/// of the rest. Random mutations almost never keep the checksum right, so without the second call the fuzzer
/// would only ever test the header checks; with it, it reaches the embedded configuration and the parameters.
///
/// Each call must return a network that survives a round trip through `WeightsFile.encode` (same configuration,
/// same parameter bits), or throw a `WeightsFileError` that names the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = LibFuzzer.bytes(data, size)
    check(bytes)
    if bytes.count >= 4 {
        check(withChecksumFixed(bytes))
    }
    return 0
}

/// `bytes` with its last four bytes set to the little-endian CRC32 of everything before them.
func withChecksumFixed(_ bytes: [UInt8]) -> [UInt8] {
    var fixed = bytes
    let crc = CRC32.checksum(bytes.dropLast(4))
    for index in 0..<4 {
        fixed[bytes.count - 4 + index] = UInt8(truncatingIfNeeded: crc >> (8 * index))
    }
    return fixed
}

func check(_ bytes: [UInt8]) {
    let path = "fuzz-weights.bin"
    do {
        let (config, network) = try WeightsFile.decode(bytes, path: path)
        let again: (config: RunConfig, network: Network)
        do {
            again = try WeightsFile.decode(WeightsFile.encode(network: network, config: config), path: "round trip")
        } catch {
            fatalError("a decoded weights file does not read back: \(error)")
        }
        fuzzCheck(again.config == config, "round trip changed the configuration")
        let before = network.canonicalParameters().map(\.bitPattern)
        let after = again.network.canonicalParameters().map(\.bitPattern)
        fuzzCheck(before == after, "round trip changed the parameters")
    } catch {
        fuzzCheck(error.description.hasPrefix(path + ":"), "bad error message: \(error.description)")
    }
}

@_cdecl("FuzzWeightsFile_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc: argc, argv: argv, testOneInput: testOneInput)
}
