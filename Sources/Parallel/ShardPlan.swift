/// A fixed split of `0..<total` into `count` contiguous shards, independent of the number of threads.
///
/// Elements are grouped in blocks of `granularity` (`Kernels.lanes` by default: one SIMD vector, so only the last
/// shard needs padding), and the blocks are split like swift-algorithms' `evenlyChunked`: the first
/// `blocks % count` shards get one block more. Because the plan never depends on the thread count, every
/// reduction over shards happens in the same order whatever runs them, so results are bit-identical at any
/// thread count (NEST's "virtual processes").
public struct ShardPlan: Sendable, Equatable {
    /// Number of elements split.
    public let total: Int
    /// Number of shards.
    public let count: Int
    /// Elements per block; shard boundaries fall on multiples of it.
    public let granularity: Int

    /// The largest shard count possible for `total` elements in blocks of `granularity`.
    public static func maximumCount(total: Int, granularity: Int = Kernels.lanes) -> Int {
        (total + granularity - 1) / granularity
    }

    /// - Precondition: `total >= 1` and `1 <= count <= maximumCount(total:granularity:)`.
    public init(total: Int, count: Int, granularity: Int = Kernels.lanes) {
        precondition(total >= 1, "ShardPlan needs at least one element")
        precondition(granularity >= 1, "ShardPlan needs a positive granularity")
        let blocks = (total + granularity - 1) / granularity
        precondition(count >= 1 && count <= blocks, "ShardPlan needs 1...\(blocks) shards, got \(count)")
        self.total = total
        self.count = count
        self.granularity = granularity
    }

    /// The elements owned by shard `index`.
    public func range(_ index: Int) -> Range<Int> {
        precondition(index >= 0 && index < count, "shard \(index) out of 0..<\(count)")
        let blocks = (total + granularity - 1) / granularity
        let base = blocks / count
        let remainder = blocks % count
        let startBlock = index * base + min(index, remainder)
        let endBlock = startBlock + base + (index < remainder ? 1 : 0)
        return min(total, startBlock * granularity)..<min(total, endBlock * granularity)
    }

    /// All shard ranges in order.
    public var ranges: [Range<Int>] { (0..<count).map(range) }
}
