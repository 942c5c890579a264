import Foundation
import Model

/// Prints training progress. On a terminal, a live line per epoch redrawn in place with `\r` (at most
/// `redrawInterval` apart) and a plain line when each epoch ends; elsewhere (a file, a pipe, CI) only the
/// plain lines: one when the run starts, one per epoch.
public final class TrainingProgressPrinter: TrainingObserver {
    public enum Style: Sendable {
        /// Live line plus epoch lines.
        case terminal
        /// Epoch lines only.
        case plain
    }

    /// At most about ten redraws a second: enough to look live, few enough to cost nothing.
    public static let redrawInterval = 0.1

    /// ANSI "erase to end of line", so a shorter redraw leaves nothing of the longer one behind.
    static let eraseLine = "\u{1B}[K"

    private let style: Style
    private let write: (String) -> Void
    private let now: () -> Double
    private var epochs = 0
    private var batch = 1
    private var testSamples = 0
    private var lastDraw = -Double.infinity
    /// Whether the cursor is on a live line that the next plain line must first erase.
    private var liveLineShown = false
    /// Ranks of a distributed run (1: a single process), for the start line.
    public var ranks = 1
    /// Receives, on the training thread, the line a second Ctrl-C is to print whenever the checkpoint that
    /// stands changes (`ProgressFormat.standingCheckpointLine`): at the start, on resuming, and after each
    /// `latest.ckpt` written.
    public var standingCheckpointChanged: (String) -> Void = { _ in }

    /// `write` receives finished text (newlines included); `now` is a monotonic clock in seconds.
    public init(style: Style, write: @escaping (String) -> Void, now: @escaping () -> Double = monotonicSeconds) {
        self.style = style
        self.write = write
        self.now = now
    }

    public func runStarted(config: RunConfig, threads: Int, runDirectory: String, trainSamples: Int, testSamples: Int) {
        epochs = config.epochs
        batch = config.batch
        self.testSamples = testSamples
        write(
            ProgressFormat.runStartLine(
                config: config, threads: threads, runDirectory: runDirectory, trainSamples: trainSamples,
                testSamples: testSamples, ranks: ranks) + "\n")
        standingCheckpointChanged(ProgressFormat.standingCheckpointLine(path: nil, cursor: nil, batch: batch))
    }

    public func runResumed(at cursor: TrainingCursor) {
        write(ProgressFormat.resumeLine(cursor, epochs: epochs, batch: batch) + "\n")
        standingCheckpointChanged(ProgressFormat.standingCheckpointLine(path: nil, cursor: cursor, batch: batch))
    }

    /// Only `latest.ckpt` counts: it is what `--resume RUN_DIR` continues from (the epoch and best copies are
    /// written with it).
    public func checkpointWritten(path: String, cursor: TrainingCursor) {
        guard (path as NSString).lastPathComponent == RunDirectory.latest else { return }
        standingCheckpointChanged(ProgressFormat.standingCheckpointLine(path: path, cursor: cursor, batch: batch))
    }

    public func batchFinished(epoch: Int, samplesDone: Int, samplesTotal: Int, correct: Int, elapsedSeconds: Double) {
        guard style == .terminal else { return }
        let time = now()
        guard time - lastDraw >= Self.redrawInterval || samplesDone == samplesTotal else { return }
        lastDraw = time
        drawLive(
            ProgressFormat.liveLine(
                epoch: epoch, epochs: epochs, samplesDone: samplesDone, samplesTotal: samplesTotal, correct: correct,
                elapsedSeconds: elapsedSeconds))
    }

    public func evaluationStarted(epoch: Int) {
        guard style == .terminal else { return }
        drawLive(ProgressFormat.evaluatingLine(epoch: epoch, epochs: epochs, testSamples: testSamples))
    }

    public func epochFinished(_ record: EpochRecord) {
        write((liveLineShown ? "\r" + Self.eraseLine : "") + ProgressFormat.epochLine(record, epochs: epochs) + "\n")
        liveLineShown = false
        lastDraw = -.infinity
    }

    /// Ends a live line left by an interrupted epoch, so that what is printed next starts on a line of its own.
    public func finishLine() {
        if liveLineShown { write("\n") }
        liveLineShown = false
    }

    private func drawLive(_ line: String) {
        write("\r" + line + Self.eraseLine)
        liveLineShown = true
    }
}
