import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Out of disk space while checkpointing: the run stops with an error naming the file, exit 1, and the
/// checkpoint on disk is whole. Uses a 1 MB tmpfs, so it needs root (CI and the build machines run as root).
@Suite("storage faults, end to end", .serialized, .enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
struct StorageFaultTests {
    static let mnist = TestMNIST.path

    func shell(_ command: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test("a full disk stops training with exit 1 naming the file; latest.ckpt stays readable, no temporaries left")
    func diskFull() throws {
        let mountPoint = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: mountPoint) }
        try #require(try shell("mount -t tmpfs -o size=1m tmpfs '\(mountPoint.path)'") == 0, "cannot mount a tmpfs")
        defer { _ = try? shell("umount '\(mountPoint.path)'") }
        let run = mountPoint.appendingPathComponent("run")

        // Every epoch adds a ~100 KB epoch checkpoint (--keep 100), so the disk fills within a few epochs.
        let result = try PtrainProcess.run([
            "train", "--hidden", "32", "--epochs", "30", "--keep", "100", "--train-limit", "200", "--test-limit", "50",
            "--data", Self.mnist, "--out", run.path, "--threads", "2",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("Error: training stopped: \(run.path)/"))
        #expect(result.stderr.contains("No space left on device"))

        let inspect = try PtrainProcess.run(["inspect", run.appendingPathComponent("latest.ckpt").path])
        #expect(inspect.status == 0, "latest.ckpt unreadable after the failure: \(inspect.stderr)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: run.path).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }
}
