import Synchronization

/// Prints download progress for `fetch-data`. The fetcher may report from any thread, so the state sits
/// behind a mutex. On a terminal each file has a live line redrawn in place (at most ten times a second);
/// elsewhere one line per file once it is finished (when the next file starts, or at `finish()`).
public final class DownloadProgressPrinter: Sendable {
    private struct State {
        var file: String?
        var bytesDone: Int64 = 0
        var bytesTotal: Int64?
        var lastDraw = -Double.infinity
    }

    private let terminal: Bool
    private let write: @Sendable (String) -> Void
    private let now: @Sendable () -> Double
    private let state = Mutex(State())

    public init(
        terminal: Bool, write: @escaping @Sendable (String) -> Void,
        now: @escaping @Sendable () -> Double = monotonicSeconds
    ) {
        self.terminal = terminal
        self.write = write
        self.now = now
    }

    /// The fetcher's progress callback.
    public func report(file: String, bytesDone: Int64, bytesTotal: Int64?) {
        state.withLock { state in
            if let current = state.file, current != file { complete(&state) }
            state.file = file
            state.bytesDone = bytesDone
            state.bytesTotal = bytesTotal
            guard terminal else { return }
            let time = now()
            guard time - state.lastDraw >= TrainingProgressPrinter.redrawInterval || bytesDone == bytesTotal else {
                return
            }
            state.lastDraw = time
            write(
                "\r" + ProgressFormat.downloadLine(file: file, bytesDone: bytesDone, bytesTotal: bytesTotal)
                    + TrainingProgressPrinter.eraseLine)
        }
    }

    /// Prints the last file's final line.
    public func finish() {
        state.withLock { complete(&$0) }
    }

    private func complete(_ state: inout State) {
        guard let file = state.file else { return }
        let line = ProgressFormat.downloadLine(file: file, bytesDone: state.bytesDone, bytesTotal: state.bytesTotal)
        write((terminal ? "\r" : "") + line + (terminal ? TrainingProgressPrinter.eraseLine : "") + "\n")
        state = State()
    }
}
