import Foundation
import FuzzSupport
import Model

/// `NPZArchive.parse` on arbitrary bytes, then `array(_:)` for every key: each must return, or throw an
/// `NPZError` whose one-line message starts with the archive's name. An array read must hold as many elements
/// as its shape says. Typed throws make "no other error" a compile-time fact; a trap, a hang or a runaway
/// allocation is what the fuzzer looks for.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let name = "fuzz.npz"
    let checkMessage = { (error: NPZError) in
        let message = error.description
        fuzzCheck(message.hasPrefix(name + ":") && !message.contains("\n"), "bad error message: \(message)")
    }
    let archive: NPZArchive
    do throws(NPZError) {
        archive = try NPZArchive.parse(LibFuzzer.bytes(data, size), name: name)
    } catch {
        checkMessage(error)
        return 0
    }
    for key in archive.names() {
        do throws(NPZError) {
            guard let value = try archive.array(key) else {
                fuzzCheck(false, "key \(key) listed by names() but not found")
                continue
            }
            let elements: Int
            switch value.storage {
            case .uint8(let values): elements = values.count
            case .float32(let values): elements = values.count
            case .float64(let values): elements = values.count
            case .integers(let values): elements = values.count
            case .strings(let values): elements = values.count
            }
            fuzzCheck(elements == value.count, "\(key): \(elements) elements for shape \(value.shape)")
        } catch {
            checkMessage(error)
            // Keys with control characters appear escaped; the others as they are.
            if key.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
                fuzzCheck(error.description.hasPrefix("\(name): \(key): "), "error does not name \(key): \(error)")
            }
        }
    }
    return 0
}

@_cdecl("FuzzNPZ_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc: argc, argv: argv, testOneInput: testOneInput)
}
