#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A system call that failed: its name and `errno`, as swift-system's `Errno` (match `.errno == ENOSPC`).
/// `description` is `strerror`'s text ("No space left on device"), the reason every file error message ends
/// with.
///
/// It lives in `Parallel`, the lowest module, because both sides write files: `ThreadGroup` (here) writes the
/// pieces of a checkpoint written together and cannot import `Model`; `Model` (atomic files, whole-file reads,
/// the fetcher) and the command line depend on `Parallel` and use the same type and the same retry loop.
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The call that failed, e.g. `open`, `write`, `fsync`, `rename`.
    public var call: String
    public var errno: Int32

    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    public var description: String {
        // This is safe because strerror returns a NUL-terminated string, copied here before anything else can
        // overwrite it.
        String(cString: strerror(errno))
    }

    /// Runs `body` (one system call) and returns its result; a result of -1 throws `SystemError(call:errno:)`
    /// with the `errno` it left, after retrying while that is `EINTR` when `retryOnInterrupt` is set.
    /// swift-system's `valueOrErrno(retryOnInterrupt:)`, the one EINTR loop of the project.
    @inlinable
    public static func valueOrErrno<Result: FixedWidthInteger>(
        _ call: String, retryOnInterrupt: Bool = true, _ body: () -> Result
    ) throws(SystemError) -> Result {
        while true {
            let result = body()
            if result != -1 { return result }
            let code = currentErrno
            if retryOnInterrupt && code == EINTR { continue }
            throw SystemError(call: call, errno: code)
        }
    }

    /// `errno` of this thread.
    @usableFromInline static var currentErrno: Int32 {
        #if canImport(Glibc)
            Glibc.errno
        #elseif canImport(Musl)
            Musl.errno
        #else
            Darwin.errno
        #endif
    }

    /// Writes all of `bytes` to `descriptor` with `write(2)`, or at byte `offset` of the file with `pwrite(2)`,
    /// as many calls as it takes (a call may write less than asked), each retried on `EINTR`.
    public static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], at offset: Int? = nil) throws(SystemError) {
        // The closure returns the failure rather than throwing it: a typed-throwing closure passed to
        // `withUnsafeBytes` crashed the Swift 6.3.1 optimizer (ARCSequenceOpts, signal 11).
        let failure = bytes.withUnsafeBytes { raw -> SystemError? in
            do throws(SystemError) {
                try writeAll(descriptor, raw, at: offset)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// `writeAll` of the bytes in `buffer`.
    public static func writeAll(
        _ descriptor: Int32, _ buffer: UnsafeRawBufferPointer, at offset: Int? = nil
    ) throws(SystemError) {
        var written = 0
        while written < buffer.count {
            // This is safe because `written < buffer.count`: the pointer and length stay inside `buffer`.
            let start = buffer.baseAddress! + written
            let left = buffer.count - written
            if let offset {
                written += try valueOrErrno("pwrite") { pwrite(descriptor, start, left, off_t(offset + written)) }
            } else {
                written += try valueOrErrno("write") { write(descriptor, start, left) }
            }
        }
    }
}
