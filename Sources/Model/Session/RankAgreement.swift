/// The collective decisions of a run split over a group of ranks (docs/distributed.md), or of a run in one
/// process when `distribution` is nil (then every body simply runs): which failures stop every rank, which
/// files only rank 0 writes, and when to stop or write a checkpoint. `TrainingSession` and `LayeredSession`
/// share it so that a group behaves the same whichever network it trains.
struct RankAgreement {
    let distribution: Distribution?

    /// Whether this process writes the run directory's files (rank 0 of a group, or a process alone).
    var isLeader: Bool { distribution?.isLeader ?? true }

    /// `body` on every rank, its failure every rank's (in a group: a rank whose data or checkpoint differs must
    /// not be the only one to stop).
    func everyRank<T>(_ body: () throws(SessionError) -> T) throws(SessionError) -> T {
        guard let distribution else { return try body() }
        var value: T?
        var failure: SessionError?
        do { value = try body() } catch { failure = error }
        if let message = distribution.agree(on: failure?.description) { throw failure ?? .output(message) }
        return value!
    }

    /// Work only rank 0 does (all of it in a single process), such as writing files; a failure stops every rank
    /// with its message.
    func leaderOnly(_ body: () throws(SessionError) -> Void) throws(SessionError) {
        guard let distribution else { return try body() }
        var failure: String?
        if distribution.isLeader {
            do { try body() } catch { failure = error.description }
        }
        if let message = distribution.agree(on: failure) { throw .output(message) }
    }

    /// Whether to stop and whether to write a checkpoint now, the same on every rank: a stop requested on any
    /// rank (signals reach the ranks at different moments) stops all; rank 0's clock decides a due checkpoint.
    func votes(stop: Bool, checkpointDue: Bool) -> (stop: Bool, checkpointDue: Bool) {
        guard let distribution else { return (stop, checkpointDue) }
        let votes = distribution.communicator.allReduceMinimum([
            stop ? 0 : 1, checkpointDue && distribution.isLeader ? 0 : 1,
        ])
        return (votes[0] == 0, votes[1] == 0)
    }
}
