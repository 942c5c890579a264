import Parallel

/// How one run is split over the ranks of a group (docs/distributed.md): the group, and which of the
/// network's logical shards each rank owns — contiguous ranges in rank order, fixed by the shard count and
/// the group size alone. A rank computes and updates only its own shards; every rank runs the output layer.
public struct Distribution: Sendable {
    public let communicator: any Communicator
    /// Shards owned by each rank, indexed by rank.
    public let shardsByRank: [Range<Int>]

    /// - Throws: `DistributionError.tooFewShards` when the group has more ranks than the network has shards.
    public init(communicator: any Communicator, shardCount: Int) throws(DistributionError) {
        guard shardCount >= communicator.size else {
            throw .tooFewShards(ranks: communicator.size, shards: shardCount)
        }
        self.communicator = communicator
        shardsByRank = (0..<communicator.size).map { communicator.ownedShards(of: shardCount, rank: $0) }
    }

    /// A data-parallel split (layered networks, issue #15): no weight shards — every rank holds and updates the
    /// whole network — and each rank owns one share of every batch's samples (`shares(of:)`), so shard r is
    /// rank r's share.
    public init(dataParallel communicator: any Communicator) {
        self.communicator = communicator
        shardsByRank = (0..<communicator.size).map { $0..<($0 + 1) }
    }

    /// `count` items (the samples of a batch or of a data set) split over the ranks: contiguous, in rank order,
    /// the first `count % size` ranks one more; ranks beyond `count` get none. Fixed by `count` and the group
    /// size alone.
    public func shares(of count: Int) -> [Range<Int>] {
        let base = count / size
        let remainder = count % size
        return (0..<size).map { r in
            let start = r * base + min(r, remainder)
            return start..<(start + base + (r < remainder ? 1 : 0))
        }
    }

    public var rank: Int { communicator.rank }
    public var size: Int { communicator.size }
    /// Rank 0 writes the run directory's shared files and prints progress.
    public var isLeader: Bool { communicator.rank == 0 }
    /// The shards this rank owns.
    public var ownedShards: Range<Int> { shardsByRank[communicator.rank] }

    /// The rank that owns `shard`.
    public func owner(of shard: Int) -> Int {
        shardsByRank.firstIndex { $0.contains(shard) }!
    }

    /// `failure` of the lowest rank that had one, on every rank; nil when no rank failed.
    public func agree(on failure: String?) -> String? { communicator.agreedMessage(failure) }

    /// Copies every shard's weights from its owner to every other rank (a broadcast per shard buffer), so that
    /// each rank holds the whole network: before evaluating and before writing files that hold all weights.
    /// b2 is already identical on every rank (every rank updates it).
    public func shareWeights(of network: Network) {
        for (s, shard) in network.shards.enumerated() {
            let root = owner(of: s)
            for buffer in [shard.inputWeights, shard.hiddenBias, shard.outputWeightsTransposed] {
                buffer.withUnsafeMutableBytes { raw in
                    communicator.broadcast(raw.baseAddress!, count: raw.count, root: root)
                }
            }
        }
    }
}

/// Why a run cannot be split over a group.
public enum DistributionError: Error, Equatable, CustomStringConvertible {
    case tooFewShards(ranks: Int, shards: Int)

    public var description: String {
        switch self {
        case .tooFewShards(let ranks, let shards):
            return "\(ranks) ranks need at least \(ranks) shards, the network has \(shards)"
        }
    }
}
