import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `ptrain sweep` through the built binary on a small real-MNIST subset.
@Suite("sweep: one run per size, resumable, with results and figures", .serialized)
struct SweepCommandTests {
    static let mnist = TestMNIST.path

    func sweep(_ directory: URL, _ extra: [String]) throws -> ProcessResult {
        try PtrainProcess.run(
            [
                "sweep", "--hidden", "16,48", "--train-limit", "600", "--test-limit", "200", "--data", Self.mnist,
                "--out", directory.path, "--threads", "2",
            ] + extra)
    }

    @Test("results.csv has one row per size; a re-run skips finished sizes; more epochs resume them")
    func sweepAndResume() throws {
        let directory = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try sweep(directory, ["--epochs", "2", "--parallel-runs", "2", "--keep", "1"])
        #expect(first.status == 0, "\(first.stderr)")
        // --keep 1: each size keeps only its last epoch's checkpoint.
        for size in [16, 48] {
            let names = try FileManager.default.contentsOfDirectory(
                atPath: directory.appendingPathComponent("h\(size)").path)
            #expect(names.filter { $0.hasPrefix("epoch-") }.sorted() == ["epoch-0002.ckpt"], "h\(size): \(names)")
        }
        let csv = try String(contentsOf: directory.appendingPathComponent("results.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        let header: String = [
            "hidden,best_test_accuracy_spike,best_epoch,final_test_accuracy_spike,best_test_accuracy_relaxed,epochs,",
            "seconds,samples_per_second,selected_by,seed,selected_epoch_test_accuracy_relaxed",
        ].joined()
        #expect(lines.first.map(String.init) == header)
        #expect(lines.dropFirst().map { $0.split(separator: ",")[0] } == ["16", "48"])
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",")[5] == "2" })
        for figure in ["accuracy-vs-hidden.svg", "accuracy-vs-epoch.svg"] {
            let svg = try String(contentsOf: directory.appendingPathComponent(figure), encoding: .utf8)
            #expect(svg.hasPrefix("<svg") && svg.contains("<polyline"), "\(figure)")
        }
        let weightsBefore = try Data(contentsOf: directory.appendingPathComponent("h16/weights.bin"))

        let again = try sweep(directory, ["--epochs", "2"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("h16: finished earlier, skipped\nh48: finished earlier, skipped\n"))
        #expect(try Data(contentsOf: directory.appendingPathComponent("h16/weights.bin")) == weightsBefore)

        let longer = try sweep(directory, ["--epochs", "3"])
        #expect(longer.status == 0)
        #expect(longer.stdout.contains("h16: resuming from epoch 3"))
        let csvAfter = try String(contentsOf: directory.appendingPathComponent("results.csv"), encoding: .utf8)
        #expect(csvAfter.split(separator: "\n").dropFirst().allSatisfy { $0.split(separator: ",")[5] == "3" })
    }

    @Test("--patience stops a size whose accuracy stalls and marks it finished")
    func patience() throws {
        let directory = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try PtrainProcess.run(
            [
                "sweep", "--hidden", "16", "--epochs", "40", "--train-limit", "200", "--test-limit", "100", "--data",
                Self.mnist, "--out", directory.path, "--patience", "1",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("h16: no better test accuracy for 1 epochs, stopped after epoch"))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("h16/early-stopped").path))
        let epochs = try String(contentsOf: directory.appendingPathComponent("results.csv"), encoding: .utf8)
            .split(separator: "\n")[1].split(separator: ",")[5]
        #expect(Int(epochs)! < 40)
    }

    @Test("SIGINT during a sweep: exit 130, every started size saved, the same command resumes to the end")
    func interruptAndResume() throws {
        let directory = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = [
            "sweep", "--hidden", "64,128", "--epochs", "2", "--train-limit", "10000", "--test-limit", "100", "--data",
            Self.mnist, "--out", directory.path, "--threads", "1",
        ]
        let child = try ChildProcess(arguments, in: directory)
        // Interrupt once the first size has finished an epoch (its latest.ckpt exists).
        let started = child.wait(upTo: 60) {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent("h64/latest.ckpt").path)
        }
        #expect(started)
        child.send(SIGINT)
        let interrupted = child.finish()
        #expect(interrupted.status == 130, "\(interrupted)")
        #expect(interrupted.stderr.contains("Resume with the same command."))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("results.csv").path))

        let resumed = try PtrainProcess.run(arguments)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let rows = try String(contentsOf: directory.appendingPathComponent("results.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst()
        #expect(rows.map { $0.split(separator: ",")[0] } == ["64", "128"])
        #expect(rows.allSatisfy { $0.split(separator: ",")[5] == "2" })
    }

    @Test("a malformed size list is a usage error")
    func badList() throws {
        let result = try PtrainProcess.run(["sweep", "--hidden", "100,abc"])
        #expect(result.status == 64)
        #expect(
            result.stderr.hasPrefix(
                "Error: Invalid value '100,abc' for '--hidden': must be sizes in 1...1000000 separated by commas."))
    }
}
