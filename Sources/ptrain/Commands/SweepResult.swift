import Model

/// One size's outcome in a sweep, and the sweep's tables and figures.
struct SweepResult {
    let size: Int
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

    /// `best_*` are the test accuracies of the selected epoch; `selected_by` says on what it was selected
    /// (`validation`, or `test`: a test-selected maximum). `best_test_accuracy_relaxed` is always the maximum
    /// over epochs on test.
    static let csvHeader =
        "hidden,best_test_accuracy_spike,best_epoch,final_test_accuracy_spike,best_test_accuracy_relaxed,epochs,seconds,samples_per_second,selected_by"

    static func csv(_ rows: [SweepResult]) -> String {
        var text = csvHeader + "\n"
        for row in rows {
            text += "\(row.size),\(MetricsTable.fixed(row.best.testSpikeAccuracy, 6)),\(row.best.epoch),"
            text += "\(MetricsTable.fixed(row.final.testSpikeAccuracy, 6)),\(MetricsTable.fixed(row.bestRelaxed, 6)),"
            text +=
                "\(row.records.count),\(MetricsTable.fixed(row.seconds, 1)),\(MetricsTable.fixed(row.samplesPerSecond, 1)),"
            text += (row.selection == .validation ? "validation" : "test") + "\n"
        }
        return text
    }

    static func markdown(_ rows: [SweepResult]) -> String {
        var lines = [
            "| hidden | test (spike) at the selected epoch | selected epoch | final test (spike) | max test (relaxed), test-selected | epochs | s/epoch | samples/s |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in rows {
            lines.append(
                "| \(row.size) | \(percent(row.best.testSpikeAccuracy)) | \(row.best.epoch) | "
                    + "\(percent(row.final.testSpikeAccuracy)) | \(percent(row.bestRelaxed)) | \(row.records.count) | "
                    + "\(MetricsTable.fixed(row.seconds / Double(row.records.count), 1)) | \(MetricsTable.fixed(row.samplesPerSecond, 0)) |"
            )
        }
        let rules = Set(rows.map(\.selection))
        lines.append("")
        lines.append(
            rules == [.validation]
                ? "Epochs selected on the validation split; the test accuracy at that epoch is reported."
                : "Epochs selected on the test set (no validation split): test-selected maxima, optimistically biased.")
        return lines.joined(separator: "\n") + "\n"
    }

    static func percent(_ fraction: Double) -> String { MetricsTable.fixed(100 * fraction, 2) + "%" }

    /// Best and final test accuracy against hidden size (log axis), the paper's first figure.
    static func accuracyVersusHidden(_ rows: [SweepResult]) -> String {
        LineChart(
            title: "Test accuracy against hidden-layer size", xTitle: "hidden LIF neurons", yTitle: "test accuracy (%)",
            series: [
                .init(label: "best, spikes", points: rows.map { (Double($0.size), 100 * $0.best.testSpikeAccuracy) }),
                .init(label: "final, spikes", points: rows.map { (Double($0.size), 100 * $0.final.testSpikeAccuracy) }),
                .init(label: "best, relaxed", points: rows.map { (Double($0.size), 100 * $0.bestRelaxed) }),
            ],
            logarithmicX: true, xTicks: rows.map { Double($0.size) }
        ).render()
    }

    /// Test accuracy against epoch, one line per size, the paper's second figure.
    static func accuracyVersusEpoch(_ rows: [SweepResult]) -> String {
        LineChart(
            title: "Test accuracy (spike readout) per epoch", xTitle: "epoch", yTitle: "test accuracy (%)",
            series: rows.map { row in
                .init(
                    label: "H = \(row.size)", points: row.records.map { (Double($0.epoch), 100 * $0.testSpikeAccuracy) }
                )
            }
        ).render()
    }
}
