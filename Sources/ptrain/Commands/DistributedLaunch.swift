import Foundation
import Model
import Parallel

/// `--distributed`: one rank of an MPI job (`mpirun -np K ptrain train --distributed …`, docs/distributed.md).
/// Starts MPI, makes every rank but 0 quiet (the ranks compute the same progress and errors; rank 0 prints
/// them), and finalises MPI however the command ends.
enum DistributedLaunch {
    static let option = OptionSpec(
        "distributed", value: nil,
        "Run as one rank of an MPI job (mpirun -np K ptrain ... --distributed); needs a build with PTRAIN_MPI=1")

    /// Runs `body` with the world communicator.
    /// - Throws: `RuntimeError.output` in a build without MPI, saying how to get one; whatever `body` throws.
    static func run(_ body: (any Communicator) throws(RuntimeError) -> Void) throws(RuntimeError) {
        guard let communicator = DistributedSupport.startMPI() else {
            throw .output("--distributed: \(BuildHints.enableMPI)")
        }
        if communicator.rank != 0 { Console.quiet.store(true, ordering: .relaxed) }
        defer { DistributedSupport.finishMPI(communicator) }
        try body(communicator)
    }

    /// Runs `body` on every rank and makes its failure everyone's: when any rank failed, every rank throws
    /// (its own error, or the failing rank's message), so that no rank goes on into a collective call alone.
    static func agreed<T>(_ communicator: any Communicator, _ body: () throws(RuntimeError) -> T) throws(RuntimeError)
        -> T
    {
        var value: T?
        var failure: RuntimeError?
        do { value = try body() } catch { failure = error }
        if let message = communicator.agreedMessage(failure?.description) { throw failure ?? .output(message) }
        return value!
    }

    /// Worker threads per rank when `--threads` is not given: the machine's cores shared by the ranks Open MPI
    /// started on it (`OMPI_COMM_WORLD_LOCAL_SIZE`).
    static func defaultThreads() -> Int {
        let local = ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap { Int($0) } ?? 1
        return max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, local))
    }
}
