import Foundation
import FuzzSupport
import Model

/// `IDX.parseImages` on arbitrary bytes (raw IDX, or gzip which it inflates first): it must return images whose
/// shape matches their pixels, or throw a `DataError` whose one-line message starts with the file's name.
/// Typed throws make "no other error" a compile-time fact; a trap or a hang is what the fuzzer looks for.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let name = "fuzz-images"
    do {
        let images = try IDX.parseImages(Data(LibFuzzer.bytes(data, size)), name: name)
        fuzzCheck(
            images.pixels.count == images.count * images.shape.reduce(1, *) && (1...4).contains(images.shape.count),
            "pixels do not match the shape")
    } catch {
        let message = error.description
        fuzzCheck(message.hasPrefix(name + ":") && !message.contains("\n"), "bad error message: \(message)")
    }
    return 0
}

@_cdecl("FuzzIDXImages_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc: argc, argv: argv, testOneInput: testOneInput)
}
