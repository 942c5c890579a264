import Foundation
import FuzzSupport
import Model

/// `IDX.parseLabels` on arbitrary bytes (raw IDX, or gzip which it inflates first): it must return labels that
/// are all 0...9, or throw a `DataError` whose one-line message starts with the file's name.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let name = "fuzz-labels"
    do {
        let labels = try IDX.parseLabels(Data(LibFuzzer.bytes(data, size)), name: name)
        fuzzCheck(labels.allSatisfy { $0 <= 9 }, "a label outside 0...9 was accepted")
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
