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
/// A second signal exits at once with status 130, writing nothing; a checkpoint write it cuts short is atomic,
/// so the previous `latest.ckpt` stays whole.
enum InterruptSignal {
    /// Signals received since `install()`. An atomic counter: the only state a signal handler may touch
    /// (lock-free atomics and `_exit` are async-signal-safe; locks, allocation and stdio are not).
    static let received = Atomic<Int>(0)

    /// Installs the handler for SIGINT and SIGTERM.
    static func install() {
        _ = received.load(ordering: .relaxed)  // initialise the global outside the handler
        let handler: @convention(c) (Int32) -> Void = { _ in
            if InterruptSignal.received.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue >= 2 {
                _exit(ExitCode.interrupted.rawValue)
            }
        }
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

    /// Whether a stop was asked for.
    static var requested: Bool { received.load(ordering: .sequentiallyConsistent) > 0 }
}
