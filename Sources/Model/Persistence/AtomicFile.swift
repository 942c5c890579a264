import Foundation
import Parallel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a file could not be written; the path is always named.
public enum FileWriteError: Error, Equatable, CustomStringConvertible {
    case cannotCreate(path: String, reason: String)
    case writeFailed(path: String, reason: String)
    case renameFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason): return "\(path): cannot create: \(reason)"
        case .writeFailed(let path, let reason): return "\(path): write failed: \(reason)"
        case .renameFailed(let path, let reason): return "\(path): cannot replace: \(reason)"
        }
    }

    /// The file named.
    public var path: String {
        switch self {
        case .cannotCreate(let path, _), .writeFailed(let path, _), .renameFailed(let path, _): return path
        }
    }

    /// Why, e.g. `strerror`'s "No space left on device".
    public var reason: String {
        switch self {
        case .cannotCreate(_, let reason), .writeFailed(_, let reason), .renameFailed(_, let reason): return reason
        }
    }
}

/// Crash-safe file replacement, the project's one: write a temporary file in the same directory
/// (`temporaryPath(for:)`), `fsync` it, `rename` it over the target, `fsync` the directory (`commit`). A crash at
/// any instant leaves either the old file or the new one. `Checkpoint.writeTogether` has the ranks write the
/// temporary file and then calls `commit`.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws(FileWriteError) {
        let temporary = temporaryPath(for: path)
        let descriptor: Int32
        do {
            descriptor = try SystemError.valueOrErrno("open") {
                open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            }
        } catch {
            throw .cannotCreate(path: temporary, reason: error.description)
        }
        var failure: SystemError?
        do {
            try SystemError.writeAll(descriptor, bytes)
            _ = try SystemError.valueOrErrno("fsync") { fsync(descriptor) }
        } catch {
            failure = error
        }
        close(descriptor)
        if let failure {
            unlink(temporary)
            throw .writeFailed(path: path, reason: failure.description)
        }
        try commit(temporary, to: path)
    }

    /// Writes UTF-8 text atomically.
    public static func write(text: String, to path: String) throws(FileWriteError) {
        try write(Array(text.utf8), to: path)
    }

    /// `path.tmp.<process>`, the temporary file `path` is written to before it is renamed (in the same
    /// directory, so that the rename is atomic). `RunDirectory` removes those a killed process left, by that name.
    public static func temporaryPath(for path: String, process: Int64 = Int64(getpid())) -> String {
        path + ".tmp.\(process)"
    }

    /// Renames the complete, synced file `temporary` over `path` (removing `temporary` when that fails), then
    /// syncs the directory so that the rename itself is durable. A failure of that last sync leaves a complete
    /// file in place, so it is not an error.
    public static func commit(_ temporary: String, to path: String) throws(FileWriteError) {
        do {
            _ = try SystemError.valueOrErrno("rename") { rename(temporary, path) }
        } catch {
            unlink(temporary)
            throw .renameFailed(path: path, reason: error.description)
        }
        let directory = (path as NSString).deletingLastPathComponent
        let directoryDescriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }
}
