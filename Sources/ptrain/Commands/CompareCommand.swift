import Foundation
import Model

/// `ptrain compare A B`: a paired comparison of two runs, or of the matched runs of two sweeps, on the same test
/// images — McNemar's test per pair on the spike readout's per-image predictions of each run's best.ckpt, and
/// over several pairs the pooled counts and a paired t-test of the accuracy differences.
struct CompareCommand: Command {
    static let spec = CommandSpec(
        name: "compare",
        abstract: "Compare two runs or sweeps image by image (McNemar's test)",
        discussion: """
            A and B are each a run directory or a sweep directory. Runs of two sweeps are matched by seed, and by \
            hidden size as well when both sweeps have several; a run directory is matched with the sweep run of \
            its seed. For each pair, the test images are classified with both runs' best.ckpt (the epoch selected \
            on the validation split when the run has one, else on test; the report says which) by the spike \
            readout, and McNemar's test is computed from the discordant images: b (A right, B wrong) and c (A \
            wrong, B right), with the exact two-sided binomial p-value and the continuity-corrected chi-square \
            (|b - c| - 1)^2 / (b + c) with its p-value. With several pairs it prints the pooled counts (the pairs \
            share their test images, so the pooled test is descriptive) and a paired t-test over the per-pair \
            accuracy differences A - B. Both runs of a pair must have been evaluated on the same test images.
            """,
        synopsis: "A B [--data DIR] [--threads N] [--allow-other-data]",
        groups: [
            OptionGroup(
                "OPTIONS",
                [
                    OptionSpec("a", value: "DIR", "Run or sweep directory A (also accepted as the first bare word)"),
                    OptionSpec("b", value: "DIR", "Run or sweep directory B (also accepted as the second bare word)"),
                    SharedOptions.data,
                    SharedOptions.threads,
                    SharedOptions.scheduler,
                    OptionSpec(
                        "allow-other-data", value: nil,
                        "Compare even when the checkpoints were recorded on other test images than these"),
                ])
        ],
        positionals: ["a", "b"])

    let a: String
    let b: String
    let data: String?
    let threads: Int
    let allowOtherData: Bool

    init(options: ParsedOptions) throws(UsageError) {
        guard let a = try options.nonEmptyString("a") else { throw .missingOption("A") }
        guard let b = try options.nonEmptyString("b") else { throw .missingOption("B") }
        self.a = a
        self.b = b
        data = try options.nonEmptyString(SharedOptions.data.name)
        threads = try SharedOptions.threads(options)
        try SharedOptions.scheduler(options)
        allowOtherData = options.contains("allow-other-data")
    }

    func run() throws(RuntimeError) {
        let sideA = try ComparedSide(path: a)
        let sideB = try ComparedSide(path: b)
        let (pairs, unmatched) = try ComparedSide.pairs(sideA, sideB)
        let directory = try wrapData { () throws(DataError) in try DataAccess.locateTestSet(explicit: data) }
        let testSet = try wrapData { () throws(DataError) in try DataAccess.loadTestSet(directory: directory) }
        var rows: [PairResult] = []
        for pair in pairs {
            let test = try requireSameTestImages(pair, testSet: testSet)
            let labels = test.labels.map(Int.init)
            let first = try evaluate(pair.a, on: test)
            let second = try evaluate(pair.b, on: test)
            rows.append(
                PairResult(
                    pair: pair, count: test.count, accuracyA: first.spikeAccuracy, accuracyB: second.spikeAccuracy,
                    test: McNemar(labels: labels, a: first.spikePredictions, b: second.spikePredictions)))
        }
        Console.out(Self.report(rows, a: sideA, b: sideB, unmatched: unmatched))
    }

    /// One pair's outcome.
    struct PairResult {
        let pair: ComparedSide.Pair
        let count: Int
        let accuracyA: Double
        let accuracyB: Double
        let test: McNemar
    }

    /// The test images both runs of `pair` were evaluated on (their `testLimit` prefix of `testSet`), after
    /// checking that they are the same for both and, unless `--allow-other-data`, the ones each run recorded.
    private func requireSameTestImages(_ pair: ComparedSide.Pair, testSet: Dataset) throws(RuntimeError) -> Dataset {
        let runs = [pair.a, pair.b]
        let found = runs.map { DataFingerprint.testPart(of: testSet, config: $0.checkpoint.config) }
        // What each run was evaluated on: its recorded fingerprint, or (a checkpoint without one) these images.
        let used = zip(runs, found).map { run, part in run.checkpoint.data?.test ?? part }
        if used[0] != used[1] || found[0] != found[1] {
            let (first, second) = used[0] != used[1] ? (used[0], used[1]) : (found[0], found[1])
            throw .output(
                "\(pair.b.bestPath): evaluated on other test images than \(pair.a.bestPath) (test \(second), not test "
                    + "\(first)): McNemar's test pairs the same images")
        }
        if !allowOtherData {
            for (run, part) in zip(runs, found) {
                do {
                    try DataFingerprint.requireTestMatch(
                        recorded: run.checkpoint.data, actual: part, path: run.bestPath)
                } catch {
                    throw .checkpoint(.checkpoint(error))
                }
            }
        }
        return testSet.prefix(pair.a.checkpoint.config.testLimit)
    }

