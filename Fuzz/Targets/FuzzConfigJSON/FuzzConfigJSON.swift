import Foundation
import FuzzSupport
import Model

/// `RunConfig.decode` on arbitrary bytes: it must return a configuration that passes `validate` and survives a
/// round trip through the `config.json` text ptrain writes, or throw a `ConfigError` that names the source.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let source = "fuzz.json"
    do {
        let config = try RunConfig.decode(Data(LibFuzzer.bytes(data, size)), source: source)
        do {
            try config.validate(source: source)
            let again = try RunConfig.decode(Data(config.jsonText().utf8), source: "round trip")
            fuzzCheck(again == config, "round trip changed the configuration:\n\(config.jsonText())")
        } catch {
            fatalError("a decoded configuration does not read back: \(error)\n\(config.jsonText())")
        }
    } catch {
        fuzzCheck(error.description.hasPrefix(source + ":"), "bad error message: \(error.description)")
    }
    return 0
}

@_cdecl("FuzzConfigJSON_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc: argc, argv: argv, testOneInput: testOneInput)
}
