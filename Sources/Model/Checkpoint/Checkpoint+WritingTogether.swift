import Foundation
import Parallel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A checkpoint written by every rank of a group at once (docs/distributed.md): each rank writes the bytes of
/// its own shards' weights into one file, rank 0 writes the header, the other sections and b2. The result is
/// the very file a single process writes at the same cursor (byte for byte, except the TIME values), so it is
/// read, resumed at any rank count, inspected and evaluated like any other checkpoint.
extension Checkpoint {
    /// Writes the checkpoint of `network` at `cursor` to `path` together with the other ranks: the same
    /// crash-safety as `write(to:)` (a temporary file named after rank 0's process, synced, renamed by rank 0,
    /// the directory synced), and the same outcome on every rank. Rank 0 writes the dATA section of `data`;
    /// every rank must pass the same fingerprint, or nil on every rank (the section moves the weights' offset),
    /// and likewise the same weight average (rank 0 writes its AVRG section).
    ///
    /// The WGHT section's CRC32 is combined from the CRC of every rank's pieces in file order (zlib's
    /// `crc32_combine`), so no rank ever holds all the weights for it.
    /// - Throws: `FileWriteError` on every rank when any rank could not write its part, or rank 0 could not
    ///   rename the file; the previous file at `path` is then untouched.
    public static func writeTogether(
        network: Network, config: RunConfig, cursor: TrainingCursor, records: [EpochRecord],
        distribution: Distribution, path: String, data: DataFingerprint? = nil, average: WeightAveraging? = nil
    ) throws(FileWriteError) {
        let header = Checkpoint(
            inputs: network.inputs, hidden: network.hidden, outputs: network.outputs, shards: network.shards.count,
            config: config, cursor: cursor, records: records, parameters: nil, layout: nil, data: data,
            average: average)
        let prefix = header.encodedPrefix()
        let layout = WeightLayout(network: network, payloadOffset: prefix.count)
        let communicator = distribution.communicator
        let owned = distribution.shardsByRank.map {
            network.shards[$0].first!.neurons.lowerBound..<network.shards[$0].last!.neurons.upperBound
        }
        let mine = owned[distribution.rank]

        var pieces = layout.pieces(of: network, neurons: mine, shards: distribution.ownedShards)
        // CRCs of every rank's pieces, gathered so that rank 0 can combine them in file order.
        let piecesPerRank = network.inputs + 2
        var crcs = [UInt32](repeating: 0, count: piecesPerRank * distribution.size)
        for (index, piece) in pieces.enumerated() {
            crcs[distribution.rank * piecesPerRank + index] = CRC32.checksum(piece.bytes)
        }
        crcs.withUnsafeMutableBytes { raw in
            communicator.allGather(
                raw.baseAddress!,
                ranges: (0..<distribution.size).map { ($0 * piecesPerRank * 4)..<(($0 + 1) * piecesPerRank * 4) })
        }

        // Rank 0's process id names the temporary file every rank writes.
        var leader = Int64(getpid())
        communicator.broadcast(&leader, count: 8, root: 0)
        let temporary = AtomicFile.temporaryPath(for: path, process: leader)

        if distribution.isLeader {
            let tail = network.outputBias.array.prefix(network.outputs).flatMap { $0.bitPattern.littleEndianBytes }
            var crc = CRC32.checksum(prefix[(prefix.count - 12)...])
            func combine(_ next: UInt32, length: Int) {
                crc = CRC32.combine(crc, next, secondLength: length)
            }
            for row in 0..<network.inputs {
                for rank in 0..<distribution.size {
                    combine(crcs[rank * piecesPerRank + row], length: 4 * owned[rank].count)
                }
            }
            for rank in 0..<distribution.size {
                combine(crcs[rank * piecesPerRank + network.inputs], length: 4 * owned[rank].count)
            }
            for rank in 0..<distribution.size {
                combine(
                    crcs[rank * piecesPerRank + network.inputs + 1], length: 4 * owned[rank].count * network.outputs)
            }
            combine(CRC32.checksum(tail), length: tail.count)
            pieces.append(FilePiece(offset: 0, bytes: prefix))
            pieces.append(FilePiece(offset: layout.outputBiasOffset, bytes: tail + crc.littleEndianBytes))
        }

        if let failure = communicator.writeTogether(path: temporary, pieces: pieces) {
            if distribution.isLeader { unlink(temporary) }
            throw .writeFailed(path: path, reason: Self.reason(failure, path: temporary))
        }
        var renameFailure: String?
        if distribution.isLeader {
            do {
                try AtomicFile.commit(temporary, to: path)
            } catch {
                renameFailure = error.reason
            }
        }
        if let failure = distribution.agree(on: renameFailure) { throw .renameFailed(path: path, reason: failure) }
    }

