#if PTRAIN_MPI
    import CMPI
    import Foundation

    /// The ranks of `MPI_COMM_WORLD` (Open MPI, through the `CMPI` system library; only in builds with
    /// `PTRAIN_MPI=1`). MPI is initialised with `MPI_THREAD_FUNNELED`: the thread that called `start()`
    /// makes every MPI call, the worker pools' threads make none.
    ///
    /// Every MPI error is fatal to the group (the default `MPI_ERRORS_ARE_FATAL` handler of the
    /// communicator), except file errors, which `writeTogether` turns into a message on every rank.
    ///
    /// This is safe to send, because every property is a `let`; `MPI_Comm` is a C pointer type the checker
    /// cannot see into, and the funneled thread model above means only one thread ever passes it to MPI.
    public final class MPICommunicator: Communicator, @unchecked Sendable {
        public let rank: Int
        public let size: Int
        private let world: MPI_Comm

        private init(rank: Int, size: Int, world: MPI_Comm) {
            self.rank = rank
            self.size = size
            self.world = world
        }

        /// Initialises MPI (once per process) and returns the world communicator.
        public static func start() -> MPICommunicator {
            var provided: Int32 = 0
            MPI_Init_thread(nil, nil, ptrain_mpi_thread_funneled(), &provided)
            let world = ptrain_mpi_comm_world()!
            var rank: Int32 = 0
            var size: Int32 = 0
            MPI_Comm_rank(world, &rank)
            MPI_Comm_size(world, &size)
            return MPICommunicator(rank: Int(rank), size: Int(size), world: world)
        }

        /// Finalises MPI; call once, after the last collective operation.
        public func finish() {
            MPI_Finalize()
        }

        public func allGather(_ buffer: UnsafeMutableRawPointer, ranges: [Range<Int>]) {
            precondition(ranges.count == size, "allGather: \(ranges.count) ranges for \(size) ranks")
            var counts = ranges.map { Self.int32($0.count) }
            var displacements = ranges.map { Self.int32($0.lowerBound) }
            counts.withUnsafeMutableBufferPointer { counts in
                displacements.withUnsafeMutableBufferPointer { displacements in
                    _ = MPI_Allgatherv(
                        ptrain_mpi_in_place(), 0, ptrain_mpi_byte(), buffer, counts.baseAddress,
                        displacements.baseAddress, ptrain_mpi_byte(), world)
                }
            }
        }

        public func broadcast(_ buffer: UnsafeMutableRawPointer, count: Int, root: Int) {
            MPI_Bcast(buffer, Self.int32(count), ptrain_mpi_byte(), Int32(root), world)
        }

        public func allReduceMinimum(_ values: [Int64]) -> [Int64] {
            var result = values
            result.withUnsafeMutableBufferPointer { buffer in
                _ = MPI_Allreduce(
                    ptrain_mpi_in_place(), buffer.baseAddress, Int32(buffer.count), ptrain_mpi_int64(),
                    ptrain_mpi_min(), world)
            }
            return result
        }

        public func barrier() {
            MPI_Barrier(world)
        }

        /// MPI-IO: a collective `MPI_File_open` (create, write-only), `MPI_File_set_size(0)`, each rank's
        /// `MPI_File_write_at` per piece, a collective `MPI_File_sync` and `MPI_File_close`. The file must be on a
        /// file system every rank sees (docs/distributed.md).
        public func writeTogether(path: String, pieces: [FilePiece]) -> String? {
            var file: MPI_File?
            let opened = path.withCString { name in
                MPI_File_open(
                    world, UnsafeMutablePointer(mutating: name), ptrain_mpi_mode_create_write(),
                    ptrain_mpi_info_null(), &file)
            }
            // The open is collective, but its outcome need not be the same everywhere (Open MPI's ufs layer
            // creates the file on rank 0 and then opens it on each rank alone): agree on it before the next
            // collective file call, closing the file where it did open.
            let openFailure =
                opened == ptrain_mpi_success() ? nil : "\(path): cannot create: \(Self.errorString(opened))"
            if let message = agreedMessage(openFailure) {
                if opened == ptrain_mpi_success() { MPI_File_close(&file) }
                return message
            }
            var code = MPI_File_set_size(file, 0)
            for piece in pieces where code == ptrain_mpi_success() {
                code = piece.bytes.withUnsafeBytes { raw in
                    MPI_File_write_at(
                        file, MPI_Offset(piece.offset), raw.baseAddress, Self.int32(raw.count), ptrain_mpi_byte(),
                        ptrain_mpi_status_ignore())
                }
            }
            // Collective calls: every rank makes them, whatever happened to its own writes.
            let synced = MPI_File_sync(file)
            if code == ptrain_mpi_success() { code = synced }
            let closed = MPI_File_close(&file)
            if code == ptrain_mpi_success() { code = closed }
            return agreedMessage(
                code == ptrain_mpi_success() ? nil : "\(path): write failed: \(Self.errorString(code))")
        }

        public func abort(code: Int32) -> Never {
            MPI_Abort(world, code)
            exit(code)
        }

        private static func errorString(_ code: Int32) -> String {
            var buffer = [CChar](repeating: 0, count: 1_024)
            var length: Int32 = 0
            MPI_Error_string(code, &buffer, &length)
            return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }

        private static func int32(_ value: Int) -> Int32 {
            precondition(value <= Int(Int32.max), "an MPI message of \(value) bytes exceeds Int32")
            return Int32(value)
        }
    }
#endif

/// Whether this build has the MPI transport (the `PTRAIN_MPI` condition), and its entry points for code that is
/// compiled either way. How to get a build with it is the command line's business (`BuildHints`).
public enum DistributedSupport {
    #if PTRAIN_MPI
        public static let mpiAvailable = true
    #else
        public static let mpiAvailable = false
    #endif

    /// Initialises MPI and returns `MPI_COMM_WORLD`, or nil in a build without MPI.
    public static func startMPI() -> (any Communicator)? {
        #if PTRAIN_MPI
            return MPICommunicator.start()
        #else
            return nil
        #endif
    }

    /// Finalises MPI after `startMPI()` (nothing in a build without MPI).
    public static func finishMPI(_ communicator: any Communicator) {
        #if PTRAIN_MPI
            (communicator as? MPICommunicator)?.finish()
        #endif
    }
}
