import Model

/// One run's outcome in a sweep, and the sweep's per-run table and figures.
struct SweepResult {
    let size: Int
    let seed: UInt64
    let records: [EpochRecord]

    /// The selected epoch (`EpochSelection`: by validation when the runs have a split, otherwise the best test
    /// spike accuracy, the first on a tie, as the paper reports per size); its test accuracy is what is reported.
    var best: EpochRecord { EpochSelection.best(of: records)!.record }
    /// How `best` was chosen.
    var selection: EpochSelection.Rule { EpochSelection.best(of: records)!.rule }
    var final: EpochRecord { records.last! }
    var seconds: Double { records.map(\.seconds).reduce(0, +) }
    var samplesPerSecond: Double { records.map(\.samplesPerSecond).reduce(0, +) / Double(records.count) }
    var bestRelaxed: Double { records.map(\.testRelaxedAccuracy).max()! }

    /// `best_*` are the test accuracies of the selected epoch, except `best_test_accuracy_relaxed`, the maximum
    /// over epochs on test; `selected_by` says on what the epoch was selected (`validation`, or `test`: a
    /// test-selected maximum); `selected_epoch_test_accuracy_relaxed` is the relaxed readout at the selected epoch.
    /// `final_averaged_test_accuracy_spike` is the averaged weights' test accuracy at the final epoch (empty without
    /// `averageFrom`). The last three columns came later than the others, so that older readers of the first nine
    /// still work.
    static func csvHeader(axis: SweepAxis = .hidden) -> String {
        axis.column
            + ",best_test_accuracy_spike,best_epoch,final_test_accuracy_spike,best_test_accuracy_relaxed,epochs,seconds,"
            + "samples_per_second,selected_by,seed,selected_epoch_test_accuracy_relaxed,final_averaged_test_accuracy_spike"
    }

    /// An accuracy as results.csv writes it (6 decimals). `SweepSummary` summarizes these values, not the
    /// unrounded ones, so that its means and deviations can be recomputed from the file bit for bit.
    static func csvText(_ fraction: Double) -> String { MetricsTable.fixed(fraction, 6) }

    /// `fraction` rounded as results.csv writes it.
    static func asWritten(_ fraction: Double) -> Double { Double(csvText(fraction))! }

    static func csv(_ rows: [SweepResult], axis: SweepAxis = .hidden) -> String {
        var text = csvHeader(axis: axis) + "\n"
        for row in rows {
            text += "\(row.size),\(csvText(row.best.testSpikeAccuracy)),\(row.best.epoch),"
            text += "\(csvText(row.final.testSpikeAccuracy)),\(csvText(row.bestRelaxed)),"
            text +=
                "\(row.records.count),\(MetricsTable.fixed(row.seconds, 1)),\(MetricsTable.fixed(row.samplesPerSecond, 1)),"
            text += (row.selection == .validation ? "validation" : "test")
            text += ",\(row.seed),\(csvText(row.best.testRelaxedAccuracy)),"
            text += (row.final.averagedTest.map { csvText($0.spike) } ?? "") + "\n"
        }
        return text
    }

    /// One row per run (with its seed in a sweep over seeds) and the line that says how epochs were selected.
    static func markdown(_ rows: [SweepResult], overSeeds: Bool, axis: SweepAxis = .hidden) -> String {
        let seedHeader = overSeeds ? " seed |" : ""
        var lines = [
            "| \(axis.heading) |\(seedHeader) test (spike) at the selected epoch | selected epoch | test (relaxed) at that epoch | final test (spike) | max test (relaxed), test-selected | epochs | s/epoch | samples/s |",
            "|---|" + (overSeeds ? "---|" : "") + "---|---|---|---|---|---|---|---|",
        ]
        for row in rows {
            lines.append(
                "| \(row.size) |\(overSeeds ? " \(row.seed) |" : "") \(percent(row.best.testSpikeAccuracy)) | \(row.best.epoch) | "
                    + "\(percent(row.best.testRelaxedAccuracy)) | \(percent(row.final.testSpikeAccuracy)) | "
                    + "\(percent(row.bestRelaxed)) | \(row.records.count) | "
                    + "\(MetricsTable.fixed(row.seconds / Double(row.records.count), 1)) | \(MetricsTable.fixed(row.samplesPerSecond, 0)) |"
            )
        }
        lines.append("")
        lines.append(selectionSentence(Set(rows.map(\.selection))))
        return lines.joined(separator: "\n") + "\n"
    }

