import Foundation
import FuzzSupport
import Model

/// `IDX.parseLabels` on arbitrary bytes (raw IDX, or gzip which it inflates first): it must return as many labels
/// as the header declares (any byte is a label), or throw a `DataError` whose one-line message starts with the
/// file's name.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let name = "fuzz-labels"
    do {
        let bytes = LibFuzzer.bytes(data, size)
        let labels = try IDX.parseLabels(Data(bytes), name: name)
        fuzzCheck(Gzip.isGzip(Data(bytes)) || labels.count == bytes.count - 8, "labels do not match the file's bytes")
    } catch {
        let message = error.description
        fuzzCheck(message.hasPrefix(name + ":") && !message.contains("\n"), "bad error message: \(message)")
    }
    return 0
}

@_cdecl("FuzzIDXLabels_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc: argc, argv: argv, testOneInput: testOneInput)
}
