import Foundation
import Model
import Testing

/// `ptrain compare` through the built binary: runs matched by seed, McNemar's counts checked against the runs'
/// own predictions computed here, the pooled line and the paired t-test, and one-line errors naming the path.
@Suite("compare: McNemar per matched pair, pooled counts and a paired t-test", .serialized)
struct CompareCommandTests {
    static let common = [
        "--hidden", "16", "--train-limit", "300", "--validation", "100", "--epochs", "1", "--threads", "2", "--data",
        TestMNIST.path,
    ]

    static func percent(_ fraction: Double) -> String { MetricsTable.fixed(100 * fraction, 2) + "%" }

    static func probability(_ p: Double) -> String {
        p >= 0.0001 ? MetricsTable.fixed(p, 4) : String(format: "%.1e", p)
    }

    /// The spike readout's predictions of `checkpoint` on `test`, computed in this process.
    static func predictions(_ checkpoint: URL, _ test: Dataset) throws -> Evaluation {
        let model = try ModelFile.read(path: checkpoint.path)
        return evaluate(network: model.network, config: model.config, dataset: test, threads: 2)
    }

    @Test("two sweeps matched by seed: b, c and both p-values per pair, the pooled line and the paired t-test")
    func sweeps() throws {
        let directory = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let a = directory.appendingPathComponent("a")
        let b = directory.appendingPathComponent("b")
        let first = try PtrainProcess.run(
            ["sweep", "--seeds", "1,2", "--test-limit", "200", "--out", a.path] + Self.common)
        #expect(first.status == 0, "\(first)")
        let second = try PtrainProcess.run(
            ["sweep", "--seeds", "1,2,3", "--test-limit", "200", "--nudge", "beta", "--out", b.path] + Self.common)
        #expect(second.status == 0, "\(second)")

        let result = try PtrainProcess.run(["compare", a.path, b.path, "--data", TestMNIST.path, "--threads", "2"])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result)")
        let test = try MNIST.loadTest(directory: TestMNIST.path).prefix(200)
        let labels = test.labels.map(Int.init)
        var accuracies: ([Double], [Double]) = ([], [])
        var counts: (b: Int, c: Int) = (0, 0)
        let selected = try String(contentsOf: a.appendingPathComponent("results.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        for seed in [1, 2] {
            let run = "h16-s\(seed)"
            let one = try Self.predictions(a.appendingPathComponent("\(run)/best.ckpt"), test)
            let other = try Self.predictions(b.appendingPathComponent("\(run)/best.ckpt"), test)
            // best.ckpt classifies the test images as the run did at its selected epoch.
            #expect(MetricsTable.fixed(one.spikeAccuracy, 6) == selected[seed - 1][1])
            let onlyA = labels.indices.filter {
                one.spikePredictions[$0] == labels[$0] && other.spikePredictions[$0] != labels[$0]
            }
            let onlyB = labels.indices.filter {
                one.spikePredictions[$0] != labels[$0] && other.spikePredictions[$0] == labels[$0]
            }
            let mcNemar = McNemar(b: onlyA.count, c: onlyB.count)
            let chi = Double((onlyA.count - onlyB.count).magnitude) - 1
            let chiSquare = chi * chi / Double(onlyA.count + onlyB.count)
            let row =
                "| seed \(seed) | \(run), epoch 1 | \(run), epoch 1 | \(Self.percent(one.spikeAccuracy)) | "
                + "\(Self.percent(other.spikeAccuracy)) | \(onlyA.count) | \(onlyB.count) | "
                + "\(Self.probability(mcNemar.exactPValue)) | \(MetricsTable.fixed(chiSquare, 3)) | "
                + "\(Self.probability(mcNemar.chiSquarePValue!)) |\n"
            #expect(result.stdout.contains(row), "\(row)\n\(result.stdout)")
            accuracies.0.append(one.spikeAccuracy)
            accuracies.1.append(other.spikeAccuracy)
            counts = (counts.b + onlyA.count, counts.c + onlyB.count)
        }
        #expect(
            result.stdout.hasPrefix(
                "A: \(a.path) (sweep, 2 runs)\nB: \(b.path) (sweep, 3 runs)\nspike readout of each run's best.ckpt on "
                    + "200 test images; b: A right and B wrong, c: A wrong and B right\n\n"
                    + "| pair | A | B | A test (spike) | B test (spike) | b | c | exact p | χ² (corrected) | p (χ²) |\n"
            ))
        #expect(result.stdout.contains("\npooled over 2 pairs: b = \(counts.b), c = \(counts.c), exact p = "))
        let paired = PairedTTest(a: accuracies.0, b: accuracies.1)
        let mean = (paired.differences.mean >= 0 ? "+" : "") + MetricsTable.fixed(100 * paired.differences.mean, 2)
        #expect(result.stdout.contains("paired t-test over the 2 accuracy differences A − B: mean \(mean) points"))
        #expect(result.stdout.contains("epochs: A validation-selected, B validation-selected (each run's best.ckpt)\n"))
        #expect(result.stdout.hasSuffix("not matched: \(b.path)/h16-s3 (no seed 3 in A)\n"))

