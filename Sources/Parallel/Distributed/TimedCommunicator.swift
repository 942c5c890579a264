import Dispatch
import Synchronization

/// A communicator that passes every call to another one and counts what it cost: calls, bytes this rank
/// received, and seconds spent inside the calls (waiting for slower ranks included). `ptrain bench
/// --distributed` reads it to report the communication per batch (docs/distributed.md).
public final class TimedCommunicator: Communicator, Sendable {
    public let base: any Communicator
    /// Totals since creation (or the last `reset()`).
    public struct Totals: Sendable, Equatable {
        public var calls = 0
        public var bytesReceived = 0
        public var seconds = 0.0

        public init() {}
    }
    private let totals = Mutex(Totals())

    public init(_ base: any Communicator) { self.base = base }

    public var rank: Int { base.rank }
    public var size: Int { base.size }
    public var current: Totals { totals.withLock { $0 } }
    public func reset() { totals.withLock { $0 = Totals() } }

    private func timed<T>(bytes: Int, _ body: () -> T) -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = body()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        totals.withLock {
            $0.calls += 1
            $0.bytesReceived += bytes
            $0.seconds += seconds
        }
        return result
    }

    public func allGather(_ buffer: UnsafeMutableRawPointer, ranges: [Range<Int>]) {
        let received = ranges.enumerated().reduce(0) { $0 + ($1.offset == rank ? 0 : $1.element.count) }
        timed(bytes: received) { base.allGather(buffer, ranges: ranges) }
    }

    public func broadcast(_ buffer: UnsafeMutableRawPointer, count: Int, root: Int) {
        timed(bytes: rank == root ? 0 : count) { base.broadcast(buffer, count: count, root: root) }
    }

    public func allReduceMinimum(_ values: [Int64]) -> [Int64] {
        timed(bytes: 8 * values.count * (size - 1)) { base.allReduceMinimum(values) }
    }

    public func barrier() { timed(bytes: 0) { base.barrier() } }

    public func writeTogether(path: String, pieces: [FilePiece]) -> String? {
        timed(bytes: 0) { base.writeTogether(path: path, pieces: pieces) }
    }

    public func abort(code: Int32) -> Never { base.abort(code: code) }
}