    /// How the epochs of runs chosen by `rules` were selected.
    static func selectionSentence(_ rules: Set<EpochSelection.Rule>) -> String {
        rules == [.validation]
            ? "Epochs validation-selected: chosen on the validation split; the test accuracy at that epoch is reported."
            : "Epochs test-selected: chosen on the test set (no validation split), optimistically biased maxima."
    }

    static func percent(_ fraction: Double) -> String { MetricsTable.fixed(100 * fraction, 2) + "%" }

    /// Test accuracy against hidden size (log axis), the paper's first figure (or against a layer's size): at the
    /// selected epoch by both readouts and at the final epoch, the mean over a size's seeds with ± 1 sample sd as
    /// error bars when it has two or more.
    static func accuracyVersusSize(_ summaries: [SweepSummary], axis: SweepAxis = .hidden) -> String {
        let withSpread = summaries.contains { $0.count >= 2 }
        let counts = Set(summaries.map(\.count)).sorted()
        let seeds = counts.count == 1 ? "\(counts[0])" : "\(counts.first!)–\(counts.last!)"
        let rule = Set(summaries.map(\.rule)) == [.validation] ? "validation-selected" : "test-selected"
        let caption =
            withSpread
            ? "mean over \(seeds) seeds per size, error bars ± 1 sample sd; epochs \(rule)"
            : "one run per size; epochs \(rule)"
        // A quantity is drawn at the sizes whose runs have it (the averaged weights only with averageFrom).
        func series(_ label: String, _ quantity: Int) -> LineChart.Series? {
            let present = summaries.compactMap { summary in summary.quantities[quantity].map { (summary.size, $0) } }
            guard !present.isEmpty else { return nil }
            return LineChart.Series(
                label: label, points: present.map { (Double($0.0), 100 * $0.1.mean) },
                errors: withSpread ? present.map { 100 * ($0.1.standardDeviation ?? 0) } : nil)
        }
        let quantities = SweepSummary.Quantity.all
        return LineChart(
            title: axis == .hidden
                ? "Test accuracy against hidden-layer size" : "Test accuracy against \(axis.heading)",
            xTitle: axis == .hidden ? "hidden LIF neurons" : axis.heading, yTitle: "test accuracy (%)",
            series: quantities.indices.compactMap { series(quantities[$0].legend, $0) },
            caption: caption, logarithmicX: true, xTicks: summaries.map { Double($0.size) }
        ).render()
    }

    /// Test accuracy against epoch, one line per run, the paper's second figure; over seeds one line per size, the
    /// mean over its seeds of every epoch they all reached.
    static func accuracyVersusEpoch(_ rows: [SweepResult], overSeeds: Bool, axis: SweepAxis = .hidden) -> String {
        guard overSeeds else {
            return LineChart(
                title: "Test accuracy (spike readout) per epoch", xTitle: "epoch", yTitle: "test accuracy (%)",
                series: rows.map { row in
                    .init(
                        label: axis.seriesLabel(row.size),
                        points: row.records.map { (Double($0.epoch), 100 * $0.testSpikeAccuracy) })
                }
            ).render()
        }
        let series = SweepSummary.of(rows).map { summary -> LineChart.Series in
            let epochs = summary.runs.map(\.records.count).min() ?? 0
            let points = (0..<epochs).map { index -> (x: Double, y: Double) in
                let values = summary.runs.map { $0.records[index].testSpikeAccuracy }
                return (Double(summary.runs[0].records[index].epoch), 100 * SeedSummary(values).mean)
            }
            return .init(label: "\(axis.seriesLabel(summary.size)), \(summary.count) seeds", points: points)
        }
        return LineChart(
            title: "Test accuracy (spike readout) per epoch, mean over seeds", xTitle: "epoch",
            yTitle: "test accuracy (%)", series: series
        ).render()
    }
}
