import Foundation
import Parallel
import Synchronization

/// The process's standard streams. Everything goes through unbuffered `write(2)` so progress lines, results and
/// errors appear in the order they were written, on a terminal or in a file.
///
/// SIGPIPE is ignored (`ignoreBrokenPipe()`, called first thing by `Ptrain.main`), so a standard output whose
/// reader went away (`ptrain train | head -1`) is a failed write with `EPIPE` rather than death by signal: it sets
/// `outputClosed`, which training reads as a stop request (finish the batch, save `latest.ckpt`, exit 130), and
/// nothing more is written there. Any other failed write is ignored: there is nowhere left to report it.
enum Console {
    /// Set on every rank but 0 of a distributed run: the ranks compute the same progress and the same errors,
    /// and rank 0 alone prints them.
    static let quiet = Atomic<Bool>(false)

    /// Set when a write to standard output failed with `EPIPE`: its reader has gone.
    static let outputClosed = Atomic<Bool>(false)

    static func out(_ text: String) {
        guard !quiet.load(ordering: .relaxed), !outputClosed.load(ordering: .relaxed) else { return }
        if writeAll(text, to: STDOUT_FILENO) == EPIPE { outputClosed.store(true, ordering: .sequentiallyConsistent) }
    }

    static func error(_ text: String) {
        guard !quiet.load(ordering: .relaxed) else { return }
        _ = writeAll(text, to: STDERR_FILENO)
    }

    /// Whether standard output is a terminal (then progress is a live line redrawn in place).
    static var outputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Turns a closed pipe into `EPIPE` from `write(2)` instead of SIGPIPE, whose default action kills the
    /// process wherever it is (half-way through an epoch, with nothing saved).
    static func ignoreBrokenPipe() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Writes all of `text` (`SystemError.writeAll`, which retries on `EINTR`); returns 0, or the `errno` of the
    /// write that failed.
    private static func writeAll(_ text: String, to descriptor: Int32) -> Int32 {
        do {
            try SystemError.writeAll(descriptor, Array(text.utf8))
            return 0
        } catch {
            return error.errno
        }
    }
}
