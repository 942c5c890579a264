import Foundation

/// The process's arguments exactly as the kernel passed them.
///
/// `CommandLine.arguments` decodes each argument with repair: an invalid UTF-8 byte becomes U+FFFD, so
/// `--out $'run\xFF'` would silently name another directory (`run�`). ptrain takes its arguments in UTF-8 only
/// and refuses any other, naming it, before anything runs.
enum ProcessArguments {
    /// The raw bytes of every argument after the program name.
    static func current() -> [[UInt8]] {
        let count = Int(CommandLine.argc)
        guard count > 1 else { return [] }
        return (1..<count).map { index in
            // This is safe, because `unsafeArgv` holds `argc` NUL-terminated strings that live as long as the
            // process; `strlen` bytes of each are copied out here and no pointer leaves this closure.
            guard let argument = CommandLine.unsafeArgv[index] else { return [] }
            let length = strlen(argument)
            return argument.withMemoryRebound(to: UInt8.self, capacity: length + 1) { bytes in
                Array(UnsafeBufferPointer(start: bytes, count: length))
            }
        }
    }

    /// `raw` as strings, or the usage error for the first argument that is not valid UTF-8. `index` in the
    /// error counts the program name as argument 0, as `argv` does.
    static func decode(_ raw: [[UInt8]]) throws(UsageError) -> [String] {
        var arguments: [String] = []
        for (offset, bytes) in raw.enumerated() {
            guard let argument = String(validating: bytes, as: UTF8.self) else {
                throw .invalidUTF8(index: offset + 1, escaped: escaped(bytes))
            }
            arguments.append(argument)
        }
        return arguments
    }

    /// Printable ASCII as is, every other byte as `\xHH` (`run\xFF`): the argument shown without guessing
    /// at an encoding.
    static func escaped(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF")
        var text = ""
        for byte in bytes {
            if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\\") {
                text.append(Character(Unicode.Scalar(byte)))
            } else {
                text += "\\x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
            }
        }
        return text
    }
}