    /// `F.tmp.123: write failed: No space left` → `No space left` (the path is named once, by the caller).
    private static func reason(_ message: String, path: String) -> String {
        for prefix in ["\(path): write failed: ", "\(path): cannot create: ", "\(path): cannot open: "]
        where message.hasPrefix(prefix) {
            return String(message.dropFirst(prefix.count))
        }
        return message
    }
}

/// Where each parameter of the canonical WGHT payload lies in the file: W1 (inputs × H, row-major), b1 (H),
/// W2 (H × outputs, row-major), b2 (outputs), f32 little-endian from `payloadOffset`.
private struct WeightLayout {
    let inputs: Int
    let hidden: Int
    let outputs: Int
    let payloadOffset: Int

    init(network: Network, payloadOffset: Int) {
        inputs = network.inputs
        hidden = network.hidden
        outputs = network.outputs
        self.payloadOffset = payloadOffset
    }

    var hiddenBiasOffset: Int { payloadOffset + 4 * inputs * hidden }
    var outputWeightsOffset: Int { hiddenBiasOffset + 4 * hidden }
    var outputBiasOffset: Int { outputWeightsOffset + 4 * hidden * outputs }

    /// The file pieces of hidden neurons `neurons` (the owned shards' contiguous neurons): one piece per W1
    /// row (`inputs` of them), then b1's, then W2's.
    func pieces(of network: Network, neurons: Range<Int>, shards: Range<Int>) -> [FilePiece] {
        var rows = (0..<inputs).map { _ in [UInt8]() }
        var hiddenBias: [UInt8] = []
        var outputWeights: [UInt8] = []
        for shard in network.shards[shards] {
            shard.withUnsafeWeights { weights in
                for row in 0..<inputs {
                    for local in 0..<shard.neurons.count {
                        rows[row] += weights.inputWeights[row * shard.width + local].bitPattern.littleEndianBytes
                    }
                }
                for local in 0..<shard.neurons.count {
                    hiddenBias += weights.hiddenBias[local].bitPattern.littleEndianBytes
                    for k in 0..<outputs {
                        outputWeights +=
                            weights.outputWeightsTransposed[k * shard.width + local].bitPattern.littleEndianBytes
                    }
                }
            }
        }
        var pieces = rows.enumerated().map { row, bytes in
            FilePiece(offset: payloadOffset + 4 * (row * hidden + neurons.lowerBound), bytes: bytes)
        }
        pieces.append(FilePiece(offset: hiddenBiasOffset + 4 * neurons.lowerBound, bytes: hiddenBias))
        pieces.append(FilePiece(offset: outputWeightsOffset + 4 * neurons.lowerBound * outputs, bytes: outputWeights))
        return pieces
    }
}

extension UInt32 {
    fileprivate var littleEndianBytes: [UInt8] {
        [UInt8(self & 0xFF), UInt8((self >> 8) & 0xFF), UInt8((self >> 16) & 0xFF), UInt8(self >> 24)]
    }
}
