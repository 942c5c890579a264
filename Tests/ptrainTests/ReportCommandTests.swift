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
}
