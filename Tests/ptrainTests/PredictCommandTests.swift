import Foundation
import Model
import Testing

/// `ptrain predict` through the built binary: one CSV row per image whose spike classes are `ptrain eval`'s,
/// counts whose argmax is that class, and an `--out` that never replaces a file of another kind.
@Suite("predict, end to end", .serialized)
struct PredictCommandTests {
    @Test("CSV rows: index, label, both classes, K spike counts; accuracy equals eval's; other files are refused")
    func writesPredictions() throws {
        let scratch = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let data = try TestMNIST.located.get()
        let run = scratch.appendingPathComponent("run").path
        let trained = try PtrainProcess.run([
            "train", "--hidden", "64", "--seed", "4", "--train-limit", "2000", "--epochs", "1", "--threads", "2",
            "--data", data, "--out", run,
        ])
        #expect(trained.status == 0, "\(trained)")
        let checkpoint = run + "/latest.ckpt"
        let csv = scratch.appendingPathComponent("p.csv").path
        let predicted = try PtrainProcess.run([
            "predict", "--checkpoint", checkpoint, "--data", data, "--limit", "500", "--out", csv,
        ])
        #expect(predicted.status == 0 && predicted.stdout.isEmpty, "\(predicted)")
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(
            lines.first == "index,label,spike_class,relaxed_class,"
                + (0..<10).map { "count_\($0)" }.joined(separator: ","))
        #expect(lines.count == 501)
        let rows = lines.dropFirst().map { $0.split(separator: ",").map { Int($0)! } }
        #expect(rows.map { $0[0] } == Array(0..<500))
        #expect(rows.allSatisfy { $0.count == 14 })
        // The spike class is an output with the most spikes (ties go to the drive, so any maximum).
        #expect(rows.allSatisfy { row in row[4 + row[2]] == row[4...].max() })
        let correct = rows.filter { $0[1] == $0[2] }.count
        let evaluated = try PtrainProcess.run([
            "eval", "--checkpoint", checkpoint, "--data", data, "--test-limit", "500",
        ])
        let percent = String(format: "%.2f%%", 100 * Double(correct) / 500)
        #expect(evaluated.stdout.contains("spike readout    \(percent)"), "\(evaluated.stdout) vs \(percent)")
        #expect(correct > 300, "\(correct) of 500 after one epoch on 2,000 images (measured 329)")
        // Standard output without --out; the same rows.
        let toStdout = try PtrainProcess.run(["predict", "--checkpoint", checkpoint, "--data", data, "--limit", "500"])
        #expect(toStdout.stdout == (try String(contentsOfFile: csv, encoding: .utf8)))
        // A file of another kind is refused and left as it is; a predict CSV is replaced.
        let before = try Data(contentsOf: URL(fileURLWithPath: checkpoint))
        let refused = try PtrainProcess.run([
            "predict", "--checkpoint", checkpoint, "--data", data, "--out", checkpoint,
        ])
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "Error: \(checkpoint): exists and is not a ptrain predict CSV; it is left as it is (choose another "
                + "--out)\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: checkpoint)) == before)
        let again = try PtrainProcess.run([
            "predict", "--checkpoint", checkpoint, "--data", data, "--limit", "3", "--out", csv,
        ])
        #expect(again.status == 0)
        #expect(try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").count == 4)
    }
}
