import Foundation
import Testing

/// `ptrain train` then `ptrain report` through the built binary, on a small real-MNIST run.
@Suite("report: figures of a run, end to end", .serialized)
struct ReportCommandTests {
    static let mnist = TestMNIST.path

    @Test("learning curve and confusion SVGs, confusion text and a valid weights PNG")
    func reportWritesFigures() throws {
        let run = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: run) }
        let train = try PtrainProcess.run([
            "train", "--hidden", "32", "--epochs", "2", "--train-limit", "500", "--test-limit", "200",
            "--data", Self.mnist, "--out", run.path, "--threads", "2",
        ])
        #expect(train.status == 0, "\(train.stderr)")
        let report = try PtrainProcess.run(["report", run.path, "--data", Self.mnist, "--tiles", "9"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(
            report.stdout.hasSuffix(
                "wrote learning-curve.svg, confusion.svg, confusion.txt, weights.png to \(run.path)\n"))

        let curve = try String(contentsOf: run.appendingPathComponent("learning-curve.svg"), encoding: .utf8)
        #expect(curve.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        for label in ["test, spikes", "test, relaxed", "train", "epoch", "accuracy (%)"] {
            #expect(curve.contains(">\(label)</text>"), "learning curve lacks \(label)")
        }
        #expect(curve.components(separatedBy: "<polyline").count == 4)  // three series

        // The confusion matrix counts every one of the 200 test images once.
        let text = try String(contentsOf: run.appendingPathComponent("confusion.txt"), encoding: .utf8)
        let rows = text.split(separator: "\n").dropFirst()
        #expect(rows.count == 10)
        let total = rows.map { row in
            row.split(separator: " ").dropFirst().dropLast().compactMap { Int($0) }.reduce(0, +)
        }
        .reduce(0, +)
        #expect(total == 200)

        // weights.png: PNG signature, IHDR of a 3×3 grid of 28×28 tiles magnified 3× with 2-pixel gaps.
        let png = [UInt8](try Data(contentsOf: run.appendingPathComponent("weights.png")))
        #expect(Array(png[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 3 * (84 + 2) + 2 && height == 3 * (84 + 2) + 2)
        #expect(png[24] == 8 && png[25] == 0)  // 8-bit greyscale
    }

    @Test("a directory without a run is named in the error")
    func missingRun() throws {
        let empty = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        let result = try PtrainProcess.run(["report", empty.path])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: \(empty.path)/metrics.csv: no such metrics file\n")
    }

    static let header = "epoch,train_accuracy,test_accuracy_spike,test_accuracy_relaxed,seconds,samples_per_second"

    /// A bad metrics.csv and the message after `Error: RUN/metrics.csv: `.
    static let badMetrics: [(name: String, bytes: [UInt8], message: String)] = [
        ("empty", [], "empty file, expected the header line '\(header)'"),
        (
            "wrong header", Array("epoch,train\n1,2\n".utf8),
            "line 1: expected the header '\(header)', found 'epoch,train'"
        ),
        (
            "no header", Array("1,0.5,0.5,0.5,1,2\n".utf8),
            "line 1: expected the header '\(header)', found '1,0.5,0.5,0.5,1,2'"
        ),
        ("header only", Array("\(header)\n".utf8), "no epoch after the header (the run has not finished one)"),
        ("five columns", Array("\(header)\n1,0.5,0.5,0.5,1\n".utf8), "line 2: 5 columns, expected 6"),
        ("seven columns", Array("\(header)\n1,0.5,0.5,0.5,1,2,3\n".utf8), "line 2: 7 columns, expected 6"),
        ("garbage", Array("\(header)\n1,0.5,abc,0.5,1,2\n".utf8), "line 2: test_accuracy_spike 'abc' is not a number"),
        ("empty field", Array("\(header)\n1,,0.5,0.5,1,2\n".utf8), "line 2: train_accuracy '' is not a number"),
        ("NaN", Array("\(header)\n1,nan,0.5,0.5,1,2\n".utf8), "line 2: train_accuracy 'nan' is not finite"),
        ("inf", Array("\(header)\n1,0.5,0.5,0.5,inf,2\n".utf8), "line 2: seconds 'inf' is not finite"),
        (
            "accuracy above 1", Array("\(header)\n1,0.5,1.5,0.5,1,2\n".utf8),
            "line 2: test_accuracy_spike 1.5 is outside [0, 1]"
        ),
        (
            "negative accuracy", Array("\(header)\n1,0.5,0.5,-0.1,1,2\n".utf8),
            "line 2: test_accuracy_relaxed -0.1 is outside [0, 1]"
        ),
        (
            "negative rate", Array("\(header)\n1,0.5,0.5,0.5,1,-2\n".utf8),
            "line 2: samples_per_second -2 is outside [0, ∞)"
        ),
        (
            "epoch 0", Array("\(header)\n0,0.5,0.5,0.5,1,2\n".utf8),
            "line 2: epoch '0' is not a whole number of at least 1"
        ),
        (
            "fractional epoch", Array("\(header)\n1.5,0.5,0.5,0.5,1,2\n".utf8),
            "line 2: epoch '1.5' is not a whole number of at least 1"
        ),
        (
            "repeated epoch", Array("\(header)\n1,0.5,0.5,0.5,1,2\n1,0.5,0.5,0.5,1,2\n".utf8),
            "line 3: epoch 1 does not follow epoch 1 (epochs must increase)"
        ),
        (
            "decreasing epoch", Array("\(header)\n2,0.5,0.5,0.5,1,2\n1,0.5,0.5,0.5,1,2\n".utf8),
            "line 3: epoch 1 does not follow epoch 2 (epochs must increase)"
        ),
        ("blank line", Array("\(header)\n1,0.5,0.5,0.5,1,2\n\n2,0.5,0.5,0.5,1,2\n".utf8), "line 3: empty line"),
        ("not UTF-8", Array("\(header)\n".utf8) + [0xff, 0xfe, 0x0a], "cannot read metrics: not UTF-8 text"),
    ]

    @Test("a bad metrics.csv is one line naming file, line and problem; exit 1; nothing written", arguments: badMetrics)
    func badMetricsAreRefused(_ bad: (name: String, bytes: [UInt8], message: String)) throws {
        let run = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: run) }
        let metrics = run.appendingPathComponent("metrics.csv")
        try Data(bad.bytes).write(to: metrics)
        // Never read: the metrics are checked first.
        try Data("not a weights file".utf8).write(to: run.appendingPathComponent("weights.bin"))
        let out = run.appendingPathComponent("figures")
        let result = try PtrainProcess.run(["report", run.path, "--out", out.path, "--data", "/nonexistent"])
        #expect(result.status == 1, "\(bad.name)")
        #expect(result.stderr == "Error: \(metrics.path): \(bad.message)\n", "\(bad.name)")
        #expect(result.stdout == "")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: run.path).sorted() == ["metrics.csv", "weights.bin"])
        #expect(try [UInt8](Data(contentsOf: metrics)) == bad.bytes)
    }
}
