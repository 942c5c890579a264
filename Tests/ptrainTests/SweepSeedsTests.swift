import Foundation
import Model
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `ptrain sweep --seeds` through the built binary on a small real-MNIST subset: one run per (size, seed), each a
/// normal run, resumable, summarized per size with mean ± sd and a 95% interval recomputable from results.csv.
@Suite("sweep --seeds: every size with every seed, resumable, summarized over seeds", .serialized)
struct SweepSeedsTests {
    static let common = [
        "--train-limit", "400", "--test-limit", "200", "--validation", "100", "--threads", "2", "--data",
        TestMNIST.path,
    ]

    static func sweep(_ directory: URL, _ extra: [String]) throws -> ProcessResult {
        try PtrainProcess.run(["sweep", "--out", directory.path] + common + extra)
    }

    static func text(_ directory: URL, _ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    /// The rows of a CSV file, each split into fields, the header first.
    static func table(_ directory: URL, _ name: String) throws -> [[String]] {
        try text(directory, name).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    @Test(
        "--seeds × --hidden: h<H>-s<seed> runs, a seed column, summary.csv (averaged weights too) recomputed exactly from results.csv"
    )
    func seedsAndSizes() throws {
        let directory = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try Self.sweep(
            directory,
            ["--hidden", "16,32", "--seeds", "1,2,3", "--epochs", "2", "--average-from", "1", "--parallel-runs", "2"])
        #expect(first.status == 0, "\(first)")
        #expect(
            first.stdout.contains("sweep of 6 runs (sizes 16, 32 × seeds 1, 2, 3) in \(directory.path); 2 at a time"))
        let rows = try Self.table(directory, "results.csv")
        let header = rows[0]
        #expect(header.last == "final_averaged_test_accuracy_spike" && header[9] == "seed")
        #expect(header[10] == "selected_epoch_test_accuracy_relaxed")
        #expect(rows.dropFirst().allSatisfy { !$0[11].isEmpty })
        #expect(rows.dropFirst().map { "\($0[0])-\($0[9])" } == ["16-1", "16-2", "16-3", "32-1", "32-2", "32-3"])
        #expect(rows.dropFirst().allSatisfy { $0[8] == "validation" })
        for label in ["h16-s1", "h16-s2", "h16-s3", "h32-s1", "h32-s2", "h32-s3"] {
            let latest = directory.appendingPathComponent("\(label)/latest.ckpt").path
            #expect(FileManager.default.fileExists(atPath: latest), "\(label)")
        }
        #expect(try SweepIdentity.read(path: directory.appendingPathComponent("sweep.json").path)?.seeds == [1, 2, 3])

        // summary.csv, recomputed from results.csv's rows: the mean adds in row order, the sd is the sample sd
        // (n − 1) by two passes, the interval mean ± t(0.975, n − 1) · sd / √n.
        let summary = try Self.table(directory, "summary.csv")
        let summaryHeader: String = [
            "hidden,n,selected_by,selected_test_spike_mean,selected_test_spike_sd,selected_test_spike_ci95_low,",
            "selected_test_spike_ci95_high,selected_test_relaxed_mean,selected_test_relaxed_sd,",
            "selected_test_relaxed_ci95_low,selected_test_relaxed_ci95_high,final_test_spike_mean,final_test_spike_sd,",
            "final_test_spike_ci95_low,final_test_spike_ci95_high,final_averaged_test_spike_mean,",
            "final_averaged_test_spike_sd,final_averaged_test_spike_ci95_low,final_averaged_test_spike_ci95_high",
        ].joined()
        #expect(summary[0].joined(separator: ",") == summaryHeader)
        #expect(summary.count == 3)
        var cells: [String] = []
        for (line, size) in zip(summary.dropFirst(), ["16", "32"]) {
            let runs = rows.dropFirst().filter { $0[0] == size }
            var expected = [size, "3", "validation"]
            // Selected epoch's test spike accuracy, relaxed readout at that epoch, final epoch's test accuracy, the
            // averaged weights' at the final epoch.
            for column in [1, 10, 3, 11] {
                let values = runs.map { Double($0[column])! }
                let mean = (values[0] + values[1] + values[2]) / 3
                let squares = values.map { ($0 - mean) * ($0 - mean) }
                let sd = ((squares[0] + squares[1] + squares[2]) / 2).squareRoot()
                let half = 4.302652729749462 * sd / 3.0.squareRoot()
                expected += [mean, sd, mean - half, mean + half].map { MetricsTable.fixed($0, 6) }
                // The same bits from the model's summary (the tabled t quantile agrees to ~1e-15).
                let model = SeedSummary(values)
                #expect(model.mean == mean && model.standardDeviation == sd)
                cells.append("\(MetricsTable.fixed(100 * mean, 2))% ± \(MetricsTable.fixed(100 * sd, 2)) [")
            }
            #expect(line == expected, "h\(size)")
        }
        let markdown = try Self.text(directory, "results.md")
        #expect(markdown.contains("| hidden | seed | test (spike) at the selected epoch |"))
        #expect(markdown.contains("Per size over seeds, epochs validation-selected: mean ± sample sd (n − 1)"))
        #expect(markdown.contains("| 16 | 3 | \(cells[0])"), "\(markdown)")
        #expect(markdown.contains("| 32 | 3 | \(cells[4])"), "\(markdown)")
        let figure = try Self.text(directory, "accuracy-vs-hidden.svg")
        #expect(figure.contains("mean over 3 seeds per size, error bars ± 1 sample sd; epochs validation-selected"))
        // Error bars: a stem and two caps per point, 2 sizes × 4 series.
        #expect(figure.components(separatedBy: "stroke-width=\"1.5\"").count - 1 == 3 * 2 * 4)
        #expect(figure.contains("averaged weights, spikes"))
    }

    @Test("--seeds alone takes the configuration's size; re-runs skip, more seeds and epochs resume bit-exactly")
    func seedsAloneAndResume() throws {
        let directory = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("h24.json")
        try Data(#"{"hidden": 24}"#.utf8).write(to: config)
        let sweep = directory.appendingPathComponent("sweep")
        let first = try Self.sweep(sweep, ["--config", config.path, "--seeds", "1,2", "--epochs", "1"])
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.contains("sweep of 2 runs (sizes 24 × seeds 1, 2)"))
        let again = try Self.sweep(sweep, ["--config", config.path, "--seeds", "1,2", "--epochs", "1"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("h24-s1: finished earlier, skipped\nh24-s2: finished earlier, skipped\n"))

        // A third seed and a second epoch: the first two resume, the third starts; recorded seeds 1, 2, 3 …
        let more = try Self.sweep(sweep, ["--config", config.path, "--seeds", "2,3,1", "--epochs", "2"])
        #expect(more.status == 0, "\(more)")
        #expect(
            more.stdout.contains("h24-s2: resuming from epoch 2")
                && more.stdout.contains("h24-s1: resuming from epoch 2"))
        #expect(try SweepIdentity.read(path: sweep.appendingPathComponent("sweep.json").path)?.seeds == [1, 2, 3])
        // … and each is the run `ptrain train` makes in one go.
        for seed in ["1", "3"] {
            let reference = directory.appendingPathComponent("train-s\(seed)")
            let train = try PtrainProcess.run(
                ["train", "--hidden", "24", "--seed", seed, "--epochs", "2", "--out", reference.path] + Self.common)
            #expect(train.status == 0, "\(train)")
            #expect(
                try Data(contentsOf: reference.appendingPathComponent("weights.bin"))
                    == Data(contentsOf: sweep.appendingPathComponent("h24-s\(seed)/weights.bin")), "seed \(seed)")
        }
        let summary = try Self.table(sweep, "summary.csv")
        #expect(summary.count == 2 && summary[1][0] == "24" && summary[1][1] == "3")
    }

