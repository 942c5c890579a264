import Foundation
import FuzzSupport
import Model

/// `Gzip.decompress` on arbitrary bytes: it must return the inflated members or throw `DataError.gzipCorrupt`
/// (the only case it documents) with a one-line message that starts with the file's name.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let name = "fuzz.gz"
    do {
        _ = try Gzip.decompress(Data(LibFuzzer.bytes(data, size)), name: name)
    } catch {
        guard case .gzipCorrupt = error else { fatalError("undocumented error case: \(error)") }
        let message = error.description
        fuzzCheck(message.hasPrefix(name + ":") && !message.contains("\n"), "bad error message: \(message)")
    }
    return 0
}

@_cdecl("FuzzGzip_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc: argc, argv: argv, testOneInput: testOneInput)
}
