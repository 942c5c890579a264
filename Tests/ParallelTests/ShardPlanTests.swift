import Parallel
import Testing

@Suite("ShardPlan")
struct ShardPlanTests {
    // MARK: Hand-computed plans

    @Test(
        "exact ranges of hand-computed plans",
        arguments: [
            // 100 elements = 7 blocks of 16 → 3, 2, 2 blocks; the last block holds 4 elements.
            (100, 3, 16, [0..<48, 48..<80, 80..<100]),
            (1, 1, 16, [0..<1]),
            (16, 1, 16, [0..<16]),
            (17, 2, 16, [0..<16, 16..<17]),
            (33, 3, 16, [0..<16, 16..<32, 32..<33]),
            (64, 4, 16, [0..<16, 16..<32, 32..<48, 48..<64]),
            (64, 3, 16, [0..<32, 32..<48, 48..<64]),
            // 63 blocks over 8 shards → 7 shards of 8 blocks, then 7 blocks ending at 1000 (not 1008).
            (
                1000, 8, 16,
                [0..<128, 128..<256, 256..<384, 384..<512, 512..<640, 640..<768, 768..<896, 896..<1000]
            ),
            // Granularity 1 is swift-algorithms' evenlyChunked: the first n % k chunks are one longer.
            (10, 3, 1, [0..<4, 4..<7, 7..<10]),
            (10, 10, 1, (0..<10).map { $0..<($0 + 1) }),
            (10, 2, 4, [0..<8, 8..<10]),
            (100, 2, 64, [0..<64, 64..<100]),
        ] as [(Int, Int, Int, [Range<Int>])])
    func handComputed(total: Int, count: Int, granularity: Int, expected: [Range<Int>]) {
        let plan = ShardPlan(total: total, count: count, granularity: granularity)
        #expect(plan.total == total && plan.count == count && plan.granularity == granularity)
        #expect(plan.ranges == expected)
        #expect((0..<count).map(plan.range) == expected)
    }

    @Test(
        "maximumCount is the number of blocks",
        arguments: [
            (1, 16, 1), (15, 16, 1), (16, 16, 1), (17, 16, 2), (100, 16, 7), (1000, 16, 63), (1008, 16, 63),
            (1009, 16, 64), (10, 1, 10), (10, 4, 3), (64, 64, 1), (65, 64, 2),
        ] as [(Int, Int, Int)])
    func maximumCount(total: Int, granularity: Int, expected: Int) {
        #expect(ShardPlan.maximumCount(total: total, granularity: granularity) == expected)
    }

    @Test("the default granularity is 16")
    func defaultGranularity() {
        #expect(ShardPlan(total: 100, count: 3).granularity == 16)
        #expect(ShardPlan(total: 100, count: 3) == ShardPlan(total: 100, count: 3, granularity: 16))
        #expect(ShardPlan.maximumCount(total: 100) == 7)
    }

    @Test("equal exactly when total, count and granularity are equal")
    func equatable() {
        let plan = ShardPlan(total: 100, count: 3)
        #expect(plan == ShardPlan(total: 100, count: 3, granularity: 16))
        #expect(plan != ShardPlan(total: 101, count: 3))
        #expect(plan != ShardPlan(total: 100, count: 2))
        #expect(plan != ShardPlan(total: 100, count: 3, granularity: 8))
    }

    // MARK: Invariants over many plans

