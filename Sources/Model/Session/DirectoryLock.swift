import Parallel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a directory could not be locked.
public enum DirectoryLockError: Error, Equatable, CustomStringConvertible {
    /// Another live process holds the lock; `pid` is what it wrote into the lock file (nil if unreadable).
    case busy(directory: String, pid: Int32?, holder: String?)
    /// The lock file could not be opened or locked: the call that failed and its `errno`.
    case cannotLock(directory: String, failure: SystemError)

    public var description: String {
        switch self {
        case .busy(let directory, let pid, let holder):
            let who = pid.map { "ptrain process \($0)" } ?? "another ptrain process"
            let what = holder.map { " (\($0))" } ?? ""
            return "\(directory): in use by \(who)\(what); wait for it to finish or stop it, or use another directory"
        case .cannotLock(let directory, let failure):
            return "\(directory): cannot lock the directory: \(failure)"
        }
    }
}

/// An exclusive, advisory lock on a run or sweep directory, held for as long as this object lives: one writer
/// per directory.
///
/// The lock is `flock(LOCK_EX | LOCK_NB)` on `DIR/.ptrain.lock`. The kernel drops it when the holding process
/// exits, however it exits (`kill -9` included), so a lock left by a killed process is simply taken over: there
/// is no stale state to guess about. The file keeps the last holder's pid and purpose, which a refused process
/// names in its message. The file is never deleted (deleting it would let two processes lock two different
/// inodes of the same name).
public final class DirectoryLock: Sendable {
    /// The lock file's name inside the directory.
    public static let fileName = ".ptrain.lock"

    public let directory: String
    private let descriptor: Int32

    /// Locks `directory` (which must exist) for `purpose` (`train`, `sweep`), or throws `.busy` at once when
    /// another process holds it.
    public init(directory: String, purpose: String) throws(DirectoryLockError) {
        let path = directory.hasSuffix("/") ? directory + Self.fileName : directory + "/" + Self.fileName
        let descriptor: Int32
        do {
            descriptor = try SystemError.valueOrErrno("open") {
                open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
            }
        } catch {
            throw .cannotLock(directory: directory, failure: error)
        }
        do {
            _ = try SystemError.valueOrErrno("flock") { flock(descriptor, LOCK_EX | LOCK_NB) }
        } catch {
            let holder = Self.holder(descriptor)
            close(descriptor)
            if error.errno == EWOULDBLOCK {
                throw .busy(directory: directory, pid: holder?.pid, holder: holder?.purpose)
            }
            throw .cannotLock(directory: directory, failure: error)
        }
        let record = Array("\(getpid()) \(purpose)\n".utf8)
        if ftruncate(descriptor, 0) == 0 {
            _ = record.withUnsafeBytes { raw in pwrite(descriptor, raw.baseAddress, raw.count, 0) }
        }
        self.directory = directory
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// The pid and purpose the current holder wrote (`"1234 train\n"`), if readable.
    private static func holder(_ descriptor: Int32) -> (pid: Int32?, purpose: String?)? {
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBytes { raw in pread(descriptor, raw.baseAddress, raw.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self).split(separator: "\n").first ?? ""
        let words = text.split(separator: " ", maxSplits: 1)
        guard let first = words.first, let pid = Int32(first) else { return nil }
        return (pid, words.count > 1 ? String(words[1]) : nil)
    }
}