    /// The spike readout of `run`'s best.ckpt on `test`.
    private func evaluate(_ run: ComparedSide.Run, on test: Dataset) throws(RuntimeError) -> Evaluation {
        if LayeredModel.isLayered(path: run.bestPath) {
            // A layered run (issue #15): its best.ckpt by its layers.
            let model = try readLayeredModel(run.bestPath)
            let fitted = try fit(test, to: model.network, modelPath: run.bestPath)
            return LayeredEvaluator.evaluate(
                network: model.network, config: model.config, dataset: fitted, threads: threads)
        }
        let model = try readModel(run.bestPath)
        let fitted = try fit(test, to: model.network, modelPath: run.bestPath)
        return Model.evaluate(network: model.network, config: model.config, dataset: fitted, threads: threads)
    }

    /// The table, the pooled line, the paired t-test and how the epochs were selected.
    static func report(_ rows: [PairResult], a: ComparedSide, b: ComparedSide, unmatched: [String]) -> String {
        var lines = [
            "A: \(a.description)",
            "B: \(b.description)",
            "spike readout of each run's best.ckpt on \(rows.first?.count ?? 0) test images; b: A right and B wrong, "
                + "c: A wrong and B right",
            "",
            "| pair | A | B | A test (spike) | B test (spike) | b | c | exact p | χ² (corrected) | p (χ²) |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for row in rows {
            lines.append(
                "| \(row.pair.label) | \(row.pair.a.summary) | \(row.pair.b.summary) | "
                    + "\(SweepResult.percent(row.accuracyA)) | \(SweepResult.percent(row.accuracyB)) | \(row.test.b) | "
                    + "\(row.test.c) | \(probability(row.test.exactPValue)) | "
                    + "\(row.test.chiSquare.map { MetricsTable.fixed($0, 3) } ?? "–") | "
                    + "\(row.test.chiSquarePValue.map(probability) ?? "–") |")
        }
        lines.append("")
        // Pairs of several sizes are pooled size by size: a difference between configurations may depend on H.
        var groups: [(label: String, rows: [PairResult])] = []
        for row in rows {
            let label = "h\(row.pair.a.size)" + (row.pair.a.size == row.pair.b.size ? "" : " vs h\(row.pair.b.size)")
            if let index = groups.firstIndex(where: { $0.label == label }) {
                groups[index].rows.append(row)
            } else {
                groups.append((label, [row]))
            }
        }
        for group in groups {
            lines += pooledLines(group.rows, label: groups.count > 1 ? group.label + ": " : "")
        }
        lines.append(
            "epochs: A \(a.rules), B \(b.rules) (each run's best.ckpt)")
        for note in unmatched { lines.append("not matched: \(note)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The pooled McNemar counts and the paired t-test of `rows`, or why there are none (one pair).
    static func pooledLines(_ rows: [PairResult], label: String) -> [String] {
        guard rows.count >= 2 else {
            return ["\(label)one pair: no pooled line and no paired t-test (they need two or more pairs)"]
        }
        let pooled = McNemar.pooled(rows.map(\.test))
        var lines = [
            "\(label)pooled over \(rows.count) pairs: b = \(pooled.b), c = \(pooled.c), exact p = "
                + "\(probability(pooled.exactPValue)), χ² = \(pooled.chiSquare.map { MetricsTable.fixed($0, 3) } ?? "–"), "
                + "p = \(pooled.chiSquarePValue.map(probability) ?? "–") (the pairs share their test images: "
                + "descriptive, not a test over seeds)"
        ]
        let paired = PairedTTest(a: rows.map(\.accuracyA), b: rows.map(\.accuracyB))
        let mean = signedPoints(paired.differences.mean)
        if let t = paired.t, let p = paired.pValue, let interval = paired.differences.interval,
            let deviation = paired.differences.standardDeviation
        {
            lines.append(
                "\(label)paired t-test over the \(rows.count) accuracy differences A − B: mean \(mean) points, sd "
                    + "\(MetricsTable.fixed(100 * deviation, 2)), 95% interval [\(signedPoints(interval.lowerBound)), "
                    + "\(signedPoints(interval.upperBound))], t = \(MetricsTable.fixed(t, 3)), "
                    + "\(paired.degreesOfFreedom) degrees of freedom, p = \(probability(p))")
        } else {
            lines.append(
                "\(label)paired t-test over the \(rows.count) accuracy differences A − B: all \(mean) points, no test")
        }
        return lines
    }

    /// A p-value: 4 decimals, or 2 significant digits in scientific notation below 0.0001.
    static func probability(_ p: Double) -> String {
        if p >= 0.0001 { return MetricsTable.fixed(p, 4) }
        if p == 0 { return "< 1e-300" }
        return String(format: "%.1e", p)
    }

    /// A difference of fractions in percentage points with its sign: `+0.25`, `-1.10`.
    static func signedPoints(_ fraction: Double) -> String {
        (fraction >= 0 ? "+" : "") + MetricsTable.fixed(100 * fraction, 2)
    }
}