        // A run against a run: one pair; a run against a sweep: the sweep's run of its seed.
        let runs = try PtrainProcess.run(
            [
                "compare", a.appendingPathComponent("h16-s1").path, b.appendingPathComponent("h16-s2").path, "--data",
                TestMNIST.path,
            ])
        #expect(runs.status == 0, "\(runs)")
        #expect(runs.stdout.contains("\n| 1 | h16-s1, epoch 1 | h16-s2, epoch 1 | "))
        #expect(runs.stdout.contains("\none pair: no pooled line and no paired t-test (they need two or more pairs)\n"))
        let mixed = try PtrainProcess.run([
            "compare", a.appendingPathComponent("h16-s2").path, b.path, "--data", TestMNIST.path,
        ])
        #expect(mixed.status == 0, "\(mixed)")
        #expect(mixed.stdout.contains("\n| seed 2 | h16-s2, epoch 1 | h16-s2, epoch 1 | "))
        // A run against itself: no discordant image.
        let itself = try PtrainProcess.run(["compare", a.path, a.path, "--data", TestMNIST.path])
        #expect(itself.stdout.contains(" | 0 | 0 | 1.0000 | – | – |\n"), "\(itself)")

        // Two sweeps of several sizes: matched by size and seed, pooled size by size.
        let sizes = directory.appendingPathComponent("sizes")
        let grid = try PtrainProcess.run(
            ["sweep", "--seeds", "1,2", "--test-limit", "200", "--out", sizes.path, "--hidden", "16,32"]
                + Self.common.filter { $0 != "--hidden" && $0 != "16" })
        #expect(grid.status == 0, "\(grid)")
        let bySize = try PtrainProcess.run(["compare", sizes.path, sizes.path, "--data", TestMNIST.path])
        #expect(bySize.status == 0, "\(bySize)")
        for size in [16, 32] {
            #expect(bySize.stdout.contains("\n| h\(size)-s2 | h\(size)-s2, epoch 1 | h\(size)-s2, epoch 1 | "))
            #expect(
                bySize.stdout.contains(
                    "\nh\(size): pooled over 2 pairs: b = 0, c = 0, exact p = 1.0000, χ² = –, p = – (the pairs share"))
            #expect(
                bySize.stdout.contains(
                    "\nh\(size): paired t-test over the 2 accuracy differences A − B: all +0.00 points, no test\n"))
        }
    }

    @Test("errors name the path: missing directory, no best.ckpt, other test images, nothing to pair")
    func errors() throws {
        let directory = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let small = directory.appendingPathComponent("r100")
        let large = directory.appendingPathComponent("r200")
        #expect(try PtrainProcess.run(["train", "--test-limit", "100", "--out", small.path] + Self.common).status == 0)
        #expect(try PtrainProcess.run(["train", "--test-limit", "200", "--out", large.path] + Self.common).status == 0)
        let seven = directory.appendingPathComponent("s7")
        #expect(
            try PtrainProcess.run(["sweep", "--seeds", "7", "--test-limit", "100", "--out", seven.path] + Self.common)
                .status == 0)
        let unfinished = directory.appendingPathComponent("unfinished")
        try FileManager.default.createDirectory(at: unfinished, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: unfinished.appendingPathComponent("run.json"))
        let empty = directory.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)

        let testSet = try MNIST.loadTest(directory: TestMNIST.path)
        let part100 = DataFingerprint.Part(of: testSet.prefix(100))
        let part200 = DataFingerprint.Part(of: testSet.prefix(200))
        let cases: [([String], String)] = [
            (
                [small.path, large.path],
                "Error: \(large.path)/best.ckpt: evaluated on other test images than \(small.path)/best.ckpt (test "
                    + "\(part200), not test \(part100)): McNemar's test pairs the same images\n"
            ),
            (["/nowhere", small.path], "Error: /nowhere: no such run or sweep directory\n"),
            (
                [small.path, unfinished.path],
                "Error: \(unfinished.path): no best.ckpt (the run has finished no epoch)\n"
            ),
            (
                [empty.path, small.path],
                "Error: \(empty.path): neither a run directory (no best.ckpt) nor a sweep directory (no h<H> runs)\n"
            ),
            (
                [seven.path, small.path],
                "Error: \(seven.path) and \(small.path): no runs to pair (A has seed 7, B has seed 1)\n"
            ),
        ]
        for (arguments, message) in cases {
            let result = try PtrainProcess.run(["compare"] + arguments + ["--data", TestMNIST.path])
            #expect(result.status == 1 && result.stdout.isEmpty && result.stderr == message, "\(result)")
        }
        let usage: [([String], String)] = [
            ([small.path], "Error: Missing required option 'B'.\n"),
            (["x", "y", "z"], "Error: Unexpected argument 'z'.\n"),
        ]
        for (arguments, message) in usage {
            let result = try PtrainProcess.run(["compare"] + arguments)
            #expect(result.status == 64 && result.stderr.hasPrefix(message + "Usage: ptrain compare A B "), "\(result)")
        }
    }
}
