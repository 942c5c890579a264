import Model

/// One size of a sweep over seeds: each quantity of `Quantity.all` summarized over the size's runs (`SeedSummary`:
/// n, mean, sample sd, 95% interval of the mean), for summary.csv, results.md and the error bars of
/// accuracy-vs-hidden.svg.
///
/// The values summarized are those results.csv holds (`SweepResult.asWritten`), in its row order, so that the
/// summary can be recomputed from the file exactly.
struct SweepSummary {
    /// A per-run number the summary is taken of. Another column is one more entry in `all`.
    struct Quantity: Sendable {
        /// The column prefix in summary.csv (`selected_test_spike` → `selected_test_spike_mean`, …).
        let name: String
        /// The column heading in results.md.
        let title: String
        /// The series label in accuracy-vs-hidden.svg.
        let legend: String
        /// Nil for a run that does not have the quantity (the averaged weights of a run without `averageFrom`).
        let value: @Sendable (SweepResult) -> Double?

        static let all: [Quantity] = [
            Quantity(
                name: "selected_test_spike", title: "test (spike) at the selected epoch", legend: "selected, spikes",
                value: { $0.best.testSpikeAccuracy }),
            Quantity(
                name: "selected_test_relaxed", title: "test (relaxed) at the selected epoch",
                legend: "selected, relaxed", value: { $0.best.testRelaxedAccuracy }),
            Quantity(
                name: "final_test_spike", title: "final epoch's test (spike)", legend: "final, spikes",
                value: { $0.final.testSpikeAccuracy }),
            Quantity(
                name: "final_averaged_test_spike", title: "averaged weights at the final epoch, test (spike)",
                legend: "averaged weights, spikes", value: { $0.final.averagedTest?.spike }),
        ]
    }

    let size: Int
    /// The size's runs, in results.csv's order.
    let runs: [SweepResult]
    /// How the runs' epochs were selected (one configuration, so one rule).
    let rule: EpochSelection.Rule
    /// One summary per entry of `Quantity.all`; nil for a quantity no run of the size has (the averaged weights
    /// without `averageFrom`). A quantity only some runs have is summarized over those.
    let quantities: [SeedSummary?]

    var count: Int { runs.count }

    /// The summaries of `rows`, one per size in the order sizes first appear.
    static func of(_ rows: [SweepResult]) -> [SweepSummary] {
        var sizes: [Int] = []
        for row in rows where !sizes.contains(row.size) { sizes.append(row.size) }
        return sizes.map { size in
            let runs = rows.filter { $0.size == size }
            return SweepSummary(
                size: size, runs: runs, rule: runs.contains { $0.selection == .test } ? .test : .validation,
                quantities: Quantity.all.map { quantity in
                    let values = runs.compactMap { quantity.value($0).map(SweepResult.asWritten) }
                    return values.isEmpty ? nil : SeedSummary(values)
                })
        }
    }

    /// `hidden,n,selected_by`, then `<quantity>_mean,_sd,_ci95_low,_ci95_high` per quantity: fractions with 6
    /// decimals; sd and interval empty for one seed.
    static func csvHeader(axis: SweepAxis = .hidden) -> String {
        ([axis.column, "n", "selected_by"]
            + Quantity.all.flatMap {
                ["\($0.name)_mean", "\($0.name)_sd", "\($0.name)_ci95_low", "\($0.name)_ci95_high"]
            })
            .joined(separator: ",")
    }

    static func csv(_ summaries: [SweepSummary], axis: SweepAxis = .hidden) -> String {
        var text = csvHeader(axis: axis) + "\n"
        for summary in summaries {
            var fields = [
                String(summary.size), String(summary.count), summary.rule == .validation ? "validation" : "test",
            ]
            for quantity in summary.quantities {
                fields.append(quantity.map { SweepResult.csvText($0.mean) } ?? "")
                fields.append(quantity?.standardDeviation.map(SweepResult.csvText) ?? "")
                fields.append(quantity?.interval.map { SweepResult.csvText($0.lowerBound) } ?? "")
                fields.append(quantity?.interval.map { SweepResult.csvText($0.upperBound) } ?? "")
            }
            text += fields.joined(separator: ",") + "\n"
        }
        return text
    }

    /// The per-size table: `mean% ± sd [low%, high%]`, sd in percentage points; one seed: the value alone.
    static func markdown(_ summaries: [SweepSummary], axis: SweepAxis = .hidden) -> String {
        let rule = Set(summaries.map(\.rule)) == [.validation] ? "validation-selected" : "test-selected"
        var lines = [
            "Per size over seeds, epochs \(rule): mean ± sample sd (n − 1) in points, and [the 95% confidence "
                + "interval of the mean] (Student t, n − 1 degrees of freedom).",
            "",
            "| \(axis.heading) | seeds | " + Quantity.all.map(\.title).joined(separator: " | ") + " |",
            "|---|---|" + String(repeating: "---|", count: Quantity.all.count),
        ]
        for summary in summaries {
            let cells = summary.quantities.map { quantity -> String in
                guard let quantity else { return "—" }
                guard let deviation = quantity.standardDeviation, let interval = quantity.interval else {
                    return SweepResult.percent(quantity.mean) + " (n = 1: no sd, no interval)"
                }
                return "\(SweepResult.percent(quantity.mean)) ± \(MetricsTable.fixed(100 * deviation, 2)) "
                    + "[\(SweepResult.percent(interval.lowerBound)), \(SweepResult.percent(interval.upperBound))]"
            }
            lines.append("| \(summary.size) | \(summary.count) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
