import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// SIGINT and SIGTERM during training. The first one sets a flag that the training session reads after every
/// batch: it finishes the batch, writes `latest.ckpt` and stops (exit 130 with a message saying how to resume).
/// A second signal prints one line saying which checkpoint stands (`standingLine`) and exits at once with status
/// 130, writing nothing else; a checkpoint write it cuts short is atomic, so the previous `latest.ckpt` stays
/// whole. A standard output whose reader went away (`Console.outputClosed`) asks for the same stop as a first
/// signal.
enum InterruptSignal {
    /// Signals received since `install()`. An atomic counter: the only state a signal handler may touch
    /// (lock-free atomics, `write` and `_exit` are async-signal-safe; locks, allocation and stdio are not).
    static let received = Atomic<Int>(0)

    /// The most bytes of the standing line kept (a longer one is cut).
    static let lineCapacity = 4096
    /// Two line buffers: `setStandingLine` fills the one not published, then publishes it, so the handler
    /// never reads a buffer being written (see `setStandingLine`). Allocated once, never freed.
    nonisolated(unsafe) static let lines = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * lineCapacity)
    /// The published buffer and its length in one word: `length << 1 | buffer`.
    static let published = Atomic<Int>(0)
    /// Set by the handler before it reads `published`; from then on `setStandingLine` writes nothing.
    static let exiting = Atomic<Bool>(false)

    /// Installs the handler for SIGINT and SIGTERM. The standing line starts empty (a second signal prints
    /// nothing) until the run's observer sets one (`TrainingProgressPrinter.standingCheckpointChanged`).
    static func install() {
        _ = received.load(ordering: .relaxed)  // initialise the globals outside the handler
        _ = exiting.load(ordering: .relaxed)
        _ = Console.quiet.load(ordering: .relaxed)
        lines.initialize(repeating: 0, count: 2 * lineCapacity)
        published.store(0, ordering: .sequentiallyConsistent)
        let handler: @convention(c) (Int32) -> Void = { _ in InterruptSignal.signalReceived() }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        // A process inherits its parent's signal mask: one started by Foundation's `Process` (a test, a
        // Swift tool) begins with SIGINT and SIGTERM blocked, and would never see them. Unblock both on this
        // thread; the worker threads created afterwards inherit its mask.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }

    /// The handler's body: count the signal; at the second, print the standing line and exit.
    private static func signalReceived() {
        guard received.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue >= 2 else { return }
        exiting.store(true, ordering: .sequentiallyConsistent)
        let line = published.load(ordering: .sequentiallyConsistent)
        if !Console.quiet.load(ordering: .relaxed) {
            // This is safe, because `line & 1` selects one of the two buffers and `line >> 1` is at most
            // `lineCapacity`, the bytes `setStandingLine` wrote into it before publishing.
            _ = write(STDERR_FILENO, lines + (line & 1) * lineCapacity, line >> 1)
        }
        _exit(ExitCode.interrupted.rawValue)
    }

    /// Whether a stop was asked for: a signal, or standard output closed.
    static var requested: Bool {
        received.load(ordering: .sequentiallyConsistent) > 0 || Console.outputClosed.load(ordering: .relaxed)
    }

    /// Makes `line` what a second signal prints. Called on one thread at a time (the training thread).
    ///
    /// The handler may run at any moment on any thread; it sets `exiting`, then reads `published`. This writes
    /// only into the buffer that is not published and returns at once once `exiting` is set, so the buffer the
    /// handler reads is never the one being written: to write into it again, this function would first have to
    /// publish the other one and then see `exiting` still false, after the handler had set it.
    static func setStandingLine(_ line: String) {
        guard !exiting.load(ordering: .sequentiallyConsistent) else { return }
        let target = 1 - (published.load(ordering: .sequentiallyConsistent) & 1)
        let bytes = Array(line.utf8.prefix(lineCapacity))
        // This is safe, because `bytes.count <= lineCapacity`: the copy stays inside buffer `target`.
        (lines + target * lineCapacity).update(from: bytes, count: bytes.count)
        published.store(bytes.count << 1 | target, ordering: .sequentiallyConsistent)
    }
}
