import Foundation
import Model
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The one whole-file reader (`FileContents`) behind every file the program reads, and the one atomic writer.
@Suite("File I/O")
struct FileIOTests {
    /// Every reader refuses a directory, a FIFO (without blocking on it) and a missing file with the same reasons.
    @Test("every whole-file reader refuses a missing file, a directory and a FIFO alike")
    func readersAgree() throws {
        let directory = NSTemporaryDirectory() + "/ptrain-file-io-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory + "/dir", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(mkfifo(directory + "/fifo", 0o644) == 0)
        for (name, reason) in [("missing", "no such file"), ("dir", "is a directory"), ("fifo", "not a regular file")] {
            let path = directory + "/" + name
            #expect(throws: FileReadError(path: path, reason: reason)) { try FileContents.bytes(atPath: path) }
            #expect(throws: ConfigError.unreadable(path: path, reason: reason)) { try RunConfig.load(path: path) }
            #expect(throws: MetricsError.unreadable(path: path, reason: reason)) { try MetricsTable.read(path: path) }
            #expect(throws: DataError.unreadable(path: path, reason: reason)) { try IDX.readImages(path: path) }
            #expect(throws: WeightsFileError.unreadable(path: path, reason: reason)) {
                try WeightsFile.read(path: path)
            }
        }
    }

    @Test("an atomic write replaces the file whole and leaves no temporary; a failure names the file and strerror")
    func atomicWrite() throws {
        let directory = NSTemporaryDirectory() + "/ptrain-atomic-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/file.bin"
        try AtomicFile.write([1, 2, 3, 4], to: path)
        try AtomicFile.write(text: "ab", to: path)
        #expect(try FileContents.bytes(atPath: path) == [0x61, 0x62])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["file.bin"])
        let missing = directory + "/no/file.bin"
        #expect(
            throws: FileWriteError.cannotCreate(
                path: AtomicFile.temporaryPath(for: missing), reason: "No such file or directory")
        ) { try AtomicFile.write([1], to: missing) }
        #expect(AtomicFile.temporaryPath(for: "a/b.ckpt", process: 12) == "a/b.ckpt.tmp.12")
    }
}