    @Test("one sweep, one kind: --seeds on a sweep without them, and the other way, and other keys are refused")
    func refusals() throws {
        let directory = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = directory.appendingPathComponent("plain")
        #expect(try Self.sweep(plain, ["--hidden", "16", "--epochs", "1"]).status == 0)
        // A sweep.json from before the validation keys existed: they count as recorded at their defaults.
        let identity = plain.appendingPathComponent("sweep.json")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: identity)) as? [String: Any])
        var configuration = try #require(json["configuration"] as? [String: String])
        #expect(configuration.removeValue(forKey: "validationSplit") == "\"last\"")
        json["configuration"] = configuration
        try JSONSerialization.data(withJSONObject: json).write(to: identity)
        let older = try Self.sweep(plain, ["--hidden", "16", "--epochs", "1"])
        #expect(older.status == 0 && older.stdout.contains("h16: finished earlier, skipped\n"), "\(older)")
        let seeded = directory.appendingPathComponent("seeded")
        #expect(try Self.sweep(seeded, ["--hidden", "16", "--seeds", "4", "--epochs", "1"]).status == 0)
        let n1 = try Self.table(seeded, "summary.csv")[1]
        #expect(n1[1] == "1" && n1[4] == "" && n1[5] == "" && n1[6] == "")
        #expect(try Self.text(seeded, "results.md").contains("(n = 1: no sd, no interval)"))

        let cases: [(URL, [String], String)] = [
            (
                plain, ["--hidden", "16", "--seeds", "1,2", "--epochs", "1"],
                "Error: \(plain.path)/sweep.json: this sweep was run without --seeds (one run h<H> per size), this "
                    + "command gives --seeds 1,2; use another --out for a sweep over seeds\n"
            ),
            (
                seeded, ["--hidden", "16", "--epochs", "1"],
                "Error: \(seeded.path)/sweep.json: this sweep was run with --seeds 4; give --seeds (it may add seeds) "
                    + "or use another --out\n"
            ),
            (
                seeded, ["--hidden", "16", "--seeds", "4,5", "--epochs", "1", "--lr1", "0.5"],
                "Error: \(seeded.path)/sweep.json: this sweep was run with lr1 = 0.05, this command gives 0.5; a "
                    + "sweep directory holds one configuration (only --epochs, the --hidden sizes and the --seeds may "
                    + "change): use another --out for another configuration\n"
            ),
        ]
        for (sweep, extra, message) in cases {
            let result = try Self.sweep(sweep, extra)
            #expect(result.status == 1 && result.stderr == message, "\(result)")
        }
        #expect(!FileManager.default.fileExists(atPath: seeded.appendingPathComponent("h16-s5").path))

        let usage: [([String], String)] = [
            (
                ["--seeds", "1,x"],
                "Error: Invalid value '1,x' for '--seeds': must be non-negative integers separated by commas.\n"
            ),
            (
                ["--seeds", "1", "--seed", "2"],
                "Error: Option '--seed' cannot be used with '--seeds': each run of a sweep over seeds takes its seed "
                    + "from --seeds.\n"
            ),
            (
                ["--epochs", "1"],
                "Error: Missing required option '--hidden LIST', '--layer I.KEY=LIST' or '--seeds LIST'.\n"
            ),
        ]
        for (arguments, message) in usage {
            let result = try PtrainProcess.run(["sweep"] + arguments)
            #expect(result.status == 64 && result.stderr.hasPrefix(message), "\(result)")
        }
    }

    @Test("SIGINT in a sweep over seeds: exit 130, and the same command finishes every run bit-exactly")
    func interruptAndResume() throws {
        let directory = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sweep = directory.appendingPathComponent("sweep")
        let settings = [
            "--hidden", "48", "--epochs", "2", "--train-limit", "6000", "--test-limit", "100", "--data", TestMNIST.path,
            "--threads", "1",
        ]
        let arguments = ["sweep", "--seeds", "1,2", "--out", sweep.path] + settings
        let child = try ChildProcess(arguments, in: directory)
        // Interrupt once the first run has finished an epoch (its latest.ckpt exists).
        let started = child.wait(upTo: 60) {
            FileManager.default.fileExists(atPath: sweep.appendingPathComponent("h48-s1/latest.ckpt").path)
        }
        #expect(started)
        child.send(SIGINT)
        let interrupted = child.finish()
        #expect(interrupted.status == 130, "\(interrupted)")
        #expect(interrupted.stderr.contains("Interrupted: every started run saved latest.ckpt."))
        let resumed = try ChildProcess.run(arguments, in: directory)
        #expect(resumed.status == 0, "\(resumed)")
        for seed in ["1", "2"] {
            let reference = directory.appendingPathComponent("train-s\(seed)")
            let train = try ChildProcess.run(
                ["train", "--seed", seed, "--out", reference.path, "--checkpoint-every", "off"] + settings,
                in: directory)
            #expect(train.status == 0, "\(train)")
            #expect(
                try CheckpointCLITests.withoutTiming(reference.appendingPathComponent("latest.ckpt").path)
                    == CheckpointCLITests.withoutTiming(sweep.appendingPathComponent("h48-s\(seed)/latest.ckpt").path),
                "seed \(seed)")
        }
    }
}