    /// Checks every documented property of one plan; returns a description of the first violation.
    static func violation(of plan: ShardPlan) -> String? {
        let ranges = plan.ranges
        let g = plan.granularity
        let blocks = (plan.total + g - 1) / g
        guard ranges.count == plan.count else { return "\(ranges.count) ranges" }
        guard ranges.first?.lowerBound == 0 else { return "does not start at 0: \(ranges)" }
        guard ranges.last?.upperBound == plan.total else { return "does not end at total: \(ranges)" }
        for (index, range) in ranges.enumerated() {
            if range.isEmpty { return "shard \(index) is empty" }
            if index > 0 && ranges[index - 1].upperBound != range.lowerBound {
                return "gap or overlap between shards \(index - 1) and \(index): \(ranges[index - 1]), \(range)"
            }
            if range.lowerBound % g != 0 {
                return "shard \(index) starts at \(range.lowerBound), not a multiple of \(g)"
            }
            if index < ranges.count - 1 && range.upperBound % g != 0 {
                return "inner boundary \(range.upperBound) is not a multiple of \(g)"
            }
        }
        // Sizes in blocks (the last shard's partial block counts as one): evenlyChunked, so they differ by at
        // most one, the longer ones come first, and they add up to the number of blocks.
        let blockCounts = ranges.map { ($0.count + g - 1) / g }
        if blockCounts.max()! - blockCounts.min()! > 1 { return "block counts differ by more than one: \(blockCounts)" }
        if blockCounts != blockCounts.sorted(by: >) { return "longer shards do not come first: \(blockCounts)" }
        if blockCounts.reduce(0, +) != blocks { return "block counts \(blockCounts) do not add up to \(blocks)" }
        let longer = blockCounts.filter { $0 == blockCounts[0] }.count
        if blockCounts.max()! != blockCounts.min()! && longer != blocks % plan.count {
            return "\(longer) longer shards, expected blocks % count = \(blocks % plan.count)"
        }
        return nil
    }

    @Test("ranges tile 0..<total in order on block boundaries, sizes within one block", arguments: [1, 3, 16, 64])
    func invariants(granularity: Int) {
        // Every total up to 300 (multiples of the granularity and not), then some large ones.
        let totals = Array(1...300) + [511, 512, 513, 1000, 1008, 1009, 4096, 4101, 60_000, 65_535]
        var checked = 0
        for total in totals {
            let maximum = ShardPlan.maximumCount(total: total, granularity: granularity)
            // Every count for small plans; for large ones 1, 2, 3, a few odd ones, maximum - 1 and maximum.
            let counts =
                maximum <= 80
                ? Array(1...maximum)
                : [1, 2, 3, 7, 8, 37, 64, maximum / 2 + 1, maximum - 1, maximum]
            for count in counts {
                let plan = ShardPlan(total: total, count: count, granularity: granularity)
                if let violation = Self.violation(of: plan) {
                    Issue.record("total \(total), count \(count), granularity \(granularity): \(violation)")
                    return
                }
                checked += 1
            }
        }
        #expect(checked > 1000)
    }

    @Test("count == maximumCount gives one block per shard; count == 1 gives everything")
    func extremes() {
        for total in [1, 15, 16, 17, 100, 1000, 1008, 4101] {
            let maximum = ShardPlan.maximumCount(total: total)
            let finest = ShardPlan(total: total, count: maximum).ranges
            #expect(finest.dropLast().allSatisfy { $0.count == 16 }, "total \(total)")
            #expect(finest.last == (maximum - 1) * 16..<total, "total \(total)")
            #expect(ShardPlan(total: total, count: 1).ranges == [0..<total], "total \(total)")
        }
    }

    @Test("the plan depends only on total, count and granularity")
    func rangesAreAPureFunction() {
        let plan = ShardPlan(total: 1000, count: 7)
        let again = ShardPlan(total: 1000, count: 7)
        #expect(plan.ranges == again.ranges)
        #expect((0..<7).reversed().map(plan.range).reversed() == plan.ranges)
    }

    // MARK: Preconditions (each runs in a child process)

    @Test("rejects zero elements")
    func rejectsEmpty() async {
        await #expect(processExitsWith: .failure) { _ = ShardPlan(total: 0, count: 1) }
    }

    @Test("rejects zero shards and more shards than blocks")
    func rejectsBadCounts() async {
        await #expect(processExitsWith: .failure) { _ = ShardPlan(total: 100, count: 0) }
        await #expect(processExitsWith: .failure) { _ = ShardPlan(total: 100, count: 8) }
    }

    @Test("range(_:) rejects a shard index out of 0..<count")
    func rejectsBadIndex() async {
        await #expect(processExitsWith: .failure) { _ = ShardPlan(total: 100, count: 3).range(3) }
    }
}
