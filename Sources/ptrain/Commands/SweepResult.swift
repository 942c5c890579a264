import Model

/// One size's outcome in a sweep, and the sweep's tables and figures.
struct SweepResult {
    let size: Int
    let records: [EpochRecord]

    /// The epoch with the best test spike accuracy (the first on a tie), as the paper reports per size.
    var best: EpochRecord {
        records.max {
            $0.testSpikeAccuracy < $1.testSpikeAccuracy
                || ($0.testSpikeAccuracy == $1.testSpikeAccuracy && $0.epoch > $1.epoch)
        }!
    }
    var final: EpochRecord { records.last! }
    var seconds: Double { records.map(\.seconds).reduce(0, +) }
    var samplesPerSecond: Double { records.map(\.samplesPerSecond).reduce(0, +) / Double(records.count) }
    var bestRelaxed: Double { records.map(\.testRelaxedAccuracy).max()! }

    static let csvHeader =
        "hidden,best_test_accuracy_spike,best_epoch,final_test_accuracy_spike,best_test_accuracy_relaxed,epochs,seconds,samples_per_second"

    static func csv(_ rows: [SweepResult]) -> String {
        var text = csvHeader + "\n"
        for row in rows {
            text += "\(row.size),\(MetricsTable.fixed(row.best.testSpikeAccuracy, 6)),\(row.best.epoch),"
            text += "\(MetricsTable.fixed(row.final.testSpikeAccuracy, 6)),\(MetricsTable.fixed(row.bestRelaxed, 6)),"
            text +=
                "\(row.records.count),\(MetricsTable.fixed(row.seconds, 1)),\(MetricsTable.fixed(row.samplesPerSecond, 1))\n"
        }
        return text
    }

    static func markdown(_ rows: [SweepResult]) -> String {
        var lines = [
            "| hidden | best test (spike) | at epoch | final test (spike) | best test (relaxed) | epochs | s/epoch | samples/s |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in rows {
            lines.append(
                "| \(row.size) | \(percent(row.best.testSpikeAccuracy)) | \(row.best.epoch) | "
                    + "\(percent(row.final.testSpikeAccuracy)) | \(percent(row.bestRelaxed)) | \(row.records.count) | "
                    + "\(MetricsTable.fixed(row.seconds / Double(row.records.count), 1)) | \(MetricsTable.fixed(row.samplesPerSecond, 0)) |"
            )
        }
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
