import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Ranks that are threads of one process: the same collective operations as `MPICommunicator`, with each rank
/// holding its own memory, so the distributed training path (shard ownership, exchanges, collective
/// checkpoint writes) runs and is tested without MPI. Every operation publishes what it shares, waits at a
/// barrier, copies, and waits again, so no rank reads memory another rank may already be changing.
///
/// `@unchecked Sendable` because `addresses` is a raw pointer: each rank writes only its own slot, before the
/// barrier (whose atomic counter releases the write), and reads the others' only after it (acquire), so no slot
/// is read while it is written. The reductions and messages are behind `Mutex`es, the counters are atomic.
public final class ThreadGroup: @unchecked Sendable {
    public let size: Int
    private let arrived = Atomic<Int>(0)
    private let generation = Atomic<Int>(0)
    /// Per rank: the address of the buffer it shares in the current operation.
    private let addresses: UnsafeMutablePointer<UInt>
    /// Per rank: the values of the current reduction, or the message of a failed file write.
    private let values: Mutex<[[Int64]]>
    private let messages: Mutex<[String?]>

    public init(size: Int) {
        precondition(size >= 1, "a thread group needs at least one rank")
        self.size = size
        addresses = .allocate(capacity: size)
        addresses.initialize(repeating: 0, count: size)
        values = Mutex([[Int64]](repeating: [], count: size))
        messages = Mutex([String?](repeating: nil, count: size))
    }

    deinit { addresses.deallocate() }

    /// Runs `body` once per rank, each on its own thread with its own communicator, and returns when all
    /// have returned.
    public static func run(size: Int, _ body: @escaping @Sendable (any Communicator) -> Void) {
        let group = ThreadGroup(size: size)
        let finished = Atomic<Int>(0)
        for rank in 0..<size {
            let thread = Thread {
                body(ThreadGroupRank(group: group, rank: rank))
                finished.add(1, ordering: .releasing)
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        var backoff = Backoff()
        while finished.load(ordering: .acquiring) < size { backoff.pause() }
    }

    /// A sense-reversing barrier: the last rank to arrive starts the next generation.
    func barrier() {
        let current = generation.load(ordering: .acquiring)
        if arrived.add(1, ordering: .acquiringAndReleasing).newValue == size {
            arrived.store(0, ordering: .relaxed)
            generation.store(current + 1, ordering: .releasing)
            return
        }
        var backoff = Backoff()
        while generation.load(ordering: .acquiring) == current { backoff.pause() }
    }

    func publish(_ address: UnsafeRawPointer, rank: Int) {
        // This is safe because rank < size, the capacity of `addresses`, and each rank writes only its slot.
        addresses[rank] = UInt(bitPattern: address)
    }

    func address(of rank: Int) -> UnsafeRawPointer {
        UnsafeRawPointer(bitPattern: addresses[rank])!
    }

    func store(_ values: [Int64], rank: Int) { self.values.withLock { $0[rank] = values } }
    func allValues() -> [[Int64]] { values.withLock { $0 } }
    func store(message: String?, rank: Int) { messages.withLock { $0[rank] = message } }
    func firstMessage() -> String? { messages.withLock { $0.compactMap { $0 }.first } }
}

/// One rank's view of a `ThreadGroup`.
final class ThreadGroupRank: Communicator, Sendable {
    let group: ThreadGroup
    let rank: Int
    var size: Int { group.size }

    init(group: ThreadGroup, rank: Int) {
        self.group = group
        self.rank = rank
    }

    func allGather(_ buffer: UnsafeMutableRawPointer, ranges: [Range<Int>]) {
        precondition(ranges.count == size, "allGather: \(ranges.count) ranges for \(size) ranks")
        group.publish(buffer, rank: rank)
        group.barrier()
        for (other, range) in ranges.enumerated() where other != rank && !range.isEmpty {
            // This is safe because every rank's buffer has the same layout and holds `ranges`, and no rank
            // writes its own range until the second barrier.
            (buffer + range.lowerBound).copyMemory(
                from: group.address(of: other) + range.lowerBound, byteCount: range.count)
        }
        group.barrier()
    }

    func broadcast(_ buffer: UnsafeMutableRawPointer, count: Int, root: Int) {
        if rank == root { group.publish(buffer, rank: rank) }
        group.barrier()
        if rank != root { buffer.copyMemory(from: group.address(of: root), byteCount: count) }
        group.barrier()
    }

    func allReduceMinimum(_ values: [Int64]) -> [Int64] {
        group.store(values, rank: rank)
        group.barrier()
        let all = group.allValues()
        group.barrier()
        return values.indices.map { index in all.map { $0[index] }.min()! }
    }

    func barrier() { group.barrier() }

    func writeTogether(path: String, pieces: [FilePiece]) -> String? {
        var failure: String?
        if rank == 0 {
            do {
                let descriptor = try SystemError.valueOrErrno("open") {
                    open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                }
                close(descriptor)
            } catch {
                failure = "\(path): cannot create: \(error)"
            }
        }
        group.store(message: failure, rank: rank)
        group.barrier()
        if failure == nil, group.firstMessage() == nil {
            failure = Self.write(pieces, to: path)
        }
        group.store(message: failure, rank: rank)
        group.barrier()
        let message = group.firstMessage()
        group.barrier()
        group.store(message: nil, rank: rank)
        group.barrier()
        return message
    }

    /// pwrite of every piece, then fsync.
    static func write(_ pieces: [FilePiece], to path: String) -> String? {
        let descriptor: Int32
        do {
            descriptor = try SystemError.valueOrErrno("open") { open(path, O_WRONLY | O_CLOEXEC) }
        } catch {
            return "\(path): cannot open: \(error)"
        }
        defer { close(descriptor) }
        do {
            for piece in pieces {
                try SystemError.writeAll(descriptor, piece.bytes, at: piece.offset)
            }
            _ = try SystemError.valueOrErrno("fsync") { fsync(descriptor) }
        } catch {
            return "\(path): write failed: \(error)"
        }
        return nil
    }

    func abort(code: Int32) -> Never {
        fatalError("rank \(rank) of a thread group aborted with status \(code)")
    }
}
