/// A fixed group of ranks that work on one data set together, each owning a contiguous range of its shards
/// (the same logical shards that threads take). Implementations: `MPICommunicator` (processes, Open MPI,
/// built with `PTRAIN_MPI=1`) and `ThreadGroup` (threads of one process standing in for ranks, for tests).
///
/// Every operation is collective: all ranks call it, in the same order, with the same shapes. Only the thread
/// that created the communicator calls it (MPI_THREAD_FUNNELED); the worker pool's threads never do.
/// Nothing here depends on timing or on which rank finishes first, so the bytes every rank holds afterwards
/// are a function of the inputs alone.
public protocol Communicator: AnyObject, Sendable {
    /// This rank, in `0..<size`.
    var rank: Int { get }
    /// Number of ranks.
    var size: Int { get }

    /// In-place all-gather: rank r's contribution is the bytes `ranges[r]` of `buffer`, already in place; on
    /// return every rank's `buffer` holds every rank's contribution at its range. `ranges` is the same on every
    /// rank, ascending and disjoint; bytes outside them are not touched.
    func allGather(_ buffer: UnsafeMutableRawPointer, ranges: [Range<Int>])

    /// Copies `count` bytes at `buffer` on rank `root` into `buffer` on every other rank.
    func broadcast(_ buffer: UnsafeMutableRawPointer, count: Int, root: Int)

    /// The element-wise minimum over all ranks of `values` (the same count on every rank).
    func allReduceMinimum(_ values: [Int64]) -> [Int64]

    /// Returns when every rank has called it.
    func barrier()

    /// Writes one file together: every rank writes its `pieces` (byte offset and bytes) into the file at
    /// `path`, created (or truncated) and synced to stable storage before this returns. Returns nil on every
    /// rank when all pieces were written and synced, or the same message on every rank when any rank failed.
    func writeTogether(path: String, pieces: [FilePiece]) -> String?

    /// Stops every rank of the group now with exit status `code` (after a rank met an error the others
    /// cannot know about, so that no rank waits forever in a collective call).
    func abort(code: Int32) -> Never
}

/// Bytes to write at an offset of a file written together.
public struct FilePiece: Sendable {
    public var offset: Int
    public var bytes: [UInt8]

    public init(offset: Int, bytes: [UInt8]) {
        self.offset = offset
        self.bytes = bytes
    }
}

extension Communicator {
    /// The shards rank `rank` owns when `shardCount` shards are split over the group: contiguous, in rank
    /// order, the first `shardCount % size` ranks one shard more (swift-algorithms' `evenlyChunked`).
    /// - Precondition: `shardCount >= size`.
    public func ownedShards(of shardCount: Int, rank: Int? = nil) -> Range<Int> {
        precondition(shardCount >= size, "\(size) ranks need at least \(size) shards, the network has \(shardCount)")
        return ShardPlan(total: shardCount, count: size, granularity: 1).range(rank ?? self.rank)
    }

    /// `failure` of the lowest rank that had one, on every rank; nil when no rank failed. For work that only
    /// some ranks do (rank 0 writing a file): afterwards every rank knows whether to go on.
    public func agreedMessage(_ failure: String?) -> String? {
        let failing = Int(allReduceMinimum([failure == nil ? Int64(size) : Int64(rank)])[0])
        guard failing < size else { return nil }
        var bytes = Array((failure ?? "").utf8.prefix(4_096))
        var length = Int64(bytes.count)
        broadcast(&length, count: 8, root: failing)
        if rank != failing { bytes = [UInt8](repeating: 0, count: Int(length)) }
        bytes.withUnsafeMutableBytes { raw in
            if let base = raw.baseAddress { broadcast(base, count: raw.count, root: failing) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// True on every rank when `flag` is true on any rank.
    public func any(_ flag: Bool) -> Bool {
        allReduceMinimum([flag ? 0 : 1])[0] == 0
    }
}
