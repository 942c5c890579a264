import Foundation
import Parallel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a file could not be read; `reason` completes "cannot read …: " (`no such file`, `is a directory`).
public struct FileReadError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): cannot read: \(reason)" }
}

/// Reads whole regular files with POSIX calls, so that a directory, a FIFO or a device is refused by
/// `fstat` before anything is read (Foundation's `Data(contentsOf:)` would block on a FIFO). The project's one
/// whole-file reader: configurations, metrics, IDX files, weights, checkpoints, run and sweep identities.
public enum FileContents {
    public static func bytes(atPath path: String) throws(FileReadError) -> [UInt8] {
        let descriptor: Int32
        do {
            // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
            descriptor = try SystemError.valueOrErrno("open") { open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
        } catch {
            throw FileReadError(path: path, reason: error.errno == ENOENT ? "no such file" : error.description)
        }
        defer { close(descriptor) }
        var status = stat()
        do {
            _ = try SystemError.valueOrErrno("fstat") { fstat(descriptor, &status) }
        } catch {
            throw FileReadError(path: path, reason: error.description)
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw FileReadError(path: path, reason: "is a directory")
        default: throw FileReadError(path: path, reason: "not a regular file")
        }
        let size = Int(status.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        // The closure returns the failure rather than throwing it (see `SystemError.writeAll`).
        let failure = bytes.withUnsafeMutableBytes { raw -> SystemError? in
            while done < size {
                do throws(SystemError) {
                    // This is safe because `done < size == raw.count`, so the `size - done` bytes fit.
                    let result = try SystemError.valueOrErrno("read") {
                        read(descriptor, raw.baseAddress! + done, size - done)
                    }
                    if result == 0 { return nil }  // the file shrank while it was read: keep what was there
                    done += result
                } catch {
                    return error
                }
            }
            return nil
        }
        if let failure { throw FileReadError(path: path, reason: failure.description) }
        if done < size { bytes.removeLast(size - done) }
        return bytes
    }

    /// The whole file at `path` as `Data`, for the parsers that take it.
    public static func data(atPath path: String) throws(FileReadError) -> Data {
        Data(try bytes(atPath: path))
    }
}
