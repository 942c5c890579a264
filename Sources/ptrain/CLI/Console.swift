import Foundation

/// The process's standard streams. Everything goes through unbuffered `write(2)` (via `FileHandle`) so
/// progress lines, results and errors appear in the order they were written, on a terminal or in a file.
/// A failed write (a closed pipe) is ignored: there is nowhere left to report it.
enum Console {
    static func out(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    }

    static func error(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
    }

    /// Whether standard output is a terminal (then progress is a live line redrawn in place).
    static var outputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
}
