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

    public var description: String { "\(path): cannot read: \(reason)" }
}

/// Reads whole regular files with POSIX calls, so that a directory, a FIFO or a device is refused by
/// `fstat` before anything is read (Foundation's `Data(contentsOf:)` would block on a FIFO).
public enum FileContents {
    public static func bytes(atPath path: String) throws(FileReadError) -> [UInt8] {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = errno == ENOENT ? "no such file" : String(cString: strerror(errno))
            throw FileReadError(path: path, reason: reason)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw FileReadError(path: path, reason: String(cString: strerror(errno)))
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw FileReadError(path: path, reason: "is a directory")
        default: throw FileReadError(path: path, reason: "not a regular file")
        }
        let size = Int(status.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        var failure: String?
        bytes.withUnsafeMutableBytes { raw in
            while done < size {
                // This is safe because `done < size == raw.count`, so the `size - done` bytes fit.
                let result = read(descriptor, raw.baseAddress! + done, size - done)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                if result == 0 { return }  // the file shrank while it was read: keep what was there
                done += result
            }
        }
        if let failure { throw FileReadError(path: path, reason: failure) }
        if done < size { bytes.removeLast(size - done) }
        return bytes
    }
}
