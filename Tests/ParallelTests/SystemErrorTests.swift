import Foundation
import Parallel
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("SystemError")
struct SystemErrorTests {
    @Test("a failed call throws its name and errno; the description is strerror's text")
    func failedCall() {
        #expect(throws: SystemError(call: "open", errno: ENOENT)) {
            try SystemError.valueOrErrno("open") { open("/nonexistent/file", O_RDONLY) }
        }
        #expect(SystemError(call: "write", errno: ENOSPC).description == "No space left on device")
        #expect(SystemError(call: "open", errno: ENOENT).description == "No such file or directory")
    }

    @Test("EINTR is retried until the call succeeds, or thrown when retryOnInterrupt is false")
    func interrupted() throws {
        var calls = 0
        let value = try SystemError.valueOrErrno("read") { () -> Int in
            calls += 1
            if calls < 3 {
                errno = EINTR
                return -1
            }
            return 7
        }
        #expect(value == 7 && calls == 3)
        #expect(throws: SystemError(call: "read", errno: EINTR)) {
            try SystemError.valueOrErrno("read", retryOnInterrupt: false) { () -> Int in
                errno = EINTR
                return -1
            }
        }
    }

    @Test("writeAll writes every byte, at the end of the file or at an offset")
    func writeAll() throws {
        let path = NSTemporaryDirectory() + "/ptrain-system-error-\(getpid())"
        defer { unlink(path) }
        let descriptor = try SystemError.valueOrErrno("open") { open(path, O_RDWR | O_CREAT | O_TRUNC, 0o644) }
        defer { close(descriptor) }
        try SystemError.writeAll(descriptor, [1, 2, 3, 4, 5, 6])
        try SystemError.writeAll(descriptor, [9, 8], at: 2)
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == [1, 2, 9, 8, 5, 6])
        #expect(throws: SystemError(call: "write", errno: EBADF)) { try SystemError.writeAll(-1, [1]) }
        #expect(throws: SystemError(call: "pwrite", errno: EBADF)) { try SystemError.writeAll(-1, [1], at: 0) }
    }
}
