import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A `ptrain` process the test controls while it runs: watch its output and files, send it signals, wait for
/// it. Output goes to files (never pipes, which could block the child).
final class ChildProcess {
    let process: Process
    let directory: URL
    private let output: OutputFiles

    /// Starts `ptrain arguments…` (or `executable arguments…`) in `directory` (created by the caller).
    init(_ arguments: [String], in directory: URL, executable: URL? = nil) throws {
        guard let binary = executable ?? PtrainProcess.binary else { throw PtrainProcess.BinaryNotFound() }
        self.directory = directory
        output = try OutputFiles(in: directory, suffix: "-\(UUID().uuidString)")
        process = try PtrainProcess.start(binary, arguments, in: directory, output: output)
    }

    var pid: Int32 { process.processIdentifier }
    var stdout: String { (try? String(contentsOf: output.stdout, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: output.stderr, encoding: .utf8)) ?? "" }

    func send(_ signal: Int32) { kill(pid, signal) }

    /// Polls `condition` every few milliseconds until it holds (true) or `timeout` seconds pass or the process
    /// exits (false).
    func wait(upTo timeout: Double = 60, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            if !process.isRunning { return condition() }
            usleep(2_000)
        }
        return false
    }

    /// Waits for the exit (killing the process after `timeout` seconds) and returns what it printed.
    func finish(timeout: Double = 120) -> ProcessResult {
        if !wait(upTo: timeout, until: { !process.isRunning }) { send(SIGKILL) }
        process.waitUntilExit()
        let status =
            process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return ProcessResult(status: status, stdout: stdout, stderr: stderr)
    }

    /// Runs `ptrain arguments…` in `directory` to the end.
    static func run(_ arguments: [String], in directory: URL) throws -> ProcessResult {
        try ChildProcess(arguments, in: directory).finish()
    }
}
