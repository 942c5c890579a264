/// `metrics.csv`: one line per epoch.
///
/// The six columns of `header` always come first, in that order; after them, only in runs that record them,
/// the optional column groups of `optionalGroups`, each whole and in that order: today `validation_accuracy_spike,
/// validation_accuracy_relaxed` (a `validation` split), then `averaged_validation_accuracy_spike,
/// averaged_validation_accuracy_relaxed` and `averaged_test_accuracy_spike, averaged_test_accuracy_relaxed`
/// (weight averaging, `averageFrom`). A run without either writes exactly the old six-column file.
/// An epoch without a value of a group leaves those fields empty.
public enum MetricsTable {
    public static let header =
        "epoch,train_accuracy,test_accuracy_spike,test_accuracy_relaxed,seconds,samples_per_second"

    /// An optional pair of accuracy columns and the record field it holds.
    public struct ColumnGroup: Sendable {
        public let columns: [String]
        let value: @Sendable (EpochRecord) -> ReadoutAccuracy?
        let assign: @Sendable (inout EpochRecord, ReadoutAccuracy) -> Void
    }

    public static let optionalGroups: [ColumnGroup] = [
        ColumnGroup(
            columns: ["validation_accuracy_spike", "validation_accuracy_relaxed"], value: { $0.validation },
            assign: { $0.validation = $1 }),
        ColumnGroup(
            columns: ["averaged_validation_accuracy_spike", "averaged_validation_accuracy_relaxed"],
            value: { $0.averagedValidation }, assign: { $0.averagedValidation = $1 }),
        ColumnGroup(
            columns: ["averaged_test_accuracy_spike", "averaged_test_accuracy_relaxed"], value: { $0.averagedTest },
            assign: { $0.averagedTest = $1 }),
    ]

    /// The groups `records` use: those with a value in some record.
    static func groups(for records: [EpochRecord]) -> [ColumnGroup] {
        optionalGroups.filter { group in records.contains { group.value($0) != nil } }
    }

    /// The header line for `records`.
    public static func header(for records: [EpochRecord]) -> String {
        ([header] + groups(for: records).flatMap(\.columns)).joined(separator: ",")
    }

    /// The whole file for `records`.
    public static func csv(_ records: [EpochRecord]) -> String {
        let groups = groups(for: records)
        var text = header(for: records) + "\n"
        for r in records {
            text +=
                "\(r.epoch),\(fixed(r.trainAccuracy, 6)),\(fixed(r.testSpikeAccuracy, 6)),\(fixed(r.testRelaxedAccuracy, 6)),"
            text += "\(fixed(r.seconds, 3)),\(fixed(r.samplesPerSecond, 1))"
            for group in groups {
                let value = group.value(r)
                text +=
                    "," + (value.map { fixed($0.spike, 6) } ?? "") + "," + (value.map { fixed($0.relaxed, 6) } ?? "")
            }
            text += "\n"
        }
        return text
    }

    /// `value` with `digits` decimals, without Foundation's locale-dependent formatting.
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return value.description }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let negative = value < 0
        let scaled = (abs(value) * scale).rounded()
        let integer = Int(scaled / scale)
        let fraction = Int(scaled - Double(integer) * scale)
        var fractionText = String(fraction)
        fractionText = String(repeating: "0", count: max(0, digits - fractionText.count)) + fractionText
        return (negative ? "-" : "") + String(integer) + (digits > 0 ? "." + fractionText : "")
    }
}
