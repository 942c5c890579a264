import Foundation
import Synchronization

/// The process's standard streams. Everything goes through unbuffered `write(2)` (via `FileHandle`) so
/// progress lines, results and errors appear in the order they were written, on a terminal or in a file.
/// A failed write (a closed pipe) is ignored: there is nowhere left to report it.
enum Console {
    /// Set on every rank but 0 of a distributed run: the ranks compute the same progress and the same errors,
    /// and rank 0 alone prints them.
    static let quiet = Atomic<Bool>(false)

    static func out(_ text: String) {
        guard !quiet.load(ordering: .relaxed) else { return }
        try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    }

    static func error(_ text: String) {
        guard !quiet.load(ordering: .relaxed) else { return }
        try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
    }

    /// Whether standard output is a terminal (then progress is a live line redrawn in place).
    static var outputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
}
