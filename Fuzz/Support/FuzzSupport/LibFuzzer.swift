import CLibFuzzer

/// Starting libFuzzer from a SwiftPM executable target.
///
/// libFuzzer brings its own `main`, but SwiftPM links every executable on Linux with
/// `--defsym main=<Module>_main` (so that tests can link executable modules), and with `-parse-as-library`
/// there is no `<Module>_main`: the link fails. So each target defines `<Module>_main` with `@_cdecl` and
/// hands over to libFuzzer's documented driver entry, which is what libFuzzer's own `main` does.
public enum LibFuzzer {
    /// What every target's `LLVMFuzzerTestOneInput` looks like. `data` is never nil in practice (libFuzzer
    /// copies each input into a fresh `new uint8_t[size]`), but the C signature allows it.
    public typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Runs libFuzzer with the process's arguments; returns its exit status.
    public static func run(
        argc: CInt, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, testOneInput: TestOneInput
    ) -> CInt {
        var argc = argc
        var argv = argv
        return LLVMFuzzerRunDriver(&argc, &argv, testOneInput)
    }

    /// The input as an array (empty for a nil pointer).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }
}

/// Stops the process the way a parser bug would, so libFuzzer records the input as a crash: for a broken
/// property that the parser did not trap on itself (an error message that does not name its file, a decoded
/// value that does not survive a round trip).
public func fuzzCheck(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, file: StaticString = #file,
    line: UInt = #line
) {
    if !condition() { fatalError(message(), file: file, line: line) }
}
