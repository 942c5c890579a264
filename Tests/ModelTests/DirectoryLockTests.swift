import Foundation
import Model
import Parallel
import Testing

/// The one-writer lock of run and sweep directories (docs/reliability.md, "Run directories").
@Suite("Directory lock")
struct DirectoryLockTests {
    static func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ptrain-lock-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a second holder is refused at once, naming the holder's pid and purpose")
    func secondHolderRefused() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try DirectoryLock(directory: directory, purpose: "train")
        #expect(first.directory == directory)
        let pid = ProcessInfo.processInfo.processIdentifier
        #expect(throws: DirectoryLockError.busy(directory: directory, pid: pid, holder: "train")) {
            _ = try DirectoryLock(directory: directory, purpose: "sweep")
        }
        let error = DirectoryLockError.busy(directory: directory, pid: pid, holder: "train")
        #expect(
            error.description
                == "\(directory): in use by ptrain process \(pid) (train); wait for it to finish or stop it, "
                + "or use another directory")
        withExtendedLifetime(first) {}
    }

    @Test("a released lock is taken over, and the lock file records the new holder")
    func releasedLockTakenOver() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do { _ = try DirectoryLock(directory: directory, purpose: "train") }
        let second = try DirectoryLock(directory: directory, purpose: "sweep")
        let text = try String(contentsOfFile: directory + "/" + DirectoryLock.fileName, encoding: .utf8)
        #expect(text == "\(ProcessInfo.processInfo.processIdentifier) sweep\n")
        withExtendedLifetime(second) {}
    }

    @Test("a directory that does not exist cannot be locked")
    func missingDirectory() throws {
        let directory = try Self.scratch() + "/missing"
        let expected = DirectoryLockError.cannotLock(
            directory: directory, failure: SystemError(call: "open", errno: ENOENT))
        #expect(throws: expected) { _ = try DirectoryLock(directory: directory, purpose: "train") }
        #expect(expected.description == "\(directory): cannot lock the directory: No such file or directory")
    }
}
