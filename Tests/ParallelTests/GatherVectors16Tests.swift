import Parallel
import Testing

/// The documented order, scalar, per lane: even positions and odd positions in two chains from 0, each in
/// position order, then `accumulator + (even + odd)`.
private func referenceGatherVectors16(rows: [Float], indices: [Int32], accumulator: [Float]) -> [Float] {
    (0..<16).map { lane in
        var even: Float = 0
        var odd: Float = 0
        for position in indices.indices {
            let value = rows[Int(indices[position]) * 16 + lane]
            if position % 2 == 0 { even += value } else { odd += value }
        }
        return accumulator[lane] + (even + odd)
    }
}

/// Runs the kernel on a copy of `accumulator` followed by `guardCount` sentinels; returns all of it.
private func kernelGatherVectors16(rows: [Float], indices: [Int32], accumulator: [Float]) -> [Float] {
    var buffer = accumulator + [Float](repeating: sentinel, count: guardCount)
    withPointer(rows) { rowPointer in
        withPointer(indices) { indexPointer in
            withMutablePointer(&buffer) { accumulator in
                Kernels.gatherVectors16(
                    rows: rowPointer, indices: indexPointer, count: indices.count, accumulator: accumulator)
            }
        }
    }
    return buffer
}

@Suite("Kernels.gatherVectors16")
struct GatherVectors16Tests {
    @Test("bit-identical to the even/odd reference for ragged index lists", arguments: [0, 1, 2, 3, 4, 5, 8, 33, 100])
    func matchesReference(count: Int) {
        var rng = SplitMix64(seed: 0x6A7_16 &+ UInt64(count))
        for trial in 0..<4 {
            let rowCount = 1 + rng.int(in: 0..<(trial == 3 ? 3000 : 64))
            let rows = rng.floats(rowCount * 16, in: -2..<2)
            var indices = (0..<count).map { _ in Int32(rng.int(in: 0..<rowCount)) }
            if count > 0 { indices[count - 1] = Int32(rowCount - 1) }
            var accumulator = rng.floats(16, in: -1..<1)
            accumulator[3] = -0.0
            let out = kernelGatherVectors16(rows: rows, indices: indices, accumulator: accumulator)
            let context = "\(count) indices into \(rowCount) rows"
            expectBitIdentical(
                Array(out[..<16]),
                referenceGatherVectors16(
                    rows: rows, indices: indices, accumulator: accumulator), context)
            expectSentinels(out[16...], context)
        }
    }

    @Test("adds the selected rows to the accumulator (hand-computed)")
    func handComputed() {
        // Row r, lane l holds r·16 + l.
        let rows = (0..<(6 * 16)).map { Float($0) }
        let accumulator = (0..<16).map { Float($0) * 0.5 }
        let out = kernelGatherVectors16(rows: rows, indices: [5, 0, 2, 2], accumulator: accumulator)
        // (80 + l) + l + 2·(32 + l) + l/2 = 144 + 4.5·l.
        expectBitIdentical(Array(out[..<16]), (0..<16).map { 144 + 4.5 * Float($0) }, "indices 5, 0, 2, 2")
        let none = kernelGatherVectors16(rows: rows, indices: [], accumulator: accumulator)
        expectBitIdentical(Array(none[..<16]), accumulator, "no indices leave the accumulator unchanged")
    }

    @Test("summation order is two chains, even then odd positions, then accumulator + (even + odd)")
    func orderIsEvenAndOddChains() {
        // Sequential order would give ((1e8 + 1) − 1e8) + 1 = 1; the documented order gives 0 + (0 + 2) = 2.
        let rows = [Float(1e8), 1, -1e8, 1].flatMap { [Float](repeating: $0, count: 16) }
        let out = kernelGatherVectors16(
            rows: rows, indices: [0, 1, 2, 3], accumulator: [Float](repeating: 0, count: 16))
        expectBitIdentical(Array(out[..<16]), [Float](repeating: 2, count: 16), "1e8, 1, -1e8, 1")
    }
}
